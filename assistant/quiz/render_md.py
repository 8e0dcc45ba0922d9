"""Markdown renderings: the paper with its key, and the study guide."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.quiz import paper
from assistant.quiz.guide import Guide
from assistant.quiz.model import ItemType, Quiz
from ingest.model import Document


def _md(text: str) -> str:
    """Document text made inert in markdown (no HTML, no emphasis from stray characters)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace("*", "\\*").replace("_", "\\_")


def _fill(text: str) -> str:
    return _md(text).replace(_md(paper.FILL), "\\_" * 10)


def quiz_markdown(quiz: Quiz, documents: Sequence[Document] = (), *, key: bool = True) -> str:
    lines = [f"# {_md(paper.title(quiz))}{paper.PAPER_TITLE}", ""]
    lines += [f"{_md(line)}  " for line in paper.document_lines(quiz, documents)]
    lines += [paper.NAME_LINE.replace("_", "\\_"), ""]
    lines += [paper.INSTRUCTIONS.format(total=paper.total_score(quiz)), ""]
    for group in paper.groups(quiz):
        lines += [f"## {group.heading}", ""]
        for number, item in group.items:
            lines.append(f"{number}. {_fill(paper.stem(item))}")
            if item.type in (ItemType.SINGLE, ItemType.MULTI):
                lines.append("")
                lines += [f"    {_md(o)}  " for o in item.lettered_options()]
            lines.append("")
    if key:
        lines += ["---", "", "# 答案与解析", "", "## 答案速查", ""]
        lines += [
            f"- {group.heading.split('（')[0]}：{_md(paper.answer_grid(group))}"
            for group in paper.groups(quiz)
        ]
        lines.append("")
        for group in paper.groups(quiz):
            lines += [f"## {group.heading.split('（')[0]}", ""]
            for number, item in group.items:
                lines.append(f"{number}. **答案：{_md(paper.key_line(item))}**  ")
                lines.append(f"    解析：{_md(item.explanation)}  ")
                lines.append(f"    出处：{_md(paper.citation(item, quiz))}")
                lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def guide_markdown(guide: Guide) -> str:
    lines = [f"# {_md(guide.heading)}", ""]
    lines += [f"{_md(line)}  " for line in guide.about]
    lines += ["", "## 一、文件结构与主要任务", ""]
    for part in guide.parts:
        lines += [f"### {_md(part.label)}、{_md(part.title)}", ""]
        if part.summary:
            lines += [f"{_md(part.summary)}（{_md(part.label)}）", ""]
        for section in part.sections:
            if section.title:
                lines += [f"#### {_md(section.label)} {_md(section.title)}", ""]
            if section.summary:
                lines += [f"{_md(section.summary)}（{_md(section.label)}）", ""]
            for task in section.tasks:
                lines.append(f"- **{_md(task.title)}**（{_md(task.label)}）：{_md(task.sentence)}")
            if section.tasks:
                lines.append("")
    lines += [
        "## 二、责任分工",
        "",
        "| 出处 | 任务 | 牵头 | 配合 | 责任单位 | 完成期限 |",
        "|---|---|---|---|---|---|",
    ]
    for row in guide.responsibilities:
        cells = [row.label, row.title, row.lead, row.co, row.responsible, row.deadline]
        lines.append("| " + " | ".join(_md(c).replace("|", "｜") or "—" for c in cells) + " |")
    lines += ["", "## 三、关键数字与时间节点", ""]
    lines += [
        f"- **{_md(f.title)}**：{_md(f.sentence)}（{_md(f.label)}）" for f in guide.figures
    ] or ["（文件未列出具体数字目标。）"]
    lines += ["", "## 四、对企业和项目的约束性要求", ""]
    lines += [
        f"- **{_md(r.title)}**：{_md(r.sentence)}（{_md(r.label)}）" for r in guide.rules
    ] or ["（文件未列出禁止或限制类要求。）"]
    if guide.principles:
        lines += ["", f"## 五、{_md(guide.principles_title)}", ""]
        lines += [
            f"- **{_md(p.title)}**：{_md(p.sentence)}（{_md(p.label)}）" for p in guide.principles
        ]
    return "\n".join(lines).rstrip() + "\n"
