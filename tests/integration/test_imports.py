"""`matchbot import`: bad rows reported (line, field, Danish reason) without stopping good ones, and the
pool swapped in atomically: a matcher reading meanwhile sees the old pool or the new, never a mix."""

from __future__ import annotations

import asyncio
import csv
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from bot.domain.states import FollowUpState
from bot.features.imports import (
    ImportReport,
    import_candidates,
    import_job_orders,
    parse_file,
    write_report_csv,
)
from bot.features.pool import PoolIndex
from bot.observability import Metrics
from bot.store import Stores
from bot.store.connection import client_from_url
from bot.store.intake import IntakeQueue
from bot.store.pool import PoolSwapper
from matching.models import CandidateProfile, JobOrder
from matching.privacy import contains_cpr
from tests.harness import wait_until
from tests.redis_server import free_port

ROOT = Path(__file__).resolve().parents[2]


def _profile(i: int, jobcenter: str = "Jobcenter København", **extra: object) -> dict[str, object]:
    data: dict[str, object] = {
        "id": f"K-{i:05d}",
        "jobcenter": jobcenter,
        "consultant": f"jk{i % 5}@kk.dk",
        "desired_titles": ["Lagermedarbejder"],
        "postcode": "2500",
        "hours_per_week": 37,
        "benefit": "dagpenge",
    }
    data.update(extra)
    return data


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[Redis]:
    client = client_from_url(redis_url)
    yield client
    await client.aclose()


CSV_HEADER = (
    "id;jobcenter;consultant;desired_titles;skills;certificates;postcode;hours_per_week;benefit;active"
)
CSV_TEXT = (
    CSV_HEADER
    + """
K-1;Jobcenter København;a@kk.dk;Lagermedarbejder|Pakker;plukning;Truckcertifikat;2400;37;dagpenge;ja
K-2;Jobcenter København;a@kk.dk;Lagermedarbejder;;;9999;37;dagpenge;ja
K-3;Jobcenter Amager;010190-1234;Lagermedarbejder;;;2300;37;dagpenge;ja
K-4;Jobcenter Amager;b@kk.dk;;;;2300;80;dagpenge;nej
K-1;Jobcenter København;a@kk.dk;Lagermedarbejder;;;2400;37;dagpenge;ja
K-5;Jobcenter Amager;b@kk.dk;Rengøringsassistent;;;2300;20;Kontanthjælp (jobparat);nej
"""
)


def test_csv_rows_are_validated_one_by_one_with_danish_reasons(tmp_path: Path) -> None:
    path = tmp_path / "pulje.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    result = parse_file(path, CandidateProfile)
    assert result.rows == 6
    assert [p.id for p in result.valid] == ["K-1", "K-5"]
    k1, k5 = result.valid
    assert k1.desired_titles == ["Lagermedarbejder", "Pakker"] and k1.certificates == ["truckcertifikat"]
    assert k5.active is False and k5.benefit == "kontanthjaelp_jobparat"
    problems = {(p.line, p.field): p.message for p in result.problems}
    assert problems[(3, "postcode")] == "'9999' er ikke et kendt dansk postnummer"
    assert problems[(4, "consultant")] == "har et ugyldigt format"
    assert problems[(5, "hours_per_week")] == "må højst være 48"
    assert problems[(6, "id")] == "kandidat-id 'K-1' findes også på linje 2"
    assert all("010190" not in p.message for p in result.problems)


def test_jsonl_bad_json_line_does_not_stop_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "pulje.jsonl"
    path.write_text(json.dumps(_profile(1)) + "\n{ikke json\n[1, 2]\n" + json.dumps(_profile(2)) + "\n")
    result = parse_file(path, CandidateProfile)
    assert [p.id for p in result.valid] == ["K-00001", "K-00002"]
    assert [(p.line, p.message.split(" ")[0]) for p in result.problems] == [(2, "ugyldig"), (3, "skal")]


async def test_replace_deactivates_missing_candidates_and_keeps_their_follow_ups(
    tmp_path: Path, redis: Redis, key_prefix: str
) -> None:
    store = Stores.open(redis, key_prefix)
    swapper = PoolSwapper(redis, key_prefix)
    await import_candidates(swapper, _jsonl(tmp_path / "a.jsonl", [_profile(i) for i in range(5)]), "replace")
    job = JobOrder(
        id="JO-1",
        title="Lagermedarbejder",
        company="Lager A/S",
        employment_type="ordinaert_job",
        hours_per_week=37,
        postcode="2650",
    )
    await store.job_orders.save_job_order(job)

    class Ranked:
        candidate_id, score, reasons = "K-00004", 90.0, ["Jobønske 'Lagermedarbejder'"]

    await store.shortlists.save_shortlist("JO-1", [Ranked()])
    await store.followups.transition("JO-1", "K-00004", FollowUpState.GODKENDT, "leder@kk.dk")
    version_before = await store.pool.pool_version()

    report = await import_candidates(
        swapper, _jsonl(tmp_path / "b.jsonl", [_profile(i) for i in (0, 1, 2, 10)]), "replace"
    )
    assert (report.accepted, report.deactivated, report.pool_size) == (4, 2, 6)
    pool = {p.id: p for p in await store.pool.all_candidates()}
    assert pool["K-00004"].active is False and pool["K-00003"].active is False
    assert pool["K-00010"].active and pool["K-00000"].active
    assert await store.pool.pool_version() > version_before
    follow_up = await store.followups.get_followup("JO-1", "K-00004")
    assert follow_up is not None and follow_up.state is FollowUpState.GODKENDT

    # upsert: adds and updates, never deactivates
    report = await import_candidates(
        swapper,
        _jsonl(tmp_path / "c.jsonl", [_profile(20), _profile(0, jobcenter="Jobcenter Amager")]),
        "upsert",
    )
    assert (report.accepted, report.deactivated, report.pool_size) == (2, 0, 7)
    pool = {p.id: p for p in await store.pool.all_candidates()}
    assert pool["K-00000"].jobcenter == "Jobcenter Amager" and pool["K-00010"].active


async def test_a_concurrent_matcher_sees_the_old_pool_or_the_new_never_a_mix(
    tmp_path: Path, redis_url: str, redis: Redis, key_prefix: str
) -> None:
    swapper = PoolSwapper(redis, key_prefix)
    old = [_profile(i, jobcenter="Jobcenter Gammel") for i in range(3000)]
    new = [_profile(i, jobcenter="Jobcenter Ny") for i in range(3000)]
    await import_candidates(swapper, _jsonl(tmp_path / "old.jsonl", old), "replace")
    reader_redis = client_from_url(redis_url)
    reader = Stores.open(reader_redis, key_prefix)
    index = PoolIndex(reader.pool)
    seen: list[frozenset[str]] = []
    done = asyncio.Event()

    async def matcher() -> None:
        while not done.is_set():
            seen.append(frozenset(p.jobcenter for p in await reader.pool.all_candidates()))
            await asyncio.sleep(0)

    task = asyncio.create_task(matcher())
    first_index = await index.get()
    await import_candidates(swapper, _jsonl(tmp_path / "new.jsonl", new), "replace")
    reads_so_far = len(seen)
    await wait_until(lambda: len(seen) >= reads_so_far + 2)  # a whole read begun after the import
    done.set()
    await task
    await reader_redis.aclose()
    assert len(seen) >= 3, "the matcher must have read while the import ran"
    assert seen[0] == {"Jobcenter Gammel"} and seen[-1] == {"Jobcenter Ny"}
    assert all(len(s) == 1 for s in seen), "a reader saw a mix of two pools"
    # the running bot's index notices the new pool version by itself
    second_index = await index.get()
    assert second_index is not first_index
    assert {second_index.get("K-00001").jobcenter} == {"Jobcenter Ny"}  # type: ignore[union-attr]


async def test_job_order_import_goes_through_the_intake_queue(
    tmp_path: Path, redis: Redis, key_prefix: str
) -> None:
    store = Stores.open(redis, key_prefix)
    queue = IntakeQueue(redis, key_prefix)
    await queue.ensure_group()
    base = {
        "title": "Lagermedarbejder",
        "company": "Lager A/S",
        "employment_type": "Løntilskud (privat)",
        "hours_per_week": 30,
        "postcode": "2650",
    }
    path = tmp_path / "jobordrer.json"
    path.write_text(
        json.dumps(
            [{**base, "id": "JO-1"}, {**base, "id": "JO-2", "postcode": "0000"}, {**base, "id": "JO-3"}]
        ),
        encoding="utf-8",
    )
    report = await import_job_orders(store.job_orders, queue, Metrics(), path)
    assert (report.accepted, report.queued, report.outcomes) == (2, 2, {"created": 2})
    assert [(p.line, p.field) for p in report.problems] == [(2, "postcode")]
    assert (await queue.stats()).waiting == 2
    again = await import_job_orders(store.job_orders, queue, Metrics(), path)  # same file again: nothing new
    assert (again.queued, again.outcomes) == (0, {"unchanged": 2})


def test_cli_import_prints_the_report_and_writes_it(tmp_path: Path, redis_url: str, key_prefix: str) -> None:
    path = tmp_path / "pulje.csv"
    path.write_text(CSV_TEXT, encoding="utf-8")
    report_path = tmp_path / "rapport.csv"
    env = {**os.environ, "REDIS_URL": redis_url, "REDIS_KEY_PREFIX": key_prefix, "COLUMNS": "200"}
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "import",
            "candidates",
            str(path),
            "--mode",
            "replace",
            "--report",
            str(report_path),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 af 6 kandidater importeret (erstat hele puljen)" in result.stdout
    assert "4 rækker afvist" in result.stdout
    assert "'9999' er ikke et kendt dansk postnummer" in result.stdout
    with report_path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["linje", "felt", "årsag"]
    assert ["3", "postcode", "'9999' er ikke et kendt dansk postnummer"] in rows

    empty = tmp_path / "tom.jsonl"
    empty.write_text("{ikke json\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "import", "candidates", str(empty)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "intet er importeret" in result.stdout


def test_cli_import_and_worker_refuse_to_run_without_redis(tmp_path: Path) -> None:
    """Without REDIS_URL the data would go into an embedded store that vanishes with the command."""
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["HOME"] = str(tmp_path)
    for argv in (["import", "candidates", str(ROOT / "data" / "candidates.jsonl")], ["worker"]):
        result = subprocess.run(
            [sys.executable, "-m", "bot.cli", *argv],
            cwd=tmp_path,
            env={**env, "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2, argv
        assert "REDIS_URL er ikke sat" in result.stdout + result.stderr


def _cli(*argv: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *argv],
        cwd=ROOT,
        env={**os.environ, "COLUMNS": "250", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_replace_leaves_a_candidate_whose_row_was_rejected_as_it_is(
    tmp_path: Path, redis_url: str, redis: Redis, key_prefix: str
) -> None:
    """A typo in K-QA0001's postcode must not take them out of the pool, nor change their profile."""
    store = Stores.open(redis, key_prefix)
    base = [_profile(0, id=f"K-QA000{i}", postcode="2300") for i in (1, 2, 3)]
    await import_candidates(PoolSwapper(redis, key_prefix), _jsonl(tmp_path / "a.jsonl", base), "replace")
    new_file = _jsonl(
        tmp_path / "b.jsonl",
        [
            _profile(0, id="K-QA0001", postcode="23OO", jobcenter="Jobcenter Amager"),
            _profile(0, id="K-QA0002", jobcenter="Jobcenter Amager"),
            {"id": "K-QA0009", "postcode": "2300"},  # a new candidate with a bad row: just rejected
        ],
    )
    env = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": key_prefix}
    result = _cli("import", "candidates", str(new_file), "--mode", "replace", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    out = " ".join(result.stdout.split())
    assert "1 af 3 kandidater importeret (erstat hele puljen)" in out
    assert "2 rækker afvist; 1 deaktiveret" in out
    assert "1 med en afvist række bevarer deres nuværende profil" in out
    pool = {p.id: p for p in await store.pool.all_candidates()}
    assert pool["K-QA0001"] == CandidateProfile.model_validate(base[0])  # neither updated nor deactivated
    assert pool["K-QA0002"].jobcenter == "Jobcenter Amager" and pool["K-QA0002"].active
    assert pool["K-QA0003"].active is False  # absent from the file: deactivated
    assert "K-QA0009" not in pool


async def test_cli_import_refuses_unreadable_input_and_report_paths_before_touching_the_pool(
    tmp_path: Path, redis_url: str, redis: Redis, key_prefix: str
) -> None:
    env = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": key_prefix}
    folder = tmp_path / "eksport"
    folder.mkdir()
    good = _jsonl(tmp_path / "pulje.jsonl", [_profile(1)])
    runs = {
        "mappe som fil": (["candidates", str(folder)], "eksport: er en mappe, ikke en fil"),
        "jobordrer fra en mappe": (["job-orders", str(folder)], "eksport: er en mappe, ikke en fil"),
        "rapport i en mappe, der ikke findes": (
            ["candidates", str(good), "--report", "/nonexistent/dir/r.csv"],
            "Valideringsrapporten kan ikke skrives til /nonexistent/dir/r.csv: mappen findes ikke. "
            "Intet er importeret.",
        ),
        "rapport er en mappe": (
            ["candidates", str(good), "--report", str(folder)],
            "er en mappe, ikke en fil. Intet er importeret.",
        ),
    }
    for name, (argv, expected) in runs.items():
        result = _cli("import", *argv, env=env)
        output = result.stdout + result.stderr
        assert result.returncode == 2, name
        assert expected in " ".join(output.split()), name
        assert "Traceback" not in output and "Error" not in output, name
    assert await Stores.open(redis, key_prefix).pool.pool_version() == 0, "nothing may have been imported"
    assert list(folder.iterdir()) == []


def test_cli_import_purge_and_worker_say_the_database_cannot_be_reached(tmp_path: Path) -> None:
    """Redis down (here: nothing listens on the port): a Danish sentence and exit 2, no traceback."""
    pool = _jsonl(tmp_path / "pulje.jsonl", [_profile(1)])
    jobs = tmp_path / "jobordrer.json"
    jobs.write_text(json.dumps([]), encoding="utf-8")
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{free_port()}/0", "WORKER_PORT": str(free_port())}
    commands = (
        ["import", "candidates", str(pool)],
        ["import", "job-orders", str(jobs)],
        ["purge", "--candidate", "K-00001"],
        ["worker"],
    )
    procs = [  # in parallel: each waits out the client's retry budget
        subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *argv],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in commands
    ]
    for argv, proc in zip(commands, procs, strict=True):
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 2, argv
        assert "Databasen (Redis) kan ikke nås" in err, argv
        # No traceback and no printed exception ("ConnectionError: Error 111 …"); a structured log line
        # naming the error class ("error": "ConnectionError") is what the logs are for.
        assert "Traceback" not in out + err and "ConnectionError:" not in out + err, argv


def test_json_list_problems_name_the_element_and_job_order_ids_are_job_order_ids(tmp_path: Path) -> None:
    base = {
        "title": "Lagermedarbejder",
        "company": "Lager A/S",
        "employment_type": "ordinaert_job",
        "hours_per_week": 30,
        "postcode": "2650",
    }
    path = tmp_path / "jobordrer.json"
    # one line: a "line" number would be 1 for every job order
    path.write_text(json.dumps([{**base, "id": "JO-1"}, {**base, "id": "JO-2"}, {**base, "id": "JO-1"}]))
    result = parse_file(path, JobOrder)
    assert [p.describe() for p in result.problems] == [
        f"{path}, element 3, felt 'id': jobordre-id 'JO-1' findes også på element 1"
    ]
    report_path = tmp_path / "rapport.csv"
    write_report_csv(
        ImportReport("job-orders", str(path), result.rows, 2, result.problems, 0.0, unit=result.unit),
        report_path,
    )
    with report_path.open(encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [
            ["element", "felt", "årsag"],
            ["3", "id", "jobordre-id 'JO-1' findes også på element 1"],
        ]


def test_bad_json_is_reported_in_danish(tmp_path: Path) -> None:
    jsonl = tmp_path / "pulje.jsonl"
    jsonl.write_text('{1: 2}\n{"id": "K-1",\n' + json.dumps(_profile(3)) + "\n", encoding="utf-8")
    result = parse_file(jsonl, CandidateProfile)
    assert [(p.line, p.message) for p in result.problems] == [
        (1, "ugyldig JSON (kolonne 2)"),
        (2, "ugyldig JSON (kolonne 14)"),
    ]
    listed = tmp_path / "pulje.json"
    listed.write_text('[\n  {"id": "K-1"},\n  {"id": }\n]\n', encoding="utf-8")
    assert [p.describe() for p in parse_file(listed, CandidateProfile).problems] == [
        f"{listed}, linje 3: ugyldig JSON (kolonne 10)"
    ]


EXCEL_CSV = (
    "id;jobcenter;consultant;desired_titles;postcode;hours_per_week;benefit;max_commute_km\n"
    "K-1;Jobcenter København;a@kk.dk;Lagermedarbejder|Pakker;2300;37;dagpenge;20,5\n"
    "K-2;Jobcenter Østerbro;b@kk.dk;Rengøringsassistent;2100;30;kontanthjælp (jobparat);7\n"
)


def test_excel_csv_in_windows_1252_with_decimal_commas_is_imported(
    tmp_path: Path, redis_url: str, key_prefix: str
) -> None:
    """What Danish Excel writes with "Gem som → CSV (semikolonsepareret)"."""
    path = tmp_path / "fra_excel.csv"
    path.write_bytes(EXCEL_CSV.encode("cp1252"))
    result = parse_file(path, CandidateProfile)
    assert result.problems == []
    k1, k2 = result.valid
    assert (k1.jobcenter, k1.max_commute_km, k2.jobcenter, k2.max_commute_km) == (
        "Jobcenter København",
        20.5,
        "Jobcenter Østerbro",
        7.0,
    )
    cli = _cli(
        "import", "candidates", str(path), env={"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": key_prefix}
    )
    assert cli.returncode == 0, cli.stdout + cli.stderr
    out = " ".join(cli.stdout.split())
    assert "fra_excel.csv er ikke UTF-8: filen er læst som Windows-1252" in out
    assert "2 af 2 kandidater importeret" in out

    binary = tmp_path / "ikke_tekst.csv"
    binary.write_bytes(EXCEL_CSV.encode("cp1252") + b"\x81\x8d\n")  # bytes Windows-1252 does not have
    assert [p.message for p in parse_file(binary, CandidateProfile).problems] == [
        "filen er hverken UTF-8- eller Windows-1252-tekst"
    ]


def test_cli_import_never_prints_or_writes_a_cpr_number(
    tmp_path: Path, redis_url: str, key_prefix: str
) -> None:
    """A column (or JSON key, or the file) named like a CPR number is reported without the number."""
    path = tmp_path / "pulje 010190-1234.csv"
    path.write_text(
        "id;jobcenter;consultant;desired_titles;postcode;hours_per_week;benefit;010190-1234\n"
        "K-1;Jobcenter Amager;a@kk.dk;Lagermedarbejder;2300;37;dagpenge;ja\n"
        "K-2;Jobcenter Amager;a@kk.dk;Lagermedarbejder;2300;37;dagpenge;\n",
        encoding="utf-8",
    )
    report_path = tmp_path / "rapport.csv"
    env = {"REDIS_URL": redis_url, "REDIS_KEY_PREFIX": key_prefix}
    result = _cli("import", "candidates", str(path), "--report", str(report_path), env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    printed = "".join((result.stdout + result.stderr).split())  # rich wraps the title anywhere
    assert "Afvisterækkeri" in printed and "[CPRfjernet]│ukendtfelt" in printed
    report = report_path.read_text(encoding="utf-8")
    assert "2,[CPR fjernet],ukendt felt" in report
    assert not contains_cpr(printed) and not contains_cpr(report)

    jsonl = _jsonl(tmp_path / "pulje.jsonl", [_profile(1, **{"0101901234": "x"})])
    problems = parse_file(jsonl, CandidateProfile).problems
    assert [(p.field, p.message) for p in problems] == [("[CPR fjernet]", "ukendt felt")]
    assert not contains_cpr(problems[0].describe())


async def test_a_change_to_the_pool_while_an_import_copies_it_is_not_lost(
    tmp_path: Path, redis: Redis, key_prefix: str
) -> None:
    """A consultant's profile update (put_candidates) or an erasure landing while an import writes its
    copy of the pool must survive the swap: the swap sees the pool moved and builds the copy again."""
    store = Stores.open(redis, key_prefix)
    first = _jsonl(tmp_path / "a.jsonl", [_profile(1)])
    await import_candidates(PoolSwapper(redis, key_prefix), first, "replace")

    class Interrupted(PoolSwapper):
        writes = 0

        async def _write(self, *args: object, **kwargs: object) -> int:
            Interrupted.writes += 1
            if Interrupted.writes == 1:  # while the first copy is written, someone changes the pool
                await store.pool.put_candidates([CandidateProfile.model_validate(_profile(7))])
                await store.pool.remove("K-00001")
            return await super()._write(*args, **kwargs)  # type: ignore[arg-type]

    report = await import_candidates(
        Interrupted(redis, key_prefix), _jsonl(tmp_path / "b.jsonl", [_profile(2)]), "upsert"
    )
    assert report.accepted == 1 and Interrupted.writes == 2  # rebuilt once
    pool = {p.id for p in await store.pool.all_candidates()}
    assert pool == {"K-00002", "K-00007"}  # the update is in, the erased candidate stays gone


# --- issue 10: Copenhagen's pool and the profile fields the scheme rules need --------------------------

SCHEME_HEADER = (
    "id;jobcenter;consultant;desired_titles;postcode;hours_per_week;benefit;"
    "target_group;age_band;weeks_unemployed;education_level;trade;flex_approved"
)
SCHEME_CSV = SCHEME_HEADER + """
K-10;Jobcenter København – Karrierecentret;a@kk.dk;Økonom;2100;37;dagpenge;jobparat;30–49;40;\
Videregående uddannelse;Cand.oecon.;nej
K-11;Jobcenter Brøndby;b@brondby.dk;Lagermedarbejder;2605;37;dagpenge;;;;;;
K-12;Jobcenter København – Ungecenter;c@kk.dk;Lagermedarbejder;2200;37;Uddannelseshjælp;;18–24;;Ufaglært;;
K-13;Jobcenter København – Valby;d@kk.dk;Kontorassistent;2500;15;ledighedsydelse;;50+;80;;;
K-14;Jobcenter Aarhus;e@aarhus.dk;Kok;8000;37;dagpenge;;;;;;
K-15;Jobcenter København – Amager;f@kk.dk;Tjener;2300;37;Uddannelseshjælp;jobparat;25–29;;;;
K-16;Jobcenter København – Ungecenter;g@kk.dk;Tjener;2300;37;uddannelseshjaelp_jobparat;;25–29;;;;
"""


async def test_import_refuses_other_municipalities_and_reads_the_scheme_fields(
    tmp_path: Path, redis: Redis, key_prefix: str
) -> None:
    path = tmp_path / "pulje.csv"
    path.write_text(SCHEME_CSV, encoding="utf-8")
    store = Stores.open(redis, key_prefix)
    report = await import_candidates(PoolSwapper(redis, key_prefix), path, "replace")
    assert (report.rows, report.accepted) == (7, 4)
    problems = {(p.line, p.field): p.message for p in report.problems}
    assert problems[(3, "jobcenter")] == (
        "'Jobcenter Brøndby' hører til Brøndby Kommune; matchenheden matcher kun borgere i "
        "Jobcenter Københavns egne centre"
    )
    assert problems[(6, "jobcenter")].startswith("'Jobcenter Aarhus' hører til Aarhus Kommune")
    # the report line names the field to correct (uddannelseshjælp is never jobparat, domain.md)
    assert problems[(7, "target_group")] == (
        "uddannelseshjælp gives til uddannelsesparate og aktivitetsparate, ikke jobparate "
        "('target_group' skal være uddannelsesparat eller aktivitetsparat)"
    )
    pool = {p.id: p for p in await store.pool.all_candidates()}
    assert set(pool) == {"K-10", "K-12", "K-13", "K-16"}
    # the id of earlier versions is still read, as the new one, with the safe default target group
    assert pool["K-16"].benefit == "uddannelseshjaelp" and pool["K-16"].target_group == "uddannelsesparat"
    academic, young, flex = pool["K-10"], pool["K-12"], pool["K-13"]
    assert (academic.age_band, academic.weeks_unemployed, academic.trade) == ("30-49", 40, "Cand.oecon.")
    assert academic.education_level == "videregaaende" and not academic.flex_approved
    assert young.target_group == "uddannelsesparat" and young.age_band == "18-24"  # default from benefit
    assert flex.flex_approved and flex.target_group == "jobparat" and flex.education_level is None
