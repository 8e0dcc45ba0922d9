"""Items on the document's structure: where a task sits, its parts and their number, and the policy
system ("1+1+6+12") with the plans its annex lists."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace

from assistant.quiz.build import Context, cite, clean_title, make_item, quoted
from assistant.quiz.model import BLANK, Claim, ItemType, QuizItem, Topic
from ingest.model import Provision, ProvisionKind

# Sections that hold the document's principles or targets, not its tasks.
NOT_TASKS = re.compile(r"原则|目标|要求$")
_SYSTEM = re.compile(r"“(\d+(?:\+\d+){2,})”")
_NUMERALS = "一二三四五六七八九十"


def _chapters(ctx: Context) -> list[Provision]:
    return [p for p in ctx.provisions if p.kind is ProvisionKind.CHAPTER]


def _sections(ctx: Context, chapter: Provision) -> list[Provision]:
    return [p for p in ctx.corpus.children(chapter) if p.kind is ProvisionKind.SECTION]


def _count_options(ctx: Context, n: int) -> tuple[str, ...]:
    wrong = [str(v) for v in (n - 2, n - 1, n + 1, n + 2, n + 3) if v > 0 and v != n]
    return (str(n), *ctx.sample(wrong, 3))


def placement_items(ctx: Context) -> Iterator[QuizItem]:
    """Which part of the document a task belongs to."""
    items = ctx.corpus.items([ctx.doc_id])
    sections = [
        s
        for s in ctx.provisions
        if s.kind is ProvisionKind.SECTION
        and any(t.key.startswith(s.key + ".") for t in items)
        and not NOT_TASKS.search(clean_title(s.title))
    ]
    titles = [clean_title(s.title) for s in sections]
    if len(sections) < 4 or len(set(titles)) != len(titles):
        return
    for task in items:
        parent = next((s for s in sections if task.key.startswith(s.key + ".")), None)
        if parent is None or NOT_TASKS.search(" ".join(task.path_titles)):
            continue
        if parent is None or task.kind is not ProvisionKind.ITEM:
            continue
        others = [s for s in sections if s is not parent and not task.key.startswith(s.key + ".")]
        shown = [parent, *ctx.sample(others, 3)]
        claim = Claim(
            Topic.STRUCTURE,
            values=tuple(s.key for s in shown),
            right=(parent.key,),
            subject=task.key,
            asks="placement",
        )
        explanation = f"{cite(task)}「{clean_title(task.title)}」列在{cite(parent)}「{clean_title(parent.title)}」之下。"
        yield make_item(
            ctx, task, type=ItemType.SINGLE,
            question=f"「{clean_title(task.title)}」（{cite(task)}）属于文件哪一方面的任务？",
            claim=claim, options=tuple(clean_title(s.title) for s in shown),
            quote=clean_title(task.title), explanation=explanation, difficulty=2,
        )  # fmt: skip
        truth = ctx.rng.random() < 0.5
        said = parent if truth else shown[1]
        claim = Claim(
            Topic.STRUCTURE,
            values=(said.key,),
            right=(said.key,) if truth else (),
            subject=task.key,
            asks="placement",
        )
        yield make_item(
            ctx, task, type=ItemType.JUDGE,
            question=f"「{clean_title(task.title)}」是文件「{clean_title(said.title)}」部分的任务。",
            claim=claim, quote=clean_title(task.title), explanation=explanation, difficulty=2,
        )  # fmt: skip


def outline_items(ctx: Context) -> Iterator[QuizItem]:
    """The title of each part, and how many parts and tasks there are."""
    chapters = _chapters(ctx)
    titles = [clean_title(c.title) for c in chapters]
    if len(chapters) >= 3 and len(set(titles)) == len(titles):
        for i, chapter in enumerate(chapters):
            if i >= len(_NUMERALS) or chapter.key != str(i + 1):
                break
            others = [c for c in chapters if c is not chapter]
            shown = [chapter, *ctx.sample(others, min(3, len(others)))]
            claim = Claim(
                Topic.STRUCTURE,
                values=tuple(c.key for c in shown),
                right=(chapter.key,),
                subject=chapter.key,
                asks="part_title",
            )
            yield make_item(
                ctx, chapter, type=ItemType.SINGLE, question=f"文件第{_NUMERALS[i]}部分的标题是？",
                claim=claim, options=tuple(clean_title(c.title) for c in shown),
                quote=clean_title(chapter.title),
                explanation=f"文件第{_NUMERALS[i]}部分为“{chapter.number}{clean_title(chapter.title)}”。",
                difficulty=1,
            )  # fmt: skip
    for chapter in chapters:
        parts = _sections(ctx, chapter)
        if len(parts) < 3:
            continue
        n = len(parts)
        listed = "、".join(f"{cite(s)}「{clean_title(s.title)}」" for s in parts)
        explanation = f"「{clean_title(chapter.title)}」下分{n}个方面：{listed}。"
        claim = Claim(
            Topic.STRUCTURE,
            values=_count_options(ctx, n),
            right=(str(n),),
            subject=chapter.key,
            asks="part_count",
        )
        yield make_item(
            ctx, chapter, type=ItemType.SINGLE,
            question=f"文件「{clean_title(chapter.title)}」部分下分几个方面？",
            claim=claim, options=tuple(f"{v}个" for v in claim.values),
            quote=clean_title(chapter.title), explanation=explanation, difficulty=2,
        )  # fmt: skip
        yield make_item(
            ctx, chapter, type=ItemType.BLANK,
            question=f"文件「{clean_title(chapter.title)}」部分下分{BLANK}个方面。",
            claim=replace(claim, values=(str(n),)), quote=clean_title(chapter.title),
            explanation=explanation, difficulty=2,
        )  # fmt: skip
    items = ctx.corpus.items([ctx.doc_id])
    numbered = [p for p in items if p.kind is ProvisionKind.ITEM and p.label.startswith("第")]
    if len(numbered) >= 10 and numbered[-1].label == f"第{len(numbered)}条":
        n = len(numbered)
        last = numbered[-1]
        yield make_item(
            ctx, last, type=ItemType.BLANK, question=f"文件正文共列出{BLANK}条任务。",
            claim=Claim(Topic.STRUCTURE, values=(str(n),), right=(str(n),), asks="task_count"),
            quote=clean_title(last.title),
            explanation=f"正文任务从第1条编号到{cite(last)}「{clean_title(last.title)}」，共{n}条。",
            difficulty=2,
        )  # fmt: skip


def annex_groups(ctx: Context) -> list[tuple[str, list[Provision]]]:
    """Annex rows grouped by their category (the row's last ancestor title), in document order."""
    groups: dict[str, list[Provision]] = {}
    for p in ctx.provisions:
        if p.kind is ProvisionKind.ANNEX and len(p.path_titles) >= 2:
            groups.setdefault(p.path_titles[-1], []).append(p)
    return list(groups.items())


def system_items(ctx: Context) -> Iterator[QuizItem]:
    """A policy system printed as “1+1+6+12” whose last numbers count the annex's categories."""
    groups = annex_groups(ctx)
    if len(groups) < 2:
        return
    counts = [len(rows) for _, rows in groups]
    for p in ctx.provisions:
        for m in _SYSTEM.finditer(p.text):
            numbers = [int(n) for n in m.group(1).split("+")]
            if numbers[-len(counts) :] != counts:
                continue
            system = m.group(1)
            quote = next(s for s in re.split(r"(?<=[。；])", p.text) if system in s)
            tally = Counter(numbers)
            names = [name for name, _ in groups]
            for (name, rows), count in zip(groups, counts, strict=True):
                if count < 2:
                    continue
                explanation = (
                    f"{cite(p)}原文：{quoted(quote.strip())}附件中「{name}」共列{count}项。"
                )
                claim = Claim(
                    Topic.SYSTEM,
                    values=_count_options(ctx, count),
                    right=(str(count),),
                    subject=name,
                    asks="plan_count",
                    keys=tuple(r.key for r in rows),
                )
                yield make_item(
                    ctx, p, type=ItemType.SINGLE,
                    question=f"文件附件所列政策体系中，「{name}」共有几项？",
                    claim=claim, options=tuple(f"{v}项" for v in claim.values),
                    quote=quote.strip(), explanation=explanation, difficulty=2,
                )  # fmt: skip
                if tally[count] == 1 and len(names) >= 3:
                    claim = Claim(
                        Topic.SYSTEM,
                        values=tuple(names),
                        right=(name,),
                        subject=str(count),
                        asks="number_meaning",
                        keys=tuple(r.key for r in rows),
                    )
                    yield make_item(
                        ctx, p, type=ItemType.SINGLE,
                        question=f"“{system}”政策体系中的“{count}”指的是哪一类方案？",
                        claim=claim, quote=quote.strip(), explanation=explanation, difficulty=3,
                    )  # fmt: skip
