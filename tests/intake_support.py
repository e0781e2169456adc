"""Data for the intake tests: API keys, the lead who installs the bot, job orders and a small pool.

The running bot itself is ``tests.harness.running_bot``.
"""

from __future__ import annotations

from typing import Any

from matching.models import CandidateProfile
from tests.fake_connector import user_account

API_KEY = "nøgle-1-" + "a" * 24
OLD_KEY = "nøgle-0-" + "b" * 24
LEAD = user_account("29:lead", "aad-lead")


def job_order_json(job_id: str = "JO-2026-0101", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": job_id,
        "title": "Lagermedarbejder",
        "company": "Lager A/S",
        "employment_type": "ordinaert_job",
        "hours_per_week": 37,
        "postcode": "2650",
        "description": "Plukning og pakning på lager i Hvidovre.",
    }
    data.update(extra)
    return data


def candidates(n: int = 6) -> list[CandidateProfile]:
    titles = [
        "Lagermedarbejder",
        "Lagerarbejder",
        "Pakkerimedarbejder",
        "Chauffør",
        "Rengøringsassistent",
        "Lagerassistent",
    ]
    return [
        CandidateProfile(
            id=f"K-{1000 + i}",
            jobcenter="Jobcenter København",
            consultant=f"jk{i % 3}@kk.dk",
            desired_titles=[titles[i % len(titles)]],
            postcode="2500",
            hours_per_week=37,
            benefit="dagpenge",
        )
        for i in range(n)
    ]
