"""Run an evaluation: ask every question, score, compare with the baselines, write the outputs.

Outputs in `out`: answers.jsonl (one line per question: its id plus the Answer JSON), scores.json
({"overall", "slices", "baselines", "coverage", "failures", "meta"}), report.md and systems.png.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm import tqdm

from eval import baselines as bl
from eval.chart import plot_systems
from eval.questions import Question, gold_keys_by_doc, load_sets
from eval.report import write_report
from eval.scoring import (
    QuestionScore,
    by_slice,
    failure_record,
    score_answer,
    summarise,
    summarise_rankings,
)
from ingest.segment import tokenize

if TYPE_CHECKING:
    from assistant.service import PolicyQA

log = logging.getLogger(__name__)

TASK_KINDS = ("item", "annex")


def ask_all(
    qa: PolicyQA, questions: Sequence[Question], backend: str, *, scoped: bool = False
) -> list[dict[str, Any]]:
    """The Answer JSON of every question, in order (history passed through). Unscoped, as typed in
    the chat over the whole library; `scoped`: with the question's own document chosen, as a user
    who picked it in the app's document list (questions about several documents stay unscoped)."""
    answers = []
    for q in tqdm(questions, desc="eval", unit="q", file=sys.stderr):
        doc_id = q.doc_id if scoped else None
        try:
            answer = qa.ask(q.question, history=q.history_turns(), backend=backend, doc_id=doc_id)
            answers.append(answer.to_json())
        except Exception as exc:  # one broken question must not end the evaluation
            log.exception("%s: ask failed", q.id)
            answers.append(error_answer(q, backend, exc))
        log.debug("%s: cited %s", q.id, [c["key"] for c in answers[-1]["citations"]])
    return answers


def error_answer(q: Question, backend: str, exc: Exception) -> dict[str, Any]:
    """The Answer JSON recorded for a question whose `ask` raised (scored as a failure)."""
    return {
        "question": q.question,
        "answer": "",
        "refused": False,
        "intent": "",
        "departments": {"lead": [], "co": [], "responsible": []},
        "citations": [],
        "retrieved": [],
        "backend": backend,
        "timings_ms": {},
        "error": f"{type(exc).__name__}: {exc}",
    }


def score_all(
    qa: PolicyQA, questions: Sequence[Question], answers: Sequence[dict[str, Any]], backend: str
) -> list[QuestionScore]:
    registry = qa.corpus.registry

    def provision_text(doc_id: str, key: str) -> str | None:
        p = qa.index.provision(doc_id, key)
        if p is None:
            return None
        r = p.responsibility
        return "\n".join([p.title, p.text, *r.lead, *r.co, *r.responsible])

    def attribution(doc_id: str, key: str) -> tuple[str, ...]:
        p = qa.index.provision(doc_id, key)
        return () if p is None else (*p.responsibility.departments, *p.responsibility.implementers)

    def registry_for(q: Question) -> Any:
        # names compare as the question's document reads them ("财政厅" printed after 省发展改革委 is
        # that province's 省财政厅); the library-wide registry cannot tell one province's from another's
        known = q.doc_id is not None and q.doc_id in qa.corpus.document_by_id
        return qa.corpus.registry_of(q.doc_id) if known and q.doc_id else registry

    return [
        score_answer(
            q,
            a,
            canon=registry_for(q).canonical,
            provision_text=provision_text,
            tokenize=tokenize,
            llm=backend != "composer",
            attribution=attribution,
            find_departments=registry_for(q).find_mentions,
        )
        for q, a in zip(questions, answers, strict=True)
    ]


def coverage(qa: PolicyQA, questions: Sequence[Question]) -> dict[str, dict[str, Any]]:
    """Per document the bank is about: tasks and annex rows with ≥1 question, and those without."""
    gold = gold_keys_by_doc(questions)
    docs = sorted({q.doc_id for q in questions if q.doc_id} | {d for d in gold if d})
    out: dict[str, dict[str, Any]] = {}
    for doc_id in docs:
        tasks = [p.key for p in qa.provisions(doc_id) if str(p.kind) in TASK_KINDS]
        if not tasks:
            continue
        covered = [k for k in tasks if k in gold.get(doc_id, set())]
        out[doc_id] = {
            "tasks": len(tasks),
            "covered": len(covered),
            "share": len(covered) / len(tasks),
            "uncovered": [k for k in tasks if k not in covered],
        }
    return out


def compare(
    qa: PolicyQA,
    questions: Sequence[Question],
    scored: Sequence[QuestionScore],
    with_baselines: bool,
) -> dict[str, dict[str, Any]]:
    """Retrieval metrics of every system side by side: overall and per question type."""
    rankings = bl.all_baselines(qa, questions) if with_baselines else {}
    rankings["system"] = {s.question.id: list(s.ranking) for s in scored}
    out: dict[str, dict[str, Any]] = {}
    for name, ranked in rankings.items():
        out[name] = {
            "overall": summarise_rankings(questions, ranked),
            "slices": by_slice(list(questions), _itself, partial(_rank_summary, ranked)),
        }
    return out


def _itself(q: Question) -> Question:
    return q


def _rank_summary(
    rankings: Mapping[str, Sequence[str]], questions: list[Question]
) -> dict[str, float | None]:
    return summarise_rankings(questions, rankings)


def _question_of(s: QuestionScore) -> Question:
    return s.question


def run_eval(
    qa: PolicyQA,
    question_files: Sequence[Path],
    *,
    backend: str = "composer",
    out: Path = Path("eval/out"),
    baselines: bool = True,
    scoped: bool = False,
) -> dict[str, Any]:
    """Evaluate `qa` on the question files; write the outputs to `out`; return the scores."""
    questions = load_sets(question_files)
    qa.ensure_index()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    answers = ask_all(qa, questions, backend, scoped=scoped)
    with (out / "answers.jsonl").open("w", encoding="utf-8") as f:
        for q, a in zip(questions, answers, strict=True):
            f.write(json.dumps({"id": q.id, **a}, ensure_ascii=False) + "\n")
    scored = score_all(qa, questions, answers, backend)
    scores: dict[str, Any] = {
        "overall": summarise(scored),
        "slices": by_slice(scored, _question_of, summarise),
        "baselines": compare(qa, questions, scored, baselines),
        "coverage": coverage(qa, questions),
        "failures": [failure_record(s) for s in scored if s.failures],
        "meta": {
            "backend": backend,
            "scoped": scoped,
            "questions": [str(p) for p in question_files],
            "n": len(questions),
            "index_id": qa.index.index_id,
            "seconds": round(time.perf_counter() - started, 1),
        },
    }
    (out / "scores.json").write_text(
        json.dumps(scores, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    plot_systems(scores["baselines"], out / "systems.png")
    write_report(scores, out / "report.md", chart="systems.png")
    log.info("eval written to %s", out)
    return scores
