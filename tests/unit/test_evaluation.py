"""`matchbot evaluate` on the project's labelled set: the figures the issue's "done when" names."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main
from matching.evaluation import evaluate, load_set

EVAL_DIR = Path(__file__).resolve().parents[2] / "data" / "evaluation"


def test_the_labelled_set_meets_the_targets() -> None:
    data = load_set(EVAL_DIR)
    assert len(data.jobs) >= 60
    report = evaluate(data)
    assert report.violations == 0
    assert report.recall >= 0.97


def test_evaluate_prints_recall_precision_and_violations(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evaluate", "--dir", str(EVAL_DIR)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Evalueringssæt: 74 jobordrer, 370 kandidater")
    assert out[1].startswith("recall@10: ") and out[2].startswith("præcision@10: ")
    assert out[3] == "Brud på hårde filtre: 0"


def test_a_broken_labels_file_is_a_danish_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("job_orders.jsonl", "candidates.jsonl"):
        shutil.copy(EVAL_DIR / name, tmp_path / name)
    (tmp_path / "labels.json").write_text(json.dumps({"job_orders": {}}), encoding="utf-8")
    assert main(["evaluate", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fejl i inddata: ") and "labels.json" in err and "Traceback" not in err


def test_a_bad_job_order_names_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(EVAL_DIR / "candidates.jsonl", tmp_path / "candidates.jsonl")
    shutil.copy(EVAL_DIR / "labels.json", tmp_path / "labels.json")
    lines = (EVAL_DIR / "job_orders.jsonl").read_text(encoding="utf-8").splitlines()
    bad = json.loads(lines[1])
    bad["hours_per_week"] = "mange"
    lines[1] = json.dumps(bad, ensure_ascii=False)
    (tmp_path / "job_orders.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["evaluate", "--dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "job_orders.jsonl" in err and "linje 2" in err and "hours_per_week" in err
