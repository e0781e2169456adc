"""Every card family rendered by the Agents Playground's own Adaptive Card renderer, at a phone's
360 px and at laptop width (1,280 px): no text overflows its box and no word wraps mid-word.
Screenshots of each family at both widths go to artifacts/screenshots/cards/ (README)."""

from __future__ import annotations

from playwright.sync_api import Locator, Page

from bot.ui import texts
from tests.playground.browser import SCREENSHOTS, PlaygroundPage
from tests.playground.conftest import playground
from tests.playground.layout import PHONE_CARD_PX, layout_problems, set_card_width

JOB = "JO-2026-0001"
FIRST = "K-F82F3D"

# Family → the command that shows it in the channel and a text only that card has.
CHANNEL_FAMILIES: list[tuple[str, str, str]] = [
    ("hjaelp", "hjælp", texts.HELP_TITLE),
    ("shortlist", f"match {JOB}", f"Jobordre {JOB}"),
    ("jobordrer", "jobordrer", texts.CARD_JOB_LIST_TITLE),
    ("jobordre-formular", "jobordre", texts.CARD_FORM_TITLE),
    ("overblik", f"overblik {JOB}", texts.CARD_FUNNEL_TITLE.format(job_order_id=JOB)),
    ("rapport", "rapport", texts.CARD_REPORT_TITLE),
    ("uge", "uge", texts.CARD_WEEK_TITLE),
    ("mine", "mine", texts.CARD_MINE_TITLE),
]

# Families that still break words (issue 14 item 3, being reworked on the cards' side): measured and
# listed in artifacts/screenshots/cards/problems.txt, but not yet required to pass. Any other family
# that breaks fails the test; remove a family here once its card fits.
KNOWN_BROKEN: set[str] = set()  # every family fits at 360 px since the help card became a list


def _measure(pg: PlaygroundPage, family: str, card: Locator) -> list[str]:
    found: list[str] = []
    for label, px in (("1280", None), ("360", PHONE_CARD_PX)):
        set_card_width(card, px)
        card.scroll_into_view_if_needed()
        folder = SCREENSHOTS / "cards"
        folder.mkdir(parents=True, exist_ok=True)
        card.screenshot(path=str(folder / f"{family}-{label}.png"))
        found += [f"{family} @ {label} px: {p}" for p in layout_problems(card)]
    set_card_width(card, None)
    return found


def test_every_card_family_fits_a_phone_and_a_laptop_without_breaking_words(page: Page) -> None:
    pg = playground(page, "cards")
    pg.open_channel()
    problems: list[str] = []
    for family, command, marker in CHANNEL_FAMILIES:
        pg.post_to_bot(command)
        # Newest post first; the card whose own line is exactly the marker (help mentions the others).
        cards = page.locator(".ac-adaptiveCard").filter(has=page.get_by_text(marker, exact=True))
        card = pg.wait_for(cards, f"the {family} card ({marker!r}) after {command!r}")
        problems += _measure(pg, family, card)
        if family == "shortlist":  # a decision and a hand-over, so that "mine" and the chat have cards
            pg.press(card, texts.CARD_APPROVE)
            pg.card(f"Jobordre {JOB}").get_by_text(texts.CARD_SEND_APPROVED).wait_for()
            pg.press(pg.card(f"Jobordre {JOB}"), texts.CARD_SEND_APPROVED)
            pg.card(f"Jobordre {JOB}").get_by_text(texts.CARD_HANDED_OVER).wait_for()
            problems += _measure(pg, "shortlist-besluttet", pg.card(f"Jobordre {JOB}"))
    pg.assert_no_error()
    pg.open_personal_chat()
    handover = pg.card(texts.CARD_HANDOVER_TITLE.format(candidate_id=FIRST))
    problems += _measure(pg, "overdragelse", handover)
    (SCREENSHOTS / "cards" / "problems.txt").write_text("\n".join(problems) + "\n", encoding="utf-8")
    broken = {p.split(" @ ")[0] for p in problems}
    assert broken <= KNOWN_BROKEN, "\n".join(p for p in problems if p.split(" @ ")[0] not in KNOWN_BROKEN)
