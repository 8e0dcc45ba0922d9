"""Responsibility answers, from the tables only: who leads a task (or abstains, showing candidates),
what a department does (per document, per role), tasks with no lead, tasks led jointly."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from assistant.answer import Answer, Citation, Departments
from assistant.compose import templates as t
from assistant.compose.choose import Choice, choose_span, choose_task
from assistant.compose.grounded import refuse
from assistant.compose.render import (
    attribution_sentence,
    cite,
    doc_name,
    heading,
    join,
    span_lines,
    span_quote,
)
from assistant.index.corpus import CorpusView, sentences
from assistant.index.support import support, support_score, token_set
from assistant.understand.intent import PLACES, Query, Role
from assistant.understand.terms import query_terms
from ingest.model import Provision, ProvisionKind, Responsibility, Span
from ingest.segment import tokenize

MAX_SHOWN = 4  # documents whose closest task an abstention shows
UNATTRIBUTED_MARGIN = 0.2  # support a provision without attribution must lead the chosen task by


@dataclass(frozen=True, slots=True)
class Thresholds:
    min_match: float  # a candidate below this is no task the question is about
    min_confidence: float  # below this the answer abstains
    min_margin: float


@dataclass(slots=True)
class _Held:
    """What one department holds in one document."""

    name: str  # as the document prints it
    led: list[Provision] = field(default_factory=list)
    joined: list[Provision] = field(default_factory=list)
    listed: list[Provision] = field(default_factory=list)  # 责任单位, no lead stated

    @property
    def any(self) -> list[Provision]:
        return [*self.led, *self.joined, *self.listed]


def _place_groups(names: Sequence[str]) -> list[tuple[str, list[str]]]:
    """A unit list of a joint document cut where a name starts with a place ("重庆市能源局、市经济信息委、
    四川省能源局、经济和信息化厅" → 重庆: …, 四川: …)."""
    groups: list[tuple[str, list[str]]] = []
    for name in names:
        place = next((pl for pl in PLACES if name.startswith(pl)), None)
        if place is not None or not groups:
            groups.append((place or "", [name]))
        else:
            groups[-1][1].append(name)
    return groups


def _of_place(question: str, roles: Span | Responsibility, length: int) -> Span | None:
    """Of a joint document's attribution, the units of the one place the question asks about
    ("四川方面是哪个厅牵头？"); None when it names no such place."""
    lists = (roles.lead, roles.co, roles.responsible)
    groups = [_place_groups(names) for names in lists]
    places = {pl for g in groups for pl, _ in g if pl}
    # the place asked as a side of the joint document ("四川方面", "重庆这边"), not as its name
    asked = [pl for pl in places if re.search(f"{pl}[省市]?(方面|这边|那边|一方|一侧)", question)]
    if len(places) < 2 or len(asked) != 1:
        return None

    def keep(g: list[tuple[str, list[str]]]) -> tuple[str, ...]:
        return tuple(n for pl, names in g if pl == asked[0] for n in names)

    lead, co, responsible = (keep(g) for g in groups)
    start = roles.start if isinstance(roles, Span) else 0
    end = roles.end if isinstance(roles, Span) else length
    return Span(start, end, lead, co, responsible, roles.implementers, roles.deadline, roles.raw)


# a time printed in a paragraph: "2021年12月底之前", "每年4月底前", "2022年底前", "2021年11—12月"
DATED_RE = re.compile(
    r"(?:20\d{2}年|每年)?\d{1,2}月(?:底|末|中旬|上旬|下旬)?(?:之前|前|以前)"
    r"|20\d{2}年(?:年?底)?(?:之前|前|以前)|20\d{2}年\d{1,2}[—–-]\d{1,2}月"
)
SCHEDULED_SHARE = 0.8  # of a task title's weight that a sentence must hold to date that task
MAX_SCHEDULED = 2


def _task_answer(
    query: Query,
    lines: list[str],
    citations: list[Citation],
    roles: Span | Responsibility,
    confidence: float,
) -> Answer:
    """An answer about the chosen task, with the departments its attribution prints."""
    return Answer(
        question=query.question,
        text="\n".join(lines),
        citations=tuple(citations),
        departments=Departments(lead=roles.lead, co=roles.co, responsible=roles.responsible),
        intent=query.intent.value,
        confidence=confidence,
    )


def printed_deadlines(p: Provision) -> list[str]:
    r = p.responsibility
    return [d for d in (r.deadline, *(s.deadline for s in r.spans)) if d]


class DepartmentAnswers:
    def __init__(self, corpus: CorpusView, thresholds: Thresholds) -> None:
        self.corpus = corpus
        self.th = thresholds

    # -- who leads X ------------------------------------------------------------------------------
    def who_leads(self, query: Query, pool: Sequence[Provision], exact: bool) -> Answer | None:
        """The answer about the task(s) in `pool` (exact: named by article or by the conversation,
        so no doubt); None when no candidate matches the question at all."""
        if exact:
            return self._assert(query, list(pool), 1.0)
        if len(query.doc_ids) > 1:
            per_doc = [
                choose_task(self.corpus, query, [p for p in pool if p.doc_id == d], min_margin=0)
                for d in query.doc_ids
            ]
            chosen = [
                c
                for c in per_doc
                if c.best
                and c.candidates[0].match >= self.th.min_match
                and c.confidence >= self.th.min_confidence  # a weak match in one document is none
            ]
            if not chosen:
                return None
            return self._assert(
                query, [c.best for c in chosen if c.best], min(c.confidence for c in chosen)
            )
        choice = choose_task(self.corpus, query, pool, min_margin=self.th.min_margin)
        if not choice.candidates or choice.candidates[0].match < self.th.min_match:
            return None
        if choice.confidence < self.th.min_confidence:
            close = [c.provision for c in choice.candidates[:3] if c.match >= self.th.min_match]
            if query.asks_deadline and not any(printed_deadlines(p) for p in close):
                # whichever of them is meant, the document gives no deadline
                heads = "；".join(heading(self.corpus, p) for p in close)
                return refuse(query, f"{t.NO_DEADLINE}{heads}")
            return self._abstain(query, choice)
        best = choice.best
        if best is not None and self._unattributed_fits_better(query, pool, best):
            # the task asked about carries no attribution: say so, do not assert another's
            return None
        return self._assert(query, [best] if best else [], choice.confidence)

    def _unattributed_fits_better(
        self, query: Query, pool: Sequence[Provision], best: Provision
    ) -> bool:
        """Whether a provision of the pool that carries no attribution, and sits under no part that
        carries one, fits the question clearly better than the task chosen ("应对气候变化立法调研是
        哪个处室负责" of a plan that prints no office for that item)."""
        terms = query_terms(query, self.corpus.idf)
        attributed = {p.key for p in pool if not p.responsibility.is_empty}
        bare = [
            p
            for p in pool
            if p.responsibility.is_empty
            and p.kind is not ProvisionKind.META
            and p.doc_id == best.doc_id
            and not any(p.key.startswith(k + ".") for k in attributed)
        ]
        if not bare:
            return False
        top = max(support_score(self.corpus, p, terms) for p in bare)
        return top >= support_score(self.corpus, best, terms) + UNATTRIBUTED_MARGIN

    def _assert(self, query: Query, chosen: list[Provision], confidence: float) -> Answer:
        spans = [
            _of_place(query.question, s or p.responsibility, len(p.text)) or s
            for p, s in ((p, choose_span(self.corpus, query, p)) for p in chosen)
        ]
        if query.asks_deadline:
            deadlines = [
                s.deadline if s else p.responsibility.deadline
                for p, s in zip(chosen, spans, strict=True)
            ]
            if not any(deadlines):
                scheduled = [found for p in chosen for found in self._scheduled(p)]
                if scheduled:
                    return self._scheduled_answer(query, chosen, scheduled, confidence)
                heads = "；".join(heading(self.corpus, p) for p in chosen)
                return refuse(query, f"{t.NO_DEADLINE}{heads}")
        lines: list[str] = []
        citations: list[Citation] = []
        for p, span in zip(chosen, spans, strict=True):
            lines.append(f"**{heading(self.corpus, p)}**")
            if span is not None:
                lines.append(f"> {span_quote(p, span)}")
                if not span.departments:  # text after the provision's last attribution
                    lines.append(f"- {t.UNATTRIBUTED_TEXT}")
                    citations.append(cite(p, span_quote(p, span), span))
                    continue
                lines.extend(responsibility_lines(span, query.role))
                citations.append(cite(p, span_quote(p, span), span))
                continue
            several = [s for s in p.responsibility.spans if s.departments]
            if len({s.departments for s in several}) > 1:
                lines.extend(span_lines(p))
            else:
                lines.extend(responsibility_lines(p.responsibility, query.role))
            citations.append(cite(p, attribution_sentence(p)))
        main: Span | Provision = spans[0] if spans and spans[0] is not None else chosen[0]
        roles = main if isinstance(main, Span) else main.responsibility
        asked = query.departments[0] if query.departments else query.confirmed_unit
        if query.confirms and asked:
            lines.insert(0, self._verdict(query, asked, chosen[0].doc_id, roles))
        return _task_answer(query, lines, citations, roles, confidence)

    def _scheduled(self, task: Provision) -> list[tuple[Provision, tuple[str, ...]]]:
        """Where the document dates a task its attribution gives no deadline for: a paragraph that
        prints a time ("2021年12月底之前，…") and a sentence holding most of the task title's words
        ("各区…报送区级碳达峰评估报告", a 工作步骤 chapter); the dated sentence and that one, verbatim."""
        terms = [w for w in dict.fromkeys(tokenize(task.title)) if w in self.corpus.idf]
        total = self.corpus.weight(terms)
        if not total:
            return []
        found: list[tuple[float, Provision, tuple[str, ...]]] = []
        for p in self.corpus.in_scope([task.doc_id]):
            if p.kind is ProvisionKind.META:
                continue
            for paragraph in p.text.split("\n"):
                said = sentences(paragraph)
                dated = [x for x in said if DATED_RE.search(x)]
                if not dated:
                    continue
                for sentence in said:
                    toks = token_set(sentence)
                    share = self.corpus.weight(w for w in terms if w in toks) / total
                    if share >= SCHEDULED_SHARE:
                        quotes = tuple(dict.fromkeys((dated[0], sentence)))
                        found.append((-share, p, quotes))
        found.sort(key=lambda f: f[0])
        return [(p, quotes) for _, p, quotes in found[:MAX_SCHEDULED]]

    def _scheduled_answer(
        self,
        query: Query,
        chosen: list[Provision],
        scheduled: list[tuple[Provision, tuple[str, ...]]],
        confidence: float,
    ) -> Answer:
        task = chosen[0]
        lines = [f"**{heading(self.corpus, task)}**", t.DEADLINE_ELSEWHERE]
        citations: list[Citation] = []
        for p, quotes in scheduled:
            lines.append(f"**{heading(self.corpus, p)}**")
            lines.extend(f"> {q}" for q in quotes)
            citations.extend(cite(p, q) for q in quotes)
        return _task_answer(query, lines, citations, task.responsibility, confidence)

    def _verdict(self, query: Query, asked: str, doc_id: str, roles: Span | Responsibility) -> str:
        """The answer to "是省科技厅牵头吗？": what the attribution prints for that department."""

        role = {"lead": roles.lead, "co": roles.co, "responsible": roles.responsible}
        printed = {
            name: next((n for n in names if self.corpus.same_department(doc_id, asked, n)), "")
            for name, names in role.items()
        }
        held = [name for name, found in printed.items() if found]
        if not held:
            return t.VERDICT_NOT_LISTED.format(department=asked)
        asked = printed[held[0]]  # as the document prints it (供销社 → 省供销社)
        wanted = {Role.LEAD: "lead", Role.CO: "co"}.get(query.role)
        if wanted is None or wanted in held:
            return t.VERDICT_YES.format(department=asked, role=t.ROLE_WORDS[held[0]])
        return t.VERDICT_OTHER_ROLE.format(
            department=asked, asked=t.ROLE_WORDS[wanted], role=t.ROLE_WORDS[held[0]]
        )

    def _abstain(self, query: Query, choice: Choice) -> Answer:
        terms = query_terms(query, self.corpus.idf)
        floor = max(self.th.min_match, choice.candidates[0].match / 2)
        close = [c.provision for c in choice.candidates if c.match >= floor]
        documents = list(dict.fromkeys(p.doc_id for p in close))
        if not query.doc_ids and len(documents) > 1:
            # no document named and several fit: the closest task of each document
            shown = [next(p for p in close if p.doc_id == d) for d in documents[:MAX_SHOWN]]
            lines = [t.ABSTAIN_DOCUMENTS]
        else:
            shown = close[:3]
            lines = [t.ABSTAIN]
        citations: list[Citation] = []
        for i, p in enumerate(shown, 1):
            quote = (support(self.corpus, p, terms, 1).sentences or (attribution_sentence(p),))[0]
            lines.append(f"{i}. **{heading(self.corpus, p)}**（{roles_summary(p.responsibility)}）")
            lines.append(f"   > {quote}")
            citations.append(cite(p, quote))
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(citations),
            intent=query.intent.value,
            confidence=choice.confidence,
            abstained=True,
        )

    # -- what does department Y do ----------------------------------------------------------------
    def held_by(
        self, department: str, pool: Sequence[Provision], *, annex: bool, exclude: frozenset[str]
    ) -> dict[str, _Held]:
        """Per document: the tasks the department leads, joins and is listed for."""
        out: dict[str, _Held] = {}
        for p in pool:
            if (p.kind is ProvisionKind.ANNEX) != annex or p.ref in exclude:
                continue
            name = self.corpus.printed_name(p.doc_id, department)
            if name is None:
                continue
            r = p.responsibility
            same = self.corpus.registry_of(p.doc_id).same
            held = out.setdefault(p.doc_id, _Held(name))
            if any(same(name, d) for d in r.lead):
                held.led.append(p)
            elif any(same(name, d) for d in r.co):
                held.joined.append(p)
            elif any(same(name, d) for d in r.responsible):
                held.listed.append(p)
        return {d: h for d, h in out.items() if h.any}

    def department_tasks(
        self,
        query: Query,
        pool: Sequence[Provision],
        *,
        annex: bool,
        annex_pool: Sequence[Provision],
    ) -> Answer:
        lines: list[str] = []
        citations: list[Citation] = []
        asserted: dict[str, list[str]] = {"lead": [], "co": [], "responsible": []}
        exclude = frozenset(query.exclude_keys)
        for department in query.departments:
            per_doc = self.held_by(department, pool, annex=annex, exclude=exclude)
            several = len(per_doc) > 1
            listed_any = False
            for doc_id, held in per_doc.items():
                if several:
                    lines.append(f"### {doc_name(self.corpus, doc_id)}")
                shown = self._held_lines(held, query.role, annex, lines, asserted)
                listed_any = listed_any or bool(shown)
                citations.extend(cite(p, attribution_sentence(p)) for p in shown)
                if not annex and not query.restrict_keys:
                    rows = self.held_by(department, annex_pool, annex=True, exclude=frozenset())
                    if doc_id in rows:
                        n = len(rows[doc_id].any)
                        lines.append(t.ANNEX_NOTE.format(department=held.name, n=n))
            if not listed_any:
                role = t.ROLE_WORD[query.role.value]
                lines.append(t.NO_DEPARTMENT_TASKS.format(department=department, role=role))
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(citations),
            departments=Departments(
                lead=tuple(dict.fromkeys(asserted["lead"])),
                co=tuple(dict.fromkeys(asserted["co"])),
                responsible=tuple(dict.fromkeys(asserted["responsible"])),
            ),
            intent=query.intent.value,
        )

    def _held_lines(
        self,
        held: _Held,
        role: Role,
        annex: bool,
        lines: list[str],
        asserted: dict[str, list[str]],
    ) -> list[Provision]:
        shown: list[Provision] = []
        name = held.name
        if annex:
            rows = held.any
            lines += self.numbered(f"{name}负责的专项方案（附件分工表，{len(rows)}项）", rows)
            asserted["responsible"].append(name)
            return rows
        groups: list[tuple[str, str, list[Provision]]] = []
        if role is not Role.CO:
            groups.append(("lead", f"{name}牵头的任务（{len(held.led)}项）", held.led))
        if role is not Role.LEAD:
            groups.append(
                ("co", f"{name}按职责分工参与（配合）的任务（{len(held.joined)}项）", held.joined)
            )
        if role is not Role.CO or not held.joined:
            note = "（文件只列出责任单位，未写明牵头）"
            groups.append(
                (
                    "responsible",
                    f"{name}列为责任单位的任务{note}（{len(held.listed)}项）",
                    held.listed,
                )
            )
        for kind, title, provisions in groups:
            if not provisions and (kind == "responsible" or held.listed):
                continue
            lines += self.numbered(title, provisions)
            shown += provisions
            if provisions:
                asserted[kind].append(name)
        return shown

    def numbered(self, title: str, provisions: Sequence[Provision]) -> list[str]:
        return [
            f"**{title}**",
            *(f"{i}. {heading(self.corpus, p)}" for i, p in enumerate(provisions, 1)),
        ]

    # -- tasks picked from the table ----------------------------------------------------------------
    def no_lead(self, query: Query, pool: Sequence[Provision]) -> Answer:
        found = [
            p
            for p in pool
            if not p.responsibility.lead and (p.responsibility.co or p.responsibility.responsible)
        ]
        header = f"共有 {len(found)} 项任务没有明确牵头部门（列出负责的部门）："
        return self.listing(
            query, header, found, lambda p: (*p.responsibility.co, *p.responsibility.responsible)
        )

    def joint_leads(self, query: Query, pool: Sequence[Provision]) -> Answer:
        found = [p for p in pool if len(p.responsibility.lead) >= query.min_leads]
        if len(query.departments) >= 2:
            found = [
                p
                for p in found
                if all(
                    any(self.corpus.same_department(p.doc_id, d, x) for x in p.responsibility.lead)
                    for d in query.departments
                )
            ]
            header = f"{join(query.departments)}共同牵头的任务共 {len(found)} 项："
        else:
            header = f"共有 {len(found)} 项任务由 {query.min_leads} 个及以上部门共同牵头："
        return self.listing(query, header, found, lambda p: p.responsibility.lead)

    def listing(
        self,
        query: Query,
        header: str,
        found: Sequence[Provision],
        names: Callable[[Provision], Sequence[str]],
    ) -> Answer:
        """Tasks picked from the table, each with the departments that made it qualify, grouped by
        document when several documents answer."""
        lines = [header]
        docs = list(dict.fromkeys(p.doc_id for p in found))
        for doc_id in docs:
            of_doc = [p for p in found if p.doc_id == doc_id]
            if len(docs) > 1:
                lines.append(f"### {doc_name(self.corpus, doc_id)}（{len(of_doc)}项）")
            lines += [
                f"{i}. {heading(self.corpus, p)}：{join(names(p))}" for i, p in enumerate(of_doc, 1)
            ]
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(cite(p, attribution_sentence(p)) for p in found),
            intent=query.intent.value,
        )


def roles_summary(r: Span | object) -> str:
    lead = getattr(r, "lead", ())
    co = getattr(r, "co", ())
    responsible = getattr(r, "responsible", ())
    parts = []
    if lead:
        parts.append(f"牵头：{join(lead)}")
    if co:
        parts.append(f"配合：{join(co)}")
    if responsible:
        parts.append(f"责任单位：{join(responsible)}")
    return "；".join(parts) or "未列出部门"


def responsibility_lines(r: Span | object, role: Role) -> list[str]:
    """The roles of a span or a whole provision, as printed, the asked role first."""
    lead: tuple[str, ...] = getattr(r, "lead", ())
    co: tuple[str, ...] = getattr(r, "co", ())
    responsible: tuple[str, ...] = getattr(r, "responsible", ())
    implementers: tuple[str, ...] = getattr(r, "implementers", ())
    deadline: str | None = getattr(r, "deadline", None)
    by_convention = bool(lead) and set(lead) <= set(responsible)
    lines: list[str] = []
    lead_line = (
        f"- 牵头部门：{join(lead)}" + ("（文件注明列首位的为牵头单位）" if by_convention else "")
        if lead
        else f"- {t.NO_LEAD_NOTE}"
    )
    co_line = f"- 配合部门（按职责分工负责）：{join(co)}" if co else ""
    if role is Role.CO:
        lines.append(co_line or "- 配合部门：未列出")
        lines.append(lead_line)
    else:
        lines.append(lead_line)
        if co_line:
            lines.append(co_line)
    if responsible:
        lines.append(f"- 责任单位：{join(responsible)}")
    if implementers:
        lines.append(f"- 落实：{join(implementers)}")
    if deadline:
        lines.append(f"- 完成期限：{deadline}")
    return lines
