"""The consultant's follow-up cards: the hand-over, the reminder, their open follow-ups (``mine``) and a
job order's funnel (``overblik``).

The quick status buttons offer exactly the steps the rules allow now (``bot.domain.followup.offered_steps``,
the one rule for every card with status buttons); their labels are ``texts.STATUS_BUTTON_LABELS``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

from bot.domain.followup import is_forloeb, offered_steps
from bot.domain.models import Funnel
from bot.domain.states import (
    FORLOEB_STARTED_STATES,
    FUNNEL_EXITS,
    FUNNEL_PATH,
    NEEDS_DATE,
    FollowUpState,
)
from bot.ui import texts
from bot.ui.cards.base import (
    NOTICE_GOOD,
    VERB_STATUS,
    Card,
    action,
    adaptive_card,
    bullet,
    date_input,
    date_text,
    local,
    notice,
    table,
    text_block,
    time_input,
    title_block,
    when,
)
from bot.ui.cards.job_orders import job_facts
from bot.ui.cards.shortlist import CandidateRow
from matching.models import JobOrder

# Date input on consultant cards: interview date for "samtale", start date for "ansat".
STATUS_DATE_INPUT = "dato"
# Optional time input for "samtale": without it the interview is a day (stored at 00:00, no time shown).
STATUS_TIME_INPUT = "tid"
INTERVIEW_NO_TIME = time(0)
# States in which the hand-over card's "do this before the deadline" line still applies.
_BEFORE_APPLYING = frozenset({FollowUpState.GODKENDT.value, FollowUpState.KONTAKTET.value})


@dataclass(frozen=True, slots=True)
class StatusView:
    """A follow-up as the consultant sees it on hand-over and reminder cards."""

    job_order_id: str
    candidate_id: str
    state: str
    state_label: str
    version: int
    updated_at: datetime | None = None
    deadline: date | None = None
    note: str | None = None  # last change, e.g. "jk@kk.dk registrerede Kontaktet …"
    referred: bool = False  # the candidate was henvist med mødepligt on this job order
    forloeb: bool | None = None  # the job order is a forløb ("Startet i forløb", not "Ansat"); None: unknown
    covering_for: str | None = None  # sent to a stand-in: the absent consultant (UPN) …
    covering_until: date | None = None  # … and the last day of their absence
    interview_at: datetime | None = None  # the interview as given (00:00 Copenhagen time: no time given)
    start_date: date | None = None
    check_from: date | None = None  # the first day "I job efter 3 mdr." is accepted
    today: date | None = None  # the card's day (Copenhagen): a step refused today is not offered


def _cover_lines(status: StatusView) -> list[dict[str, Any]]:
    """A card that reaches a stand-in says whose case it is and until when (``fravær``)."""
    if not status.covering_for:
        return []
    line = texts.CARD_COVERING.format(consultant=status.covering_for, until=when(status.covering_until))
    return [text_block(line, color="Accent", weight="Bolder")]


def _next_states(status: StatusView) -> tuple[FollowUpState, ...]:
    """The domain's rule is the only source of what may come next; an unknown code offers nothing."""
    try:
        state = FollowUpState(status.state)
    except ValueError:
        return ()
    return offered_steps(state, status.forloeb, status.check_from, status.today)


def _status_actions(status: StatusView) -> list[dict[str, Any]]:
    return [
        action(
            texts.STATUS_BUTTON_LABELS[to.value],
            VERB_STATUS,
            {"job": status.job_order_id, "cand": status.candidate_id, "to": to.value, "v": status.version},
        )
        for to in _next_states(status)
    ]


def interview_text(moment: datetime) -> str:
    """'Jobsamtale 09.12.2026', with 'kl. 10:30' only when a time was given (stored as 00:00 without)."""
    day = date_text(moment)
    clock = local(moment).time()
    if clock == INTERVIEW_NO_TIME:
        return texts.CARD_DATE_INTERVIEW.format(day=day)
    return texts.CARD_DATE_INTERVIEW_AT.format(day=day, time=clock.strftime(texts.CARD_TIME))


def _date_lines(status: StatusView) -> list[dict[str, Any]]:
    """The dates given so far, echoed back: interview, start and the 3-month check while it is ahead."""
    lines = []
    if status.interview_at is not None:
        lines.append(interview_text(status.interview_at))
    if status.start_date is not None:
        lines.append(texts.CARD_DATE_START.format(day=date_text(status.start_date)))
    if status.check_from is not None and status.state == FollowUpState.ANSAT.value:
        lines.append(texts.CARD_DATE_CHECK.format(day=date_text(status.check_from)))
    return [text_block(line, spacing="None") for line in lines]


def _status_lines(status: StatusView) -> list[dict[str, Any]]:
    lines = [text_block(texts.CARD_STATUS_NOW.format(label=status.state_label, when=when(status.updated_at)))]
    lines += _date_lines(status)
    if status.note:
        lines.append(notice(NOTICE_GOOD, status.note, spacing="None"))
    if not _next_states(status):  # closed: no buttons, so say why instead of "opdatér status med knapperne"
        lines.append(text_block(texts.CARD_STATUS_CLOSED, isSubtle=True, spacing="None"))
    dated = [texts.STATUS_BUTTON_LABELS[s.value] for s in _next_states(status) if s in NEEDS_DATE]
    if dated:  # only when a possible next step needs a date (interview or start)
        label = texts.CARD_STATUS_DATE.format(labels=texts.quoted_list(dated))
        lines.append(date_input(STATUS_DATE_INPUT, label))
    if FollowUpState.SAMTALE in _next_states(status):  # the interview's time, if the consultant knows it
        lines.append(time_input(STATUS_TIME_INPUT, texts.CARD_STATUS_TIME))
    return lines


def _do_next(job: JobOrder, deadline: date | None) -> list[dict[str, Any]]:
    """What the consultant does next: refer with obligation to attend when the company wants that."""
    if job.referral_with_obligation:
        if deadline:
            return [text_block(texts.CARD_HANDOVER_DO_BY_REFERRAL.format(deadline=when(deadline)))]
        return [text_block(texts.CARD_HANDOVER_REFERRAL)]
    return [text_block(texts.CARD_HANDOVER_DO_BY.format(deadline=when(deadline)))] if deadline else []


def handover_card(job: JobOrder, row: CandidateRow, status: StatusView) -> Card:
    status = replace(status, forloeb=is_forloeb(job))  # the buttons fit the job order
    deadline = job.deadline or status.deadline
    body: list[dict[str, Any]] = [
        title_block(texts.CARD_HANDOVER_TITLE.format(candidate_id=row.candidate_id)),
        *_cover_lines(status),
        text_block(texts.CARD_HANDOVER_INTRO.format(candidate_id=row.candidate_id)),
        job_facts(job),
        text_block(texts.CARD_HANDOVER_WHY, weight="Bolder"),
        *[text_block(bullet(r), spacing="None") for r in list(row.reasons)[:3]],
    ]
    if status.state in _BEFORE_APPLYING:  # after applying or referring, the instruction is old news
        body += _do_next(job, deadline)
    if status.state == FollowUpState.UDEBLEVET.value and status.referred:
        body.append(text_block(texts.CARD_NO_SHOW_REFERRED, color="Warning"))
    body += _status_lines(status)
    return adaptive_card(
        body,
        _status_actions(status),
        fallback=texts.CARD_HANDOVER_TITLE.format(candidate_id=row.candidate_id),
    )


def reminder_card(status: StatusView, message: str) -> Card:
    title = texts.CARD_REMINDER_TITLE.format(
        candidate_id=status.candidate_id, job_order_id=status.job_order_id
    )
    body = [
        title_block(title),
        *_cover_lines(status),
        text_block(texts.CARD_REMINDER_TEXT.format(message=message)),
        *_status_lines(status),
    ]
    return adaptive_card(body, _status_actions(status), fallback=title)


def mine_card(lines: Sequence[StatusView]) -> Card:
    body: list[dict[str, Any]] = [title_block(texts.CARD_MINE_TITLE)]
    if not lines:
        body.append(text_block(texts.CARD_MINE_EMPTY))
    for s in lines:
        applying = s.deadline and s.state in _BEFORE_APPLYING  # after applying the deadline is history
        due = texts.CARD_MINE_DUE.format(deadline=when(s.deadline)) if applying else ""
        body.append(
            text_block(
                texts.CARD_MINE_LINE.format(
                    candidate_id=s.candidate_id, job_order_id=s.job_order_id, label=s.state_label, due=due
                )
            )
        )
    return adaptive_card(body, fallback=texts.CARD_MINE_TITLE)


_JOB_STEPS = frozenset({FollowUpState.ANSAT, FollowUpState.I_JOB_3_MDR, FollowUpState.OPHOERT})
_FORLOEB_STEPS = frozenset(FORLOEB_STARTED_STATES)


def _shown(state: FollowUpState, funnel: Funnel, forloeb: bool) -> bool:
    """A job's steps on a job order that is a job, a forløb's on a forløb; the other kind only when a
    record reached it (a forløb recorded as "Ansat" before forløb had their own states)."""
    other = _JOB_STEPS if forloeb else _FORLOEB_STEPS
    return state not in other or funnel.reached[state] > 0


def funnel_card(job_order_id: str, funnel: Funnel, *, forloeb: bool = False) -> Card:
    """The way to a job (or through a forløb) step by step (how many reached it, how many stand there
    now), then the ways out."""
    title = texts.CARD_FUNNEL_TITLE.format(job_order_id=job_order_id)
    path = [list(texts.CARD_FUNNEL_COLUMNS)]
    path += [
        [s.label, str(funnel.reached[s]), str(funnel.current[s])]
        for s in FUNNEL_PATH
        if _shown(s, funnel, forloeb)
    ]
    exits = [list(texts.CARD_FUNNEL_EXIT_COLUMNS)]
    exits += [[s.label, str(funnel.current[s])] for s in FUNNEL_EXITS if _shown(s, funnel, forloeb)]
    body = [
        title_block(title),
        table(path, [2, 1, 1]),  # the counts' columns fit their headers at 360 px
        text_block(texts.CARD_FUNNEL_EXITS, weight="Bolder"),
        table(exits, [3, 1]),
        text_block(texts.CARD_FUNNEL_NOTE, isSubtle=True, size="Small"),
    ]
    return adaptive_card(body, fallback=title)


def confirm_card(card: Card, status: StatusView, to: str, label: str, date_text: str | None) -> Card:
    """``card`` (the consultant's card of the record) asking to confirm an irreversible step: a notice,
    no date input (the date already chosen travels in the button's data), and two buttons: *Bekræft*
    (the same step with ``ok``, the same version) and *Fortryd* (the card as it was)."""
    date = texts.CONFIRM_STEP_DATE.format(date=date_text) if date_text else ""
    notice = texts.CONFIRM_STEP.format(
        candidate_id=status.candidate_id, job_order_id=status.job_order_id, label=label, date=date
    )
    body = [b for b in card.get("body", []) if b.get("type") != "Input.Date"]
    data: dict[str, Any] = {"job": status.job_order_id, "cand": status.candidate_id, "v": status.version}
    confirm = {**data, "to": to, "ok": 1}
    if date_text:
        confirm[STATUS_DATE_INPUT] = date_text
    actions = [
        action(texts.CONFIRM_BUTTON.format(label=label), VERB_STATUS, confirm, style="positive"),
        action(texts.CONFIRM_CANCEL, VERB_STATUS, {**data, "fortryd": 1}),
    ]
    head = text_block(notice, color="Attention", weight="Bolder")
    return {**card, "body": [head, *body], "actions": actions}
