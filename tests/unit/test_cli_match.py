"""`matchbot match` and `matchbot explain` as a caseworker runs them, on files written to disk."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main

ROOT = Path(__file__).resolve().parents[2]

JOB: dict[str, Any] = {
    "id": "JO-2026-0100",
    "title": "Lagerarbejdere til travlt lager i Brøndby",
    "company": "Nordlager ApS",
    "employment_type": "ordinaert_job",
    "hours_per_week": 37,
    "postcode": "2605",
    "skills": ["plukning", "håndscanner"],
    "required_certificates": ["Truckcertifikat A/B"],
    "start_date": "2026-03-01",
}


def _cand(cid: str, **kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": cid,
        "jobcenter": "Jobcenter Amager",
        "consultant": "jk@kk.dk",
        "desired_titles": ["Lagermedarbejder"],
        "certificates": ["truckcertifikat"],
        "postcode": "2300",
        "hours_per_week": 37,
        "benefit": "dagpenge",
        "max_commute_km": 25,
    }
    data.update(kw)
    return data


POOL = [
    _cand("K-100", desired_titles=["Lager medarb."], skills=["Plukning"]),
    _cand("K-200", desired_titles=["Pakkeri medarbejder"], postcode="2650"),
    _cand("K-300", certificates=[]),
    _cand("K-400", desired_titles=["Lagerarbejder"], postcode="2605", skills=["plukning", "håndscannere"]),
    _cand("K-500", desired_titles=["Frisør"]),
]


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    job = tmp_path / "jobordre.json"
    job.write_text(json.dumps(JOB, ensure_ascii=False, indent=2), encoding="utf-8")
    pool = tmp_path / "kandidater.jsonl"
    pool.write_text("\n".join(json.dumps(c, ensure_ascii=False) for c in POOL) + "\n", encoding="utf-8")
    return job, pool


def test_match_json_best_first_with_reasons(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    job, pool = files
    assert main(["match", "--job-order", str(job), "--candidates", str(pool), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["job_order_id"] == "JO-2026-0100"
    ids = [c["candidate_id"] for c in out["candidates"]]
    assert ids == ["K-400", "K-100", "K-200"]  # K-300 lacks the truck certificate, K-500 is a hairdresser
    scores = [c["score"] for c in out["candidates"]]
    assert scores == sorted(scores, reverse=True) and all(0 < s <= 100 for s in scores)
    assert out["candidates"][0]["reasons"][0].startswith("Jobønske 'Lagerarbejder'")
    related = out["candidates"][2]["reasons"]
    assert any(r.startswith("Nært beslægtet arbejde: Pakkerimedarbejder") for r in related)
    assert set(out["candidates"][0]) == {"candidate_id", "score", "reasons"}


def test_match_top_limits_the_list(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    job, pool = files
    assert main(["match", "--job-order", str(job), "--candidates", str(pool), "--json", "--top", "1"]) == 0
    assert [c["candidate_id"] for c in json.loads(capsys.readouterr().out)["candidates"]] == ["K-400"]


def test_match_table_is_readable_danish(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    job, pool = files
    assert main(["match", "--job-order", str(job), "--candidates", str(pool)]) == 0
    out = capsys.readouterr().out
    assert "Shortlist for JO-2026-0100" in out
    assert "K-400" in out and "K-300" not in out
    assert "Under 1 km fra" in out
    assert "1 mangler certifikat" in out and "4 af 5 kandidater i puljen ligner jobbet" in out


def test_explain_names_the_filter(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    job, pool = files
    assert main(["explain", "--job-order", str(job), "--candidates", str(pool), "--candidate", "K-300"]) == 0
    assert "Kandidaten 'K-300' er frasorteret: Mangler truckcertifikat." in capsys.readouterr().out


def test_explain_on_the_list_shows_every_part(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    job, pool = files
    assert main(["explain", "--job-order", str(job), "--candidates", str(pool), "--candidate", "K-100"]) == 0
    out = capsys.readouterr().out
    assert "er nr. 2 på listen" in out
    assert "point · Jobønske 'Lager medarb.': samme slags arbejde som jobordren (Lagermedarbejder)" in out
    assert "Har 1 af 2 ønskede kompetencer: plukning" in out


def test_explain_unknown_candidate_is_an_input_error(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    job, pool = files
    assert main(["explain", "--job-order", str(job), "--candidates", str(pool), "--candidate", "K-999"]) == 2
    assert "findes ikke i puljen" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("line3", "expected"),
    [
        (
            json.dumps(_cand("K-3", postcode="9999")),
            "linje 3, felt 'postcode': '9999' er ikke et kendt dansk postnummer",
        ),
        (json.dumps(_cand("K-3", hours_per_week=60)), "linje 3, felt 'hours_per_week': må højst være 48"),
        (
            json.dumps(_cand("K-3", benefit="pension")),
            "linje 3, felt 'benefit': ukendt værdi 'pension'; gyldige",
        ),
        (
            json.dumps(_cand("K-3", skills=["ring 010190-1234"])),
            "linje 3, felt 'skills.0': CPR-numre må ikke indgå",
        ),
        (json.dumps(_cand("K-100")), "linje 3, felt 'id': kandidat-id 'K-100' findes også på linje 1"),
        (json.dumps(_cand("K-3", benefit="010190-1234")), "felt 'benefit': ukendt værdi '[CPR fjernet]'"),
        ('{"id": "K-3", ', "linje 3: ugyldig JSON"),
        ("[1, 2]", "linje 3: skal være et JSON-objekt"),
    ],
)
def test_bad_candidate_file_names_line_and_field(
    tmp_path: Path, files: tuple[Path, Path], line3: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    job, _ = files
    pool = tmp_path / "bad.jsonl"
    pool.write_text("\n".join([json.dumps(POOL[0]), json.dumps(POOL[1]), line3]) + "\n", encoding="utf-8")
    assert main(["match", "--job-order", str(job), "--candidates", str(pool)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fejl i inddata: ") and "bad.jsonl" in err
    assert expected in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"employment_type": "deltid"}, "linje 5, felt 'employment_type': ukendt værdi 'deltid'"),
        ({"required_certificates": ["pilotcertifikat"]}, "felt 'required_certificates.0': ukendt certifikat"),
        ({"title": ""}, "linje 3, felt 'title': må ikke være tom"),
        ({"hours_per_week": "mange"}, "felt 'hours_per_week': skal være et heltal"),
    ],
)
def test_bad_job_order_names_field(
    tmp_path: Path,
    files: tuple[Path, Path],
    change: dict[str, Any],
    expected: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, pool = files
    job = tmp_path / "bad.json"
    job.write_text(json.dumps({**JOB, **change}, ensure_ascii=False, indent=2), encoding="utf-8")
    assert main(["match", "--job-order", str(job), "--candidates", str(pool)]) == 2
    assert expected in capsys.readouterr().err


def test_missing_and_broken_files(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    job, pool = files
    assert main(["match", "--job-order", str(tmp_path / "nej.json"), "--candidates", str(pool)]) == 2
    assert "nej.json: filen findes ikke" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text('{\n  "id": "JO-1",\n  "title": \n}\n', encoding="utf-8")
    assert main(["match", "--job-order", str(broken), "--candidates", str(pool)]) == 2
    assert "broken.json, linje 4: ugyldig JSON (kolonne 1)" in capsys.readouterr().err  # no parser English
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n\n", encoding="utf-8")
    assert main(["match", "--job-order", str(job), "--candidates", str(empty)]) == 2
    assert "ingen kandidater" in capsys.readouterr().err


def test_the_installed_command_exits_2_without_a_traceback(tmp_path: Path, files: tuple[Path, Path]) -> None:
    job, _ = files
    pool = tmp_path / "bad.jsonl"
    pool.write_text(json.dumps(_cand("K-1", postcode="0000")) + "\n", encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "match", "--job-order", str(job), "--candidates", str(pool)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "linje 1, felt 'postcode'" in proc.stderr and "Traceback" not in proc.stderr


def test_job_order_must_be_one_object_in_utf8(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    _, pool = files
    listed = tmp_path / "liste.json"
    listed.write_text(json.dumps([JOB]), encoding="utf-8")
    assert main(["match", "--job-order", str(listed), "--candidates", str(pool)]) == 2
    assert "liste.json, linje 1: skal være et JSON-objekt" in capsys.readouterr().err
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes(json.dumps(JOB, ensure_ascii=False).encode("latin-1"))
    assert main(["match", "--job-order", str(latin1), "--candidates", str(pool)]) == 2
    assert "latin1.json: filen er ikke UTF-8-tekst" in capsys.readouterr().err
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + json.dumps(JOB, ensure_ascii=False).encode("utf-8"))
    assert main(["match", "--job-order", str(bom), "--candidates", str(pool), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["job_order_id"] == "JO-2026-0100"


def test_top_out_of_range_is_refused(files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    job, pool = files
    assert main(["match", "--job-order", str(job), "--candidates", str(pool), "--top", "0"]) == 2
    assert "--top skal være mellem 1 og 500" in capsys.readouterr().err


def test_match_reads_the_pool_in_every_format_import_reads(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    """The pool a caseworker imports (JSONL, JSON list, Excel CSV) is the pool they can match on."""
    job, _ = files
    listed = tmp_path / "kandidater.json"
    listed.write_text(json.dumps(POOL, ensure_ascii=False, indent=2), encoding="utf-8")
    table = tmp_path / "kandidater.csv"
    with table.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=sorted({k for c in POOL for k in c}), delimiter=";")
        writer.writeheader()
        for cand in POOL:
            writer.writerow({k: "|".join(v) if isinstance(v, list) else v for k, v in cand.items()})
    for pool in (listed, table):
        assert main(["match", "--job-order", str(job), "--candidates", str(pool), "--json"]) == 0, pool
        ids = [c["candidate_id"] for c in json.loads(capsys.readouterr().out)["candidates"]]
        assert ids == ["K-400", "K-100", "K-200"], pool

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([POOL[0], POOL[1], _cand("K-3", postcode="9999")]), encoding="utf-8")
    assert main(["match", "--job-order", str(job), "--candidates", str(bad)]) == 2
    assert "bad.json, element 3, felt 'postcode': '9999' er ikke et kendt" in capsys.readouterr().err


def test_explain_refuses_a_cpr_like_candidate_id(
    files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    job, pool = files
    for cpr in ("010190-1234", "0101901234"):
        assert main(["explain", "--job-order", str(job), "--candidates", str(pool), "--candidate", cpr]) == 2
        out, err = capsys.readouterr()
        assert err.startswith("CPR-numre må ikke indgå") and "pseudonyme id" in err
        assert cpr not in out + err and "findes ikke" not in err


def test_a_directory_as_input_is_a_danish_error(
    tmp_path: Path, files: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    job, pool = files
    folder = tmp_path / "mappe"
    folder.mkdir()
    for job_order, candidates in ((folder, pool), (job, folder)):
        assert main(["match", "--job-order", str(job_order), "--candidates", str(candidates)]) == 2
        err = capsys.readouterr().err
        assert err == f"Fejl i inddata: {folder}: er en mappe, ikke en fil\n"
