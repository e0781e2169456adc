"""Bot Framework activities in and out: what an incoming body must hold, and the outgoing activities.

Before the SDK sees a request, ``activity_problem`` refuses (400, Danish, naming the field) bodies
that are not an activity the turn can run on: nesting deeper than ``MAX_JSON_DEPTH`` (recursive code
in msrest and the router would overflow), no type, conversation id, service URL, a message or invoke
without a sender, channelData parts or member lists of the wrong kind. Teams never sends these.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from botbuilder.core import InvokeResponse, MessageFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes, Attachment
from pydantic import BaseModel, Field, ValidationError

from bot.teams.transport import CONNECTOR_ERRORS, SentCard
from bot.turn import Reply
from bot.ui import cards, texts

log = logging.getLogger("matchbot.adapter")

TEAMS_CHANNEL = "msteams"
ADAPTIVE_CARD_ACTION = "adaptiveCard/action"
INVOKE_MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
# Objects and lists inside each other in one activity: Teams sends about 5; a button's data is flat.
MAX_JSON_DEPTH = 32
# The activity types whose turn needs to know who sent them (the actor of a command or button).
SENDER_NEEDED = frozenset({ActivityTypes.message, ActivityTypes.invoke})


class _Id(BaseModel):
    """An account or conversation: the edge needs its id."""

    id: str = Field(min_length=1)


class _ChannelData(BaseModel):
    """Teams' channelData: what the turn reads from it must be objects."""

    team: dict[str, Any] | None = None
    channel: dict[str, Any] | None = None
    tenant: dict[str, Any] | None = None


class _ActivityShape(BaseModel):
    """The minimum an activity needs before the SDK sees it (Teams always sends it: be strict).

    Why here: the SDK takes whatever msrest can deserialise and fails later inside the turn (HTTP 201,
    a traceback and no answer); a 400 that names the field is what a sender can act on.
    """

    type: str = Field(min_length=1)
    service_url: str = Field(alias="serviceUrl", pattern=r"^https?://\S+$")
    conversation: _Id
    sender: _Id | None = Field(default=None, alias="from")
    channel_data: _ChannelData | None = Field(default=None, alias="channelData")
    members_added: list[Any] | None = Field(default=None, alias="membersAdded")
    members_removed: list[Any] | None = Field(default=None, alias="membersRemoved")


# pydantic's error types → the problem named in texts.BAD_REQUEST_PROBLEMS.
_PROBLEMS = {
    "missing": "missing",
    "string_too_short": "empty",
    "string_type": "text",
    "string_pattern_mismatch": "url",
    "model_type": "object",
    "model_attributes_type": "object",
    "dict_type": "object",
    "list_type": "list",
}


def _field_problem(field: str, problem: str) -> str:
    return texts.BAD_REQUEST_FIELD.format(field=field, problem=texts.BAD_REQUEST_PROBLEMS[problem])


def _too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """True when objects and lists nest deeper than ``limit``. Iterative: no input exhausts the stack,
    here or later (msrest, the router's CPR check) where the same walk is recursive."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def activity_problem(body: Any) -> str | None:
    """Why a parsed request body is not an activity the bot can take (Danish), or None."""
    if not isinstance(body, dict):
        return texts.BAD_REQUEST_NOT_OBJECT
    if _too_deep(body):
        return texts.BAD_REQUEST_TOO_DEEP.format(limit=MAX_JSON_DEPTH)
    try:
        shape = _ActivityShape.model_validate(body)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"])
        return _field_problem(field, _PROBLEMS.get(first["type"], "invalid"))
    if shape.type in SENDER_NEEDED and shape.sender is None:
        return _field_problem("from", "missing")
    return None


def parse_activity(body: dict[str, Any]) -> Activity | None:
    """The SDK's Activity for a body ``activity_problem`` let through, or None when msrest refuses it."""
    try:
        activity: Activity = Activity().deserialize(body)
    except Exception:  # noqa: BLE001  whatever msrest fails with on a body from outside is a 400, not a 500
        return None
    return activity


def tenant_of(activity: Activity) -> str:
    """Teams puts the tenant in channelData.tenant.id (the schema's ConversationAccount reads 'tenantID')."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = (data.get("tenant") or {}).get("id")
    conv = activity.conversation
    return str(tenant or (conv.tenant_id if conv else "") or "")


def card_activity(card: cards.Card, *, shared: bool = True) -> Activity:
    """A message carrying ``card``. ``shared``: skip the SDK's deep copy (only our serialiser takes it:
    msrest's stock serializer would turn a dict subclass into a string)."""
    content = SentCard(card) if shared else card
    activity = MessageFactory.attachment(Attachment(content_type=cards.CARD_CONTENT_TYPE, content=content))
    # The chat list and the notification show ``summary`` for a card (without it: "Sent a card").
    activity.summary = card.get("fallbackText") or None
    return activity


def reply_activity(reply: Reply, *, shared: bool = True) -> Activity:
    if reply.card is not None:
        activity = card_activity(reply.card, shared=shared)
        if reply.text:
            activity.text = reply.text
        return activity
    return MessageFactory.text(reply.text or "")


_SURROGATE = re.compile("[\ud800-\udfff]")


def without_lone_surrogates(value: Any) -> Any:
    """``value`` with every lone surrogate (JSON ``"\\ud800"``, valid JSON but no character) in its
    strings and keys replaced by U+FFFD. Why: such a string cannot be encoded as UTF-8, so it fails
    wherever it goes next (Redis, the Bot Connector, the log) with a UnicodeEncodeError mid-turn."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {without_lone_surrogates(k): without_lone_surrogates(v) for k, v in value.items()}
    return value


def unsupported_invoke(name: str | None) -> InvokeResponse:
    """A 200 answer, in the shape Teams expects for ``name``, saying (in Danish) the bot cannot do it.

    Why not the SDK's 501 with body null: Teams then shows a generic error ("Something went wrong")
    for a message extension, a dialog (task module) or a configuration page the bot never offered.
    """
    text = cards.plain_text(texts.INVOKE_NOT_SUPPORTED)  # shown as it is: no Markdown
    name = name or ""
    if name.startswith("task/") or name == "composeExtension/fetchTask":
        body: dict[str, Any] = {"task": {"type": "message", "value": text}}
    elif name.startswith("composeExtension/"):
        body = {"composeExtension": {"type": "message", "text": text}}
    elif name.startswith("config/"):
        body = {"responseType": "config", "config": {"type": "message", "value": text}}
    else:
        body = {"statusCode": 200, "type": INVOKE_MESSAGE_TYPE, "value": text}
    return InvokeResponse(status=200, body=body)


def invoke_message(text: str) -> InvokeResponse:
    """An Action.Execute answered with a message for the presser (the Universal Actions contract).

    Teams and Web Chat show that message as it is, not as Markdown: the emphasis our texts carry for
    chat messages and cards is taken out here, the one place a text becomes such an answer."""
    body = {"statusCode": 200, "type": INVOKE_MESSAGE_TYPE, "value": cards.plain_text(text)}
    return InvokeResponse(status=200, body=body)


async def answer_turn_error(context: TurnContext, error: Exception) -> None:
    """The adapter's ``on_turn_error``: log the failure; tell the user only when they wrote something
    (an invoke answers with the text itself; a member joining, an installation or a proactive send has
    no one waiting in the channel)."""
    log.error("turn failed", exc_info=error, extra={"activity_type": context.activity.type})
    if context.activity.type == ActivityTypes.invoke and context.activity.name == ADAPTIVE_CARD_ACTION:
        # A button pressed while e.g. Redis is down: answer the presser in Danish (else the SDK
        # answers 501 with an empty body and Teams shows its own error). Sending an invoke response
        # is the SDK's public way to set it: the adapter keeps it for the HTTP answer.
        answer = Activity(type=ActivityTypes.invoke_response, value=invoke_message(texts.ERROR_GENERIC))
        await context.send_activity(answer)
    elif context.activity.type == ActivityTypes.message:
        try:
            await context.send_activity(texts.ERROR_GENERIC)
        except CONNECTOR_ERRORS:  # the error path itself must not fail the HTTP answer
            log.warning("could not send the error message")
