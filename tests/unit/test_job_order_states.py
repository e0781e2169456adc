"""The job order lifecycle rules (pure): counts, closed job orders, expiry on Danish working days,
and the webhook signature a receiver checks."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain.errors import BadFillCount, JobOrderClosed
from bot.domain.job_order_states import (
    JobOrderState,
    JobOrderStatus,
    after_cancel,
    after_fill,
    after_hire,
    can_expire,
    expires_at,
)
from bot.domain.reminders import load_reminder_rules
from bot.features.webhooks import signed_headers, verify
from bot.ui import texts

S = JobOrderStatus
RULES = load_reminder_rules()


def state(status: S = S.AABEN, filled: int = 0, positions: int = 3, hires: int = 0) -> JobOrderState:
    return JobOrderState(status, filled, positions, hires, 4)


def test_hires_move_open_to_partly_filled_to_filled() -> None:
    one = after_hire(state())
    assert (one.status, one.filled, one.hires, one.version) == (S.DELVIST_BESAT, 1, 1, 5)
    three = after_hire(after_hire(one))
    assert (three.status, three.filled) == (S.BESAT, 3)


def test_a_hire_on_a_closed_job_order_is_counted_but_does_not_reopen_it() -> None:
    after = after_hire(state(S.ANNULLERET))
    assert (after.status, after.hires) == (S.ANNULLERET, 1)


def test_keh_reports_a_count_between_the_hires_known_and_the_positions() -> None:
    assert after_fill(state(hires=1, filled=1), 2).status is S.DELVIST_BESAT
    assert after_fill(state(), 3).status is S.BESAT
    with pytest.raises(BadFillCount) as too_many:
        after_fill(state(), 4)
    assert texts.error_text(too_many.value) == "Antal besatte stillinger skal være fra 1 til 3 (du skrev 4)."
    with pytest.raises(BadFillCount):
        after_fill(state(hires=2, filled=2), 1)  # fewer than already hired
    with pytest.raises(JobOrderClosed) as closed:
        after_fill(state(S.BESAT, 3), 3)
    assert texts.error_text(closed.value) == "Jobordren er allerede besat; den kan ikke ændres mere."


def test_cancel_and_expiry() -> None:
    assert after_cancel(state(S.DELVIST_BESAT, 1)).status is S.ANNULLERET
    with pytest.raises(JobOrderClosed):
        after_cancel(state(S.UDLOEBET))
    assert can_expire(state())
    assert not can_expire(state(S.DELVIST_BESAT, 1))


def test_expiry_is_the_first_danish_working_day_after_the_deadline() -> None:
    friday = expires_at(date(2026, 12, 4), RULES.calendar(), RULES.zone)
    assert friday == datetime(2026, 12, 7, tzinfo=RULES.zone)  # Monday 00:00 in Copenhagen
    before_christmas = expires_at(date(2026, 12, 23), RULES.calendar(), RULES.zone)
    assert before_christmas.date() > date(2026, 12, 26)  # not on juledag / 2. juledag


def test_signature_verifies_with_either_key_during_rotation_and_not_when_tampered() -> None:
    keys = [("k2026", b"ny-hemmelighed-abcdefghijklmno"), ("k2025", b"gammel-hemmelighed-0123456789")]
    body = b'{"id":"JO-1:1","status":"besat"}'
    headers = signed_headers(keys, 1_800_000_000, body, "JO-1:1")
    assert headers["X-Matchbot-Key-Id"] == "k2026"
    assert verify(keys[1:], headers, body, now=1_800_000_010)  # a receiver that only knows the old key
    assert verify(keys[:1], headers, body, now=1_800_000_010)
    assert not verify(keys, headers, body + b" ", now=1_800_000_010)
    assert not verify(keys, headers, body, now=1_800_000_000 + 301)  # replayed too late
