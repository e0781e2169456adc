"""The match unit's flow in the Microsoft 365 Agents Playground, in a real browser: what a lead and a
consultant see on the page after each step, a screenshot per step in artifacts/screenshots/flow/."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from bot.domain.states import STATE_LABELS
from bot.ui import texts
from tests.playground.conftest import playground

JOB = "JO-2026-0001"
ME = "gv98@kk.dk"  # the Playground's user: a lead and the consultant of the top candidate (K-F82F3D)
FIRST = "K-F82F3D"
INTERVIEW, START = "2026-12-09", "2027-01-04"


def test_channel_shortlist_and_handover_through_hired(page: Page) -> None:
    pg = playground(page, "flow")
    pg.open_channel()

    pg.post_to_bot("hjælp")
    help_card = pg.card(texts.HELP_TITLE)
    expect(help_card).to_contain_text("match")
    pg.assert_no_error()
    pg.shot("hjaelp")

    pg.post_to_bot(f"match {JOB}")
    card = pg.card(f"Jobordre {JOB}")
    expect(card).to_contain_text(f"1. {FIRST}")
    pg.assert_no_error()
    pg.shot("shortlist")

    pg.press(card, texts.CARD_APPROVE)  # the first Godkend is candidate 1's
    card = pg.card(f"Jobordre {JOB}")
    expect(card).to_contain_text(f"Godkendt af {ME}")
    pg.assert_no_error()
    pg.shot("godkendt")

    pg.press(card, texts.CARD_REJECT)  # the first Afvis left is candidate 2's: a reason is required
    reason = next(iter(texts.CARD_REJECT_REASONS.values()))
    card.get_by_placeholder(texts.CARD_REJECT_REASON_PLACEHOLDER).filter(visible=True).first.click()
    page.get_by_role("option", name=reason, exact=True).click()  # the list opens outside the card
    card.get_by_role("button", name=texts.CARD_REJECT_CONFIRM, exact=True).filter(visible=True).first.click()
    expect(card).to_contain_text(f"Afvist af {ME}")
    expect(card).to_contain_text(reason)
    pg.card(f"Jobordre {JOB}")  # still one card: updated in place
    pg.assert_no_error()
    pg.shot("afvist")

    pg.press(card, texts.CARD_SHOW_MORE)
    expect(card).to_contain_text("6. K-")
    pg.card(f"Jobordre {JOB}")
    pg.shot("vis-flere")

    pg.press(card, texts.CARD_SEND_APPROVED)
    expect(card).to_contain_text(texts.CARD_HANDED_OVER)
    expect(card.get_by_role("button", name=texts.CARD_SEND_APPROVED, exact=True)).to_have_count(0)
    pg.card(f"Jobordre {JOB}")
    pg.assert_no_error()
    pg.shot("sendt")

    # The consultant's chat: the hand-over card and its status buttons, through Ansat.
    pg.open_personal_chat()
    handover = pg.card(texts.CARD_HANDOVER_TITLE.format(candidate_id=FIRST))
    pg.shot("overdraget")
    steps = [("kontaktet", None), ("ansoegt", None), ("samtale", INTERVIEW), ("ansat", START)]
    for state, day in steps:
        label = texts.STATUS_BUTTON_LABELS[state]
        if day is not None:
            picker = handover.locator("input[aria-haspopup=dialog]").first  # the client's date picker
            picker.fill(day)
            picker.press("Tab")  # commits the typed date and closes the calendar
        pg.press(handover, label)
        if state == "ansat":  # irreversible: the card asks first, the step is taken on "Bekræft"
            pg.shot("status-ansat-bekraeft")
            pg.press(handover, texts.CONFIRM_BUTTON.format(label=label))
        status_now = texts.CARD_STATUS_NOW.split("{")[0].replace("*", "")  # "Status nu: " as rendered
        expect(handover).to_contain_text(status_now + STATE_LABELS[state])
        handover = pg.card(texts.CARD_HANDOVER_TITLE.format(candidate_id=FIRST))
        pg.assert_no_error()
        pg.shot(f"status-{state}")
    expect(handover.get_by_role("button", name=texts.STATUS_BUTTON_LABELS["kontaktet"])).to_have_count(0)
