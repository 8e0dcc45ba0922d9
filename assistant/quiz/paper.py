"""What a printed paper shows, shared by the .md, .docx and .xlsx renderings: its header, the
questions grouped by type with their scores, and the key."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.compose.render import chinese_date
from assistant.quiz.model import BLANK, TYPE_NAMES, ItemType, Quiz, QuizItem
from ingest.model import Document

SCORES = {ItemType.SINGLE: 2, ItemType.MULTI: 3, ItemType.JUDGE: 1, ItemType.BLANK: 2}
ORDER = (ItemType.SINGLE, ItemType.MULTI, ItemType.JUDGE, ItemType.BLANK)
NUMERALS = "一二三四五六七八九十"
FILL = "__________"  # a blank as printed on paper (wider than the stem's placeholder)


@dataclass(frozen=True, slots=True)
class Group:
    heading: str  # "一、单项选择题（共10题，每题2分，共20分）"
    type: ItemType
    items: tuple[tuple[int, QuizItem], ...]  # (number on the paper, item)


def groups(quiz: Quiz) -> list[Group]:
    out: list[Group] = []
    number = 0
    for type in ORDER:
        items = [i for i in quiz.items if i.type is type]
        if not items:
            continue
        score = SCORES[type]
        heading = (
            f"{NUMERALS[len(out)]}、{TYPE_NAMES[type]}"
            f"（共{len(items)}题，每题{score}分，共{len(items) * score}分）"
        )
        numbered = []
        for item in items:
            number += 1
            numbered.append((number, item))
        out.append(Group(heading, type, tuple(numbered)))
    return out


def total_score(quiz: Quiz) -> int:
    return sum(SCORES[i.type] for i in quiz.items)


PAPER_TITLE = "学习测试卷"


def title(quiz: Quiz) -> str:
    """The line above the paper's title: the document's title (or 政策文件 for several)."""
    if len(quiz.titles) == 1:
        return f"《{quiz.titles[0]}》"
    return "政策文件"


def document_lines(quiz: Quiz, documents: Sequence[Document]) -> list[str]:
    """Number and date of the one document; for several, one line per document with its title."""
    by_id = {d.doc_id: d for d in documents}
    lines = []
    for doc_id, doc_title in zip(quiz.doc_ids, quiz.titles, strict=True):
        doc = by_id.get(doc_id)
        extra = [x for x in ((doc.doc_number, _date(doc.date)) if doc else ()) if x]
        if len(quiz.doc_ids) == 1:
            if doc and doc.doc_number:
                lines.append(
                    f"文号：{doc.doc_number}" + (f"　　日期：{_date(doc.date)}" if doc.date else "")
                )
            continue
        lines.append(f"《{doc_title}》" + (f"（{'，'.join(extra)}）" if extra else ""))
    return lines


def answer_grid(group: Group) -> str:
    """ "1. D　2. C　3. A …": the key of a group at a glance, for marking."""
    return "　".join(f"{n}. {key_line(item)}" for n, item in group.items)


def _date(iso: str | None) -> str:
    return chinese_date(iso) if iso else ""


NAME_LINE = "姓名：____________　　单位：________________　　日期：________　　得分：________"
INSTRUCTIONS = (
    "说明：本试卷依据文件原文命题，满分{total}分。单项选择题只有一个正确答案；多项选择题有两个或"
    "两个以上正确答案，多选、少选、错选均不得分；判断题在括号内填“√”或“×”；填空题在横线上填写原文用语。"
)


def stem(item: QuizItem) -> str:
    """The question as printed: blanks widened, a bracket for the choice."""
    text = item.question.replace(BLANK, FILL)
    if item.type is ItemType.BLANK:
        return text
    return f"{text}（　　）"


def key_line(item: QuizItem) -> str:
    """ "B" / "ACD" / "√" / the missing text."""
    if item.type is ItemType.JUDGE:
        return "√" if item.answer == ("正确",) else "×"
    return item.answer_text()


def citation(item: QuizItem, quiz: Quiz) -> str:
    """第28条「积极发展绿色金融」, with the document's title when the paper covers several (the
    key 2.9.28 stays in the data: the workbook's 条款编号 column, the JSON)."""
    where = item.label if item.label.startswith("附件") else f"{item.label}「{item.title}」"
    if len(quiz.doc_ids) < 2:
        return where
    return f"《{quiz.titles[quiz.doc_ids.index(item.doc_id)]}》{where}"
