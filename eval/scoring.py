"""Score answers question by question, then aggregate overall and per slice."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from assistant.compose.templates import ROLE_WORDS, VERDICT_NOT_LISTED, VERDICT_OTHER_ROLE
from eval import metrics
from eval.questions import Question, department_gold, slice_values

Values = dict[str, float | None]
ProvisionText = Callable[[str, str], str | None]  # (doc_id, key) → title + text, None if absent
Tokenize = Callable[[str], Iterable[str]]

T = TypeVar("T")

RETRIEVAL = ("hit@1", "hit@5", "mrr", "ndcg@10")
STAGES = ("retrieve", "answer", "total")


@dataclass(frozen=True, slots=True)
class QuestionScore:
    question: Question
    answer: Mapping[str, Any]  # Answer.to_json()
    ranking: tuple[str, ...]
    values: Values
    failures: tuple[str, ...]  # retrieval | lead | co | refusal


def retrieval_values(ranking: Sequence[str], q: Question) -> Values:
    """hit@1, hit@5, MRR, nDCG@10 on answerable questions with gold articles; else None."""
    gold = q.gold_refs
    if not q.answerable or not gold:
        return dict.fromkeys(RETRIEVAL)
    return {
        "hit@1": metrics.hit_at(ranking, gold, 1),
        "hit@5": metrics.hit_at(ranking, gold, 5),
        "mrr": metrics.mrr(ranking, gold),
        "ndcg@10": metrics.ndcg_at(ranking, gold, 10),
    }


def _refs(items: Iterable[Mapping[str, Any]]) -> list[str]:
    return [f"{c['doc_id']}#{c['key']}" for c in items]


def score_answer(
    q: Question,
    answer: Mapping[str, Any],
    *,
    canon: metrics.Canon,
    provision_text: ProvisionText,
    tokenize: Tokenize,
    llm: bool,
    attribution: Callable[[str, str], tuple[str, ...]] = lambda _doc, _key: (),
    find_departments: Callable[[str], Iterable[str]] = lambda _text: (),
) -> QuestionScore:
    """Every per-question metric of one answer (`Answer.to_json()`); None where not applicable."""
    citations = list(answer.get("citations", []))
    cited = _refs(citations)
    ranking = tuple(metrics.ranked_refs(cited, _refs(answer.get("retrieved", []))))
    values: Values = retrieval_values(ranking, q)
    gold = q.gold_refs if q.answerable else ()
    values["citation_precision"] = metrics.citation_precision(cited, gold) if gold else None
    values["citation_recall"] = metrics.citation_recall(cited, gold) if gold else None
    failures = ["error"] if answer.get("error") else []
    if values["hit@5"] == 0.0:
        failures.append("retrieval")
    departments = answer.get("departments", {})
    roles = ("lead", "co", "responsible")
    for role, gold_names in zip(roles, (q.gold_lead, q.gold_co, q.gold_responsible), strict=True):
        exact: float | None = None
        f1: float | None = None
        if gold_names is not None and q.answerable:
            ok, f1 = metrics.department_scores(departments.get(role, []), gold_names, canon)
            exact = float(ok)
            if not ok:
                failures.append(role)
        values[f"{role}_exact"], values[f"{role}_f1"] = exact, f1
    gold_roles = department_gold(q) if q.answerable else {}
    values["department_exact"] = (
        float(all(values[f"{r}_exact"] == 1.0 for r in gold_roles)) if gold_roles else None
    )
    abstained = bool(answer.get("abstained"))
    values["coverage"] = float(not abstained) if gold_roles else None
    values["wrong_department"] = (
        metrics.wrong_department(departments, gold_roles, canon) if gold_roles else None
    )
    if values["wrong_department"]:
        failures.append("wrong_department")
    text = str(answer.get("answer", ""))
    values["answer_coverage"] = metrics.answer_coverage(text, q.answer_points)
    quotes = [
        metrics.quote_verbatim(str(c.get("quote", "")), provision_text(c["doc_id"], c["key"]))
        for c in citations
    ]
    values["quote_verbatim"] = sum(quotes) / len(quotes) if quotes else None
    cited_texts = [t for c in citations if (t := provision_text(c["doc_id"], c["key"]))]
    values["sentence_support"] = (
        metrics.sentence_support(text, cited_texts, tokenize) if llm else None
    )
    attributed = {canon(n) for c in citations for n in attribution(c["doc_id"], c["key"])}
    values["department_contradiction"] = metrics.department_contradiction(
        text, attributed, find_departments
    )
    if declined(answer, q) == q.answerable:
        failures.append("refusal")
    return QuestionScore(q, answer, ranking, values, tuple(failures))


# how the composer's verdict opens when the attribution does not give the department as asked
PREMISE_DENIED = (
    VERDICT_NOT_LISTED.partition("{")[0],
    *(VERDICT_OTHER_ROLE.partition("{department}")[0].format(asked=w) for w in ROLE_WORDS.values()),
)


def declined(answer: Mapping[str, Any], q: Question) -> bool:
    """Whether the answer declined to answer as asked: it refused, or, to a question whose premise
    the gold marks false ("X是不是牵头单位？" where the task does not list X), it opens by denying
    that premise from the attribution ("不是：该条的分工中没有列出X"), which asserts nothing false."""
    if answer.get("refused"):
        return True
    text = str(answer.get("answer", ""))
    return not q.answerable and text.startswith(PREMISE_DENIED)


def summarise(scores: Sequence[QuestionScore]) -> dict[str, float | None]:
    """Means of the per-question metrics, refusal precision/recall/accuracy, latency p50/p95."""
    keys = list(dict.fromkeys(k for s in scores for k in s.values))
    out: dict[str, float | None] = {"n": float(len(scores))}
    out["errors"] = float(sum(bool(s.answer.get("error")) for s in scores))
    for key in keys:
        out[key] = metrics.mean(s.values.get(key) for s in scores)
    out.update(
        metrics.refusal_scores(
            (declined(s.answer, s.question), s.question.answerable) for s in scores
        )
    )
    for stage in STAGES:
        times = [
            float(t) for s in scores if (t := s.answer.get("timings_ms", {}).get(stage)) is not None
        ]
        out[f"latency_{stage}_p50_ms"] = metrics.percentile(times, 50)
        out[f"latency_{stage}_p95_ms"] = metrics.percentile(times, 95)
    return out


def summarise_rankings(
    questions: Sequence[Question], rankings: Mapping[str, Sequence[str]]
) -> dict[str, float | None]:
    """Mean retrieval metrics of rankings given per question id (a baseline)."""
    per = [retrieval_values(rankings.get(q.id, ()), q) for q in questions]
    out: dict[str, float | None] = {"n": float(len(questions))}
    for key in RETRIEVAL:
        out[key] = metrics.mean(v[key] for v in per)
    return out


def by_slice(
    items: Sequence[T],
    question_of: Callable[[T], Question],
    summary: Callable[[list[T]], dict[str, float | None]],
) -> dict[str, dict[str, dict[str, float | None]]]:
    """{slice name: {slice value: summary}} over type, doc_id and user_group."""
    groups: dict[str, dict[str, list[T]]] = {}
    for item in items:
        for name, value in slice_values(question_of(item)).items():
            groups.setdefault(name, {}).setdefault(value, []).append(item)
    return {
        name: {value: summary(members) for value, members in sorted(values.items())}
        for name, values in groups.items()
    }


def failure_record(s: QuestionScore) -> dict[str, Any]:
    """What a failed question expected and what it got: enough to debug it from the report."""
    q, a = s.question, s.answer
    departments = a.get("departments", {})
    return {
        "id": q.id,
        "question": q.question,
        "type": q.type,
        "doc_id": q.doc_id,
        "history": q.history_turns(),
        "failures": list(s.failures),
        "expected": {
            "gold_articles": list(q.gold_refs),
            "lead": None if q.gold_lead is None else list(q.gold_lead),
            "co": None if q.gold_co is None else list(q.gold_co),
            "responsible": None if q.gold_responsible is None else list(q.gold_responsible),
            "answerable": q.answerable,
        },
        "given": {
            "cited": _refs(a.get("citations", [])),
            "ranking_top5": list(s.ranking[:5]),
            "lead": list(departments.get("lead", [])),
            "co": list(departments.get("co", [])),
            "responsible": list(departments.get("responsible", [])),
            "abstained": bool(a.get("abstained")),
            "refused": bool(a.get("refused")),
            "intent": a.get("intent", ""),
            "answer": str(a.get("error") or a.get("answer", ""))[:200],
        },
    }
