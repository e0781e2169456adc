"""Cards read the same in Teams, the Agents Playground and Web Chat, at 360 px and on a laptop
(issue 14): arguments that survive HTML-stripping renderers, notices coloured by meaning, no table
wider than a phone, Danish placeholders on date inputs, the dates given echoed back, and only the
buttons the rules would accept today."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from typing import Any

from bot import router as commands
from bot.domain import followup as rules
from bot.domain.outcomes import OutcomeReport, OutcomeRow
from bot.domain.states import FollowUpState, consultant_next
from bot.ui import cards, texts
from matching.models import EmploymentType
from tests.fake_connector import card_text
from tests.unit.test_cards import assert_valid, job, row

# What Teams' and Web Chat's Markdown renderers drop as an HTML tag: "<jobordre>", "‹jobordre>".
_TAG = re.compile(r"[<‹][^<>‹›]*[>›]")


def nodes(card: Any, kind: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    stack: list[Any] = [card]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if node.get("type") == kind:
                out.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def status(state: FollowUpState, **extra: Any) -> cards.StatusView:
    base: dict[str, Any] = {
        "job_order_id": "JO-2026-0042",
        "candidate_id": "K-0001",
        "state": state.value,
        "state_label": state.label,
        "version": 4,
        "updated_at": datetime(2026, 12, 4, 9, tzinfo=UTC),
    }
    return cards.StatusView(**{**base, **extra})


def test_the_help_card_shows_every_commands_arguments_after_html_is_stripped() -> None:
    card = cards.help_card(commands.help_lines())
    assert_valid(card)
    # each command is a list entry whose first (bold) line is its usage
    usages = [c["items"][0]["text"] for c in nodes(card, "Container")]
    for usage in usages:
        assert _TAG.sub("", usage) == usage, usage  # nothing a renderer would take for a tag
    assert "match «jobordre»" in usages
    assert "status «jobordre» «kandidat» «ny status» [«dato»]" in usages
    assert "hvorfor «jobordre» «kandidat»" in usages
    # The usage line a wrong argument count gets, and the job list's hint, keep theirs too.
    rejected = commands.parse("hvorfor")
    assert isinstance(rejected, commands.Rejected) and "«jobordre» «kandidat»" in rejected.message
    assert "overblik «jobordre»" in texts.CARD_JOB_LIST_NOTE


def test_an_execute_answer_carries_no_markdown_stars() -> None:
    assert cards.plain_text(texts.SHORTLIST_UPDATED.format(job_order_id="JO-1")).startswith(
        "Shortlisten for JO-1 er matchet igen"
    )


def test_notices_are_coloured_by_meaning() -> None:
    assert cards.notice(cards.NOTICE_GOOD, "ok")["color"] == "Good"
    assert cards.notice(cards.NOTICE_WARNING, "se her")["color"] == "Warning"
    assert cards.notice(cards.NOTICE_ATTENTION, "afvist")["color"] == "Attention"
    refused = cards.with_notice(cards.mine_card([]), "Afvist", cards.NOTICE_ATTENTION)
    assert_valid(refused)
    assert refused["body"][0]["color"] == "Attention"
    # Success on the consultant's card and the shortlist's footer is green, not the warning yellow.
    done = texts.CARD_STATUS_SET.format(label="Kontaktet", actor="k@kk.dk", when="04.12.2026 kl. 10:00")
    handover = cards.handover_card(job(), row(1, "kontaktet"), status(FollowUpState.KONTAKTET, note=done))
    line = next(b for b in nodes(handover, "TextBlock") if b["text"] == done)
    assert line["color"] == "Good"
    view = cards.ShortlistView(job(), [row(1)], sent_note="1 godkendte sendt")
    footer = next(
        b for b in nodes(cards.shortlist_card(view), "TextBlock") if b["text"] == "1 godkendte sendt"
    )
    assert footer["color"] == "Good"


def _report() -> OutcomeReport:
    rows = [
        OutcomeRow(
            employment_type=t, hired=3, in_job=2, stopped=1, pending=0, check_overdue=0, reference=55.0
        )
        for t in (EmploymentType.LOENTILSKUD_PRIVAT, EmploymentType.VIRKSOMHEDSPRAKTIK)
    ]
    total = OutcomeRow(employment_type=None, hired=6, in_job=4, stopped=2, pending=0, check_overdue=0)
    return OutcomeReport(None, tuple(rows), total, "BIF 2017", "Forvaltningen", 0, 0)


def test_no_table_is_wider_than_a_phone_and_list_dates_are_short() -> None:
    counts = {FollowUpState.FORESLAAET: 2, FollowUpState.KONTAKTET: 1}
    listed = cards.job_list_card([(job(deadline=date(2026, 12, 11)), counts)], today=date(2026, 12, 4))
    report = cards.report_card(_report())
    for card in (listed, report):
        assert_valid(card)
        for table in nodes(card, "Table"):
            assert len(table["columns"]) <= 3  # six and seven columns broke words at 360 px
    assert "JO-2026-0042 · Rengøringsassistent · Skinne A/S" in card_text(listed)
    assert "Frist 11.12.26 · 2 til beslutning · 1 i gang · 0 ansat/startet" in card_text(listed)
    assert "Løntilskud, privat arbejdsgiver" in card_text(report)
    report_counts = "3 ansat/startet · 2 i job el. uddannelse · 1 ikke i job/uddannelse · 0 tjek mangler"
    assert report_counts in card_text(report)
    assert "Andel i job el. uddannelse i 3. måned: 2 af 3 * · BIF 2017: 55 %" in card_text(report)
    assert cards.date_text(date(2026, 12, 11), short=True) == "11.12.26"
    assert cards.date_text(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == "01.01.2027"  # the Copenhagen day


def test_every_date_input_has_a_danish_placeholder() -> None:
    for card in (
        cards.job_order_form_card(),
        cards.handover_card(job(), row(1, "ansoegt"), status(FollowUpState.ANSOEGT)),
        cards.reminder_card(status(FollowUpState.SAMTALE), "Hvordan gik det?"),
    ):
        assert_valid(card)
        inputs = nodes(card, "Input.Date")
        assert inputs and all(i.get("placeholder") == "Vælg dato" for i in inputs)


def test_optional_number_inputs_carry_no_bounds_that_block_an_empty_form() -> None:
    form = cards.job_order_form_card()
    numbers = {n["id"]: n for n in nodes(form, "Input.Number")}
    for optional in ("duration_weeks", "positions"):
        assert "min" not in numbers[optional] and "max" not in numbers[optional], optional
    assert numbers["hours_per_week"]["isRequired"] is True  # a required one may keep its bounds


def test_the_dates_given_are_echoed_and_the_interview_time_only_when_given() -> None:
    day_only = datetime.combine(date(2026, 12, 9), cards.INTERVIEW_NO_TIME, cards.LOCAL_ZONE)
    at_half_past_ten = datetime.combine(date(2026, 12, 9), time(10, 30), cards.LOCAL_ZONE).astimezone(UTC)
    interview = cards.handover_card(
        job(), row(1, "samtale"), status(FollowUpState.SAMTALE, interview_at=day_only.astimezone(UTC))
    )
    assert_valid(interview)
    lines = card_text(interview).splitlines()
    assert "Jobsamtale 09.12.2026" in lines and "kl. 09:00" not in card_text(interview)
    timed = cards.reminder_card(status(FollowUpState.SAMTALE, interview_at=at_half_past_ten), "")
    assert "Jobsamtale 09.12.2026 kl. 10:30" in card_text(timed).splitlines()
    hired = cards.handover_card(
        job(),
        row(1, "ansat"),
        status(
            FollowUpState.ANSAT,
            start_date=date(2027, 1, 4),
            check_from=date(2027, 4, 4),
            today=date(2027, 1, 4),
        ),
    )
    lines = card_text(hired).splitlines()
    assert "Start 04.01.2027" in lines and "3-måneders-tjek fra 04.04.2027" in lines
    # The time input is offered with the interview step, optional.
    asked = cards.handover_card(job(), row(1, "ansoegt"), status(FollowUpState.ANSOEGT))
    (time_input,) = nodes(asked, "Input.Time")
    assert time_input["id"] == cards.STATUS_TIME_INPUT and not time_input.get("isRequired")


def test_only_steps_the_rules_accept_today_are_offered() -> None:
    steps = consultant_next(FollowUpState.ANSAT)
    assert FollowUpState.I_JOB_3_MDR in steps
    early = rules.offered_now(steps, date(2027, 4, 4), date(2027, 1, 4))
    assert FollowUpState.I_JOB_3_MDR not in early and FollowUpState.OPHOERT in early
    assert rules.offered_now(steps, date(2027, 4, 4), date(2027, 4, 4)) == steps  # on the day it is allowed
    assert rules.offered_now(steps, date(2027, 4, 4), None) == steps  # day unknown: the state machine's steps

    def titles(today: date) -> list[str]:
        view = status(
            FollowUpState.ANSAT, start_date=date(2027, 1, 4), check_from=date(2027, 4, 4), today=today
        )
        return [a["title"] for a in cards.handover_card(job(), row(1, "ansat"), view)["actions"]]

    assert titles(date(2027, 1, 4)) == ["Ophørt"]
    assert titles(date(2027, 4, 4)) == ["I job efter 3 mdr.", "Ophørt"]
