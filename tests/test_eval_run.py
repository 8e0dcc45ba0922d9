"""run_eval plumbing with a fake assistant: every output is written and failures are reported."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from assistant.answer import Answer, Citation, Departments
from eval.run import run_eval
from ingest.model import Provision, ProvisionKind, Responsibility

DOC = "doc"
P1 = Provision(DOC, "2.1.1", "第1条", "1.", "强化规划", "强化规划。（市发改委牵头）", (),
               Responsibility(lead=("市发改委",)), ProvisionKind.ITEM)  # fmt: skip
P2 = Provision(DOC, "2.1.2", "第2条", "2.", "优化布局", "优化布局。（市资源规划局牵头）", (),
               Responsibility(lead=("市资源规划局",)), ProvisionKind.ITEM)  # fmt: skip


class FakeQA:
    """Answers every question with provision 2.1.1 and 市发改委 as the lead."""

    def __init__(self) -> None:
        by_key = {(p.doc_id, p.key): p for p in (P1, P2)}
        self.index = SimpleNamespace(index_id="fake", provision=lambda d, k: by_key.get((d, k)))
        self.corpus = SimpleNamespace(
            registry=SimpleNamespace(canonical=lambda n: n, find_mentions=lambda _text: []),
            document_by_id={},
        )
        self.asked: list[tuple[str, Any]] = []
        self.scopes: list[str | None] = []

    def ensure_index(self) -> None:
        return None

    def provisions(self, doc_id: str | None = None) -> list[Provision]:
        return [P1, P2]

    def ask(
        self,
        question: str,
        *,
        history: Any = (),
        backend: str | None = None,
        doc_id: str | None = None,
    ) -> Answer:
        self.asked.append((question, history))
        self.scopes.append(doc_id)
        citation = Citation(DOC, "2.1.1", "第1条", "强化规划", "（市发改委牵头）", ("市发改委",))
        return Answer(question, "牵头部门：市发改委", (citation,), Departments(lead=("市发改委",)),
                      timings_ms={"retrieve": 2.0, "answer": 1.0, "total": 3.0})  # fmt: skip


def test_run_eval_writes_every_output(tmp_path: Path) -> None:
    questions = tmp_path / "q.jsonl"
    rows = [
        {"id": "a", "question": "强化规划谁牵头？", "type": "who_leads", "doc_id": DOC,
         "gold_articles": ["2.1.1"], "gold_lead": ["市发改委"], "answer_points": ["市发改委"]},
        {"id": "b", "question": "优化布局谁牵头？", "type": "who_leads", "doc_id": DOC,
         "gold_articles": ["2.1.2"], "gold_lead": ["市资源规划局"], "user_group": "trainer",
         "history": [{"role": "user", "content": "前一个问题"}]},
    ]  # fmt: skip
    questions.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), "utf-8")
    qa = FakeQA()
    out = tmp_path / "out"
    scores = run_eval(qa, [questions], out=out, baselines=False)  # type: ignore[arg-type]

    assert qa.asked[1][1] == [{"role": "user", "content": "前一个问题"}]
    lines = (out / "answers.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["id"] for line in lines] == ["a", "b"]
    assert json.loads(lines[0])["citations"][0]["key"] == "2.1.1"
    assert scores["overall"]["hit@1"] == 0.5
    assert scores["overall"]["lead_exact"] == 0.5
    assert scores["overall"]["quote_verbatim"] == 1.0
    assert scores["slices"]["user_group"]["trainer"]["lead_exact"] == 0.0
    assert scores["baselines"]["system"]["overall"]["hit@1"] == 0.5
    assert scores["coverage"][DOC] == {"tasks": 2, "covered": 2, "share": 1.0, "uncovered": []}
    (failure,) = scores["failures"]
    assert failure["id"] == "b"
    assert failure["failures"] == ["retrieval", "lead", "wrong_department"]
    # b's answer asserts 市发改委 where the gold lead is another department: a wrong department.
    assert scores["overall"]["wrong_department"] == 0.5
    assert scores["overall"]["coverage"] == 1.0
    report = (out / "report.md").read_text("utf-8")
    assert "### b [who_leads] retrieval, lead, wrong_department" in report
    assert "优化布局谁牵头？" in report
    assert (out / "systems.png").read_bytes().startswith(b"\x89PNG")
    assert json.loads((out / "scores.json").read_text("utf-8"))["overall"] == scores["overall"]
    assert qa.scopes == [None, None]  # as typed in the chat over the whole library
    scoped = run_eval(qa, [questions], out=tmp_path / "s", baselines=False, scoped=True)  # type: ignore[arg-type]
    assert qa.scopes[2:] == [DOC, DOC]  # as a user who chose the document
    assert scoped["meta"]["scoped"] is True
