"""Every Adaptive Card (1.5, what Teams renders) the bot sends, one module per card family.

Why plain dicts: the card JSON is the contract with Teams and with the schema tests; a builder
library would hide exactly what we need to see. Cards take small view objects (``CandidateRow``,
``StatusView``) so they never touch Redis or the matcher and are easy to test.

Buttons are ``Action.Execute`` (Teams sends an ``adaptiveCard/action`` invoke and shows the card
we answer with) with an ``Action.Submit`` fallback (older clients send a message with ``value``).
Both carry the same ``data``: ``{"verb": ..., "job": ..., "cand": ..., "v": <version>}``, so one
handler serves both paths. ``v`` is the follow-up version the card was drawn from; together with
the verb it forms the idempotency key that makes a double click harmless. Every card is signed as it
leaves the bot (``sign_card``: ``sig`` in the data, ``bot.domain.signing``), and the router refuses
data without a valid signature, so a forged job order, candidate or target is refused.

Modules: ``base`` (the card, text, tables, buttons, Copenhagen time), ``job_orders`` (facts, the job
order card and form), ``shortlist``, ``followup`` (hand-over, reminder, mine, funnel), ``reports``
(job order list, results per scheme), ``help``. Callers use ``from bot.ui import cards`` and the
names below.
"""

from bot.ui.cards.base import (
    CARD_CONTENT_TYPE,
    CARD_VERSION,
    LOCAL_ZONE,
    NOTICE_ATTENTION,
    NOTICE_GOOD,
    NOTICE_WARNING,
    VERB_APPROVE,
    VERB_INTEREST,
    VERB_MATCH,
    VERB_REJECT,
    VERB_SAVE_JOB_ORDER,
    VERB_SEND_APPROVED,
    VERB_SHOW_MORE,
    VERB_STATUS,
    VERBS,
    Card,
    NoticeKind,
    action,
    attachment,
    date_input,
    date_text,
    find_action,
    list_item,
    local,
    notice,
    plain_text,
    sign_card,
    time_input,
    when,
    with_notice,
)
from bot.ui.cards.cover import transfer_card
from bot.ui.cards.followup import (
    INTERVIEW_NO_TIME,
    STATUS_DATE_INPUT,
    STATUS_TIME_INPUT,
    StatusView,
    confirm_card,
    funnel_card,
    handover_card,
    mine_card,
    reminder_card,
)
from bot.ui.cards.help import help_card
from bot.ui.cards.interest import escalation_card, interest_card
from bot.ui.cards.job_orders import (
    FORM_FIELDS,
    form_errors,
    job_facts,
    job_order_card,
    job_order_form_card,
    job_order_from_form,
    place,
)
from bot.ui.cards.reports import job_list_card, report_card
from bot.ui.cards.shortlist import SHOW_FIRST, SHOW_STEP, CandidateRow, ShortlistView, shortlist_card
from bot.ui.cards.week import week_card

__all__ = [
    "CARD_CONTENT_TYPE",
    "CARD_VERSION",
    "FORM_FIELDS",
    "INTERVIEW_NO_TIME",
    "LOCAL_ZONE",
    "NOTICE_ATTENTION",
    "NOTICE_GOOD",
    "NOTICE_WARNING",
    "SHOW_FIRST",
    "SHOW_STEP",
    "STATUS_DATE_INPUT",
    "STATUS_TIME_INPUT",
    "VERBS",
    "VERB_APPROVE",
    "VERB_INTEREST",
    "VERB_MATCH",
    "VERB_REJECT",
    "VERB_SAVE_JOB_ORDER",
    "VERB_SEND_APPROVED",
    "VERB_SHOW_MORE",
    "VERB_STATUS",
    "CandidateRow",
    "Card",
    "NoticeKind",
    "ShortlistView",
    "StatusView",
    "action",
    "attachment",
    "confirm_card",
    "date_input",
    "date_text",
    "escalation_card",
    "find_action",
    "form_errors",
    "funnel_card",
    "handover_card",
    "help_card",
    "interest_card",
    "job_facts",
    "job_list_card",
    "job_order_card",
    "job_order_form_card",
    "job_order_from_form",
    "list_item",
    "local",
    "mine_card",
    "notice",
    "place",
    "plain_text",
    "reminder_card",
    "report_card",
    "shortlist_card",
    "sign_card",
    "time_input",
    "transfer_card",
    "week_card",
    "when",
    "with_notice",
]
