"""What every generator shares: the document in hand, a seeded random source, and the one way an
item is put together (options shuffled, answer letters from the claim, quote and citation)."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TypeVar

from assistant.index.corpus import CorpusView, sentences
from assistant.quiz.model import JUDGE_OPTIONS, LETTERS, Claim, ItemType, QuizItem
from assistant.quiz.roles import Aliases, PrintedRoles, departments_of, document_convention
from ingest.departments import DepartmentRegistry
from ingest.model import Provision, ProvisionKind

T = TypeVar("T")


@dataclass
class Context:
    """One document of the corpus, as the generators read it."""

    corpus: CorpusView
    doc_id: str
    seed: int
    rng: random.Random = field(init=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(f"{self.seed}:{self.doc_id}")

    @property
    def registry(self) -> DepartmentRegistry:
        return self.corpus.registry

    @cached_property
    def aliases(self) -> Aliases:
        return Aliases(self.corpus.registry)

    @cached_property
    def provisions(self) -> list[Provision]:
        return self.corpus.in_scope([self.doc_id])

    @cached_property
    def tasks(self) -> list[Provision]:
        return self.corpus.tasks([self.doc_id])

    @cached_property
    def departments(self) -> list[str]:
        return departments_of(self.tasks, self.registry)

    @cached_property
    def printed(self) -> PrintedRoles:
        return PrintedRoles(convention=document_convention(self.provisions))

    @cached_property
    def text(self) -> str:
        return "\n".join(p.text for p in self.provisions)

    def chapter_of(self, provision: Provision) -> str:
        if provision.kind is ProvisionKind.ANNEX:
            return "附件"
        top = provision.key.split(".")[0]
        chapter = self.corpus.by_ref.get((self.doc_id, top))
        if chapter is None or chapter.kind is not ProvisionKind.CHAPTER:
            return provision.path_titles[0] if provision.path_titles else ""
        return (
            f"{chapter.number.rstrip('、.．')}、{chapter.title}"
            if chapter.number
            else chapter.title
        )

    def sample(self, pool: Sequence[T], k: int) -> list[T]:
        """k of `pool` in a seeded random order (none when the pool is smaller)."""
        return self.rng.sample(list(pool), k) if len(pool) >= k else []


def cite(provision: Provision) -> str:
    """第28条 / 三（二）3 / 附件 关键环节专项保障方案3."""
    return provision.label or provision.key


def quoted(text: str) -> str:
    """A quotation mark pair that does not clash with the quotes inside the text."""
    return f"「{text}」" if "“" in text else f"“{text}”"


def short(text: str, limit: int = 40) -> str:
    text = text.strip().rstrip("。；，")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def sentence_containing(text: str, start: int, end: int) -> str:
    """The sentence of `text` (verbatim) that holds the range start:end."""
    offset = 0
    for s in sentences(text):
        at = text.find(s, offset)
        if at <= start and end <= at + len(s):
            line = text.rfind("\n", at, start)  # a heading line above is not part of the sentence
            return s[line - at + 1 :] if line >= 0 else s
        offset = at + len(s)
    return text[start:end]


def clean_title(title: str) -> str:
    return re.sub(r"[。；;，,：:]+$", "", title.strip())


def _leading_number(value: str) -> float | None:
    m = re.match(r"\d+(?:\.\d+)?", value)
    return float(m.group(0)) if m else None


def make_item(
    ctx: Context,
    provision: Provision,
    *,
    type: ItemType,
    question: str,
    claim: Claim,
    options: Sequence[str] = (),
    quote: str,
    explanation: str,
    difficulty: int,
) -> QuizItem:
    """An item whose options (shown as `options`, standing for `claim.values`) are shuffled with the
    document's random source; the answer letters are those of `claim.right`."""
    answer: tuple[str, ...]
    shown: tuple[str, ...]
    values = claim.values
    if type in (ItemType.SINGLE, ItemType.MULTI):
        order = list(range(len(values)))
        numbers = [_leading_number(v) for v in values]
        if all(n is not None for n in numbers):  # years, counts, figures: in ascending order
            order.sort(key=lambda i: numbers[i] or 0.0)
        else:
            ctx.rng.shuffle(order)
        values = tuple(values[i] for i in order)
        shown = tuple((options or claim.values)[i] for i in order)
        answer = tuple(LETTERS[i] for i, v in enumerate(values) if v in claim.right)
        claim = replace(claim, values=values)
    elif type is ItemType.JUDGE:
        shown = JUDGE_OPTIONS
        answer = (JUDGE_OPTIONS[0] if claim.right else JUDGE_OPTIONS[1],)
    else:
        shown = ()
        answer = claim.right
    return QuizItem(
        type=type,
        question=question,
        options=shown,
        answer=answer,
        explanation=explanation,
        doc_id=provision.doc_id,
        key=provision.key,
        label=cite(provision),
        title=provision.title,
        quote=quote,
        difficulty=difficulty,
        claim=claim,
        chapter=ctx.chapter_of(provision),
    )
