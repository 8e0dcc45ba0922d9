"""LLM backends (`local`, `openai`): the composer decides what is true, the model phrases it, and
`verify` checks every id, quote, article number and department before the answer is shown."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace

from langchain_core.runnables import Runnable

from assistant.answer import Answer
from assistant.compose.composer import Composer
from assistant.index.corpus import CorpusView
from assistant.index.retrieve import Hit
from assistant.llm import prompts as pr
from assistant.llm.chain import ChatModelFactory, build_chain
from assistant.llm.context import Context, build_context, select_provisions
from assistant.llm.verify import verify
from assistant.understand.intent import Intent, Query
from ingest.model import Provision

log = logging.getLogger(__name__)

# Answered straight from the tables: lists and counts the model could only shorten or garble.
FROM_TABLES = frozenset(
    {
        Intent.DEPARTMENT_TASKS,
        Intent.NO_LEAD,
        Intent.COUNT,
        Intent.METADATA,
        Intent.INJECTION,
        Intent.REQUEST,  # declined as the composer declines it
    }
)


class LLMBackend:
    """Backend protocol (`name`, `answer`) plus `stream`: pieces as generated, then the Answer."""

    def __init__(
        self,
        name: str,
        chat_model_factory: ChatModelFactory,
        corpus: CorpusView,
        composer: Composer,
        *,
        max_sources: int = 3,
        max_sentences: int = 3,
        budget_chars: int = 720,
    ) -> None:
        self.name = name
        self._factory = chat_model_factory
        self.corpus = corpus
        self.composer = composer
        self.max_sources = max_sources
        self.max_sentences = max_sentences
        self.budget_chars = budget_chars
        self._chain: Runnable[dict[str, str], str] | None = None  # built when first needed

    def answer(self, query: Query, hits: Sequence[Hit]) -> Answer:
        final: Answer | None = None
        for piece in self.stream(query, hits):
            if isinstance(piece, Answer):
                final = piece
        assert final is not None
        return final

    def prepare(self, query: Query, hits: Sequence[Hit]) -> tuple[Answer, Context | None]:
        """The composer's answer, and the context the model reads (None: no model call needed)."""
        table = self.composer.answer(query, hits)
        provisions = self._provisions(query, hits, table)
        if table.refused or query.intent in FROM_TABLES or query.foreign_place or not provisions:
            return table, None
        context = build_context(
            self.corpus,
            query.text,
            provisions,
            max_sentences=self.max_sentences,
            budget_chars=self.budget_chars,
        )
        return table, context

    def stream(self, query: Query, hits: Sequence[Hit]) -> Iterator[str | Answer]:
        table, context = self.prepare(query, hits)
        if context is None:
            yield table.text  # a refusal or a table answer: no model call
            yield replace(table, backend=self.name)
            return
        raw: list[str] = []
        timings: dict[str, float] = {}
        try:
            for piece in self._generate(query, context, timings):
                raw.append(piece)
                yield piece
        except Exception as exc:  # the endpoint failed: the grounded table answer still stands
            if isinstance(exc, ValueError):
                raise  # missing model / settings: the caller shows the hint
            log.warning("LLM call failed (%s): falling back to the composer", exc)
            yield replace(
                table,
                backend=self.name,
                notes=(*table.notes, pr.NOTE_FALLBACK.format(reason=type(exc).__name__)),
            )
            return
        retrieved = {(h.provision.doc_id, h.provision.key) for h in hits}
        retrieved |= {(c.doc_id, c.key) for c in table.citations}
        checked = verify(
            "".join(raw),
            query=query,
            context=context,
            corpus=self.corpus,
            table=table,
            retrieved=retrieved,
        )
        if checked.refused:  # the model refused although the index supports an answer
            checked = replace(
                table, notes=(*table.notes, pr.NOTE_FALLBACK.format(reason="模型拒答"))
            )
        timings["prompt_chars"] = float(len(pr.SYSTEM) + len(pr.HUMAN) + len(context.text))
        yield replace(checked, backend=self.name, timings_ms={**checked.timings_ms, **timings})

    # -- internals ---------------------------------------------------------------------------------
    def _provisions(self, query: Query, hits: Sequence[Hit], table: Answer) -> list[Provision]:
        # The composer's grounded choice (the provision a follow-up points at, the best-supported
        # sentences' provisions) is what the model reads; retrieval order only when it chose none.
        if table.citations:
            refs = dict.fromkeys((c.doc_id, c.key) for c in table.citations)
            found = (self.corpus.by_ref.get(ref) for ref in refs)
            return [p for p in found if p is not None][: self.max_sources]
        return select_provisions(self.corpus, query.text, hits, k=self.max_sources)

    def _generate(self, query: Query, context: Context, timings: dict[str, float]) -> Iterator[str]:
        if self._chain is None:
            self._chain = build_chain(self._factory())
        chain = self._chain
        log.debug("LLM context for %r:\n%s", query.text, context.text)
        start = time.perf_counter()
        first: float | None = None
        pieces = 0
        for piece in chain.stream({"context": context.text, "question": query.text}):
            if not piece:
                continue
            if first is None:
                first = time.perf_counter()
            pieces += 1
            yield piece
        end = time.perf_counter()
        timings["ttft"] = ((first or end) - start) * 1000
        timings["generate"] = (end - start) * 1000
        timings["tokens_out"] = float(pieces)  # one streamed piece per token (llama.cpp, OpenAI)
        if first is not None and end > first and pieces > 1:
            timings["tokens_per_s"] = (pieces - 1) / (end - first)
