"""Loading and validating evaluation question sets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.questions import QuestionError, load_questions, load_sets

REPO = Path(__file__).resolve().parents[1]
GOOD = {
    "id": "q1",
    "question": "绿色金融由谁牵头？",
    "doc_id": "suzhou-dual-carbon-opinions-2022",
    "type": "who_leads",
    "gold_articles": ["2.9.28", "other-doc#1.2"],
    "gold_lead": ["市碳达峰碳中和工作领导小组办公室"],
    "answerable": True,
    "history": [{"role": "user", "content": "你好"}, {"role": "assistant", "content": "您好"}],
}


def _write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_loads_a_good_line(tmp_path: Path) -> None:
    (q,) = load_questions(_write(tmp_path, json.dumps(GOOD, ensure_ascii=False), ""))
    assert q.gold_refs == ("suzhou-dual-carbon-opinions-2022#2.9.28", "other-doc#1.2")
    assert q.gold_lead == ("市碳达峰碳中和工作领导小组办公室",)
    assert q.gold_co is None  # not given: the question makes no co claim
    assert q.history_turns()[0] == {"role": "user", "content": "你好"}
    assert q.source.endswith("set.jsonl:1")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "Expecting"),
        (json.dumps({**GOOD, "type": "nonsense"}), "unknown type"),
        (json.dumps({**GOOD, "question": ""}), "question"),
        (json.dumps({**GOOD, "gold_articles": "2.9.28"}), "gold_articles"),
        (json.dumps({**GOOD, "answerable": "yes"}), "answerable"),
        (json.dumps({**GOOD, "history": [{"role": "bot", "content": "x"}]}), "history"),
    ],
)
def test_bad_line_names_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    path = _write(tmp_path, json.dumps(GOOD), line)
    with pytest.raises(QuestionError, match=rf"set\.jsonl:2: .*{message}"):
        load_questions(path)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps(GOOD))
    with pytest.raises(QuestionError, match="duplicate id 'q1'"):
        load_sets([path, path])


@pytest.mark.parametrize("name", ["seed.jsonl", "seed-holdout.jsonl"])
def test_committed_question_sets_load(name: str) -> None:
    path = REPO / "eval" / "questions" / name
    if not path.exists():
        pytest.skip(f"{name} not written yet")
    assert load_questions(path)
