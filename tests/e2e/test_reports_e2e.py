"""The report family end to end: typed in the match channel through the real Bot Framework endpoint,
exported through ``GET /api/rapporter/…`` with the job order API's credential, and the monthly status
posted once in the channel on the first working day (two replicas on one Redis)."""

from __future__ import annotations

import asyncio
import base64
import csv
import io
import json
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from PIL import Image

from bot.cli import main
from bot.domain.states import FollowUpState as S
from bot.store import Stores
from bot.ui import texts
from bot.ui.charts import CHART_HEIGHT_PX, CHART_WIDTH_PX
from matching.models import FORLOEB_TYPES
from tests import fake_connector as fc
from tests.followup_support import Ranked, candidate, job_order
from tests.harness import Clock, RunningBot, running_bot
from tests.intake_support import API_KEY, LEAD
from tests.unit.test_cards import assert_valid

NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # Tuesday 1 December 2026, 10:30 in Copenhagen


async def _hire(store: Stores, jo: str, cid: str, start: date) -> None:
    for step in (S.GODKENDT, S.KONTAKTET, S.HENVIST):
        await store.followups.transition(jo, cid, step, "leder@kk.dk")
    await store.followups.transition(jo, cid, S.SAMTALE, "jk@kk.dk", interview_at=NOW - timedelta(days=60))
    job = await store.job_orders.get_job_order(jo)
    started = S.STARTET_FORLOEB if job is not None and job.employment_type in FORLOEB_TYPES else S.ANSAT
    await store.followups.transition(jo, cid, started, "jk@kk.dk", start_date=start)


async def _history(store: Stores) -> None:
    """SOF: two praktik forløb all of November (13 weeks from 1.11); TMF's contract KON-7: 1 of 4 filled."""
    contract = {"id": "KON-7", "forvaltning": "tmf", "required_positions": 4}
    jobs = [
        job_order("JO-SOF", employment_type="virksomhedspraktik", duration_weeks=13, employer_sector="sof"),
        job_order("JO-KON", employment_type="ordinaert_job", employer_sector="privat", contract=contract),
    ]
    for job in jobs:
        await store.job_orders.save_job_order(job)
    await store.pool.put_candidates([candidate(f"K-{i}") for i in range(4)])
    await store.shortlists.save_shortlist("JO-SOF", [Ranked("K-0", 90), Ranked("K-1", 80)], consultants={})
    await store.shortlists.save_shortlist("JO-KON", [Ranked("K-2", 90), Ranked("K-3", 80)], consultants={})
    await _hire(store, "JO-SOF", "K-0", date(2026, 11, 1))
    await _hire(store, "JO-SOF", "K-1", date(2026, 11, 1))
    await _hire(store, "JO-KON", "K-2", date(2026, 11, 16))


@pytest.fixture
async def bot(redis_url: str, key_prefix: str) -> AsyncIterator[RunningBot]:
    async with running_bot(
        redis_url, key_prefix, clock=Clock(NOW), PUBLIC_BASE_URL="https://bot.example", MONTHLY_STATUS=True
    ) as b:
        b.clock.now = NOW - timedelta(days=45)  # the history happens in October/November
        await _history(b.services.stores)
        b.clock.now = NOW
        yield b
        for card in b.connector.cards():
            assert_valid(json.loads(json.dumps(card)))


def rows(card: dict[str, Any]) -> list[list[str]]:
    table = next(node for node in card["body"] if node.get("type") == "Table")
    return [[" ".join(i["text"] for i in cell["items"]) for cell in row["cells"]] for row in table["rows"]]


def chart(card: dict[str, Any]) -> Image.Image:
    image = next(node for node in card["body"] if node.get("type") == "Image")
    assert image["url"].startswith("data:image/png;base64,")
    return Image.open(io.BytesIO(base64.b64decode(image["url"].split(",", 1)[1])))


async def ask(bot: RunningBot, text: str) -> dict[str, Any]:
    await bot.post(fc.message(bot.service_url, LEAD, text, channel=True), status=201)
    return bot.connector.cards(fc.CHANNEL_ID)[-1]


async def test_rapport_maaltal_card_in_the_2017_layout_with_a_chart(bot: RunningBot) -> None:
    card = await ask(bot, "rapport måltal 2026-11")
    text = fc.card_text(card)
    assert "Måltal: særlige jobordninger" in text and "januar-november 2026" in text
    table = rows(card)
    assert table[0] == ["Forvaltning", "Ordning", "Status", "Måltal", "Målopfyldelse %"]
    sof = next(r for r in table if r[0].startswith("SOF") and r[1].startswith("Løntilskud"))
    # 2 people × 30 days of 334 = 0,18 helårspersoner; fewer than 5 people: marked
    assert sof == ["SOF *", "Løntilskud, praktik og nytteindsats", "0,2", "–", "–"]
    assert texts.REPORT_SMALL_NOTE in text
    assert texts.MAALTAL_NO_TARGETS.format(year=2026) in text  # the shipped måltal are 2017's
    assert "Tælleregel:" in text and "helårspersoner" in text
    assert "1 forløb/ansættelser hos private" not in text  # the private job is an ordinary job: not a scheme
    png = chart(card)
    assert (png.format, png.size) == ("PNG", (CHART_WIDTH_PX, CHART_HEIGHT_PX))
    assert len(json.dumps(card).encode()) < 28_000  # fits a Teams activity


async def test_rapport_family_answers_each_report_and_bad_input_in_danish(bot: RunningBot) -> None:
    clauses = rows(await ask(bot, "rapport klausuler KON-7"))
    assert clauses[1] == ["TMF *", "KON-7", "4", "1", "3", "25,0"]
    timing = rows(await ask(bot, "rapport tid 2026"))
    assert [r[0] for r in timing[1:]] == ["Shortlist *", "Første beslutning *", "Henvist/ansøgt *", "Ansat *"]
    results = rows(await ask(bot, "Rapport Resultater 2026-11"))
    assert results[1][:6] == ["Ordinært job *", "Jobparat", "Jobcenter København Nord", "Privat", "1", "0"]
    assert results[2][:6] == ["Virksomhedspraktik *", "Jobparat", "Jobcenter København Nord", "SOF", "2", "0"]
    old = await ask(bot, "rapport 2026-11")  # the results per scheme stay, as a list that fits a phone
    assert fc.card_text(old).startswith("Resultater pr. ordning")
    assert not any(node.get("type") == "Table" for node in old["body"])
    for typed, answer in (
        ("rapport måltal 2026", texts.REPORT_BAD_MONTH.format(value="2026")),
        ("rapport tid 12-2026", texts.BAD_PERIOD.format(value="12-2026")),
        ("rapport klausuler K:1", texts.REPORT_BAD_CONTRACT.format(value="K:1")),
        ("rapport budget 2026", texts.REPORT_BAD_KIND.format(value="budget")),
    ):
        await bot.post(fc.message(bot.service_url, LEAD, typed, channel=True), status=201)
        assert bot.connector.texts(fc.CHANNEL_ID)[-1] == answer


async def test_exports_through_the_api_with_the_job_order_credential(bot: RunningBot) -> None:
    http, base = bot.http, "/api/rapporter/maaltal?periode=2026-11"
    auth = {"Authorization": f"Bearer {API_KEY}"}
    assert (await bot.client.get(base)).status == 401
    assert (await bot.client.get(base, headers={"Authorization": "Bearer forkert"})).status == 403
    resp = await bot.client.get(base + "&format=xlsx", headers=auth)
    assert resp.status == 200 and "spreadsheetml" in resp.headers["Content-Type"]
    book = openpyxl.load_workbook(io.BytesIO(await resp.read()))
    assert book.sheetnames == ["Måltal", "Ordninger", "Om rapporten"]
    sheet = book["Ordninger"]
    praktik = next(
        r for r in sheet.iter_rows(values_only=True) if r[0] == "SOF" and r[1] == "Virksomhedspraktik"
    )
    assert praktik[2] == pytest.approx(60 / 334) and praktik[4:] == (2, 2, "ja")
    about = {str(row[0]): row[1] for row in book["Om rapporten"].iter_rows(values_only=True)}
    assert about["Periode"] == "januar-november 2026 (status ved udgangen af november)"
    resp = await bot.client.get(base, headers=auth)
    raw = await resp.read()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Danish Excel reads æøå
    lines = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == [
        "Forvaltning",
        "Ordning",
        "Status",
        "Måltal",
        "Målopfyldelse %",
        "Færre end 5 personer",
    ]
    assert ["SOF", "Løntilskud, praktik og nytteindsats", "0,2", "", "", "ja"] in lines
    bad = await bot.client.get(base + "&format=pdf", headers=auth)
    assert bad.status == 400 and (await bad.json())["fejl"] == texts.REPORT_EXPORT_BAD_FORMAT
    bad = await bot.client.get("/api/rapporter/maaltal?periode=2026", headers=auth)
    assert bad.status == 400 and (await bad.json())["fejl"] == texts.REPORT_BAD_MONTH.format(value="2026")
    assert (await bot.client.get("/api/rapporter/budget", headers=auth)).status == 404
    data = await (await bot.client.get("/api/rapporter/klausuler?format=json", headers=auth)).json()
    assert data["tabeller"][0]["raekker"][0][:6] == ["TMF", "KON-7", 4, 1, 3, 25.0]
    del http


async def test_a_large_chart_is_served_under_a_signed_url_that_expires(bot: RunningBot) -> None:
    links = bot.services.reports.links
    url = await links.signed_url(b"\x89PNG fake")
    assert url is not None and url.startswith("https://bot.example/api/rapporter/graf/")
    path = url.removeprefix("https://bot.example")
    resp = await bot.client.get(path)
    assert resp.status == 200 and resp.headers["Content-Type"] == "image/png"
    assert (await bot.client.get(path[:-4] + "0000")).status == 404  # tampered signature
    bot.clock.now = NOW + timedelta(hours=2)
    assert (await bot.client.get(path)).status == 404  # expired


async def test_monthly_status_is_posted_once_on_the_first_working_day(
    bot: RunningBot, redis_url: str, key_prefix: str
) -> None:
    monthly = bot.services.monthly
    assert monthly.due(datetime(2026, 11, 30, 9, 0, tzinfo=UTC)) is None  # only on the first working day
    # A bot down on the 1st catches up on its return, up to two working days later; not after that.
    assert monthly.due(datetime(2026, 12, 3, 9, 0, tzinfo=UTC)) == monthly.due(NOW)
    assert monthly.due(datetime(2026, 12, 4, 9, 0, tzinfo=UTC)) is None
    assert monthly.due(datetime(2026, 12, 5, 9, 0, tzinfo=UTC)) is None  # a Saturday: never
    assert not await monthly.run_once(datetime(2026, 12, 1, 6, 0, tzinfo=UTC))  # 07:00 in Copenhagen
    async with running_bot(
        redis_url, key_prefix, install=False, clock=Clock(NOW), MONTHLY_STATUS=True
    ) as replica:
        posted = [await monthly.run_once(NOW), await replica.services.monthly.run_once(NOW)]
        assert posted == [True, False]
        assert not await monthly.run_once(NOW + timedelta(days=1))  # in the catch-up window, but done
        assert not await monthly.run_once(NOW + timedelta(days=3))
    cards = [s.card for s in bot.connector.of_kind("create") if s.card and "Måltal" in fc.card_text(s.card)]
    assert len(cards) == 1 and "januar-november 2026" in fc.card_text(cards[0])
    # January 2027: the 1st is a holiday (nytårsdag), the first working day is Monday the 4th
    assert monthly.due(datetime(2027, 1, 1, 10, 0, tzinfo=UTC)) is None
    due = monthly.due(datetime(2027, 1, 4, 10, 0, tzinfo=UTC))
    assert due is not None and due.start == date(2026, 12, 1)


async def test_cli_exports_the_same_report_as_excel_and_csv(
    bot: RunningBot, redis_url: str, key_prefix: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REDIS_URL", redis_url)
    monkeypatch.setenv("REDIS_KEY_PREFIX", key_prefix)
    out = tmp_path / "klausuler.xlsx"
    assert await asyncio.to_thread(main, ["report", "klausuler", "--format", "xlsx", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Klausuler", "Om rapporten"]
    assert list(book["Klausuler"].iter_rows(values_only=True))[1][:6] == ("TMF", "KON-7", 4, 1, 3, 25.0)
    out = tmp_path / "tid.csv"
    assert await asyncio.to_thread(main, ["report", "tid", "2026", "--out", str(out)]) == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Trin;Jobordrer;Median dage;p80 dage;Færre end 5 personer"
    assert await asyncio.to_thread(main, ["report", "maaltal", "2026", "--out", str(out)]) == 2
