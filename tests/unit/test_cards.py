"""Every card the bot can send validates against the Adaptive Card 1.5 schema, and says the right
things: job order facts, pseudonymous candidates with reasons, decisions, no names."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from bot import router as commands
from bot.domain.models import Funnel
from bot.domain.states import FollowUpState
from bot.ui import cards, texts
from matching.models import JobOrder
from tests.fake_connector import card_text, find_action

SCHEMA = json.loads((Path(__file__).parents[1] / "schemas" / "adaptive-card-1.5.json").read_text())
VALIDATOR = jsonschema.Draft6Validator(SCHEMA)


def assert_valid(card: dict[str, Any]) -> None:
    errors = sorted(VALIDATOR.iter_errors(card), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message[:200]}" for e in errors[:5]]
    assert card["version"] == "1.5"


def job(**extra: Any) -> JobOrder:
    data: dict[str, Any] = {
        "id": "JO-2026-0042",
        "title": "Rengøringsassistent",
        "company": "Skinne A/S",
        "employment_type": "loentilskud_privat",
        "hours_per_week": 25,
        "postcode": "2300",
        "deadline": date(2026, 12, 1),
        "required_certificates": ["truckcertifikat"],
        "referral_with_obligation": True,
        "employment_clause": True,
    }
    data.update(extra)
    return JobOrder(**data)


def row(rank: int, state: str = "foreslaaet", **extra: Any) -> cards.CandidateRow:
    base: dict[str, Any] = {
        "rank": rank,
        "candidate_id": f"K-{rank:04d}",
        "jobcenter": "Jobcenter Amager",
        "consultant": "kons@kk.dk",
        "score": 91.25 - rank,
        "reasons": ["Jobønske passer", "3 km væk", "Dansk"],
        "state": state,
        "version": 1,
    }
    base.update(extra)
    return cards.CandidateRow(**base)


def status(state: str = "godkendt", label: str = "Godkendt") -> cards.StatusView:
    return cards.StatusView(
        "JO-2026-0042", "K-0001", state, label, 3, datetime(2026, 11, 23, 9, tzinfo=UTC), date(2026, 12, 1)
    )


def test_the_validator_is_not_vacuous() -> None:
    bad = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlok", "text": "x"}]}
    assert list(VALIDATOR.iter_errors(bad))
    bad_action = cards.shortlist_card(cards.ShortlistView(job(), [row(1)]))
    bad_action["actions"] = [{"type": "Action.Execute", "title": "x", "verb": "y", "colour": "red"}]
    assert list(VALIDATOR.iter_errors(bad_action))


def test_shortlist_card_facts_candidates_and_buttons() -> None:
    rows = [
        row(1),
        row(
            2,
            "godkendt",
            decision_label="Godkendt",
            decided_by="lead@kk.dk",
            decided_at=datetime(2026, 11, 23, 9, 5, tzinfo=UTC),  # 10:05 in Copenhagen (CET)
        ),
        row(
            3,
            "afvist",
            decision_label="Afvist",
            decided_by="lead2@kk.dk",
            decided_at=datetime(2026, 11, 23, 9, 6, tzinfo=UTC),
            reason="For lang transport",
        ),
        *[row(i) for i in range(4, 12)],
    ]
    card = cards.shortlist_card(
        cards.ShortlistView(job(), rows, considered=1234, excluded={"certifikat": 40})
    )
    assert_valid(card)
    text = card_text(card)
    for fact in (
        "Skinne A/S",
        "Rengøringsassistent",
        "Løntilskud, privat arbejdsgiver",
        "25 timer",
        "2300 København S",
        "01.12.2026",
        "Truckcertifikat",
        "Henvisning med mødepligt",
        "Beskæftigelsesklausul",
    ):
        assert fact in text, fact
    assert "**1. K-0001** · Jobcenter Amager · jobkonsulent kons@kk.dk · score 90,2" in text
    assert "• Jobønske passer" in text
    assert "Godkendt af lead@kk.dk 23.11.2026 kl. 10:05" in text
    assert "Afvist af lead2@kk.dk 23.11.2026 kl. 10:06 (For lang transport)" in text
    assert "K-0006" not in text  # only the first five are shown until "Vis flere"
    assert find_action(card, cards.VERB_APPROVE, cand="K-0001")["v"] == 1
    with pytest.raises(AssertionError):
        find_action(card, cards.VERB_APPROVE, cand="K-0002")  # decided: no buttons any more
    reject = find_action(card, cards.VERB_REJECT, cand="K-0004")
    assert reject["job"] == "JO-2026-0042"
    assert find_action(card, cards.VERB_SHOW_MORE)["shown"] == 5
    assert find_action(card, cards.VERB_SEND_APPROVED)["job"] == "JO-2026-0042"
    more = cards.shortlist_card(cards.ShortlistView(job(), rows, shown=10))
    assert "K-0010" in card_text(more)


def test_every_action_has_a_submit_fallback_with_the_same_data() -> None:
    card = cards.shortlist_card(cards.ShortlistView(job(), [row(1)]))
    stack: list[Any] = [card]
    seen = 0
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == "Action.Execute":
                seen += 1
                assert node["fallback"]["type"] == "Action.Submit"
                assert node["fallback"]["data"] == node["data"] and node["data"]["verb"] == node["verb"]
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    assert seen >= 2


def test_unreachable_and_handed_over_are_shown() -> None:
    rows = [
        row(1, "godkendt", decision_label="Godkendt", decided_by="l@kk.dk", unreachable=True),
        row(2, "godkendt", decision_label="Godkendt", decided_by="l@kk.dk", handed_over=True),
    ]
    card = cards.shortlist_card(cards.ShortlistView(job(), rows, sent_note="1 godkendte sendt"))
    assert_valid(card)
    text = card_text(card)
    assert texts.CARD_UNREACHABLE in text and texts.CARD_HANDED_OVER in text and "1 godkendte sendt" in text


def _buttons(card: dict[str, Any]) -> list[tuple[str, str]]:
    return [(a["title"], a["data"]["to"]) for a in card.get("actions", [])]


def _date_input(card: dict[str, Any]) -> dict[str, Any] | None:
    found = [b for b in card["body"] if b.get("type") == "Input.Date" and b["id"] == cards.STATUS_DATE_INPUT]
    return found[0] if found else None


def test_handover_and_reminder_cards_have_the_status_buttons() -> None:
    hand = cards.handover_card(job(), row(1, "godkendt"), status())
    rem = cards.reminder_card(status("kontaktet", "Kontaktet"), "Har du kontaktet kandidaten?")
    for card in (hand, rem):
        assert_valid(card)
    # Only what the state machine allows next.
    assert _buttons(hand) == [
        ("Kontaktet", "kontaktet"),
        ("Ikke interesseret", "ikke_interesseret"),
        ("Trukket tilbage", "trukket"),
    ]
    assert [t for t, _ in _buttons(rem)] == [
        "Ansøgt", "Henvist med mødepligt", "Ikke interesseret", "Trukket tilbage",
    ]
    assert _date_input(hand) is None and _date_input(rem) is None  # no next step needs a date yet
    text = card_text(hand)
    assert "Ny kandidat til dig: K-0001" in text and "Gør dette inden **01.12.2026**" in text
    assert "• 3 km væk" in text


WITHDRAW = ["Ikke interesseret", "Trukket tilbage"]
INTERVIEW_DATE = "Dato (kræves for 'Til jobsamtale')"
OUTCOMES = ("Afslag", "Udeblevet")  # after a referral or an interview date
FORLOEB_OUTCOMES = ["I job", "I uddannelse", "Hverken job eller uddannelse", "Afbrudt"]


@pytest.mark.parametrize(
    ("state", "label", "buttons", "date_label"),
    [
        ("ansoegt", "Ansøgt", ["Til jobsamtale", "Afslag", *WITHDRAW], INTERVIEW_DATE),
        ("henvist", "Henvist med mødepligt", ["Til jobsamtale", *OUTCOMES, *WITHDRAW], INTERVIEW_DATE),
        ("samtale", "Til jobsamtale", ["Ansat", *OUTCOMES, *WITHDRAW], "Dato (kræves for 'Ansat')"),
        ("startet_forloeb", "Startet i forløb", FORLOEB_OUTCOMES, None),
        ("ansat", "Ansat", ["I job efter 3 mdr.", "Ophørt"], None),
        ("i_job_3_mdr", "I job efter 3 måneder", [], None),
        ("afslag", "Afslag fra virksomheden", [], None),
    ],
)
def test_status_buttons_follow_the_state_machine(
    state: str, label: str, buttons: list[str], date_label: str | None
) -> None:
    """At 'samtale' no Kontaktet/Ansøgt/Henvist; after 'ansat' the 3-month outcomes; closed: nothing."""
    job_kind = job(employment_type="ordinaert_job")  # a job: "Ansat", not "Startet i forløb"
    for card in (
        cards.handover_card(job_kind, row(1, state), status(state, label)),
        cards.reminder_card(replace(status(state, label), forloeb=False), "Opdatér status."),
    ):
        assert_valid(card)
        assert [t for t, _ in _buttons(card)] == buttons
        assert all(a["data"]["v"] == 3 for a in card.get("actions", []))  # a stale card is refused later
        date_input = _date_input(card)
        assert (date_input["label"] if date_input else None) == date_label
        assert (texts.CARD_STATUS_CLOSED in card_text(card)) == (not buttons)  # no buttons: says why


def test_a_forloeb_starts_in_forloeb_not_as_a_hire() -> None:
    """On a løntilskud job order the interview is followed by 'Startet i forløb', never 'Ansat'."""
    card = cards.handover_card(job(), row(1, "samtale"), status("samtale", "Til jobsamtale"))
    buttons = [t for t, _ in _buttons(card)]
    assert buttons[0] == "Startet i forløb" and "Ansat" not in buttons


def test_handover_card_says_refer_with_obligation_when_the_company_wants_referrals() -> None:
    plain_job = job(referral_with_obligation=False)
    plain = card_text(cards.handover_card(plain_job, row(1, "godkendt"), status()))
    assert "kontakt kandidaten og aftal ansøgning" in plain and "mødepligt," not in plain
    referral_job = job(referral_with_obligation=True)
    referral = card_text(cards.handover_card(referral_job, row(1, "godkendt"), status()))
    assert "henvis kandidaten til jobsamtale med mødepligt, og registrér 'Henvist med mødepligt'" in referral
    assert "aftal ansøgning" not in referral
    no_deadline = job(referral_with_obligation=True, deadline=None)
    text = card_text(cards.handover_card(no_deadline, row(1, "godkendt"), replace(status(), deadline=None)))
    assert text.count("henvis kandidaten til jobsamtale med mødepligt") == 1 and "Gør dette inden" not in text
    referred = card_text(
        cards.handover_card(referral_job, row(1, "henvist"), status("henvist", "Henvist"))
    )
    assert "henvis kandidaten" not in referred  # done: the task goes
    referred_no_show = replace(status("udeblevet", "Udeblevet"), referred=True)
    no_show = cards.handover_card(plain_job, row(1, "udeblevet"), referred_no_show)
    assert texts.CARD_NO_SHOW_REFERRED in card_text(no_show)  # referred, whatever the job order's flag
    assert_valid(no_show)
    applied_no_show = cards.handover_card(referral_job, row(1, "udeblevet"), status("udeblevet", "Udeblevet"))
    assert texts.CARD_NO_SHOW_REFERRED not in card_text(applied_no_show)  # applied, never referred


def test_handover_card_drops_the_deadline_task_once_applied() -> None:
    text = card_text(cards.handover_card(job(), row(1, "ansat"), status("ansat", "Ansat")))
    assert "Gør dette inden" not in text and "Ansøgningsfrist" in text  # the fact stays, the task goes
    mine = card_text(cards.mine_card([status("kontaktet", "Kontaktet"), status("ansat", "Ansat")]))
    assert "Kontaktet · frist 01.12.2026" in mine and "Ansat · frist" not in mine


def test_a_later_status_keeps_the_leads_decision_and_shows_the_status_apart() -> None:
    approved = datetime(2026, 11, 20, 8, tzinfo=UTC)
    hired = datetime(2026, 11, 27, 13, tzinfo=UTC)
    decided = row(
        1,
        "ansat",
        decision_label="Godkendt",
        decided_by="leder@kk.dk",
        decided_at=approved,
        status_label="Ansat",
        status_by="jk@kk.dk",
        status_at=hired,
    )
    text = card_text(cards.shortlist_card(cards.ShortlistView(job(), [decided])))
    assert f"Godkendt af leder@kk.dk {cards.when(approved)}" in text
    assert f"Status: Ansat (opdateret {cards.when(hired)} af jk@kk.dk)" in text
    assert "Ansat af leder@kk.dk" not in text


def test_job_order_form_and_card() -> None:
    form = cards.job_order_form_card("Jobordren kunne ikke gemmes: postcode: ukendt")
    assert_valid(form)
    assert "postcode: ukendt" in card_text(form)
    card = cards.job_order_card(job(description="Rengøring af kontorer."))
    assert_valid(card)
    assert find_action(card, cards.VERB_MATCH)["job"] == "JO-2026-0042"
    parsed = cards.job_order_from_form(
        {
            "id": " JO-1 ",
            "required_certificates": "truck, , kran",
            "employment_clause": "true",
            "description": "",
        }
    )
    assert parsed == {"id": "JO-1", "required_certificates": ["truck", "kran"], "employment_clause": True}


def test_help_funnel_and_mine_cards() -> None:
    for card in (
        cards.help_card(commands.help_lines(), intro=texts.UNKNOWN_COMMAND),
        cards.funnel_card("JO-1", Funnel(dict.fromkeys(FollowUpState, 1), dict.fromkeys(FollowUpState, 2))),
        cards.mine_card([status()]),
        cards.mine_card([]),
    ):
        assert_valid(card)
    assert texts.CARD_MINE_EMPTY in card_text(cards.mine_card([]))
    assert "frist 01.12.2026" in card_text(cards.mine_card([status()]))


def test_shortlist_card_explains_exclusions_in_words_largest_first() -> None:
    view = cards.ShortlistView(job(), [row(1)], considered=2585, excluded={"timer": 37, "certifikat": 359})
    text = card_text(cards.shortlist_card(view))
    assert "Frasorteret: 359 mangler certifikat, 37 for lavt timetal" in text
    assert "certifikat: 359" not in text


@pytest.mark.parametrize(
    ("moment", "shown"),
    [
        (datetime(2026, 11, 23, 8, 0, tzinfo=UTC), "23.11.2026 kl. 09:00"),  # winter: CET, UTC+1
        (datetime(2026, 7, 1, 8, 0, tzinfo=UTC), "01.07.2026 kl. 10:00"),  # summer: CEST, UTC+2
        (datetime(2026, 3, 29, 0, 59, tzinfo=UTC), "29.03.2026 kl. 01:59"),  # last minute of CET
        (datetime(2026, 3, 29, 1, 0, tzinfo=UTC), "29.03.2026 kl. 03:00"),  # clocks jump forward
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "25.10.2026 kl. 02:30"),  # CEST …
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "25.10.2026 kl. 02:30"),  # … and the repeated hour in CET
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "01.01.2027 kl. 00:30"),  # the date moves too
        (datetime(2026, 11, 23, 8, 0), "23.11.2026 kl. 09:00"),  # naive = UTC, as the store keeps it
        (datetime(2026, 11, 23, 9, 0, tzinfo=cards.LOCAL_ZONE), "23.11.2026 kl. 09:00"),
        (date(2026, 12, 1), "01.12.2026"),  # a date is a calendar day: no zone, no time
        (None, ""),
    ],
)
def test_times_are_shown_in_copenhagen_time_across_dst(moment: datetime | date | None, shown: str) -> None:
    assert cards.when(moment) == shown


def test_every_time_on_a_card_is_copenhagen_time() -> None:
    decided = datetime(2026, 6, 2, 7, 45, tzinfo=UTC)  # 09:45 in Copenhagen
    rows = [row(1, "godkendt", decision_label="Godkendt", decided_by="l@kk.dk", decided_at=decided)]
    shortlist = card_text(cards.shortlist_card(cards.ShortlistView(job(), rows)))
    assert "Godkendt af l@kk.dk 02.06.2026 kl. 09:45" in shortlist
    view = cards.StatusView("JO-2026-0042", "K-0001", "godkendt", "Godkendt", 3, decided, date(2026, 12, 1))
    for card in (cards.handover_card(job(), rows[0], view), cards.reminder_card(view, "Husk")):
        assert "(opdateret 02.06.2026 kl. 09:45)" in card_text(card)


def test_shortlist_card_shows_the_revision_and_who_may_decide() -> None:
    plain = card_text(cards.shortlist_card(cards.ShortlistView(job(), [row(1)])))
    assert "Revideret" not in plain and "Kun matchenhedens ledere" not in plain
    view = cards.ShortlistView(
        job(),
        [row(1)],
        revised_at=datetime(2026, 11, 24, 13, 10, tzinfo=UTC),
        deciders=("a@kk.dk", "b@kk.dk"),
        sent_note="2 godkendte sendt",
    )
    card = cards.shortlist_card(view)
    assert_valid(card)
    text = card_text(card)
    assert "Revideret jobordre 24.11.2026 kl. 14:10" in text
    assert "Kun matchenhedens ledere kan godkende og afvise: a@kk.dk, b@kk.dk." in text
    assert "2 godkendte sendt" in text  # a one-off note and the sticky revision side by side


def test_a_notice_for_the_presser_sits_on_top_of_a_valid_card() -> None:
    card = cards.with_notice(cards.handover_card(job(), row(1, "godkendt"), status()), "K-0001 er allerede …")
    assert_valid(card)
    assert card["body"][0]["text"] == "K-0001 er allerede …" and card["body"][0]["color"] == "Warning"


def test_markdown_links_from_a_job_order_do_not_become_links_on_cards() -> None:
    phishing = job(title="[Klik her](http://evil.example)", company="[Firma](http://evil.example)")
    for card in (cards.job_order_card(phishing), cards.handover_card(phishing, row(1, "godkendt"), status())):
        assert "](" not in json.dumps(card, ensure_ascii=False)
        assert "Klik her" in card_text(card)
