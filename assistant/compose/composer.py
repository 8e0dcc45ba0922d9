"""The `composer` backend: answers built only from the index — responsibility questions from the
tables, everything else from verbatim sentences of the best supporting provisions (grounded.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.answer import Answer, Citation, Departments
from assistant.compose import templates as t
from assistant.compose.grounded import GroundedAnswers, refuse
from assistant.compose.render import attribution_sentence, cite, heading, join
from assistant.index.corpus import CorpusView, sentences
from assistant.index.retrieve import Hit
from assistant.index.support import support
from assistant.understand.intent import Intent, Query, Role
from assistant.understand.terms import content_tokens, query_terms
from ingest.model import Provision, ProvisionKind

ANNEX_WORDS = re.compile(r"专项|方案|附件|分工表|政策体系|规划")


class Composer:
    """Deterministic answers; no generated text ever names a department or an article."""

    name = "composer"

    def __init__(self, corpus: CorpusView, *, max_quotes: int = 3, min_support: float = 0.34):
        self.corpus = corpus
        self.min_support = min_support
        self.grounded = GroundedAnswers(corpus, max_quotes=max_quotes, min_support=min_support)

    def answer(self, query: Query, hits: Sequence[Hit]) -> Answer:
        if query.intent is Intent.INJECTION:
            return refuse(query, t.REFUSAL_INJECTION)
        if query.intent is Intent.ABOUT:
            return refuse(query, t.REFUSAL_ABOUT)
        if query.foreign_place:
            return refuse(query, t.REFUSAL_FOREIGN_PLACE.format(place=query.foreign_place))
        if query.min_leads and query.intent is not Intent.WHO_LEADS:
            return self._joint_leads(query)
        if query.intent is Intent.WHO_LEADS:
            return self._who_leads(query, hits)
        if query.intent is Intent.DEPARTMENT_TASKS:
            return self._department_tasks(query)
        if query.intent is Intent.NO_LEAD:
            return self._no_lead(query)
        if query.intent is Intent.COUNT:
            return self._count(query, hits)
        if query.intent is Intent.METADATA:
            return self._metadata(query)
        if query.intent is Intent.LIST and not query.restrict_keys and self._annex_category(query):
            return self._annex_rows(query)
        return self.grounded.answer(query, hits, self._restricted(query))

    # -- responsibility questions, from the tables ------------------------------------------------
    def _who_leads(self, query: Query, hits: Sequence[Hit]) -> Answer:
        chosen = self._article_targets(query) or self._best_task(query, hits)
        if not chosen:
            return self.grounded.answer(query, hits)
        if query.asks_deadline and not any(p.responsibility.deadline for p in chosen):
            heads = "；".join(heading(self.corpus, p) for p in chosen)
            return refuse(query, f"{t.NO_DEADLINE}{heads}")
        lines: list[str] = []
        for p in chosen:
            lines.append(f"**{heading(self.corpus, p)}**")
            lines.extend(_responsibility_lines(p, query.role))
        main = chosen[0].responsibility
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(cite(p, attribution_sentence(p)) for p in chosen),
            departments=Departments(lead=main.lead, co=main.co),
            intent=query.intent.value,
        )

    def _department_tasks(self, query: Query) -> Answer:
        lines: list[str] = []
        citations: list[Citation] = []
        lead_names: list[str] = []
        co_names: list[str] = []
        for department in query.departments:
            led, joined = self._tasks_of(department, query)
            listed: list[Provision] = []
            if self._asks_about_annex(query):
                # The annex table names one responsible-department column, no lead/co split.
                rows = led + joined
                lines += self._numbered(
                    f"{department}负责的专项方案（附件分工表，{len(rows)}项）", rows
                )
                citations.extend(cite(p, attribution_sentence(p)) for p in rows)
                if rows:
                    lead_names.append(department)
                else:
                    lines.append(t.NO_DEPARTMENT_TASKS.format(department=department, role="负责"))
                continue
            if query.role is not Role.CO:
                lines += self._numbered(f"{department}牵头的任务（{len(led)}项）", led)
                listed += led
                if led:
                    lead_names.append(department)
            if query.role is not Role.LEAD:
                lines += self._numbered(
                    f"{department}按职责分工参与（配合）的任务（{len(joined)}项）", joined
                )
                listed += joined
                if joined:
                    co_names.append(department)
            if not listed:
                role = t.ROLE_WORD[query.role.value]
                lines.append(t.NO_DEPARTMENT_TASKS.format(department=department, role=role))
            lines.extend(self._annex_note(department, query))
            citations.extend(cite(p, attribution_sentence(p)) for p in listed)
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(citations),
            departments=Departments(lead=tuple(lead_names), co=tuple(co_names)),
            intent=query.intent.value,
        )

    def _numbered(self, title: str, provisions: Sequence[Provision]) -> list[str]:
        return [
            f"**{title}**",
            *(f"{i}. {heading(self.corpus, p)}" for i, p in enumerate(provisions, 1)),
        ]

    def _tasks_of(self, department: str, query: Query) -> tuple[list[Provision], list[Provision]]:
        """Tasks the department leads and tasks it joins; annex rows instead of tasks when the
        question is about the annex's sub-plans (专项方案 / 分工表)."""
        same = self.corpus.registry.same
        annex = self._asks_about_annex(query)
        excluded = set(query.exclude_keys)
        led: list[Provision] = []
        joined: list[Provision] = []
        for p in self._restricted(query) or self.corpus.tasks(query.doc_ids):
            if (p.kind is ProvisionKind.ANNEX) != annex or p.ref in excluded:
                continue
            r = p.responsibility
            if any(same(department, d) for d in r.lead):
                led.append(p)
            elif any(same(department, d) for d in r.co):
                joined.append(p)
        return led, joined

    def _annex_note(self, department: str, query: Query) -> list[str]:
        """Tasks were listed: say how many annex sub-plans the department also owns."""
        if self._asks_about_annex(query) or query.restrict_keys:
            return []
        same = self.corpus.registry.same
        rows = [
            p
            for p in self.corpus.tasks(query.doc_ids)
            if p.kind is ProvisionKind.ANNEX
            and any(same(department, d) for d in p.responsibility.departments)
        ]
        return [t.ANNEX_NOTE.format(department=department, n=len(rows))] if rows else []

    def _no_lead(self, query: Query) -> Answer:
        pool = self._restricted(query) or self.corpus.items(query.doc_ids)
        found = [p for p in pool if not p.responsibility.lead and p.responsibility.co]
        header = f"共有 {len(found)} 项任务没有明确牵头部门（只列出按职责分工负责的部门）："
        return self._listing(query, header, found, lambda p: p.responsibility.co)

    def _joint_leads(self, query: Query) -> Answer:
        pool = self._restricted(query) or self.corpus.items(query.doc_ids)
        found = [p for p in pool if len(p.responsibility.lead) >= query.min_leads]
        if len(query.departments) >= 2:
            # "市发改委和市生态环境局共同牵头的任务": tasks that all the named departments lead.
            same = self.corpus.registry.same
            found = [
                p
                for p in found
                if all(any(same(d, x) for x in p.responsibility.lead) for d in query.departments)
            ]
            header = f"{join(query.departments)}共同牵头的任务共 {len(found)} 项："
        else:
            header = f"共有 {len(found)} 项任务由 {query.min_leads} 个及以上部门共同牵头："
        return self._listing(query, header, found, lambda p: p.responsibility.lead)

    def _listing(
        self,
        query: Query,
        header: str,
        found: Sequence[Provision],
        names: Callable[[Provision], Sequence[str]],
    ) -> Answer:
        """Tasks picked from the table, each with the departments that made it qualify."""
        lines = [header]
        lines += [
            f"{i}. {heading(self.corpus, p)}：{join(names(p))}" for i, p in enumerate(found, 1)
        ]
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(cite(p, attribution_sentence(p)) for p in found),
            intent=query.intent.value,
        )

    def _count(self, query: Query, hits: Sequence[Hit]) -> Answer:
        if query.departments:
            return self._department_tasks(query)
        if query.restrict_keys:
            return self.grounded.answer(query, hits, self._restricted(query))
        outline = self.grounded.outline(query)
        if outline is not None:
            return outline
        if self._asks_about_annex(query):
            return self._annex_rows(query)
        if re.search(r"任务|条", query.text):
            return self._count_items(query)
        return self.grounded.answer(query, hits)

    def _annex_category(self, query: Query) -> str | None:
        """The annex category the question names ("关键环节专项保障方案"), as its key part."""
        for p in self.corpus.tasks(query.doc_ids):
            if p.kind is ProvisionKind.ANNEX and p.path_titles and p.path_titles[-1] in query.text:
                return p.key.split(".")[1]
        return None

    def _annex_rows(self, query: Query) -> Answer:
        rows = [p for p in self.corpus.tasks(query.doc_ids) if p.kind is ProvisionKind.ANNEX]
        named = self._annex_category(query)
        if named:
            rows = [p for p in rows if p.key.split(".")[1] == named]
        what = rows[0].path_titles[-1] if rows and named else "专项方案"
        lines = [f"附件列出的{what}共 {len(rows)} 项："]
        lines += [f"{i}. {heading(self.corpus, p)}" for i, p in enumerate(rows, 1)]
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(cite(p, p.title) for p in rows),
            intent=query.intent.value,
        )

    def _count_items(self, query: Query) -> Answer:
        by_doc: dict[str, list[Provision]] = {}
        for p in self.corpus.items(query.doc_ids):
            by_doc.setdefault(p.doc_id, []).append(p)
        lines = [
            f"《{self.corpus.doc_title(d)}》共列出 {len(ps)} 项任务（{ps[0].label}至{ps[-1].label}）。"
            for d, ps in by_doc.items()
        ]
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(cite(p, p.title) for ps in by_doc.values() for p in ps),
            intent=query.intent.value,
        )

    def _metadata(self, query: Query) -> Answer:
        doc_ids = query.doc_ids or tuple(d.doc_id for d in self.corpus.documents)
        terms = query_terms(query)
        lines: list[str] = []
        citations: list[Citation] = []
        for doc_id in doc_ids[:3]:
            d = self.corpus.document_by_id[doc_id]
            lines.append(f"**{d.title}**")
            if d.issuers:
                lines.append(f"- 发文机关：{join(d.issuers)}")
            if d.doc_number:
                lines.append(f"- 文号：{d.doc_number}")
            if d.date:
                lines.append(f"- 日期：{d.date}")
            # The title block and closing lines (meta), then the preamble ("依据哪份文件的精神").
            front = [
                p
                for key in ("meta", "preamble")
                if (p := self.corpus.by_ref.get((doc_id, key))) is not None
            ]
            found = [(p, q) for p in front for q in support(self.corpus, p, terms, 1).sentences]
            if found:
                lines.append(f"> {found[0][1]}")
            # The title block is the source of the fields above; a quoted line cites its own.
            if front:
                first = front[0]
                head = next((q for p, q in found if p.key == first.key), sentences(first.text)[0])
                citations.append(cite(first, head))
            citations.extend(cite(p, q) for p, q in found[:1] if front and p.key != front[0].key)
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(citations),
            intent=query.intent.value,
        )

    # -- choosing provisions --------------------------------------------------------------------
    def _asks_about_annex(self, query: Query) -> bool:
        """Whether the question is about the annex's sub-plans (专项方案, 分工表), not counting
        words inside department names (市资源规划局, 苏州市自然资源和规划局) or document titles."""
        text = query.question
        names = [a for d in query.departments for a in self.corpus.registry.aliases(d)]
        for word in sorted({*names, *query.departments, *query.scope_words}, key=len, reverse=True):
            text = text.replace(word, " ")
        return bool(ANNEX_WORDS.search(text))

    def _article_targets(self, query: Query) -> list[Provision]:
        return [p for n in query.articles for p in self.corpus.by_article(n, query.doc_ids)]

    def _restricted(self, query: Query) -> list[Provision]:
        if not query.restrict_keys:
            return []
        wanted = set(query.restrict_keys)
        return [
            p for p in self.corpus.in_scope(query.doc_ids) if p.ref in wanted or p.key in wanted
        ]

    def _best_task(self, query: Query, hits: Sequence[Hit]) -> list[Provision]:
        """The task the question is about: from the follow-up's provisions when there are some,
        else from the retrieved ones, favouring title matches."""
        terms = query_terms(query)
        restricted = self._restricted(query)
        if len(restricted) == 1:
            return restricted
        candidates = restricted or [h.provision for h in hits]
        scored: list[tuple[float, Provision]] = []
        for rank, p in enumerate(candidates):
            if p.responsibility.is_empty or p.kind is ProvisionKind.META:
                continue
            s = support(self.corpus, p, terms, 1)
            scored.append((s.score + self._title_overlap(p, terms) - 0.02 * rank, p))
        scored.sort(key=lambda x: -x[0])
        if not scored or (scored[0][0] < self.min_support and not restricted):
            return []
        if len(query.doc_ids) > 1:
            # "广东和苏州的绿色金融任务分别由谁牵头？": the best task of each document in scope.
            per_doc: dict[str, Provision] = {}
            for score, p in scored:
                if score >= self.min_support:
                    per_doc.setdefault(p.doc_id, p)
            return list(per_doc.values())
        return [scored[0][1]]

    def _title_overlap(self, p: Provision, terms: list[str]) -> float:
        title_terms = content_tokens(p.title)
        if not title_terms:
            return 0.0
        hit = self.corpus.weight(x for x in title_terms if x in terms)
        return hit / self.corpus.weight(title_terms)


def _responsibility_lines(p: Provision, role: Role) -> list[str]:
    r = p.responsibility
    lines: list[str] = []
    if role is Role.CO:
        lines.append(f"- 配合部门（按职责分工负责）：{join(r.co) or '未列出'}")
        lines.append(f"- 牵头部门：{join(r.lead) or '未明确（该条没有牵头部门）'}")
    else:
        lines.append(f"- 牵头部门：{join(r.lead)}" if r.lead else f"- {t.NO_LEAD_NOTE}")
        if r.co:
            lines.append(f"- 配合部门（按职责分工负责）：{join(r.co)}")
    if r.implementers:
        lines.append(f"- 落实：{join(r.implementers)}")
    if r.deadline:
        lines.append(f"- 完成期限：{r.deadline}")
    return lines
