"""Responsibility items: who leads (or is responsible for, or works on) a task, which tasks a
department leads, "X is led by Y", tasks with no lead, and the 完成期限 of a span."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from assistant.quiz.build import Context, clean_title, make_item, quoted, short
from assistant.quiz.model import BLANK, Claim, ItemType, QuizItem, Topic
from assistant.quiz.roles import ROLES, holders, is_department, spans_of
from ingest.model import Provision, ProvisionKind, Span


@dataclass(frozen=True, slots=True)
class Wording:
    """How a role is asked: its noun and the sentences of each item type."""

    noun: str  # 牵头部门 / 责任单位 …
    judge: str  # "{subject}由{name}牵头。"
    blank: str  # "{subject}由{blank}牵头。"
    task: str  # "由{name}牵头" — a task "that {name} leads"


WORDING = {
    "lead": Wording(
        "牵头部门", "{subject}由{name}牵头。", "{subject}由{blank}牵头。", "由{name}牵头"
    ),
    "co": Wording(
        "配合部门（按职责分工负责）", "{name}参与{subject}（配合或按职责分工负责）。", "", ""
    ),
    "responsible": Wording(
        "责任单位",
        "{subject}的责任单位包括{name}。",
        "{subject}的责任单位是{blank}。",
        "{name}为责任单位",
    ),
}
# Annex rows (a table's 责任部门 column) are asked neutrally: the role is printed in the column
# header, which the index does not keep.
ANNEX = Wording("责任部门", "{subject}由{name}负责。", "{subject}由{blank}负责。", "由{name}负责")


@dataclass(frozen=True, slots=True)
class Unit:
    """A task, or one span of a task whose spans name different departments."""

    provision: Provision
    source: Span | Provision
    span: tuple[int, int] | None
    subject: str  # what the question names
    quote: str  # verbatim: the attribution, with the sentence before it for a span


def units(provision: Provision) -> list[Unit]:
    spans = spans_of(provision)
    title = clean_title(provision.title)
    if not spans:
        if provision.kind is ProvisionKind.ANNEX and provision.responsibility.raw:
            return [Unit(provision, provision, None, title, provision.text)]
        return []
    if len({(s.lead, s.co, s.responsible) for s in spans}) == 1:
        start = provision.text.rfind(spans[-1].raw)
        quote = provision.text[start:] if start >= 0 else spans[-1].raw
        return [Unit(provision, provision, None, title, quote)]
    return [u for s in spans if (u := span_unit(provision, s)) is not None]


def wording(provision: Provision, role: str) -> Wording:
    return ANNEX if provision.kind is ProvisionKind.ANNEX else WORDING[role]


def pool(ctx: Context, taken: Sequence[str]) -> list[str]:
    """Departments of the document that are none of `taken` nor an alias of one (nor of each other)."""
    out: list[str] = []
    for name in ctx.departments:
        if not any(ctx.aliases.similar(name, t) for t in [*taken, *out]):
            out.append(name)
    return out


def distinct(names: Sequence[str], ctx: Context) -> list[str]:
    """Askable names without aliases of each other."""
    out: list[str] = []
    for name in names:
        if is_department(name, ctx.registry) and not any(ctx.aliases.similar(name, m) for m in out):
            out.append(name)
    return out


def where(provision: Provision) -> str:
    if provision.kind is ProvisionKind.ANNEX:
        return provision.label
    return f"{provision.label}「{clean_title(provision.title)}」"


def _explain(unit: Unit) -> str:
    p = unit.provision
    if p.kind is ProvisionKind.ANNEX:  # a table row: its category, its plan, the unit in its cell
        table = " › ".join(p.path_titles)
        table = table if table.startswith("附件") else f"附件 {table}"
        return f"{table}中，「{clean_title(p.title)}」一行的责任部门为{quoted(unit.quote)}。"
    return f"{where(p)}原文：{quoted(unit.quote)}"


def role_items(ctx: Context) -> Iterator[QuizItem]:
    for provision in ctx.tasks:
        for unit in units(provision):
            for role in ROLES:
                yield from _role_items(ctx, unit, role)


def _role_items(ctx: Context, unit: Unit, role: str) -> Iterator[QuizItem]:
    held = holders(unit.source, role)
    right = distinct(held, ctx)
    if not right:
        return
    p = unit.provision
    words = wording(p, role)
    noun = words.noun
    others = [h for r in ROLES if r != role for h in holders(unit.source, r)]
    candidates = pool(ctx, held)
    # Harder distractors first: departments that hold another role in this very task.
    inside = [n for n in candidates if any(ctx.aliases.similar(n, h) for h in others)]
    outside = [n for n in candidates if n not in inside]
    ctx.rng.shuffle(outside)
    if role == "co":  # a co distractor must not work on the task at all
        inside = []
    wrong = inside[:1] + outside
    subject = f"「{unit.subject}」"
    if p.kind is ProvisionKind.ANNEX:
        subject = f"附件所列{subject}"
    explanation = _explain(unit)
    base = Claim(Topic.ROLE, role=role, span=unit.span)

    def item(type: ItemType, question: str, claim: Claim, difficulty: int) -> QuizItem:
        return make_item(
            ctx, p, type=type, question=question, claim=claim, quote=unit.quote,
            explanation=explanation, difficulty=difficulty,
        )  # fmt: skip

    if role != "co" and len(wrong) >= 3:
        answer = ctx.rng.choice(right)
        only = len(held) == 1
        question = f"{subject}的{noun}是？" if only else f"下列部门中，哪一个是{subject}的{noun}？"
        claim = replace(base, values=(answer, *wrong[:3]), right=(answer,))
        yield item(ItemType.SINGLE, question, claim, 1 if only and not inside else 2)
    k = min(len(right), 3)
    if k >= 2 and wrong:
        chosen = ctx.rng.sample(right, k)
        distractors = wrong[: max(1, 4 - k)]
        claim = replace(base, values=(*chosen, *distractors), right=tuple(chosen))
        question = f"下列部门中，属于{subject}{noun}的有哪些？"
        yield item(ItemType.MULTI, question, claim, 3 if role == "co" else 2)
    if role == "co":
        return
    truth = not wrong or ctx.rng.random() < 0.5
    name = ctx.rng.choice(right) if truth else wrong[0]
    claim = replace(base, values=(name,), right=(name,) if truth else ())
    yield item(
        ItemType.JUDGE, words.judge.format(subject=subject, name=name), claim, 1 if truth else 2
    )
    if len(held) == 1:
        accepted = tuple(dict.fromkeys((right[0], *ctx.registry.aliases(right[0]))))
        claim = replace(base, values=accepted, right=(right[0],))
        yield item(ItemType.BLANK, words.blank.format(subject=subject, blank=BLANK), claim, 2)


def led(ctx: Context, role: str = "lead") -> dict[str, list[Provision]]:
    """Askable department → the tasks the index gives it `role` in (whole provisions)."""
    out: dict[str, list[Provision]] = {}
    for p in ctx.tasks:
        if p.kind is ProvisionKind.ANNEX:
            continue
        for name in distinct(holders(p, role), ctx):
            key = next((k for k in out if ctx.aliases.similar(k, name)), name)
            out.setdefault(key, []).append(p)
    return out


def _title_options(provisions: Sequence[Provision]) -> tuple[str, ...]:
    return tuple(clean_title(p.title) for p in provisions)


def department_task_items(ctx: Context) -> Iterator[QuizItem]:
    """Which tasks does department Y lead (or is responsible for)?"""
    tasks = [p for p in ctx.tasks if p.kind is not ProvisionKind.ANNEX and p.responsibility.raw]
    titles = [clean_title(p.title) for p in tasks]
    if len(set(titles)) != len(titles) or len(tasks) < 5:
        return
    for role in ("lead", "responsible"):
        for name, own in led(ctx, role).items():
            said = WORDING[role].task.format(name=name)
            if len(own) == len(tasks):
                continue
            # not led by `name`; tasks where it only works alongside make the harder distractors
            rest = [p for p in tasks if p not in own]
            alongside = [
                p
                for p in rest
                if any(ctx.aliases.similar(name, h) for h in p.responsibility.departments)
            ]
            others = [p for p in rest if p not in alongside]
            ctx.rng.shuffle(others)
            wrong = alongside[:1] + others
            chosen = ctx.rng.sample(own, min(len(own), 2))
            if len(own) >= 2:
                cited = "；".join(f"{p.label}「{clean_title(p.title)}」" for p in own)
                claim = Claim(
                    Topic.DEPT_TASKS, values=(str(len(own)),), right=(str(len(own)),), role=role,
                    subject=name, asks="task_total", keys=tuple(p.key for p in own),
                )  # fmt: skip
                yield make_item(
                    ctx, own[0], type=ItemType.BLANK,
                    question=f"文件所列任务中，{said}的共有{BLANK}项。", claim=claim,
                    quote=_quote_of(own[0]), difficulty=3,
                    explanation=f"{said}的有：{cited}。{own[0].label}原文：{quoted(_quote_of(own[0]))}",
                )  # fmt: skip
            for type, right in ((ItemType.SINGLE, chosen[:1]), (ItemType.MULTI, chosen)):
                if type is ItemType.MULTI and len(chosen) < 2:
                    continue
                distractors = wrong[: 4 - len(right)]
                if len(distractors) < 4 - len(right):
                    continue
                shown = [*right, *distractors]
                claim = Claim(
                    Topic.DEPT_TASKS,
                    values=tuple(p.key for p in shown),
                    right=tuple(p.key for p in right),
                    role=role,
                    subject=name,
                )
                quote = _quote_of(right[0])
                question = (
                    f"下列任务中，{said}的是？"
                    if type is ItemType.SINGLE
                    else f"下列任务中，{said}的有哪些？"
                )
                cited = "；".join(f"{p.label}「{clean_title(p.title)}」" for p in right)
                yield make_item(
                    ctx, right[0], type=type, question=question, claim=claim,
                    options=_title_options(shown), quote=quote,
                    explanation=f"{said}的有：{cited}。{right[0].label}原文：{quoted(quote)}",
                    difficulty=2 if type is ItemType.SINGLE else 3,
                )  # fmt: skip


def _quote_of(p: Provision) -> str:
    spans = spans_of(p)
    return spans[-1].raw if spans and spans[-1].raw in p.text else p.title


def _no_lead(p: Provision) -> bool:
    r = p.responsibility
    return not r.lead and not r.responsible and bool(r.co)


def no_lead_items(ctx: Context) -> Iterator[QuizItem]:
    """Tasks that name departments but no lead (only where the document names leads elsewhere)."""
    tasks = [p for p in ctx.tasks if p.kind is not ProvisionKind.ANNEX and spans_of(p)]
    without = [p for p in tasks if _no_lead(p)]
    with_lead = [p for p in tasks if p.responsibility.lead]
    if not without or not with_lead:
        return
    ctx.rng.shuffle(with_lead)
    for i, p in enumerate(without):
        explanation = f"{where(p)}只写明{quoted(_quote_of(p))}，没有写明牵头部门。"
        if len(with_lead) >= 3:
            shown = [p, *with_lead[i % len(with_lead) :], *with_lead][:4]
            if len({q.key for q in shown}) == 4:
                claim = Claim(Topic.NO_LEAD, values=tuple(q.key for q in shown), right=(p.key,))
                yield make_item(
                    ctx, p, type=ItemType.SINGLE, question="下列任务中，哪一项没有明确牵头部门？",
                    claim=claim, options=_title_options(shown), quote=_quote_of(p),
                    explanation=explanation, difficulty=2,
                )  # fmt: skip
        truth = i % 2 == 0
        subject = p if truth else with_lead[i % len(with_lead)]
        claim = Claim(Topic.NO_LEAD, values=(subject.key,), right=(subject.key,) if truth else ())
        judged = explanation if truth else f"{where(subject)}原文：{quoted(_quote_of(subject))}"
        yield make_item(
            ctx, subject, type=ItemType.JUDGE,
            question=f"「{clean_title(subject.title)}」这项任务没有明确牵头部门。",
            claim=claim, quote=_quote_of(subject), explanation=judged, difficulty=2,
        )  # fmt: skip
    if len(without) >= 2 and len(with_lead) >= 2:
        right = ctx.rng.sample(without, 2)
        shown = [*right, *with_lead[:2]]
        claim = Claim(
            Topic.NO_LEAD, values=tuple(q.key for q in shown), right=tuple(q.key for q in right)
        )
        cited = "；".join(f"{q.label}「{clean_title(q.title)}」" for q in right)
        yield make_item(
            ctx, right[0], type=ItemType.MULTI, question="下列任务中，没有明确牵头部门的有哪些？",
            claim=claim, options=_title_options(shown), quote=_quote_of(right[0]),
            explanation=f"没有写明牵头部门的是：{cited}。{right[0].label}原文：{quoted(_quote_of(right[0]))}",
            difficulty=3,
        )  # fmt: skip


def deadline_items(ctx: Context) -> Iterator[QuizItem]:
    """The 完成期限 of a span (documents that print one per attribution)."""
    found: list[tuple[Unit, str]] = []
    for p in ctx.tasks:
        for s in spans_of(p):
            if not s.deadline or "；" in s.deadline or s.deadline not in s.raw:
                continue
            unit = next((u for u in units(p) if u.span == (s.start, s.end)), None)
            if unit is None and len(spans_of(p)) == 1:
                unit = Unit(p, s, (s.start, s.end), clean_title(p.title), s.raw)
            if unit is None:
                unit = span_unit(p, s)
            if unit is not None:
                found.append((unit, s.deadline))
    all_deadlines = list(dict.fromkeys(d for _, d in found))
    for unit, deadline in found:
        own = {s.deadline for s in spans_of(unit.provision) if s.deadline}
        wrong = [d for d in all_deadlines if d not in own]
        subject = f"「{unit.subject}」"
        explanation = f"{where(unit.provision)}原文：{quoted(unit.quote)}"
        base = Claim(Topic.DEADLINE, span=unit.span)
        if len(wrong) >= 3:
            claim = replace(base, values=(deadline, *ctx.sample(wrong, 3)), right=(deadline,))
            yield make_item(
                ctx, unit.provision, type=ItemType.SINGLE, question=f"{subject}的完成期限是？",
                claim=claim, quote=unit.quote, explanation=explanation, difficulty=2,
            )  # fmt: skip
        claim = replace(base, values=(deadline,), right=(deadline,))
        yield make_item(
            ctx, unit.provision, type=ItemType.BLANK, question=f"{subject}的完成期限是{BLANK}。",
            claim=claim, quote=unit.quote, explanation=explanation, difficulty=3,
        )  # fmt: skip


def span_unit(p: Provision, s: Span) -> Unit | None:
    """A span of a task whose spans all name the same departments (asked about by its sentence)."""
    body = p.text[s.start : s.end]
    at = body.rfind(s.raw)
    pieces = [x.strip() for x in body[: max(at, 0)].split("。") if x.strip()]
    if at < 0 or not pieces:
        return None
    sentence = pieces[-1]
    clause = sentence.rsplit("，", 1)[-1]
    subject = clause if len(clause) >= 8 else sentence
    start = p.text.find(sentence, s.start)
    quote = p.text[start : s.end] if start >= 0 else s.raw
    return Unit(p, s, (s.start, s.end), short(subject, 48), quote)
