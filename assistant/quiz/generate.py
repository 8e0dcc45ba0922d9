"""A quiz from the index: candidates from every generator, verified, then chosen deterministically
for a seed, without duplicates, balanced across documents, types and chapters."""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from assistant.index.corpus import CorpusView
from assistant.quiz import gen_facts, gen_roles, gen_structure
from assistant.quiz.build import Context
from assistant.quiz.model import Dropped, ItemType, Quiz, QuizItem, Topic
from assistant.quiz.verify import Verifier

log = logging.getLogger(__name__)

Generator = Callable[[Context], Iterator[QuizItem]]
GENERATORS: tuple[Generator, ...] = (
    gen_roles.role_items,
    gen_roles.department_task_items,
    gen_roles.no_lead_items,
    gen_roles.deadline_items,
    gen_facts.figure_items,
    gen_facts.year_items,
    gen_facts.rule_items,
    gen_facts.principle_items,
    gen_structure.placement_items,
    gen_structure.outline_items,
    gen_structure.system_items,
)
ALL_TYPES = tuple(ItemType)
SIMILAR_STEMS = 0.8  # character-bigram overlap above which two stems ask the same thing


@dataclass(frozen=True, slots=True)
class QuizRequest:
    doc_ids: tuple[str, ...]
    n: int = 20
    seed: int = 0
    types: tuple[ItemType, ...] = ALL_TYPES
    difficulty: tuple[int, int] = (1, 3)


def parse_types(text: str | Iterable[str]) -> tuple[ItemType, ...]:
    names = text.split(",") if isinstance(text, str) else list(text)
    out: list[ItemType] = []
    for name in (n.strip() for n in names):
        if not name:
            continue
        try:
            out.append(ItemType(name))
        except ValueError:
            raise ValueError(f"未知的题型：{name}（可选：single、multi、judge、blank）") from None
    if not out:
        raise ValueError("至少要选择一种题型（single、multi、judge、blank）")
    return tuple(dict.fromkeys(out))


def parse_difficulty(text: str | int) -> tuple[int, int]:
    """ "2" → (2, 2); "1-3" → (1, 3)."""
    m = re.fullmatch(r"\s*([1-3])\s*(?:[-–~]\s*([1-3]))?\s*", str(text))
    if not m:
        raise ValueError(f"难度应为 1–3 之间的数或范围（如 2 或 1-3），而不是：{text}")
    low, high = int(m.group(1)), int(m.group(2) or m.group(1))
    return (min(low, high), max(low, high))


def candidates(corpus: CorpusView, doc_id: str, seed: int) -> list[QuizItem]:
    ctx = Context(corpus, doc_id, seed)
    return [item for generate in GENERATORS for item in generate(ctx)]


def fact_of(item: QuizItem) -> tuple[object, ...]:
    """Items with the same fact are near-duplicates: one per quiz."""
    c = item.claim
    if c.topic is Topic.ROLE:
        return (item.ref, c.span, "role")
    if c.topic is Topic.DEPT_TASKS:
        return (item.doc_id, c.subject, c.role)
    if c.topic in (Topic.FIGURE, Topic.RULE):
        return (item.ref, c.filled)
    if c.topic is Topic.PRINCIPLE:
        return (item.ref, c.filled)
    if c.topic is Topic.DEADLINE:
        return (item.ref, c.span, "deadline")
    if c.topic is Topic.NO_LEAD and item.type is ItemType.JUDGE:
        return (f"{item.doc_id}#{c.values[0]}", None, "role")  # the same fact as "who leads it"
    if c.topic is Topic.NO_LEAD:
        return (item.doc_id, "no_lead", c.right)
    return (item.ref, c.topic, c.asks, c.subject)


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", text)
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _similar(a: set[str], b: set[str]) -> bool:
    return bool(a and b) and len(a & b) / len(a | b) >= SIMILAR_STEMS


def _round_robin(groups: Sequence[list[QuizItem]]) -> Iterator[QuizItem]:
    queues = [list(g) for g in groups if g]
    while queues:
        for queue in queues:
            yield queue.pop(0)
        queues = [q for q in queues if q]


def _by_chapter(items: list[QuizItem], rng: random.Random) -> list[QuizItem]:
    chapters: dict[str, list[QuizItem]] = {}
    for item in items:
        chapters.setdefault(item.chapter, []).append(item)
    groups = list(chapters.values())
    for group in groups:
        rng.shuffle(group)
    rng.shuffle(groups)
    return list(_round_robin(groups))


def _by_topic(items: list[QuizItem], rng: random.Random) -> list[QuizItem]:
    """Topics in turn (who leads, targets, rules, structure …), each topic's chapters in turn."""
    topics: dict[Topic, list[QuizItem]] = {}
    for item in items:
        topics.setdefault(item.topic, []).append(item)
    groups = [_by_chapter(group, rng) for group in topics.values()]
    rng.shuffle(groups)
    return list(_round_robin(groups))


def generate(corpus: CorpusView, request: QuizRequest) -> Quiz:
    start = time.perf_counter()
    known = {d.doc_id for d in corpus.documents}
    doc_ids = request.doc_ids or tuple(d.doc_id for d in corpus.documents)
    missing = [d for d in doc_ids if d not in known]
    if missing:
        raise ValueError(f"没有这个文件：{'、'.join(missing)}（用 policyqa docs 查看已导入的文件）")
    if request.n < 1:
        raise ValueError("题目数量至少为 1")
    verifier = Verifier(corpus)
    made = 0
    dropped: list[Dropped] = []
    per_doc: list[list[QuizItem]] = []
    for doc_id in doc_ids:
        kept: list[QuizItem] = []
        for item in candidates(corpus, doc_id, request.seed):
            made += 1
            reason = verifier.check(item)
            if reason:
                dropped.append(Dropped(item, reason))
                log.debug("dropped %s %s: %s", item.ref, item.question, reason)
            else:
                kept.append(item)
        per_doc.append(kept)
    generated = time.perf_counter()
    chosen = _choose(per_doc, request)
    ordered = sorted(
        chosen,
        key=lambda i: (request.types.index(i.type), doc_ids.index(i.doc_id), _order(corpus, i)),
    )
    items = tuple(replace(item, id=f"z{n:03d}") for n, item in enumerate(ordered, 1))
    counts = {d: sum(1 for i in items if i.doc_id == d) for d in doc_ids}
    return Quiz(
        items=items,
        doc_ids=tuple(doc_ids),
        titles=tuple(corpus.doc_title(d) for d in doc_ids),
        seed=request.seed,
        candidates=made,
        dropped=tuple(dropped),
        per_doc=counts,
        timings_ms={
            "generate": (generated - start) * 1000,
            "select": (time.perf_counter() - generated) * 1000,
        },
    )


def _order(corpus: CorpusView, item: QuizItem) -> int:
    keys = [p.key for p in corpus.in_scope([item.doc_id])]
    return keys.index(item.key) if item.key in keys else len(keys)


def _choose(per_doc: list[list[QuizItem]], request: QuizRequest) -> list[QuizItem]:
    rng = random.Random(f"select:{request.seed}")
    low, high = request.difficulty
    streams: list[Iterator[QuizItem]] = []
    for items in per_doc:
        fitting = [i for i in items if i.type in request.types and low <= i.difficulty <= high]
        by_type = [_by_topic([i for i in fitting if i.type is t], rng) for t in request.types]
        streams.append(_round_robin(by_type))
    chosen: list[QuizItem] = []
    facts: set[tuple[object, ...]] = set()
    stems: list[set[str]] = []
    active = list(streams)
    while active and len(chosen) < request.n:
        for stream in list(active):
            if len(chosen) >= request.n:
                break
            for item in stream:
                fact, grams = fact_of(item), _bigrams(item.question)
                if fact in facts or any(_similar(grams, g) for g in stems):
                    continue
                facts.add(fact)
                stems.append(grams)
                chosen.append(item)
                break
            else:
                active.remove(stream)
    return chosen
