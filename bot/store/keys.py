"""Every Redis key name Matchbot uses is built here, and nowhere else.

Why one module: key names are a storage contract (documented in ``docs/redis-keys.md``); building
them in one place keeps prefixes, hash tags and lifetimes consistent. Each function takes the
deployment's key ``prefix`` (``REDIS_KEY_PREFIX``; tests use a unique one per test).

Hash tags: keys touched together by one Lua script or MULTI share a ``{tag}`` so they live in one
Redis Cluster slot: ``{fu}`` for the follow-up records (records, indexes, reminders, audit),
``{pool}`` for the candidate pool (versioned hash + pointer, so a whole new pool can be swapped in
atomically). A new group of keys gets its own section, with its own tag.

Ids in key names are validated identifiers (``matching.models.Identifier``: no ':' or braces).
"""

from __future__ import annotations

# --- lifetimes (seconds) ---------------------------------------------------------------------------

# A repeated action (Teams retries, double click) with the same idempotency key within this window
# is answered from the first result instead of being applied twice.
IDEMPOTENCY_TTL_SECONDS = 24 * 3600
# A claimed reminder whose scheduler died before acknowledging it is re-queued after this lease.
REMINDER_LEASE_SECONDS = 300
# Audit stream per job order: approximate cap (a job order sees tens of changes, not thousands).
AUDIT_MAXLEN = 10_000
# The erasure log keeps this many entries (ids hashed; no personal data).
PURGE_LOG_MAXLEN = 100_000

# --- follow-up records: hash tag {fu} ----------------------------------------------------------------

FU_TAG = "{fu}"


def _fu(prefix: str) -> str:
    return f"{prefix}:{FU_TAG}"


def job_order(prefix: str, job_order_id: str) -> str:
    """Hash: json, fingerprint, revision, created_at, updated_at. Lifetime: until erased/retired."""
    return f"{_fu(prefix)}:jo:{job_order_id}"


def shortlist(prefix: str, job_order_id: str) -> str:
    """Hash: candidate_id -> JSON {rank, score, reasons, consultant}. Lifetime: as the job order."""
    return f"{_fu(prefix)}:sl:{job_order_id}"


def shortlist_counts(prefix: str, job_order_id: str) -> str:
    """String: JSON {considered, excluded: {filter: count}} of the shortlist (card lines; no personal
    data). Written and removed with the shortlist (same script). Lifetime: as the shortlist."""
    return f"{_fu(prefix)}:slc:{job_order_id}"


def followup(prefix: str, job_order_id: str, candidate_id: str) -> str:
    """Hash: one follow-up record (state, version, consultant, dates, history JSON, reminders)."""
    return f"{_fu(prefix)}:rec:{job_order_id}:{candidate_id}"


def record_member(job_order_id: str, candidate_id: str) -> str:
    """Member naming a record inside the index sets/zsets below."""
    return f"{job_order_id}:{candidate_id}"


def by_job_order(prefix: str, job_order_id: str) -> str:
    """Set of candidate ids with a record on the job order (funnel)."""
    return f"{_fu(prefix)}:idx:jo:{job_order_id}"


def by_state(prefix: str, state: str) -> str:
    """Set of record members currently in ``state``."""
    return f"{_fu(prefix)}:idx:state:{state}"


def by_consultant(prefix: str, consultant_upn: str) -> str:
    """Set of record members of open records owned by the consultant (UPN lower-case)."""
    return f"{_fu(prefix)}:idx:consultant:{consultant_upn}"


def by_candidate(prefix: str, candidate_id: str) -> str:
    """Set of job order ids the candidate has records on (erasure finds everything from here)."""
    return f"{_fu(prefix)}:idx:candidate:{candidate_id}"


def job_orders(prefix: str) -> str:
    """Zset job order id -> epoch it was first received ("jobordrer": the latest first)."""
    return f"{_fu(prefix)}:idx:jobordrer"


def due(prefix: str) -> str:
    """Zset record member -> epoch of its earliest pending reminder ("needs action by"; overdue)."""
    return f"{_fu(prefix)}:idx:due"


def closed(prefix: str) -> str:
    """Zset record member -> epoch when the record closed (retention finds expired ones here)."""
    return f"{_fu(prefix)}:idx:closed"


def by_updated(prefix: str) -> str:
    """Zset record member -> epoch of its last change (retention also covers records left open)."""
    return f"{_fu(prefix)}:idx:updated"


def reminders(prefix: str) -> str:
    """Zset reminder id -> due epoch: scheduled, not yet claimed."""
    return f"{_fu(prefix)}:reminders"


def reminders_inflight(prefix: str) -> str:
    """Zset reminder id -> lease expiry epoch: claimed by a scheduler, not yet acknowledged."""
    return f"{_fu(prefix)}:reminders:inflight"


def reminder_attempts(prefix: str) -> str:
    """Hash reminder id -> failed delivery attempts (for back-off)."""
    return f"{_fu(prefix)}:reminders:attempts"


def audit(prefix: str, job_order_id: str) -> str:
    """Stream: the job order's audit trail (ids, states, actor, time; never notes or names)."""
    return f"{_fu(prefix)}:audit:{job_order_id}"


def purge_log(prefix: str) -> str:
    """Stream: one entry per erasure (hashed candidate id, actor, counts)."""
    return f"{_fu(prefix)}:audit:purges"


def idempotency(prefix: str, digest: str) -> str:
    """String: result of an action already applied; ``digest`` hashes (record, key). TTL below."""
    return f"{_fu(prefix)}:idem:{digest}"


# --- candidate pool: hash tag {pool} -------------------------------------------------------------

POOL_TAG = "{pool}"


def pool_meta(prefix: str) -> str:
    """Hash: generation (which pool hash is live), version (+1 on every change; readers reload)."""
    return f"{prefix}:{POOL_TAG}:meta"


def pool_generation(prefix: str, generation: int) -> str:
    """Hash: candidate_id -> CandidateProfile JSON for one pool generation.

    An atomic replace writes generation n+1 completely, then flips ``pool_meta.generation`` and
    deletes generation n in one script: readers see the old pool or the new one, never a mix.
    """
    return f"{prefix}:{POOL_TAG}:gen:{generation}"


# --- job order intake: hash tag {intake} ----------------------------------------------------------

INTAKE_TAG = "{intake}"


def intake_stream(prefix: str) -> str:
    """Stream: accepted job orders waiting for a worker (consumer group); entries deleted when done."""
    return f"{prefix}:{INTAKE_TAG}:stream"


def intake_dead_letters(prefix: str) -> str:
    """Stream: job orders that failed too often (poison); capped, also reported in the channel."""
    return f"{prefix}:{INTAKE_TAG}:dead"


def intake_attempts(prefix: str) -> str:
    """Hash stream entry id -> failed attempts; field removed when the entry is finished."""
    return f"{prefix}:{INTAKE_TAG}:attempts"


def intake_job(prefix: str, job_order_id: str) -> str:
    """Hash: status (queued|shortlisted|dead), digest, posted_digest, reason. TTL in store/intake."""
    return f"{prefix}:{INTAKE_TAG}:job:{job_order_id}"


# --- Teams bot: conversation references, cards, hand-overs: hash tag {conv} -----------------------

CONV_TAG = "{conv}"
# A Teams conversation reference stays valid while the app is installed; refreshed on every turn.
CONVERSATION_TTL_SECONDS = 400 * 24 * 3600
# The posted shortlist card (to update it in place) lives as long as a job order is worked on.
CARD_TTL_SECONDS = 180 * 24 * 3600
# A hand-over waiting for an unreachable consultant is kept this long (and shown on the card).
HANDOVER_TTL_SECONDS = 180 * 24 * 3600
# A hand-over claimed by a process that died mid-send can be taken over after this lease.
HANDOVER_LEASE_SECONDS = 120


def conversation(prefix: str, conversation_id: str) -> str:
    """String: JSON conversation reference (ids, service url, tenant; no names) of one conversation."""
    return f"{prefix}:{CONV_TAG}:ref:{conversation_id}"


def conversation_user(prefix: str, aad_object_id: str) -> str:
    """Hash: a Teams user (teams_id, upn, tenant_id, service_url, bot_id, personal conversation id)."""
    return f"{prefix}:{CONV_TAG}:user:{aad_object_id}"


def conversation_upn_index(prefix: str) -> str:
    """Hash: UPN/e-mail (lower-case) -> AAD object id, so consultants named by e-mail can be reached."""
    return f"{prefix}:{CONV_TAG}:upn"


def conversation_channel(prefix: str, channel_id: str) -> str:
    """String: JSON reference of a team channel the bot is installed in (posting shortlists there)."""
    return f"{prefix}:{CONV_TAG}:channel:{channel_id}"


def shortlist_card(prefix: str, job_order_id: str) -> str:
    """Hash: where the job order's shortlist card was posted (reference JSON, activity id, rows shown)."""
    return f"{prefix}:{CONV_TAG}:card:{job_order_id}"


# Whoever posts a job order's first card (a typed "match", "Match nu", an intake worker) holds this
# lease while it posts, renewing it every third of the lease; released at once. The TTL only covers
# a process that died holding it. The services use the intake claim idle time (INTAKE_CLAIM_IDLE_MS).
POSTING_LEASE_MS = 30_000


def shortlist_posting(prefix: str, job_order_id: str) -> str:
    """String (NX, PX lease): the token of whoever is posting the job order's first card now."""
    return f"{prefix}:{CONV_TAG}:posting:{job_order_id}"


def handovers(prefix: str, job_order_id: str) -> str:
    """Hash: candidate_id -> "sent" | "pending" (consultant not reachable in Teams yet)."""
    return f"{prefix}:{CONV_TAG}:handover:{job_order_id}"


def handovers_pending(prefix: str, consultant_upn: str) -> str:
    """Set of record members (job:candidate) waiting until the consultant becomes reachable."""
    return f"{prefix}:{CONV_TAG}:pending:{consultant_upn}"


# --- job order lifecycle, KEH webhooks and the change feed: hash tag {fu} (issue 11) -----------------
# In the {fu} slot on purpose: a status change, its audit line, its feed entry and its webhook outbox
# entry are written by one script, so they share the follow-up records' slot.

# The change feed (GET /api/jobordrer?since=…) keeps about this many status changes.
JOB_CHANGES_MAXLEN = 100_000
# A webhook delivery claimed by a dispatcher that died before it finished is retried after this lease.
WEBHOOK_LEASE_SECONDS = 60
# KEH's 1:1 card of a job order (to update it in place) lives as long as the shortlist card.
KEH_CARD_TTL_SECONDS = 180 * 24 * 3600


def job_order_hires(prefix: str, job_order_id: str) -> str:
    """Set of candidate ids whose hire is counted on the job order (a hire counts once).
    Lifetime: as the job order. The status fields (status, filled, status_version, status_at) live
    in the job order hash itself (``job_order``)."""
    return f"{_fu(prefix)}:jo:{job_order_id}:hires"


def job_order_deadlines(prefix: str) -> str:
    """Zset job order id -> epoch when it expires if nothing is filled by then (the scheduled check);
    removed when the job order leaves ``aaben``."""
    return f"{_fu(prefix)}:idx:jo_expiry"


def job_order_changes(prefix: str) -> str:
    """Stream: one entry per job order status change (field ``event``: the webhook body JSON); the
    entry id is the feed cursor. Capped at ``JOB_CHANGES_MAXLEN``."""
    return f"{_fu(prefix)}:jo_changes"


def webhook_due(prefix: str) -> str:
    """Zset event id -> epoch the next delivery attempt is due (the outbox)."""
    return f"{_fu(prefix)}:webhook:due"


def webhook_inflight(prefix: str) -> str:
    """Zset event id -> lease expiry epoch: claimed by a dispatcher, not yet delivered."""
    return f"{_fu(prefix)}:webhook:inflight"


def webhook_events(prefix: str) -> str:
    """Hash event id -> webhook body JSON, until delivered (no names: ids, statuses, counts)."""
    return f"{_fu(prefix)}:webhook:events"


def webhook_attempts(prefix: str) -> str:
    """Hash event id -> failed delivery attempts (exponential back-off)."""
    return f"{_fu(prefix)}:webhook:attempts"


def keh_card(prefix: str, job_order_id: str) -> str:
    """String: JSON {reference, activity_id} of KEH's 1:1 card of the job order. TTL above."""
    return f"{prefix}:{CONV_TAG}:kehcard:{job_order_id}"


# --- reports (issue 12): the monthly status post and chart images: hash tag {rpt} ----------------------

REPORT_TAG = "{rpt}"
# A replica posting the monthly status holds this lease; if it dies before finishing, another takes over.
MONTHLY_POST_LEASE_MS = 120_000
# "Posted" is remembered this long: longer than a month, so a month is never posted twice.
MONTHLY_POST_DONE_SECONDS = 62 * 24 * 3600
# A chart too large for a data URI is served from here under a signed URL this long.
REPORT_CHART_TTL_SECONDS = 3600


def monthly_post(prefix: str, month: str) -> str:
    """String: the claim on posting the monthly status for ``month`` (ÅÅÅÅ-MM): a lease token while a
    replica posts, ``done`` after. Lifetime: lease MONTHLY_POST_LEASE_MS, then MONTHLY_POST_DONE_SECONDS."""
    return f"{prefix}:{REPORT_TAG}:monthly:{month}"


def report_chart(prefix: str, chart_id: str) -> str:
    """String: a chart PNG (bytes) behind a signed URL. Lifetime: REPORT_CHART_TTL_SECONDS."""
    return f"{prefix}:{REPORT_TAG}:chart:{chart_id}"


# --- cover: consultants' absences and stand-ins (issue 11.6): hash tag {cover} --------------------

COVER_TAG = "{cover}"
# An absence is kept this long after its last day (then it expires by itself: EXPIREAT).
ABSENCE_KEEP_SECONDS = 30 * 24 * 3600


def absence(prefix: str, consultant_upn: str) -> str:
    """Hash: the consultant's current or next absence (starts, ends, stand_in, set_by, set_at).
    A new absence replaces it; expires ``ABSENCE_KEEP_SECONDS`` after its last day."""
    return f"{prefix}:{COVER_TAG}:absence:{consultant_upn}"


# --- interest before review and escalation (issue 11, items 4-5): hash tag {fu} ------------------
# Under {fu} because the scripts that write them also append to the job order's audit stream.
# Lifetimes: as the job order (a few small fields per candidate); the due index loses a member once
# its step is taken.
# A claimed escalation step whose process died before finishing it is taken again after this lease.
ESCALATION_LEASE_SECONDS = 300


def interest(prefix: str, job_order_id: str) -> str:
    """Hash: candidate_id -> JSON {answer, asked_at, by, at}: the consultant's answer to "Er kandidaten
    interesseret?" (UPN of who answered; no names)."""
    return f"{_fu(prefix)}:interest:{job_order_id}"


# A question that could not reach a consultant waits this long for them to install the bot (then the
# shortlist has long been decided or expired).
INTEREST_UNREACHED_SECONDS = 30 * 24 * 3600


def interest_unreached(prefix: str, upn: str) -> str:
    """Set of "<job order>|<candidate>": interest questions that could not reach this person (no 1:1
    chat with the bot yet), asked again when they install it. Lifetime INTEREST_UNREACHED_SECONDS."""
    return f"{_fu(prefix)}:interest:unreached:{upn.lower()}"


def escalation_steps(prefix: str, job_order_id: str) -> str:
    """Hash: step key -> "lease|<token>|<expiry epoch>" while a process takes it, "done|<iso time>" once
    taken (each step once, across replicas)."""
    return f"{_fu(prefix)}:esc:steps:{job_order_id}"


def escalations_due(prefix: str) -> str:
    """Zset "<kind>|<job order>[|<candidate>]" -> epoch when its next escalation step is due."""
    return f"{_fu(prefix)}:esc:due"


def escalation_ladders(prefix: str) -> str:
    """Hash "<job order>|<candidate>" -> "<record version>|<next rung>": where an ignored reminder's
    record stands on the ladder (a new version, i.e. a status change, starts it afresh)."""
    return f"{_fu(prefix)}:esc:ladders"


# --- the lead's week (issue 11.7): the Monday post, once across replicas: hash tag {week} ------------

WEEK_TAG = "{week}"
# A replica posting the week's overview holds this lease; if it dies before finishing, another takes over.
WEEKLY_POST_LEASE_MS = 120_000
# "Posted" is remembered this long: longer than a week, so a week is never posted twice.
WEEKLY_POST_DONE_SECONDS = 14 * 24 * 3600


def weekly_post(prefix: str, week: str) -> str:
    """String: the claim on posting the week's overview for ``week`` (ÅÅÅÅ-Wnn): a lease token while a
    replica posts, ``done`` after. Lifetime: WEEKLY_POST_LEASE_MS, then WEEKLY_POST_DONE_SECONDS."""
    return f"{prefix}:{WEEK_TAG}:posted:{week}"


def handovers_last_send(prefix: str, job_order_id: str) -> str:
    """Hash (``HANDOVER_TTL_SECONDS``): the job order's last "Send godkendte": ``sent`` (delivered
    count), ``actor`` (the lead's UPN), ``at`` (ISO UTC). The shortlist card's footer is drawn from it on
    every redraw, so the answer to the button and every later refresh show it alike."""
    return f"{prefix}:{CONV_TAG}:handover-sent:{job_order_id}"
