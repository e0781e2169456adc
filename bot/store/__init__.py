"""Redis storage: the only package that imports ``redis``. Key names live in ``bot.store.keys``.

One class per capability, all on one shared context (``StoreContext``: client, key prefix, clock,
rules, retention, the registered scripts); each caller is given the capabilities it uses:

========================  ===================  =====================================================
module                    class                what
========================  ===================  =====================================================
``job_orders``            ``JobOrderStore``    job orders, the latest ones, rescheduling on revision
``shortlists``            ``ShortlistStore``   a job order's ranked shortlist, its new records, counts
``followups``             ``FollowUpRecords``  status changes, notes, queries, funnel, audit trail
``reminder_queue``        ``ReminderQueue``    claim / acknowledge / retry due reminders
``retention``             ``Retention``        retention (anonymise) and erasure on request
``pool``                  ``PoolReads``        the candidate pool (and ``PoolSwapper`` for imports)
``records``               ``RecordWriter``     reading records, the Lua checked apply they share
``codec``                                      record <-> hash, the op builder, id/actor checks
``client``                                     the typed (decoded) client the stores use
========================  ===================  =====================================================

``Stores`` (``stores``) builds one of each over one context for the composition roots. ``connect``
is in ``bot.store.connection``; conversation references and cards in ``bot.store.conversations``;
the intake queue in ``bot.store.intake``.
"""

from __future__ import annotations

from bot.store.base import StoreContext
from bot.store.codec import SYSTEM_ACTOR, check_actor, check_id
from bot.store.followups import FollowUpRecords
from bot.store.job_orders import JobOrderStore
from bot.store.pool import PoolReads
from bot.store.reminder_queue import ReminderQueue
from bot.store.retention import Retention
from bot.store.shortlists import ShortlistStore
from bot.store.stores import Stores

__all__ = [
    "SYSTEM_ACTOR",
    "FollowUpRecords",
    "JobOrderStore",
    "PoolReads",
    "ReminderQueue",
    "Retention",
    "ShortlistStore",
    "StoreContext",
    "Stores",
    "check_actor",
    "check_id",
]
