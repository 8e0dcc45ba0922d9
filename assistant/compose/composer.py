"""The `composer` backend: answers built only from the index — responsibility questions from the
tables, everything else from verbatim sentences of the best supporting provisions (grounded.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from assistant.answer import Answer, Citation, Departments
from assistant.compose import templates as t
from assistant.compose.departments import DepartmentAnswers, Thresholds, printed_deadlines
from assistant.compose.grounded import GroundedAnswers, refuse
from assistant.compose.render import chinese_date, cite, doc_name, heading, join
from assistant.index.corpus import CorpusView, sentences
from assistant.index.retrieve import Hit
from assistant.index.support import support
from assistant.understand.intent import PLACES, Intent, Query, Role
from assistant.understand.terms import query_terms, quoted_phrases
from ingest.model import Provision, ProvisionKind
from ingest.segment import cut

# counts the tasks or items ("一共多少条？", "有几项任务"), not something else ("一共几个县？")
COUNTS_ITEMS_RE = re.compile(r"(多少|几)\s*(条|项)|任务")
COUNTED_WORDS = frozenset({"任务", "重点任务", "主要任务", "工作", "措施", "条款", "内容"})
TOP_FOR_FIGURE = 5  # retrieved provisions read for a printed count
# a year said right after a place and before a plan's words names the plan of that year ("山东省
# 2023年绿色低碳高质量发展的重点任务"), not a target ("山东省2025年能耗下降多少")
PLACE_YEAR_RE = re.compile(
    r"((?:" + "|".join(PLACES) + r")(?:省|市|自治区)?)\s*(20\d{2})\s*年度?"
    r"(?:(?!目标|达到|下降|提高|比重|比例|占比)[^，。？！,?!]){0,16}?"
    r"(?:重点任务|重点工作|工作要点|行动计划|工作计划|计划|方案)"
)
MAX_DATED = 3  # tasks a quoted deadline may name; more is not one the question points to
PRINTED_COUNT_RE = re.compile(r"[0-9０-９]+\s*[项个条家类]")
ANNEX_WORDS = re.compile(r"专项|方案|附件|分工表|政策体系|规划")
# A body named as acting in a sentence ("由碳达峰碳中和工作领导小组办公室统筹…", "各级党校（行政学院）",
# "省新材料产业促进局会同…"): a word of the sentence that ends with the name of a kind of body. A
# one-character suffix counts alone or ending a longer word, not in a two-character word: a region
# or an extent is no body ("吉林西部", "布局", "格局").
BODY_SUFFIXES = ("部门", "办公室", "领导小组", "人民政府", "政府", "党校", "学院", "银行", "委员会")
BODY_CHARS = "部委局厅署院"
# every body of a kind ("各部门要…", "各区、市直各相关部门要…"): who does it, but no one who leads
GENERIC_BODY = ("各", "有关", "相关", "其他", "其它")


def names_a_body(sentence: str, *, generic: bool = True) -> bool:
    """Whether a sentence names a body acting in it; with `generic` False, a particular one."""
    words = [w for w in cut(sentence) if w.strip()]
    return any(
        (w.endswith(BODY_SUFFIXES) or (w[-1:] in BODY_CHARS and len(w) != 2))
        and (
            generic
            or not (
                w.startswith(GENERIC_BODY) or w == "部门" or (i and words[i - 1] in GENERIC_BODY)
            )
        )
        for i, w in enumerate(words)
    )


# Metadata a question asks for by name: (what to call it, how it is asked, the Document field)
ASKED_FIELDS = (
    ("文号", re.compile(r"文号|发文字号|字号"), "doc_number"),
    (
        "印发日期",
        re.compile(r"(印发|发布|成文|出台)(日期|时间)|哪一?天|什么时候(印发|发布|出台|发的)"),
        "date",
    ),
    (
        "发文机关",
        re.compile(
            r"发文(机关|单位)|(哪个|哪些|哪[两三几]个)(机关|单位|部门)(联合)?(发布|印发|发的)"
        ),
        "issuers",
    ),
)


# What a question about the front matter asks for, and the line of the title block or preamble
# that answers it: the addressees ("发给了哪些单位？" → 发：各县级市（区）党委和人民政府，…), or the
# documents it implements ("是根据哪些上级文件制定的？" → 根据…《…意见》和…《…实施意见》精神).
ADDRESSEES_RE = re.compile(
    r"(发给|发送|主送|下发给|印发给|发至|抄送)(了)?(哪些|哪几|什么|谁|范围|对象|单位)|发送范围|主送"
)
BASIS_RE = re.compile(
    r"(依据|根据|按照|照着|依照|贯彻|落实)[^？?]{0,10}(哪|什么)[^？?]{0,8}(文件|意见|精神|通知|部署|方案)"
    r"|(哪|什么)[^？?]{0,4}上级文件"
)
ADDRESSEE_LINE_RE = re.compile(r"^(?:发[：:].+|[^《》\n]{2,}[、，][^《》\n]*[：:])$", re.MULTILINE)
CITED_DOC_RE = re.compile(r"《[^》]{4,}》")


def _front_line(
    question: str, front: Sequence[Provision], own_title: str
) -> tuple[Provision, str] | None:
    """The line of the title block or preamble that a question about the addressees or the
    documents implemented asks for; None when it asks for neither or no such line is printed."""
    if ADDRESSEES_RE.search(question):
        for p in front:
            m = ADDRESSEE_LINE_RE.search(p.text)
            if m:
                return p, m.group(0)
    if BASIS_RE.search(question):
        for p in front:
            for sentence in sentences(p.text):
                cited = [c for c in CITED_DOC_RE.findall(sentence) if c[1:-1] not in own_title]
                if cited:
                    return p, sentence
    return None


class Composer:
    """Deterministic answers; no generated text ever names a department or an article."""

    name = "composer"

    def __init__(
        self,
        corpus: CorpusView,
        *,
        max_quotes: int = 3,
        min_support: float = 0.34,
        min_confidence: float = 0.3,
        min_margin: float = 0.1,
    ):
        self.corpus = corpus
        self.min_support = min_support
        self.grounded = GroundedAnswers(corpus, max_quotes=max_quotes, min_support=min_support)
        self.departments = DepartmentAnswers(
            corpus, Thresholds(min_support / 2, min_confidence, min_margin)
        )

    def answer(self, query: Query, hits: Sequence[Hit]) -> Answer:
        if query.intent is Intent.INJECTION:
            return refuse(query, t.REFUSAL_INJECTION)
        if query.intent is Intent.ABOUT:
            return refuse(query, t.REFUSAL_ABOUT)
        if query.intent is Intent.REQUEST:
            return refuse(query, t.REFUSAL_REQUEST)
        if query.foreign_place:
            return refuse(query, t.REFUSAL_FOREIGN_PLACE.format(place=query.foreign_place))
        other_year = self._other_year(query)
        if other_year is not None:
            return other_year
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
        named = self._article_targets(query) or self._dated_as_quoted(query)
        restricted = self._restricted(query)
        if named or len(restricted) == 1:
            pool = named or restricted
            if not any(self._covered_by_attribution(p) for p in pool):
                # "这条谁负责？" of a provision that names no department, above or below it either
                return self._no_attribution(query, hits, pool)
            answer = self.departments.who_leads(query, pool, exact=True)
        else:
            pool = restricted or [h.provision for h in hits]
            answer = self.departments.who_leads(query, pool, exact=False)
        return answer or self._no_attribution(query, hits)

    def _covered_by_attribution(self, provision: Provision) -> bool:
        """Whether an attribution covers the provision: its own, a part's above it, or its items'."""
        return any(
            not p.responsibility.is_empty
            and (
                p.key == provision.key
                or provision.key.startswith(p.key + ".")
                or p.key.startswith(provision.key + ".")
            )
            for p in self.corpus.in_scope((provision.doc_id,))
        )

    def _no_attribution(
        self, query: Query, hits: Sequence[Hit], pool: Sequence[Provision] = ()
    ) -> Answer:
        """No task with an attribution matches (or the one named carries none): what the closest
        provisions say, and that the document assigns no department here. When the quoted
        sentences name nobody acting either, the document does not answer who is responsible: a
        refusal, with the closest provision."""
        quoted = self.grounded.answer(query, hits, pool)
        if quoted.refused:
            return quoted
        # "由哪个部门牵头？" is not answered by "各相关部门要…"; "由谁来制定？" is
        generic = query.role is not Role.LEAD
        if any(names_a_body(c.quote, generic=generic) for c in quoted.citations):
            return replace(
                quoted, text=f"{t.NO_ATTRIBUTION}\n{quoted.text}", departments=Departments()
            )
        closest = "；".join(f"{c.label} {c.title}：{c.quote}" for c in quoted.citations[:1])
        # Who is responsible is not in the document: refused, showing (and citing) the closest text.
        return replace(
            refuse(query, f"{t.NO_ATTRIBUTION_REFUSAL}{closest}"), citations=quoted.citations[:1]
        )

    def _department_tasks(self, query: Query) -> Answer:
        pool = self._restricted(query) or self.corpus.tasks(query.doc_ids)
        return self.departments.department_tasks(
            query,
            pool,
            annex=self._asks_about_annex(query),
            annex_pool=self.corpus.tasks(query.doc_ids),
        )

    def _no_lead(self, query: Query) -> Answer:
        return self.departments.no_lead(query, self._restricted(query) or self._attributed(query))

    def _joint_leads(self, query: Query) -> Answer:
        pool = self._restricted(query) or self._attributed(query)
        return self.departments.joint_leads(query, pool)

    def _attributed(self, query: Query) -> list[Provision]:
        """The body's provisions that carry an attribution, whatever their level: a section with
        its own bracket beside numbered items elsewhere (武汉 二（四）) is a task as much as they."""
        return [p for p in self.corpus.tasks(query.doc_ids) if p.kind is not ProvisionKind.ANNEX]

    def _count(self, query: Query, hits: Sequence[Hit]) -> Answer:
        if query.departments:
            return self._department_tasks(query)
        if query.restrict_keys:
            return self.grounded.answer(query, hits, self._restricted(query))
        outline = self.grounded.outline(query)
        if outline is not None:
            return outline
        if self._asks_about_annex(query) and any(
            p.kind is ProvisionKind.ANNEX for p in self.corpus.tasks(query.doc_ids)
        ):
            return self._annex_rows(query)
        if COUNTS_ITEMS_RE.search(query.text) and not self._counted_in_text(query, hits):
            return self._count_items(query)
        return self.grounded.answer(query, hits)

    def _counted_in_text(self, query: Query, hits: Sequence[Hit]) -> bool:
        """Whether what the question counts is a figure a provision prints ("整改的具体问题一共
        多少项" ← "聚焦66项具体问题"), not the document's tasks."""
        asked = [w for w in query_terms(query, self.corpus.idf) if w not in COUNTED_WORDS]
        if not asked:
            return False
        return any(
            PRINTED_COUNT_RE.search(s) and all(w in s for w in asked)
            for h in hits[:TOP_FOR_FIGURE]
            for s in sentences(h.provision.text)
        )

    def _annex_category(self, query: Query) -> str | None:
        """The annex category the question names ("关键环节专项保障方案"), as its key part."""
        asked = query.text.replace("的", "")  # "关键环节的专项保障方案"
        for p in self.corpus.tasks(query.doc_ids):
            named = p.path_titles[-1].replace("的", "") if p.path_titles else ""
            if p.kind is ProvisionKind.ANNEX and named and named in asked:
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
            f"{doc_name(self.corpus, d)}共列出 {len(ps)} 项任务（{ps[0].label}至{ps[-1].label}）。"
            for d, ps in by_doc.items()
        ]
        if not lines:
            return refuse(query, t.NO_ITEMS)
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(cite(p, p.title) for ps in by_doc.values() for p in ps),
            intent=query.intent.value,
        )

    def _metadata(self, query: Query) -> Answer:
        doc_ids = query.doc_ids or tuple(d.doc_id for d in self.corpus.documents)
        terms = query_terms(query, self.corpus.idf)
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
                lines.append(f"- 日期：{chinese_date(d.date)}")
            # The title block and closing lines (meta), then the preamble ("依据哪份文件的精神").
            front = [
                p
                for key in ("meta", "preamble")
                if (p := self.corpus.by_ref.get((doc_id, key))) is not None
            ]
            asked_line = _front_line(query.question, front, d.title)
            found = [(p, q) for p in front for q in support(self.corpus, p, terms, 1).sentences]
            if asked_line is not None:
                found = [asked_line, *(f for f in found if f[1] not in asked_line[1])]
            if found:
                lines.append(f"> {found[0][1]}")
            # The title block is the source of the fields above; a quoted line cites its own.
            if front:
                first = front[0]
                head = next((q for p, q in found if p.key == first.key), sentences(first.text)[0])
                citations.append(cite(first, head))
            citations.extend(cite(p, q) for p, q in found[:1] if front and p.key != front[0].key)
        asked = [
            (name, field) for name, pattern, field in ASKED_FIELDS if pattern.search(query.question)
        ]
        missing = [
            name
            for name, field in asked
            if not any(getattr(self.corpus.document_by_id[d], field) for d in doc_ids[:3])
        ]
        if missing:
            # "文号是多少？" of a document that prints none: say so, never another document's number
            lines.insert(0, t.NO_METADATA.format(fields="、".join(missing)))
        return Answer(
            question=query.question,
            text="\n".join(lines),
            citations=tuple(citations),
            intent=query.intent.value,
            refused=bool(asked) and len(missing) == len(asked),  # nothing asked for is known
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

    def _other_year(self, query: Query) -> Answer | None:
        """ "山东省2023年…的重点任务" when the library holds Shandong's 2022 plan only: the year said
        right after the place names a document the library does not have."""
        if len(query.doc_ids) != 1:
            return None
        m = PLACE_YEAR_RE.search(query.question)
        if m is None:
            return None
        place, year = m.group(1), int(m.group(2))
        title = self.corpus.doc_title(query.doc_ids[0])
        printed = [int(y) for y in re.findall(r"20\d{2}", title)]
        if not printed or min(printed) <= year <= max(printed):
            return None  # a title without a year, or one whose years hold the year said
        name = doc_name(self.corpus, query.doc_ids[0])
        return refuse(query, t.REFUSAL_OTHER_YEAR.format(name=name, place=place, year=year))

    def _article_targets(self, query: Query) -> list[Provision]:
        return [p for n in query.articles for p in self.corpus.by_article(n, query.doc_ids)]

    def _dated_as_quoted(self, query: Query) -> list[Provision]:
        """ "哪项工作的完成期限写的是“持续推进”？": the tasks whose printed deadline is the one quoted."""
        quoted = quoted_phrases(query.question)
        if not query.asks_deadline or not quoted or not query.doc_ids:
            return []
        found = [
            p
            for p in self.corpus.in_scope(query.doc_ids)
            if any(q in d for q in quoted for d in printed_deadlines(p))
        ]
        return found if len(found) <= MAX_DATED else []

    def _restricted(self, query: Query) -> list[Provision]:
        if not query.restrict_keys:
            return []
        wanted = set(query.restrict_keys)
        return [
            p for p in self.corpus.in_scope(query.doc_ids) if p.ref in wanted or p.key in wanted
        ]
