"""Retention (closed records lose personal fields after the period) and erasure on request."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import pytest
from redis.asyncio import Redis

from bot import cli
from bot.domain.errors import ContactDataRefused
from bot.domain.reminders import load_reminder_rules
from bot.domain.states import FollowUpState
from bot.store import Stores, keys
from bot.ui import texts
from matching.models import JobOrder
from tests.followup_support import Clock, Ranked, RecordingNotifier, candidate, cph, job_order, scheduler_on

pytest_plugins = ("tests.followup_fixtures",)

S = FollowUpState
LEAD = "leder@kk.dk"
JK = "jk@kk.dk"


async def _hire(store: Stores, jo: str, cid: str) -> None:
    await store.followups.transition(jo, cid, S.GODKENDT, LEAD, note="Stærk profil, har kørekort")
    await store.followups.transition(jo, cid, S.KONTAKTET, JK, note="Ringet op, interesseret")
    await store.followups.transition(jo, cid, S.ANSOEGT, JK)
    await store.followups.transition(jo, cid, S.SAMTALE, JK, interview_at=cph(2027, 1, 5, 10))
    await store.followups.transition(jo, cid, S.ANSAT, JK, start_date=date(2026, 9, 14))  # check due


async def test_closed_records_lose_personal_fields_after_the_retention_period(
    store: Stores, clock: Clock
) -> None:
    await store.pool.put_candidates([candidate("K-1"), candidate("K-2"), candidate("K-3")])
    await store.job_orders.save_job_order(job_order("JO-1"))
    await store.shortlists.save_shortlist(
        "JO-1", [Ranked("K-1", 90.0), Ranked("K-2", 80.0), Ranked("K-3", 70.0)]
    )
    await store.followups.transition(
        "JO-1", "K-1", S.AFVIST, LEAD, reason="Mangler truckcertifikat", note="Talt med JK"
    )
    await _hire(store, "JO-1", "K-2")
    await store.followups.transition("JO-1", "K-2", S.I_JOB_3_MDR, JK, note="Stadig glad for jobbet")
    closed_at = clock.now
    clock.advance(days=100)  # K-3 is worked on later: recent enough to keep everything
    await store.followups.transition("JO-1", "K-3", S.GODKENDT, LEAD, note="Open record keeps its note")

    assert await store.retention.purge_expired(closed_at + timedelta(days=179)) == 0
    kept = await store.followups.get_followup("JO-1", "K-1")
    assert kept is not None and kept.reason == "Mangler truckcertifikat" and not kept.anonymised

    assert await store.retention.purge_expired(closed_at + timedelta(days=181)) == 2
    rejected = await store.followups.get_followup("JO-1", "K-1")
    hired = await store.followups.get_followup("JO-1", "K-2")
    assert rejected is not None and hired is not None
    for rec in (rejected, hired):
        assert rec.anonymised and rec.consultant == "" and rec.note is None and rec.reason is None
        assert all(h.note is None for h in rec.history)
        assert rec.interview_at is None and rec.start_date is None
    assert (rejected.state, hired.state) == (S.AFVIST, S.I_JOB_3_MDR)  # the statistics survive
    funnel = await store.followups.funnel("JO-1")
    assert (funnel[S.AFVIST], funnel[S.I_JOB_3_MDR], funnel[S.GODKENDT]) == (1, 1, 1)
    entries = {e.candidate_id: e for e in await store.shortlists.get_shortlist("JO-1")}
    assert entries["K-1"].reasons == () and entries["K-1"].consultant == ""
    assert entries["K-3"].reasons != ()
    open_record = await store.followups.get_followup("JO-1", "K-3")
    assert open_record is not None and open_record.note == "Open record keeps its note"
    assert [a.action for a in await store.followups.audit("JO-1", "K-1")][-1] == "anonymised"
    raw = await store.followups.r.hgetall(keys.followup(store.context.prefix, "JO-1", "K-2"))
    assert "glad for jobbet" not in str(raw) and "kørekort" not in str(raw) and JK not in str(raw)
    assert await store.retention.purge_expired(closed_at + timedelta(days=400)) == 1  # K-3, untouched since
    assert await store.retention.purge_expired(closed_at + timedelta(days=401)) == 0  # each record once


async def test_open_records_nobody_touched_for_the_whole_period_are_stripped_too(
    store: Stores, clock: Clock
) -> None:
    await store.pool.put_candidates([candidate("K-1"), candidate("K-2")])
    await store.job_orders.save_job_order(job_order("JO-1", deadline=date(2027, 1, 29)))
    await store.shortlists.save_shortlist("JO-1", [Ranked("K-1", 90.0), Ranked("K-2", 80.0)])
    await store.followups.transition("JO-1", "K-2", S.GODKENDT, LEAD, note="Ring efter jul")  # then forgotten
    assert len(await store.reminders.scheduled_reminders()) == 2
    assert await store.retention.purge_expired(clock.now + timedelta(days=179)) == 0
    assert await store.retention.purge_expired(clock.now + timedelta(days=181)) == 2
    for cid in ("K-1", "K-2"):
        rec = await store.followups.get_followup("JO-1", cid)
        assert rec is not None and rec.anonymised and rec.consultant == "" and rec.next_due_at is None
    assert await store.reminders.scheduled_reminders() == []  # nobody is reminded about a stripped record
    assert await store.followups.for_consultant(JK, now=clock.now) == []
    assert (await store.followups.funnel("JO-1"))[S.GODKENDT] == 1  # the count survives
    assert [e.reasons for e in await store.shortlists.get_shortlist("JO-1")] == [(), ()]


async def test_the_scheduler_loop_applies_retention(store: Stores, clock: Clock) -> None:
    await store.job_orders.save_job_order(job_order("JO-1"))
    await store.shortlists.save_shortlist("JO-1", [Ranked("K-1", 90.0)], consultants={"K-1": JK})
    await store.followups.transition("JO-1", "K-1", S.AFVIST, LEAD, reason="Timetal passer ikke")
    clock.advance(days=200)
    stop = asyncio.Event()
    scheduler = scheduler_on(
        store, RecordingNotifier(), load_reminder_rules(), clock=clock, interval_seconds=0.01, purge_every=1
    )

    async def stop_when_done() -> None:
        while not (rec := await store.followups.get_followup("JO-1", "K-1")) or not rec.anonymised:
            await asyncio.sleep(0.01)
        stop.set()

    await asyncio.wait_for(asyncio.gather(scheduler.run_forever(stop), stop_when_done()), timeout=10)
    record = await store.followups.get_followup("JO-1", "K-1")
    assert record is not None and record.reason is None


async def _all_text(store: Stores) -> str:
    """Every key name and value under the test's prefix (a test may SCAN; the app never does)."""
    r, out = store.context.redis, []  # the raw client: SCAN and TYPE are not store operations
    async for key in r.scan_iter(match=f"{store.context.prefix}:*", count=500):
        out.append(key)
        kind = await r.type(key)
        if kind == "hash":
            out.append(str(await r.hgetall(key)))
        elif kind == "set":
            out.append(str(await r.smembers(key)))
        elif kind == "zset":
            out.append(str(await r.zrange(key, 0, -1)))
        elif kind == "stream":
            out.append(str(await r.xrange(key)))
        elif kind == "string":
            out.append(str(await r.get(key)))
    return "\n".join(out)


async def test_purge_candidate_erases_everywhere(store: Stores, clock: Clock) -> None:
    await store.pool.put_candidates([candidate("K-77"), candidate("K-8")])
    for jo in ("JO-1", "JO-2"):
        await store.job_orders.save_job_order(job_order(jo, deadline=date(2027, 2, 26)))
        await store.shortlists.save_shortlist(jo, [Ranked("K-77", 90.0), Ranked("K-8", 80.0)])
    await _hire(store, "JO-1", "K-77")  # open, 3-month reminder scheduled
    await store.followups.transition("JO-2", "K-77", S.AFVIST, LEAD, reason="Valgte anden kandidat")  # closed
    await store.followups.transition("JO-2", "K-8", S.GODKENDT, LEAD)
    assert "K-77" in await _all_text(store)

    report = await store.retention.purge_candidate("K-77", "dpo@kk.dk")
    assert (report.records, report.shortlists, report.pool) == (2, 2, True)
    assert report.reminders >= 1 and report.audit_entries >= 2
    assert report.job_order_ids == ("JO-1", "JO-2")

    assert "K-77" not in await _all_text(store)  # not in any key, record, index, reminder or audit line
    assert await store.followups.get_followup("JO-1", "K-77") is None
    assert [e.candidate_id for e in await store.shortlists.get_shortlist("JO-2")] == ["K-8"]
    assert await store.pool.get_candidate("K-77") is None
    assert all(r.candidate_id != "K-77" for r in await store.followups.for_consultant(JK))
    assert sum((await store.followups.funnel("JO-1")).values()) == 1
    # the erasure itself is on record: who and when, no personal data
    last = (await store.followups.audit("JO-1"))[-1]
    assert (last.action, last.actor, last.candidate_id, last.at) == ("purged", "dpo@kk.dk", None, clock.now)
    log = await store.followups.r.xrange(keys.purge_log(store.context.prefix))
    assert log[-1][1]["actor"] == "dpo@kk.dk" and log[-1][1]["records"] == "2"
    # the other candidate is untouched, and a second request finds nothing
    k8 = await store.followups.get_followup("JO-2", "K-8")
    assert k8 is not None and k8.state is S.GODKENDT
    assert not (await store.retention.purge_candidate("K-77", "dpo@kk.dk")).found


async def test_cli_purge(
    store: Stores, redis_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    await store.pool.put_candidates([candidate("K-5")])
    await store.job_orders.save_job_order(job_order("JO-1"))
    await store.shortlists.save_shortlist("JO-1", [Ranked("K-5", 90.0)])
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("REDIS_KEY_PREFIX", store.context.prefix)

    async def run(*argv: str) -> tuple[int, str, str]:
        code = await asyncio.to_thread(cli.main, list(argv))  # the command runs its own event loop
        out = capsys.readouterr()
        return code, out.out, out.err

    code, out, err = await run("purge", "--candidate", "K-5", "--actor", "dpo@kk.dk")
    assert code == 0, err
    assert "Kandidat K-5 er slettet: 1 opfølgninger, 1 shortlister, 0 påmindelser, pulje: fjernet." in out
    assert (
        await store.followups.get_followup("JO-1", "K-5") is None
        and await store.pool.get_candidate("K-5") is None
    )
    assert (await store.followups.audit("JO-1"))[-1].actor == "dpo@kk.dk"

    code, out, _ = await run("purge", "--candidate", "K-5")
    assert code == 0 and "Der fandtes ingen data om kandidat K-5" in out

    code, _, err = await run("purge", "--candidate", "010190-1234")
    assert code == 2 and err.strip() == "CPR-numre må ikke indgå"
    monkeypatch.setenv("REDIS_URL", "")
    code, _, err = await run("purge", "--candidate", "K-5")
    assert code == 2 and "REDIS_URL er ikke sat" in err


# --- free text: contact data refused or redacted, and every copy gone after retention ------------------

NOTE_MARK = "aftenvagter"  # words of free text the test follows through every key
DESCRIPTION_MARK = "kølevarer"


@pytest.mark.parametrize(
    "note",
    [
        "Ring til fru Hansen om kandidaten",
        "Kontakt: Bent Olsen, værkfører",
        "Svar til hanne.jensen@firma.dk",
        "Ring på 22 33 44 55",
        "Ring på +4522334455",
    ],
)
async def test_a_note_with_a_name_or_contact_data_is_refused_in_danish_and_nothing_is_stored(
    store: Stores, note: str
) -> None:
    await store.pool.put_candidates([candidate("K-1")])
    await store.job_orders.save_job_order(job_order("JO-1"))
    await store.shortlists.save_shortlist("JO-1", [Ranked("K-1", 90.0)])
    with pytest.raises(ContactDataRefused) as refused:
        await store.followups.transition(
            "JO-1", "K-1", S.AFVIST, LEAD, reason="Timetal passer ikke", note=note
        )
    assert texts.error_text(refused.value) == texts.NOTE_CONTACT_DATA
    with pytest.raises(ContactDataRefused):
        await store.followups.add_note("JO-1", "K-1", note, LEAD)
    record = await store.followups.get_followup("JO-1", "K-1")
    assert record is not None and record.state is S.FORESLAAET and record.version == 1
    # Ordinary notes still pass: "kontaktet", a postcode, a date, hours.
    ordinary = "Kandidaten er kontaktet, 2650 Hvidovre, 37 t fra 2026-12-15"
    done = await store.followups.add_note("JO-1", "K-1", ordinary, LEAD)
    assert done.note is not None


def test_a_job_order_description_has_contact_data_replaced_before_anything_is_stored() -> None:
    sent = "Pluk af kølevarer. Kontakt: Hanne Jensen, hanne@lager.dk, tlf. 22 33 44 55. CVR 12345678."
    cleaned = JobOrder.model_validate(job_order("JO-1").model_dump() | {"description": sent}).description
    assert cleaned == (
        "Pluk af kølevarer. Kontakt: [navn fjernet], [e-mail fjernet], tlf. [telefon fjernet]. CVR 12345678."
    )


async def _every_value(redis: Redis, prefix: str) -> str:
    """Everything stored under ``prefix``, as one text: strings, hashes, sets, sorted sets, streams."""
    out: list[str] = []
    async for key in redis.scan_iter(match=f"{prefix}:*", count=500):
        kind = await redis.type(key)
        if kind == "string":
            out.append(str(await redis.get(key)))
        elif kind == "hash":
            out.append(json.dumps(await redis.hgetall(key), ensure_ascii=False))
        elif kind == "set":
            out.append(" ".join(map(str, await redis.smembers(key))))
        elif kind == "zset":
            out.append(" ".join(map(str, await redis.zrange(key, 0, -1))))
        elif kind == "stream":
            out.append(json.dumps(await redis.xrange(key), ensure_ascii=False))
        else:
            out.append(f"{key!r}: {kind!r}")
    return "\n".join(out)


async def test_after_retention_no_note_reason_or_description_text_is_left_anywhere_in_redis(
    store: Stores, clock: Clock, key_prefix: str
) -> None:
    await store.pool.put_candidates([candidate("K-1"), candidate("K-2"), candidate("K-3")])
    job = job_order("JO-1").model_copy(update={"description": f"Pluk af {DESCRIPTION_MARK} på frostlager."})
    await store.job_orders.save_job_order(job)
    await store.shortlists.save_shortlist(
        "JO-1", [Ranked("K-1", 90.0), Ranked("K-2", 80.0), Ranked("K-3", 70.0)]
    )
    await store.followups.transition(
        "JO-1", "K-1", S.AFVIST, LEAD, reason="Mangler truckcertifikat", note=f"Kun {NOTE_MARK}"
    )
    await _hire(store, "JO-1", "K-2")
    await store.followups.add_note("JO-1", "K-2", f"Ønsker {NOTE_MARK} senere", JK)
    await store.followups.transition(  # left open
        "JO-1", "K-3", S.GODKENDT, LEAD, note=f"Spørger til {NOTE_MARK}"
    )
    before = await _every_value(store.context.redis, key_prefix)
    for text in (NOTE_MARK, DESCRIPTION_MARK, "Mangler truckcertifikat", "Stærk profil"):
        assert text in before  # the scan sees them while they are kept …

    await store.retention.purge_expired(clock.now + timedelta(days=400))
    after = await _every_value(store.context.redis, key_prefix)
    for text in (NOTE_MARK, DESCRIPTION_MARK, "Mangler truckcertifikat", "Stærk profil", "Ringet op"):
        assert text not in after  # … and nowhere after retention: record, history, audit, job order
    kept = await store.job_orders.get_job_order("JO-1")
    assert kept is not None and kept.title == job.title and kept.description == ""
    trail = [a.action for a in await store.followups.audit("JO-1")]
    assert "job_order_anonymised" in trail and trail.count("anonymised") == 3
