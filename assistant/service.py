"""PolicyQA: the public face of the assistant. The CLI, the UI and the evaluation call only this."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from itertools import zip_longest
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from assistant.answer import Answer, Retrieved
from assistant.compose.composer import Composer
from assistant.compose.templates import EMPTY_INDEX, FOLLOW_UP_READ
from assistant.corrections import Corrections, validate
from assistant.index.corpus import CorpusView
from assistant.index.retrieve import Hit, hybrid_search
from assistant.index.store import SUFFIXES, Index, IngestReport, expand_paths
from assistant.index.support import support_score
from assistant.progress import ReportingEmbeddings
from assistant.settings import Settings
from assistant.understand.abbreviation import leading_issuer, short_title
from assistant.understand.followup import Turn, resolve
from assistant.understand.intent import Intent, Query, understand
from assistant.understand.scope import (
    chosen_scope,
    document_place,
    document_scope,
    is_naming_word,
)
from assistant.understand.terms import content_tokens, vocabulary_terms
from ingest.departments import DepartmentRegistry
from ingest.errors import IngestError
from ingest.ids import refuse_same_id
from ingest.model import Document, Provision
from ingest.reader import check_readable

if TYPE_CHECKING:
    from assistant.quiz import Guide, Quiz

log = logging.getLogger(__name__)

# A follow-up names another subject when one provision holds this share of its words, and that
# much more than the provisions just answered (`PolicyQA._another_subject`).
NEW_SUBJECT_SUPPORT = 0.6
NEW_SUBJECT_MARGIN = 0.25


def _ref(ref: str) -> tuple[str, str]:
    doc_id, _, key = ref.partition("#")
    return doc_id, key


Progress = Callable[[str, float], None]


class UnknownDocumentError(ValueError):
    """A doc_id from a caller that names no indexed document (never used to reach a file)."""

    def __init__(self, doc_id: str) -> None:
        self.doc_id = doc_id
        shown = doc_id if len(doc_id) <= 80 else doc_id[:80] + "…"
        super().__init__(f"没有这个文件：{shown!r}（用 policyqa docs 查看已导入的文件）")


class Backend(Protocol):
    """Turns a resolved query and its retrieved provisions into an Answer."""

    name: str

    def answer(self, query: Query, hits: Sequence[Hit]) -> Answer: ...


class PolicyQA:
    def __init__(self, settings: Settings | None = None, *, index: Index | None = None) -> None:
        self.settings = settings or Settings()
        # the default index's model reports the passages it embeds (progress within a file)
        self._embedding = None if index else ReportingEmbeddings(self.settings.embedding)
        self.index = index or Index(self.settings, embeddings=self._embedding)
        self.corrections = Corrections(Path(self.settings.index) / "corrections.json")
        self._corpus: CorpusView | None = None
        self._backends: dict[str, Backend] = {}
        self._generation = -1  # of the index, when the corpus view and backends were built

    # -- documents ------------------------------------------------------------------------------
    def ensure_index(self, progress: Progress | None = None) -> IngestReport | None:
        """Build the index from the corpus folder when it is empty (first start), and re-ingest
        documents indexed by an older parser or another embedding model."""
        stale = self.index.stale_sources()
        if stale:
            log.info("re-indexing %d documents from an older index version", len(stale))
            report = self.ingest(stale, progress)
            if not self.index.is_empty:
                return report
        if not self.index.is_empty:
            return None
        log.info("index is empty: ingesting %s", self.settings.corpus)
        return self.ingest([self.settings.corpus], progress)

    def ingest(self, paths: Sequence[Path], progress: Progress | None = None) -> IngestReport:
        """Ingest files and folders. Refused before anything is read: a named file of an
        unsupported type, a named folder without a supported file, and a file whose doc_id
        belongs to another file (`ingest.ids.refuse_same_id`): never a silent replacement."""
        refused: list[tuple[str, str]] = []
        files: list[Path] = []
        for named in map(Path, paths):
            found = expand_paths([named])
            if named.is_dir() and not found:
                problem = f"文件夹中没有可导入的文件（支持 {'、'.join(sorted(SUFFIXES))}）"
                refused.append((str(named), str(IngestError(named, problem))))
            elif named.is_file() and named.suffix.lower() not in SUFFIXES:
                problem = f"不支持的文件类型（{named.suffix or '无扩展名'}），支持 {'、'.join(sorted(SUFFIXES))}"
                refused.append((str(named), str(IngestError(named, problem))))
            else:
                files += found
        readable: list[Path] = []
        for path in dict.fromkeys(files):
            try:
                check_readable(path)  # a missing or unreadable file, named, in Chinese
                readable.append(path)
            except IngestError as exc:
                refused.append((str(path), str(exc)))
        indexed = {d.doc_id: d.source_path for d in self.index.documents()}
        files, same_id = refuse_same_id(readable, indexed)
        if self._embedding is not None:
            progress = self._embedding.listen(progress)
        try:
            report = self.index.ingest(files, progress) if files else IngestReport()
        finally:
            if self._embedding is not None:
                self._embedding.listen(None)
        self._invalidate()
        return replace(report, failed=(*refused, *same_id, *report.failed))

    def check_doc_id(self, doc_id: str) -> str:
        """`doc_id` when it names an indexed document; else UnknownDocumentError."""
        if not isinstance(doc_id, str) or self.index.document(doc_id) is None:
            raise UnknownDocumentError(str(doc_id))
        return doc_id

    def delete(self, doc_id: str) -> None:
        self.index.delete(self.check_doc_id(doc_id))
        self.corrections.forget(doc_id)
        self._invalidate()

    def pending_files(self) -> int:
        """How many files `ensure_index` would ingest now (for a progress display)."""
        stale = self.index.stale_sources()
        if stale:
            return len(stale)
        return len(expand_paths([self.settings.corpus])) if self.index.is_empty else 0

    def short_name(self, doc_id: str) -> str:
        """What a user would call the document ("江苏十四五节能减排综合实施方案"): derived from its title
        and place, and understood in questions (a short title names its document)."""
        doc = self.corpus.document_by_id.get(doc_id)
        if doc is None:
            return doc_id
        place = document_place(self.corpus.title_blocks.get(doc_id, doc.title))
        place = place or document_place("".join(doc.issuers)) or leading_issuer(doc.issuers)
        return short_title(doc.title, place)

    def documents(self) -> list[Document]:
        """Indexed documents, with the metadata corrections a user made (`correct_document`)."""
        return [self.corrections.apply(d) for d in self.index.documents()]

    def correct_document(
        self,
        doc_id: str,
        *,
        title: str | None = None,
        issuers: Sequence[str] | None = None,
        doc_number: str | None = None,
        date: str | None = None,
        level: str | None = None,
    ) -> Document:
        """Correct what the parser could not find (None keeps a field as it is); a field equal to
        the parsed value is not kept as a correction. ValueError, in Chinese, when one is wrong."""
        parsed = self.index.document(self.check_doc_id(doc_id))
        assert parsed is not None
        given = validate(
            title=title,
            issuers=list(issuers) if issuers is not None else None,
            doc_number=doc_number,
            date=date,
            level=level,
        )
        as_parsed = {
            "title": parsed.title,
            "issuers": list(parsed.issuers),
            "doc_number": parsed.doc_number or "",
            "date": parsed.date or "",
            "level": parsed.level.value,
        }
        # a value equal to the parsed one drops the correction of that field
        self.corrections.set(
            doc_id, {k: None if v == as_parsed[k] else v for k, v in given.items()}
        )
        self._invalidate()
        return self.corrections.apply(parsed)

    def provisions(self, doc_id: str | None = None) -> list[Provision]:
        """Provisions of one document, or of all; an unknown doc_id lists nothing (it is only a
        key of the in-memory tables here; actions on a document use `check_doc_id`)."""
        return self.index.provisions(doc_id)

    @property
    def corpus(self) -> CorpusView:
        self._refresh()
        if self._corpus is None:
            provisions = tuple(self.index.provisions())
            names = {d for p in provisions for d in p.responsibility.departments}
            names |= {d for p in provisions for d in p.responsibility.implementers}
            registry = DepartmentRegistry.default().with_names(sorted(names))
            self._corpus = CorpusView(
                tuple(self.documents()),
                provisions,
                registry,
                stored_tokens=self.index.provision_tokens(),
                stored_df=self.index.provision_df(),
            )
        return self._corpus

    def _refresh(self) -> None:
        """Rebuild the corpus view and backends when the library changed (in this process or,
        for several app processes over one index, in another)."""
        generation = self.index.generation
        if generation != self._generation:
            self._invalidate()
            self._generation = generation

    def _invalidate(self) -> None:
        self._corpus = None
        self._backends.clear()

    # -- answering ------------------------------------------------------------------------------
    def backend(self, name: str | None = None) -> Backend:
        name = name or self.settings.backend
        self._refresh()
        if name not in self._backends:
            self._backends[name] = self._make_backend(name)
        return self._backends[name]

    def _make_backend(self, name: str) -> Backend:
        composer = Composer(
            self.corpus,
            max_quotes=self.settings.answer.max_quotes,
            min_support=self.settings.answer.min_support,
            min_confidence=self.settings.answer.min_confidence,
            min_margin=self.settings.answer.min_margin,
        )
        if name == "composer":
            return composer
        if name in ("local", "openai"):
            from assistant.llm.backend import LLMBackend  # noqa: PLC0415
            from assistant.llm.chain import local_factory, openai_factory  # noqa: PLC0415

            factory = local_factory if name == "local" else openai_factory
            return LLMBackend(name, factory(self.settings), self.corpus, composer)
        raise ValueError(f"未知的回答后端：{name}（可选：composer、local、openai）")

    def understand(
        self, question: str, history: Sequence[Turn] = (), doc_id: str | None = None
    ) -> Query:
        corpus = self.corpus
        doc_ids = (self.check_doc_id(doc_id),) if doc_id else ()

        def parse(text: str) -> Query:
            scope = chosen_scope(text, doc_ids, corpus) if doc_ids else document_scope(text, corpus)

            def departments(question: str) -> list[str]:
                # "江苏生态环境厅2021年工作计划里，环评处负责哪些事？": the issuer that names the
                # document is not the department asked about, when another one is named.
                # Names as written, found among the departments the documents in scope print.
                found = corpus.mentions(question, scope.doc_ids)
                issuers = " ".join(corpus.opening(d, 120) for d in scope.doc_ids)
                asked = [d for d in found if d not in issuers]
                return asked if asked and len(asked) < len(found) else found

            return understand(
                text,
                find_departments=departments,
                places_in_scope=lambda place, text: corpus.covers_place(place, text, scope.doc_ids),
                doc_ids=scope.doc_ids,
                scope_words=scope.words,
            )

        return resolve(
            question,
            history,
            understand=parse,
            find_departments=corpus.registry.find_mentions,
            keys_of=self._keys_of,
            neighbour=self._neighbour,
            has_subject=lambda text: bool(content_tokens(text)),
            named_in=self._named_in,
            another_subject=self._another_subject,
        )

    def _another_subject(
        self, query: Query, answered: tuple[str, ...], doc_ids: tuple[str, ...]
    ) -> bool:
        """Whether a follow-up's own words (less the departments it names) are another
        provision's of the conversation's documents: one holds them (≥ NEW_SUBJECT_SUPPORT) by a
        margin over every provision just answered. The documents are those in scope, else those of
        the provisions answered."""
        corpus = self.corpus
        doc_ids = doc_ids or tuple(dict.fromkeys(_ref(r)[0] for r in answered))
        text = query.question
        for name in query.departments:
            text = text.replace(name, " ")
        terms = vocabulary_terms(text, corpus.idf)
        if len(terms) < 2:
            return False
        before = max(
            (
                support_score(corpus, p, terms)
                for r in answered
                if (p := corpus.by_ref.get(_ref(r)))
            ),
            default=0.0,
        )
        best = max((support_score(corpus, p, terms) for p in corpus.in_scope(doc_ids)), default=0.0)
        return best >= NEW_SUBJECT_SUPPORT and best >= before + NEW_SUBJECT_MARGIN

    def _named_in(self, reply: str, doc_ids: Sequence[str]) -> tuple[str, ...]:
        """Provisions an earlier reply named by label and title ("第31条 积极开展试点示范"), in the
        order it named them: what "这条" points at."""
        if not reply:
            return ()
        titled: list[tuple[int, str]] = []
        labelled: list[tuple[int, str]] = []
        for p in self.corpus.in_scope(doc_ids):
            if not p.label or not p.title:
                continue
            at = reply.find(f"{p.label} {p.title}")
            if at >= 0:
                titled.append((at, p.ref))
            elif p.label.startswith("第") and p.label.endswith("条"):
                at = reply.find(p.label)
                if at >= 0:
                    labelled.append((at, p.ref))
        # a provision named with its title is the one meant, not every document's 第N条
        return tuple(ref for _, ref in sorted(titled or labelled))

    def _neighbour(self, ref: str, step: int) -> str | None:
        doc_id, key = _ref(ref)
        items = self.corpus.items([doc_id])
        position = next((i for i, p in enumerate(items) if p.key == key), None)
        if position is None or not 0 <= position + step < len(items):
            return None
        return items[position + step].ref

    def _keys_of(self, query: Query) -> tuple[str, ...]:
        """Provisions that answered an earlier query, for follow-ups over "these tasks"."""
        answer = self.backend("composer").answer(query, self.retrieve(query))
        return tuple(f"{c.doc_id}#{c.key}" for c in answer.citations)

    def retrieve(self, query: Query) -> list[Hit]:
        """Hybrid retrieval in the query's scope; with several documents in scope, each document
        gets its own share so a cross-document question sees all of them."""
        r = self.settings.retrieval

        text = query.text
        if query.doc_ids and query.scope_words:
            # The words that named the documents have done their job; they would only pull in
            # title blocks and preambles. So have the words a name stood for ("双碳意见" →
            # 碳达峰碳中和, in every 组织实施 provision); a title word the question prints may be
            # its topic ("没完成碳达峰目标的地区…") and stays. Longest first, so no piece is left.
            naming = sorted(
                (
                    w
                    for w in query.scope_words
                    if is_naming_word(w) or (len(w) >= 2 and w not in query.question)
                ),
                key=len,
                reverse=True,
            )
            stripped = re.sub("|".join(map(re.escape, naming)) or "^$", " ", text).strip()
            text = stripped if len(stripped) >= 2 else text

        def search(doc_ids: list[str] | None, k: int) -> list[Hit]:
            return hybrid_search(
                self.index, text, k=k, doc_ids=doc_ids, candidates=r.candidates, rrf_k=r.rrf_k
            )

        if len(query.doc_ids) < 2:
            hits = search(list(query.doc_ids) or None, r.top_k)
        else:
            share = max(3, r.top_k // len(query.doc_ids))
            per_doc = [search([d], share) for d in query.doc_ids]
            hits = [h for rank in zip_longest(*per_doc) for h in rank if h is not None]
        return self._titled_first(query, hits)

    def _titled_first(self, query: Query, hits: list[Hit]) -> list[Hit]:
        """Provisions whose whole title the question prints come first: in a library of many
        documents a title's words are common, and neither ranking may find the one it names."""
        named = self.corpus.titled_in(query.text, query.doc_ids)[: self.settings.retrieval.top_k]
        if not named:
            return hits
        top = max((h.score for h in hits), default=0.0)
        refs = {(p.doc_id, p.key) for p in named}
        rest = [h for h in hits if (h.provision.doc_id, h.provision.key) not in refs]
        found = {(h.provision.doc_id, h.provision.key): h for h in hits}
        first = [found.get((p.doc_id, p.key)) or Hit(p, top, None, None) for p in named]
        return [*first, *rest]

    def ask(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        doc_id: str | None = None,
        backend: str | None = None,
    ) -> Answer:
        if doc_id:
            self.check_doc_id(doc_id)
        if self.index.is_empty:
            return Answer(question=question, text=EMPTY_INDEX, refused=True)
        clock = _Clock()
        query, hits = self._prepare(question, history, doc_id)
        clock.lap("retrieve")
        answer = self.backend(backend).answer(query, hits)
        return self._finish(answer, hits, clock, query)

    def _prepare(
        self, question: str, history: Sequence[Turn], doc_id: str | None
    ) -> tuple[Query, list[Hit]]:
        self.index.prefetch()  # the model and vector store load while the question is understood
        query = self.understand(question, history, doc_id)
        hits = [] if query.intent is Intent.INJECTION else self.retrieve(query)
        log.debug("retrieved for %r: %s", query.text, [h.provision.ref for h in hits])
        return query, hits

    def _finish(
        self, answer: Answer, hits: Sequence[Hit], clock: _Clock, query: Query | None = None
    ) -> Answer:
        clock.lap("answer")
        if query is not None and query.follows and not answer.resolved_question:
            reading = self._reading(query)
            answer = replace(
                answer,
                text=f"{FOLLOW_UP_READ.format(resolved=reading)}\n\n{answer.text}",
                resolved_question=reading,
            )
        return replace(
            answer,
            retrieved=tuple(Retrieved(h.provision.doc_id, h.provision.key, h.score) for h in hits),
            timings_ms={**answer.timings_ms, **clock.laps, "total": clock.total_ms()},
            index_id=self.index.index_id,
        )

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        doc_id: str | None = None,
        backend: str | None = None,
    ) -> Iterator[str | Answer]:
        """Text pieces as the backend produces them, then the final, verified Answer (composer and
        other non-streaming backends: one piece)."""
        if doc_id:
            self.check_doc_id(doc_id)
        chosen = self.backend(backend)
        streamer: Callable[[Query, Sequence[Hit]], Iterator[str | Answer]] | None
        streamer = getattr(chosen, "stream", None)
        if streamer is None or self.index.is_empty:
            answer = self.ask(question, history=history, doc_id=doc_id, backend=backend)
            yield answer.text
            yield answer
            return
        clock = _Clock()
        query, hits = self._prepare(question, history, doc_id)
        clock.lap("retrieve")
        final: Answer | None = None
        for piece in streamer(query, hits):
            if isinstance(piece, Answer):
                final = piece
            else:
                yield piece
        if final is None:
            raise RuntimeError(f"backend {chosen.name} produced no answer")
        yield self._finish(final, hits, clock, query)

    # -- training -------------------------------------------------------------------------------
    def quiz(
        self,
        doc_ids: Sequence[str] = (),
        *,
        n: int = 20,
        seed: int = 0,
        types: str | Sequence[str] = "single,multi,judge,blank",
        difficulty: str | int = "1-3",
        rephrase: str | None = None,
    ) -> Quiz:
        """Quiz items with a key verified against the index (DESIGN.md `policyqa quiz`); with
        `rephrase` ("local" / "openai") the LLM rephrases stems, never options or keys."""
        from assistant.quiz import QuizRequest, generate, parse_difficulty, parse_types  # noqa: PLC0415

        request = QuizRequest(
            doc_ids=tuple(self.check_doc_id(d) for d in dict.fromkeys(doc_ids)),
            n=n,
            seed=seed,
            types=parse_types(types),
            difficulty=parse_difficulty(difficulty),
        )
        quiz = generate(self.corpus, request)
        if rephrase:
            from assistant.llm.chain import local_factory, openai_factory  # noqa: PLC0415
            from assistant.quiz.rephrase import rephrase_quiz  # noqa: PLC0415

            if rephrase not in ("local", "openai"):
                raise ValueError(f"未知的改写后端：{rephrase}（可选：local、openai）")
            factory = local_factory if rephrase == "local" else openai_factory
            provisions = self.corpus.provisions
            names = tuple(sorted({d for p in provisions for d in p.responsibility.departments}))
            quiz = rephrase_quiz(quiz, factory(self.settings), names)
        return quiz

    def guide(self, doc_id: str) -> Guide:
        """The study guide of one document: structure, tasks, responsibilities, numbers, rules."""
        from assistant.quiz import build_guide  # noqa: PLC0415

        return build_guide(self.corpus, self.check_doc_id(doc_id))

    def _reading(self, query: Query) -> str:
        """How a follow-up was read: "“绿色金融由谁牵头？”之后问：那配合部门呢？（第28条 积极发展绿色金融）"."""
        refs = [r.partition("#") for r in query.restrict_keys[:3]]
        named = [self.corpus.by_ref.get((doc, key)) for doc, _, key in refs]
        where = "、".join(f"{p.label} {p.title}" for p in named if p is not None)
        subject = "、".join(query.departments) if query.departments and not where else where
        tail = f"（{subject}）" if subject else ""
        return f"“{query.follows}”之后问：{query.question}{tail}"


class _Clock:
    """Milliseconds per stage of one answer."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.laps: dict[str, float] = {}

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.laps[stage] = (now - self.last) * 1000
        self.last = now

    def total_ms(self) -> float:
        return (time.perf_counter() - self.start) * 1000
