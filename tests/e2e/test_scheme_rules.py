"""Issue 10 through the real app: job orders posted to /api/jobordrer, cards in the channel, `hvorfor`
typed in Teams. The scheme rules of config/schemes.toml as a lead and a consultant meet them."""

from __future__ import annotations

from typing import Any

import pytest

from matching.models import CandidateProfile
from tests import fake_connector as fc
from tests.fake_connector import card_text
from tests.harness import RunningBot, running_bot, wait_until
from tests.intake_support import LEAD, job_order_json
from tests.unit.test_cards import assert_valid


def person(cid: str, title: str, **kw: Any) -> CandidateProfile:
    data: dict[str, Any] = {
        "id": cid,
        "jobcenter": "Jobcenter København – Valby",
        "consultant": "jk1@kk.dk",
        "desired_titles": [title],
        "postcode": "2500",
        "hours_per_week": 37,
        "benefit": "dagpenge",
    }
    data.update(kw)
    return CandidateProfile.model_validate(data)


POOL = [
    # a virksomhedspraktik in an office: one on ledighedsydelse (visiteret), one on dagpenge
    person("K-F1E001", "Kontorassistent", benefit="ledighedsydelse", hours_per_week=15, age_band="50+"),
    person("K-D1E002", "Kontorassistent", age_band="30-49", education_level="ufaglaert"),
    # an apprenticeship in the electrical trade
    person("K-E1E003", "Elektriker", age_band="30-49", education_level="faglaert", trade="Elektriker"),
    person("K-E1E004", "Elektriker", age_band="30-49", education_level="ufaglaert"),
    person("K-E1E005", "Elektriker", age_band="18-24", education_level="ufaglaert"),
    # a private løntilskud in a warehouse: 10 weeks unemployed, 30 weeks, not recorded
    person("K-A1E007", "Lagermedarbejder", age_band="30-49", weeks_unemployed=10),
    person("K-A1E008", "Lagermedarbejder", age_band="30-49", weeks_unemployed=30),
    person("K-A1E009", "Lagermedarbejder", age_band="30-49"),
    person(
        "K-E1E006",
        "Elektrikerlærling",
        benefit="uddannelseshjaelp",
        age_band="25-29",
        education_level="ufaglaert",
    ),
]


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> Any:
    async with running_bot(redis_url, key_prefix, pool=POOL) as running:
        yield running


async def _card_for(bot: RunningBot, payload: dict[str, Any]) -> str:
    before = len(bot.shortlist_cards())
    resp = await bot.post_jobs(payload)
    assert resp.status == 202, await resp.text()
    await wait_until(lambda: len(bot.shortlist_cards()) > before)
    card = bot.shortlist_cards()[-1]
    assert_valid(card)
    return card_text(card)


async def test_henvisning_med_moedepligt_on_nytteindsats_is_refused_in_danish(bot: RunningBot) -> None:
    payload = job_order_json("JO-NYTTE", employment_type="nytteindsats", referral_with_obligation=True)
    resp = await bot.post_jobs(payload)
    assert resp.status == 422
    [problem] = (await resp.json())["jobordrer"]
    [message] = [f["besked"] for f in problem["felter"]]
    assert message == (
        "henvisning med mødepligt gælder jobsamtaler til et rigtigt job, ikke nytteindsats "
        "('referral_with_obligation' skal være false)"
    )
    assert (await bot.services.stores.job_orders.get_job_order("JO-NYTTE")) is None


async def test_a_ledighedsydelse_candidate_is_on_a_praktik_list_and_a_long_praktik_is_warned(
    bot: RunningBot,
) -> None:
    text = await _card_for(
        bot,
        job_order_json(
            "JO-PRAKTIK",
            title="Virksomhedspraktik som kontorassistent",
            employment_type="virksomhedspraktik",
            hours_per_week=12,
            postcode="2500",
            duration_weeks=8,
        ),
    )
    assert "K-F1E001" in text and "K-D1E002" in text
    assert "Jobparat · ledighedsydelse · visiteret til fleksjob · 50+ år" in text
    assert "Forløbet er 8 uger, længere end virksomhedspraktik må vare for jobparate (4 uger)" in text
    assert "Forløbet er 8 uger; for jobparate højst 4 uger" in text  # on the dagpenge candidate's line


async def test_an_apprentice_list_is_led_by_unskilled_adults_and_hvorfor_says_why_not_the_trained(
    bot: RunningBot,
) -> None:
    text = await _card_for(
        bot,
        job_order_json(
            "JO-LAERLING",
            title="Elektrikerlærlinge (voksenlærling)",
            employment_type="voksenlaerling",
            postcode="2500",
        ),
    )
    assert "K-E1E003" not in text and "K-E1E005" not in text
    first = text[text.index("1. ") : text.index("2. ")]
    assert ("K-E1E004" in first or "K-E1E006" in first) and "ufaglært" in first
    assert "1 er allerede uddannet i faget" in text and "1 er under ordningens alder" in text
    assert "Uddannelsesparat (uddannelseshjælp): uddannelse går forud for job" in text

    async def hvorfor(cid: str) -> str:
        await bot.post(fc.message(bot.service_url, LEAD, f"hvorfor JO-LAERLING {cid}"), status=201)
        return bot.connector.texts()[-1]

    assert await hvorfor("K-E1E003") == (
        "Kandidaten 'K-E1E003' er frasorteret: Er allerede uddannet i faget (Elektriker); "
        "voksenlærling skal løfte ufaglærte til faglærte."
    )
    assert await hvorfor("K-E1E005") == (
        "Kandidaten 'K-E1E005' er frasorteret: Er 18–24 år; voksenlærling er for personer på 25 år "
        "eller derover."
    )


async def test_fleksjob_follows_the_visitation_not_the_benefit(bot: RunningBot) -> None:
    text = await _card_for(
        bot,
        job_order_json(
            "JO-FLEKS", title="Kontorassistent i fleksjob", employment_type="fleksjob", hours_per_week=12
        ),
    )
    assert "K-F1E001" in text and "K-D1E002" not in text
    assert "1 er ikke visiteret til fleksjob" in text


async def test_loentilskud_leaves_out_the_recently_unemployed_and_notes_an_unrecorded_length(
    bot: RunningBot,
) -> None:
    text = await _card_for(
        bot,
        job_order_json(
            "JO-LOENTILSKUD",
            title="Lagermedarbejder i løntilskud",
            employment_type="loentilskud_privat",
            postcode="2500",
            duration_weeks=26,
        ),
    )
    assert "K-A1E007" not in text and "K-A1E008" in text and "K-A1E009" in text
    assert "1 har ikke været ledig længe nok til ordningen" in text
    assert (
        "Ledighedens længde er ikke registreret: løntilskud, privat arbejdsgiver kræver for jobparate "
        "mindst 26 ugers ledighed"
    ) in text
    await bot.post(fc.message(bot.service_url, LEAD, "hvorfor JO-LOENTILSKUD K-A1E007"), status=201)
    assert bot.connector.texts()[-1] == (
        "Kandidaten 'K-A1E007' er frasorteret: Har været ledig i 10 uger; løntilskud, privat arbejdsgiver "
        "kræver for jobparate mindst 26 ugers ledighed."
    )
