"""Shared set-up of the LLM unit tests: the seed parsed in memory (no embeddings, no chroma)."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from assistant.compose.composer import Composer
from assistant.index.corpus import CorpusView
from assistant.index.retrieve import Hit
from assistant.llm.context import Context, build_context
from assistant.understand.intent import Query, understand
from ingest.departments import DepartmentRegistry
from ingest.model import Provision
from ingest.pipeline import parse_file
from tests.conftest import SEED

DOC = "suzhou-dual-carbon-opinions-2022"
OFFICE = "市碳达峰碳中和工作领导小组办公室"


@lru_cache(maxsize=1)
def seed_corpus() -> CorpusView:
    return corpus_of(parse_file(SEED).provisions)


def corpus_of(provisions: Sequence[Provision]) -> CorpusView:
    parsed = parse_file(SEED)
    names = {d for p in provisions for d in p.responsibility.departments}
    names |= {d for p in provisions for d in p.responsibility.implementers}
    registry = DepartmentRegistry.default().with_names(sorted(names))
    return CorpusView((parsed.document,), tuple(provisions), registry)


def provision(key: str, corpus: CorpusView | None = None) -> Provision:
    return (corpus or seed_corpus()).by_ref[(DOC, key)]


def hits(*keys: str, corpus: CorpusView | None = None) -> list[Hit]:
    return [Hit(provision(k, corpus), 1.0 / (60 + i), i + 1, None) for i, k in enumerate(keys, 1)]


def query(question: str, corpus: CorpusView | None = None) -> Query:
    return understand(question, find_departments=(corpus or seed_corpus()).registry.find_mentions)


def context(question: str, *keys: str, corpus: CorpusView | None = None) -> Context:
    c = corpus or seed_corpus()
    return build_context(c, question, [provision(k, c) for k in keys])


def composer(corpus: CorpusView | None = None) -> Composer:
    return Composer(corpus or seed_corpus())
