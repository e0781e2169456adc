"""Build the evaluation set's job orders and candidate pool from the hand-written cases.

    python3 data/evaluation/build.py      # writes job_orders.jsonl, candidates.jsonl, labels.json

Independent of scripts/generate_sample_data.py and of the matcher: the labels are the case author's
(cases.toml), never computed from the taxonomy. Deterministic (no randomness), so the files are
reproducible; the files are committed so that `matchbot evaluate` needs no build step.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Copenhagen postcodes the pool lives in (all within 30 km of every job order's postcode).
HOMES = ["2300", "2400", "2200", "2100", "2500", "2450", "1620", "2700", "2720", "2610", "2650", "2000"]
FAR = "8000"  # Aarhus: beyond every candidate's commute
BENEFITS = ["dagpenge", "kontanthjaelp_jobparat"]
BLOCKS = ["far", "hours", "certificate", "inactive", "benefit"]


def _candidate(cid: str, wish: str, case: dict, i: int, **over: object) -> dict:
    fleks = case.get("type") == "fleksjob"
    hours = int(case.get("hours", 37))
    record = {
        "id": cid,
        "jobcenter": "Jobcenter København",
        "consultant": f"ev{i % 40:02d}@kk.dk",
        "desired_titles": [wish],
        "experience_titles": [],
        "skills": [],
        "certificates": list(case.get("certs", [])),
        "languages": ["dansk"],
        "postcode": HOMES[i % len(HOMES)],
        "max_commute_km": 30.0,
        "hours_per_week": min(37, hours + 3) if fleks else 37,
        "benefit": "ledighedsydelse" if fleks else BENEFITS[i % 2],
        "active": True,
    }
    record.update(over)
    return record


def _blocked(case: dict, n: int) -> dict[str, object]:
    """A change that makes a candidate of the right occupation fail one hard filter."""
    block = BLOCKS[n % len(BLOCKS)]
    if block == "certificate" and not case.get("certs"):
        block = "far"
    if block == "hours" and int(case.get("hours", 37)) <= 8:
        block = "far"
    if block == "far":
        return {"postcode": FAR, "max_commute_km": 20.0}
    if block == "hours":
        return {"hours_per_week": int(case.get("hours", 37)) - 5}
    if block == "certificate":
        return {"certificates": []}
    if block == "inactive":
        return {"active": False}
    fleks = case.get("type") == "fleksjob"
    return {"benefit": "dagpenge" if fleks else "ledighedsydelse", "hours_per_week": 37}


def build() -> tuple[list[dict], list[dict], dict[str, dict]]:
    cases = tomllib.loads((HERE / "cases.toml").read_text(encoding="utf-8"))["case"]
    jobs: list[dict] = []
    pool: list[dict] = []
    labels: dict[str, str] = {}
    targets: dict[str, list[str]] = {}
    i = 0
    for n, case in enumerate(cases, 1):
        jid = f"EV-{n:03d}"
        jobs.append(
            {
                "id": jid,
                "title": case["title"],
                "company": f"Evalueringsvirksomhed {n} ApS",
                "employment_type": case.get("type", "ordinaert_job"),
                "hours_per_week": int(case.get("hours", 37)),
                "postcode": case["postcode"],
                "required_certificates": case.get("certs", []),
            }
        )
        targets[jid] = case["target"]
        own = case.get("labels", [case["target"][0]] * len(case["expect"]))
        for k, (wish, label) in enumerate(zip(case["expect"], own, strict=True)):
            i += 1
            cid = f"E-{n:03d}-{k + 1}"
            pool.append(_candidate(cid, wish, case, i))
            labels[cid] = label
        i += 1
        cid = f"E-{n:03d}-X"  # right occupation, fails a hard filter
        pool.append(_candidate(cid, case["expect"][0], case, i, **_blocked(case, n)))
        labels[cid] = own[0]
        i += 1
        cid = f"E-{n:03d}-L"  # another trade whose title looks like the job's
        pool.append(_candidate(cid, case["lookalike"], case, i))
        labels[cid] = case.get("lookalike_label", "other")
    return jobs, pool, {"job_orders": targets, "candidates": labels}


def main() -> None:
    jobs, pool, labels = build()
    with (HERE / "job_orders.jsonl").open("w", encoding="utf-8") as fh:
        for j in jobs:
            fh.write(json.dumps(j, ensure_ascii=False) + "\n")
    with (HERE / "candidates.jsonl").open("w", encoding="utf-8") as fh:
        for c in pool:
            fh.write(json.dumps(c, ensure_ascii=False) + "\n")
    text = json.dumps(labels, ensure_ascii=False, indent=1) + "\n"
    (HERE / "labels.json").write_text(text, encoding="utf-8")
    print(f"{len(jobs)} job orders, {len(pool)} candidates")


if __name__ == "__main__":
    main()
