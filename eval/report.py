"""report.md: what trainers and engineers read after an evaluation (Chinese + English headings)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.chart import LABELS
from eval.scoring import RETRIEVAL

NAMES = {
    "n": "questions 题数",
    "errors": "errors 运行出错",
    "hit@1": "hit@1",
    "hit@5": "hit@5",
    "mrr": "MRR",
    "ndcg@10": "nDCG@10",
    "citation_precision": "citation precision 引用准确率",
    "citation_recall": "citation recall 引用召回率",
    "lead_exact": "lead exact 牵头部门完全正确",
    "lead_f1": "lead F1 牵头部门 F1",
    "co_exact": "co exact 配合部门完全正确",
    "co_f1": "co F1 配合部门 F1",
    "responsible_exact": "responsible exact 责任单位完全正确",
    "responsible_f1": "responsible F1 责任单位 F1",
    "department_exact": "department exact 部门（各角色）完全正确",
    "coverage": "coverage 部门题作答率（未弃答）",
    "wrong_department": "wrong department asserted 断言错误部门的比例",
    "answer_coverage": "answer points 要点覆盖率",
    "quote_verbatim": "quotes verbatim 引文逐字一致",
    "sentence_support": "sentences supported 句子有出处支撑",
    "department_contradiction": "department claims against the table 与分工表矛盾的部门表述",
    "refusal_precision": "refusal precision 拒答准确率",
    "refusal_recall": "refusal recall 拒答召回率",
    "refusal_accuracy": "refusal accuracy 拒答判断正确率",
}
SLICE_COLUMNS = ("n", "hit@5", "citation_precision", "department_exact", "wrong_department",
                 "coverage", "answer_coverage", "refusal_accuracy")  # fmt: skip
SLICE_TITLES = {
    "bank": "按题库 / By question bank (unseen-* and seed-holdout3 were first run before fixes)",
    "type": "按题型 / By question type",
    "user_group": "按用户群体 / By user group",
    "doc_id": "按文件 / By document",
}


def fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() and value > 1 else f"{value:.3f}"
    return str(value)


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(fmt(c).replace("|", "\\|") for c in row) + " |" for row in rows]
    return [*lines, ""]


def _overall(overall: Mapping[str, Any]) -> list[str]:
    rows = [(NAMES.get(k, k), v) for k, v in overall.items() if not k.startswith("latency_")]
    lines = ["## 总体 / Overall", "", *table(("metric 指标", "value 数值"), rows)]
    stages = ("retrieve", "answer", "total")
    lat = [
        (s, overall.get(f"latency_{s}_p50_ms"), overall.get(f"latency_{s}_p95_ms")) for s in stages
    ]
    return [*lines, "### 延迟 / Latency (ms)", "", *table(("stage", "p50", "p95"), lat)]


def _systems(systems: Mapping[str, Mapping[str, Any]], chart: str | None) -> list[str]:
    lines = ["## 系统对比 / Systems side by side", ""]
    lines += [
        "Retrieval of the gold provisions on the same questions. Baselines rank provisions from "
        "their chunks (LangChain chunks mapped to the provisions they overlap: see "
        "eval/baselines.py); policyqa ranks cited provisions first, then retrieved ones.",
        "",
    ]
    rows = [
        (LABELS.get(name, name), *(s["overall"].get(m) for m in RETRIEVAL))
        for name, s in systems.items()
    ]
    lines += table(("system 系统", *RETRIEVAL), rows)
    if "type" in next(iter(systems.values()), {}).get("slices", {}):
        lines += ["hit@5 by question type / 各题型 hit@5:", ""]
        types = sorted({t for s in systems.values() for t in s["slices"].get("type", {})})
        rows = [
            (t, *(s["slices"]["type"].get(t, {}).get("hit@5") for s in systems.values()))
            for t in types
        ]
        lines += table(("type", *systems), rows)
    if chart:
        lines += [f"![systems]({chart})", ""]
    return lines


def _slices(slices: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> list[str]:
    lines: list[str] = []
    for name, title in SLICE_TITLES.items():
        groups = slices.get(name, {})
        if not groups:
            continue
        rows = [(value, *(g.get(c) for c in SLICE_COLUMNS)) for value, g in groups.items()]
        lines += [f"### {title}", "", *table((name, *SLICE_COLUMNS), rows)]
    return ["## 分组结果 / Per slice", "", *lines]


def _coverage(coverage: Mapping[str, Mapping[str, Any]]) -> list[str]:
    lines = ["## 题库覆盖 / Coverage of tasks and annex rows by the bank", ""]
    rows = [(d, c["tasks"], c["covered"], c["share"]) for d, c in coverage.items()]
    lines += table(("document 文件", "tasks 任务+附件行", "with ≥1 question 有题", "share"), rows)
    for doc_id, c in coverage.items():
        if c["uncovered"]:
            lines += [f"- {doc_id} 无题条款 / not covered: {', '.join(c['uncovered'])}"]
    return [*lines, ""]


def _names(names: Sequence[str] | None) -> str:
    return "(not checked)" if names is None else ("、".join(names) or "(none 无)")


def _refs(refs: Sequence[str], doc_id: str | None) -> str:
    """References, with the question's own document left out (`2.9.28` for `<doc_id>#2.9.28`)."""
    prefix = f"{doc_id}#" if doc_id else "\0"
    return ", ".join(r.removeprefix(prefix) for r in refs) or "(none 无)"


def _failures(failures: Sequence[Mapping[str, Any]]) -> list[str]:
    lines = [f"## 失败题目 / Failed questions ({len(failures)})", ""]
    lines += ["References of the question's own document are shown as bare keys.", ""]
    lines += [
        "Failure kinds: retrieval = no gold provision in the top 5; lead / co = wrong department "
        "set; refusal = refused an answerable question or answered an unanswerable one; "
        "error = `ask` raised (the answer line shows the exception).",
        "",
    ]
    for f in failures:
        e, g, doc = f["expected"], f["given"], f.get("doc_id")
        lines += [f"### {f['id']} [{f['type']}] {', '.join(f['failures'])}", ""]
        for turn in f.get("history", []):
            lines.append(f"- history {turn['role']}: {turn['content'][:120]}")
        lines += [
            f"- 问题 question: {f['question']}",
            f"- 期望 expected: gold {_refs(e['gold_articles'], doc)}; "
            f"lead {_names(e['lead'])}; co {_names(e['co'])}; answerable {e['answerable']}",
            f"- 实际 given: cited {_refs(g['cited'], doc)}; "
            f"top5 {_refs(g['ranking_top5'], doc)}; lead {_names(g['lead'])}; "
            f"co {_names(g['co'])}; refused {g['refused']}; intent {g['intent'] or '–'}",
            f"- 回答 answer: {' '.join(g['answer'].split())}",
            "",
        ]
    return lines


def render(scores: Mapping[str, Any], chart: str | None = None) -> str:
    meta = scores.get("meta", {})
    lines = [
        "# 评测报告 / Evaluation report",
        "",
        f"backend `{meta.get('backend', '?')}` · {meta.get('n', '?')} questions 题 · "
        f"index `{meta.get('index_id', '?')}` · files {', '.join(meta.get('questions', []))}",
        "",
        *_overall(scores["overall"]),
        *_systems(scores.get("baselines", {}), chart),
        *_slices(scores.get("slices", {})),
        *_coverage(scores.get("coverage", {})),
        *_failures(scores.get("failures", [])),
    ]
    return "\n".join(lines).rstrip() + "\n"


def write_report(scores: Mapping[str, Any], path: Path, chart: str | None = None) -> None:
    path.write_text(render(scores, chart), encoding="utf-8")
