"""Checks generated text against the index before it is shown. Code, not the model, decides:
[pN] ids become citations filled from the index; unknown or unretrieved ids are dropped; article
numbers, quotes and department claims are checked against the cited provisions; responsibility is
corrected from the tables; sentences without support are marked. Every change is listed in
Answer.notes."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field

from assistant.answer import Answer, Citation
from assistant.compose.render import doc_name
from assistant.compose.templates import NO_LEAD_NOTE, REFUSAL
from assistant.index.corpus import CorpusView, sentences
from assistant.index.support import support
from assistant.llm import prompts as pr
from assistant.llm.context import Context, Source
from assistant.understand.intent import Intent, Query, Role
from assistant.understand.numerals import ARTICLE_RE, article_numbers
from assistant.understand.terms import content_tokens
from ingest.model import Provision
from ingest.segment import tokenize

# Intents whose responsibility facts come from the tables (the composer's answer is the truth).
STRUCTURED = frozenset({Intent.WHO_LEADS, Intent.DEPARTMENT_TASKS, Intent.NO_LEAD, Intent.COUNT})

_ID = r"[pP]\d+"
CITE_RE = re.compile(rf"[\[【［]\s*({_ID}(?:\s*[,，、]\s*{_ID})*)\s*[\]】］]")
SENTENCE_RE = re.compile(rf"\n|[^。！？；\n]+[。！？；]?(?:\s*{CITE_RE.pattern})*")
QUOTE_RE = re.compile(r"「([^」]+)」|“([^”]+)”|\"([^\"]+)\"")
CLAUSE_RE = re.compile(r"[^，,；;。！？]+")
LEAD_WORDS = re.compile(r"牵头|主责|主要负责")
CO_WORDS = re.compile(r"配合|参与|协同|协助|按职责分工")
ANY_WORDS = re.compile(r"负责|承担|落实")
END_PUNCT = "。！？；"
FILLER = frozenset(
    {"资料", "根据", "指出", "表示", "提出", "强调", "回答", "原文"}
    | {"依据", "如下", "以下", "其中", "编号", "出处", "上述"}
)
MIN_SUPPORT = 0.5


def verify(
    raw: str,
    *,
    query: Query,
    context: Context,
    corpus: CorpusView,
    table: Answer,
    retrieved: Collection[tuple[str, str]],
) -> Answer:
    """The Answer to show for the generated `raw` text; `table` is the composer's answer."""
    return _Verifier(query, context, corpus, table, frozenset(retrieved)).run(raw)


@dataclass
class _Verifier:
    query: Query
    context: Context
    corpus: CorpusView
    table: Answer
    retrieved: frozenset[tuple[str, str]]
    notes: list[str] = field(default_factory=list)
    cited: dict[str, list[str]] = field(default_factory=dict)  # source id → sentences citing it

    def run(self, raw: str) -> Answer:
        text = raw.strip()
        if not text or REFUSAL in text:
            return Answer(
                question=self.query.question,
                text=REFUSAL,
                refused=True,
                intent=self.query.intent.value,
            )
        pieces = [(m.group(0), self._ids(m.group(0))) for m in SENTENCE_RE.finditer(text)]
        answer_scope = _unique(s for _, ids in pieces for s in ids)
        if not answer_scope:
            self.notes.append(pr.NOTE_NO_CITATION)
        out: list[str] = []
        for piece, ids in pieces:
            if piece == "\n":
                out.append(piece)
                continue
            body = CITE_RE.sub("", piece).strip()
            if not body or (not answer_scope and not _tokens(body)):
                out.append(body)
                continue
            scope = ids or answer_scope or list(self.context.sources)
            checked, supporters = self._check(body, scope)
            shown = ids or ([] if answer_scope else supporters)
            for s in shown:
                self.cited.setdefault(s.id, []).append(body)
            tagged = [] if checked.startswith(pr.CORRECTION) else [s.provision for s in shown]
            out.append(_with_labels(checked, tagged))
        final = "".join(out).strip()
        final = self._ensure_table_facts(final)
        return Answer(
            question=self.query.question,
            text=final,
            citations=self._citations(),
            departments=self.table.departments,
            intent=self.query.intent.value,
            notes=tuple(dict.fromkeys(self.notes)),
        )

    # -- ids -------------------------------------------------------------------
    def _ids(self, piece: str) -> list[Source]:
        found: list[Source] = []
        for group in CITE_RE.findall(piece):
            for raw_id in re.findall(r"\d+", group):
                source_id = f"p{raw_id}"
                source = self.context.get(source_id)
                if source is None:
                    self.notes.append(pr.NOTE_UNKNOWN_ID.format(id=f"[{source_id}]"))
                elif (source.provision.doc_id, source.provision.key) not in self.retrieved:
                    self.notes.append(pr.NOTE_NOT_RETRIEVED.format(ref=source.provision.ref))
                elif source not in found:
                    found.append(source)
        return found

    # -- one sentence ----------------------------------------------------------
    def _check(self, body: str, scope: Sequence[Source]) -> tuple[str, list[Source]]:
        provisions = [s.provision for s in scope]
        body = self._fix_articles(body, provisions)
        wrong = self._wrong_departments(body, provisions)
        if wrong:
            self.notes.append(pr.NOTE_DEPARTMENT.format(sentence=body, detail=wrong))
            return self._correction(provisions), list(scope[:1])
        body = self._mark_quotes(body, provisions)
        supporters = [s for s in scope if _share(self.corpus, body, s.provision) >= MIN_SUPPORT]
        if len(_tokens(body)) >= 2 and not supporters:
            self.notes.append(pr.NOTE_UNSUPPORTED.format(sentence=body))
            body = _append_mark(body, pr.MARK_UNSUPPORTED)
        return body, supporters

    def _fix_articles(self, body: str, provisions: Sequence[Provision]) -> str:
        allowed = {n for p in provisions for n in article_numbers(p.label)}

        def fix(m: re.Match[str]) -> str:
            wrong = m.group(0)
            if set(article_numbers(wrong)) <= allowed:
                return wrong
            if len(provisions) == 1:
                self.notes.append(pr.NOTE_ARTICLE.format(wrong=wrong, right=provisions[0].label))
                return provisions[0].label
            self.notes.append(pr.NOTE_ARTICLE_DROPPED.format(wrong=wrong))
            return "该条"

        return ARTICLE_RE.sub(fix, body)

    def _wrong_departments(self, body: str, provisions: Sequence[Provision]) -> str:
        same = self.corpus.registry.same
        for clause in CLAUSE_RE.findall(body):
            role = _role(clause)
            if role is None:
                continue
            for name in self.corpus.registry.find_mentions(clause):
                allowed = [d for p in provisions for d in _allowed(p, role)]
                if not any(same(name, d) for d in allowed):
                    return f"{name} 不是所引条款写明的{_ROLE_WORD[role]}部门"
        return ""

    def _correction(self, provisions: Sequence[Provision]) -> str:
        main = self._table_provision() or (provisions[0] if provisions else None)
        if main is None:
            return pr.CORRECTION + "所引条款没有写明责任部门。"
        return pr.CORRECTION + pr.TABLE_FACT.format(heading=self._label(main), facts=_facts(main))

    def _mark_quotes(self, body: str, provisions: Sequence[Provision]) -> str:
        def mark(m: re.Match[str]) -> str:
            quoted = next(g for g in m.groups() if g)
            if any(_compact(quoted) in _compact(p.title + p.text) for p in provisions):
                return m.group(0)
            self.notes.append(pr.NOTE_QUOTE.format(quote=quoted))
            return m.group(0) + pr.MARK_QUOTE

        return QUOTE_RE.sub(mark, body)

    # -- the whole answer ------------------------------------------------------
    def _ensure_table_facts(self, text: str) -> str:
        """Structured intents: the answer must state the table's departments for the asked role."""
        main = self._table_provision()
        if self.query.intent is not Intent.WHO_LEADS or main is None:
            return text
        r = main.responsibility
        wanted = r.co if self.query.role is Role.CO else (r.lead or r.co)
        said = self.corpus.registry.find_mentions(text)
        same = self.corpus.registry.same
        if all(any(same(d, s) for s in said) for d in wanted):
            return text
        self.notes.append(pr.NOTE_TABLE_ADDED)
        fact = pr.TABLE_FACT.format(heading=self._label(main), facts=_facts(main))
        return f"{text}\n{fact}" if text else fact

    def _table_provision(self) -> Provision | None:
        if self.query.intent not in STRUCTURED or not self.table.citations:
            return None
        c = self.table.citations[0]
        return self.corpus.by_ref.get((c.doc_id, c.key))

    def _citations(self) -> tuple[Citation, ...]:
        if self.query.intent in STRUCTURED and self.table.citations:
            return self.table.citations
        out: list[Citation] = []
        for source in self.context.sources:
            said = self.cited.get(source.id)
            if said:
                out.append(_cite(self.corpus, source, "".join(said)))
        return tuple(out)

    def _label(self, p: Provision) -> str:
        scope = "" if len(self.corpus.documents) <= 1 else doc_name(self.corpus, p.doc_id)
        return f"{scope}{p.label} {p.title}".strip()


_ROLE_WORD = {Role.LEAD: "牵头", Role.CO: "配合", Role.ANY: "责任"}


def _role(clause: str) -> Role | None:
    lead, co = bool(LEAD_WORDS.search(clause)), bool(CO_WORDS.search(clause))
    if lead and not co:
        return Role.LEAD
    if co and not lead:
        return Role.CO
    if lead or co or ANY_WORDS.search(clause):
        return Role.ANY
    return None


def _allowed(p: Provision, role: Role) -> tuple[str, ...]:
    r = p.responsibility
    if role is Role.LEAD:
        return r.lead
    if role is Role.CO:
        return r.co
    return r.lead + r.co + r.implementers


def _facts(p: Provision) -> str:
    r = p.responsibility
    if not r.lead and not r.co:
        return "该条没有写明责任部门"
    if not r.lead:
        return f"{NO_LEAD_NOTE.rstrip('。')}：{'、'.join(r.co)}"
    facts = f"牵头部门为{'、'.join(r.lead)}"
    return facts + (f"，配合部门为{'、'.join(r.co)}" if r.co else "")


def _cite(corpus: CorpusView, source: Source, said: str) -> Citation:
    p = source.provision
    best = support(corpus, p, content_tokens(said), 1).sentences
    quote = (best or source.sentences or tuple(sentences(p.text)) or (p.title,))[0]
    r = p.responsibility
    return Citation(p.doc_id, p.key, p.label, p.title, quote, r.lead, r.co)


def _with_labels(body: str, provisions: Sequence[Provision]) -> str:
    if not provisions:
        return body
    tag = "（" + "；".join(p.label for p in provisions) + "）"
    if body and body[-1] in END_PUNCT:
        return body[:-1] + tag + body[-1]
    return body + tag


def _append_mark(body: str, mark: str) -> str:
    if body and body[-1] in END_PUNCT:
        return body[:-1] + mark + body[-1]
    return body + mark


def _tokens(text: str) -> list[str]:
    return [t for t in content_tokens(text) if t not in FILLER and not t.isdigit()]


def _share(corpus: CorpusView, body: str, p: Provision) -> float:
    terms = _tokens(body)
    if not terms:
        return 1.0
    have = corpus.tokens.get((p.doc_id, p.key)) or frozenset(tokenize(p.title + p.text))
    total = corpus.weight(terms)
    return corpus.weight(t for t in terms if t in have) / total if total else 1.0


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _unique(items: Iterable[Source]) -> list[Source]:
    out: list[Source] = []
    for s in items:
        if s not in out:
            out.append(s)
    return out
