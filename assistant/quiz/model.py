"""Quiz types: an item with its verified key, the claim the verifier checks, and a generated quiz."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class ItemType(StrEnum):
    SINGLE = "single"
    MULTI = "multi"
    JUDGE = "judge"
    BLANK = "blank"


class Topic(StrEnum):
    """What an item asks about; each topic has its own check in `verify`."""

    ROLE = "role"  # who leads / is responsible for / works with a task (or one of its spans)
    DEPT_TASKS = "dept_tasks"  # which tasks a department leads
    NO_LEAD = "no_lead"  # tasks that name no lead department
    DEADLINE = "deadline"  # 完成期限 of a span
    FIGURE = "figure"  # a target figure, a year
    RULE = "rule"  # 禁止 / 严格控制 / 不再新建 / 优先保障 …
    PRINCIPLE = "principle"  # the document's principles
    STRUCTURE = "structure"  # where a task sits, how many parts or tasks there are
    SYSTEM = "system"  # the policy system ("1+1+6+12") and its annexed plans


TYPE_NAMES = {
    ItemType.SINGLE: "单项选择题",
    ItemType.MULTI: "多项选择题",
    ItemType.JUDGE: "判断题",
    ItemType.BLANK: "填空题",
}
ROLE_NAMES = {"lead": "牵头", "co": "配合", "responsible": "责任单位"}
JUDGE_OPTIONS = ("正确", "错误")
LETTERS = "ABCDEFGH"
BLANK = "______"


@dataclass(frozen=True, slots=True)
class Claim:
    """What an item asserts, in the terms its check reads from the index.

    `values` is what each option stands for (a department as printed, a provision key, a figure, a
    rule word); `right` the values that are true. A judge item has one value; a blank item's `right`
    is the missing text.
    """

    topic: Topic
    values: tuple[str, ...] = ()
    right: tuple[str, ...] = ()
    role: str = ""  # lead / co / responsible (ROLE, DEPT_TASKS)
    subject: str = ""  # the department asked about (DEPT_TASKS), the parent key (STRUCTURE) …
    span: tuple[int, int] | None = None  # the part of the provision's text the item is about
    filled: str = ""  # FIGURE / RULE: the stem's fragment with the blank filled in by `right`
    keys: tuple[str, ...] = ()  # further provisions the item rests on (all in `doc_id`)
    # STRUCTURE / SYSTEM: which question about the outline — "placement" (the part a task is in,
    # `subject` = the task's key), "part_title", "part_count" (`subject` = the chapter's key),
    # "task_count"; "plan_count" (`subject` = an annex category), "number_meaning" (`subject` = the
    # number of the policy system asked about).
    asks: str = ""


@dataclass(frozen=True, slots=True)
class QuizItem:
    type: ItemType
    question: str
    options: tuple[str, ...]  # without letters; judge: 正确 / 错误; blank: none
    answer: tuple[
        str, ...
    ]  # letters (single, multi), 正确 / 错误 (judge), the missing text (blank)
    explanation: str  # quotes the provision verbatim and names it
    doc_id: str
    key: str
    label: str
    title: str
    quote: str  # verbatim in the provision `key`
    difficulty: int  # 1 (recall) … 3 (discrimination)
    claim: Claim
    chapter: str = ""  # the top-level part of the document the provision sits in
    id: str = ""
    original_question: str = ""  # the stem before an LLM rephrased it ("" when not rephrased)

    @property
    def topic(self) -> Topic:
        return self.claim.topic

    @property
    def ref(self) -> str:
        return f"{self.doc_id}#{self.key}"

    def lettered_options(self) -> list[str]:
        if self.type in (ItemType.SINGLE, ItemType.MULTI):
            return [f"{LETTERS[i]}. {o}" for i, o in enumerate(self.options)]
        return list(self.options)

    def answer_text(self) -> str:
        """The key as printed: "B", "ACD", "正确", or the missing text(s)."""
        if self.type in (ItemType.SINGLE, ItemType.MULTI):
            return "".join(self.answer)
        return "；".join(self.answer)

    def to_json(self) -> dict[str, Any]:
        """The `policyqa quiz --format json` item of DESIGN.md (plus topic, label, title, chapter)."""
        return {
            "id": self.id,
            "type": self.type.value,
            "question": self.question,
            "options": self.lettered_options(),
            "answer": list(self.answer),
            "explanation": self.explanation,
            "doc_id": self.doc_id,
            "key": self.key,
            "label": self.label,
            "title": self.title,
            "quote": self.quote,
            "difficulty": self.difficulty,
            "topic": self.topic.value,
            "chapter": self.chapter,
        }


@dataclass(frozen=True, slots=True)
class Dropped:
    """A candidate the verifier refused, and why (never shown to a trainee)."""

    item: QuizItem
    reason: str


@dataclass(frozen=True, slots=True, eq=False)  # compared and hashed by identity (a UI state)
class Quiz:
    items: tuple[QuizItem, ...]
    doc_ids: tuple[str, ...]
    titles: tuple[str, ...]  # document titles, in doc_ids order
    seed: int
    candidates: int = 0  # items generated before verification and selection
    dropped: tuple[Dropped, ...] = ()  # refused by verification
    per_doc: dict[str, int] = field(default_factory=dict)  # items chosen per document
    rephrased: int = 0  # stems the LLM rephrased and the check accepted
    rephrase_rejected: int = 0  # rephrased stems the check refused (original kept)
    timings_ms: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> list[dict[str, Any]]:
        return [item.to_json() for item in self.items]
