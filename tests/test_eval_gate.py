"""The regression gate: unit tests of the check, and the seed evaluation on a fresh index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval import gate

REPO = Path(__file__).resolve().parents[1]
THRESHOLDS = {"min": {"hit@5": 0.8, "lead_exact": 0.9}, "max": {"latency_total_p95_ms": 500}}


def test_gate_passes_at_or_above_thresholds() -> None:
    overall = {"hit@5": 0.8, "lead_exact": 0.95, "latency_total_p95_ms": 120.0}
    assert gate.check(overall, THRESHOLDS) == []


def test_gate_names_each_metric_that_misses() -> None:
    overall = {"hit@5": 0.79, "lead_exact": None, "latency_total_p95_ms": 900.0}
    problems = gate.check(overall, THRESHOLDS)
    assert len(problems) == 3
    assert problems[0].startswith("hit@5: 0.7900 < 0.8")
    assert problems[1].startswith("lead_exact: missing")
    assert problems[2].startswith("latency_total_p95_ms: 900.0000 > 500")


def test_gate_cli_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    thresholds = tmp_path / "t.json"
    thresholds.write_text(json.dumps(THRESHOLDS))
    scores = tmp_path / "scores.json"
    scores.write_text(json.dumps({"overall": {"hit@5": 0.5, "lead_exact": 1.0}}))
    assert gate.main([str(scores), "--thresholds", str(thresholds)]) == 1
    err = capsys.readouterr().err
    assert "FAIL hit@5" in err
    assert "FAIL latency_total_p95_ms: missing" in err
    scores.write_text(
        json.dumps({"overall": {"hit@5": 0.9, "lead_exact": 1.0, "latency_total_p95_ms": 1.0}})
    )
    assert gate.main([str(scores), "--thresholds", str(thresholds)]) == 0


def test_a_wrong_department_in_any_bank_fails() -> None:
    scores = {
        "overall": {"wrong_department": 0.01},
        "slices": {
            "bank": {"seed": {"wrong_department": 0.0}, "unseen-x": {"wrong_department": 0.04}}
        },
    }
    problems = gate.check_banks(scores, {"max_every_bank": {"wrong_department": 0.0}})
    assert problems == ["wrong_department in unseen-x: 0.0400 > 0.0 (maximum in every bank)"]
    scores["slices"]["bank"]["unseen-x"]["wrong_department"] = None  # no department questions
    assert gate.check_banks(scores, {"max_every_bank": {"wrong_department": 0.0}}) == []


def test_committed_thresholds_are_well_formed() -> None:
    data = json.loads(gate.THRESHOLDS.read_text("utf-8"))
    assert set(data) <= {"min", "max", "max_every_bank", "_note"}
    for limits in (data.get("min", {}), data.get("max", {})):
        assert all(isinstance(v, int | float) for v in limits.values())


@pytest.mark.slow
@pytest.mark.integration
def test_seed_evaluation_passes_the_gate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.service import PolicyQA
    from assistant.settings import Settings
    from eval.run import run_eval

    monkeypatch.chdir(REPO)
    settings = Settings.model_validate({"index": str(tmp_path / "index"), "corpus": "corpus"})
    qa = PolicyQA(settings)
    out = tmp_path / "out"
    scores = run_eval(qa, [REPO / "eval" / "questions" / "seed.jsonl"], out=out)
    for name in ("answers.jsonl", "scores.json", "report.md", "systems.png"):
        assert (out / name).stat().st_size > 0
    thresholds = json.loads(gate.THRESHOLDS.read_text("utf-8"))
    problems = gate.check(scores["overall"], thresholds) + gate.check_banks(scores, thresholds)
    assert problems == [], "\n".join(problems)
