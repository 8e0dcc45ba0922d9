"""Exact search within a few documents ranks as the vector store's own filtered query does, on an
embedded chroma and on a `chroma run` server, and fetches a document anew after it changes."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.index.chroma import ChromaStore
from assistant.index.exact import ExactSearch
from ingest.model import Chunk
from tests.test_index_vectorstore import StoreFactory, chroma_server, new_store  # noqa: F401

RNG = np.random.default_rng(7)
DOCS = {f"d{i}": [f"d{i}-{j}" for j in range(12)] for i in range(6)}


def _library(store: ChromaStore) -> dict[str, list[float]]:
    chunks = [Chunk(cid, d, f"k{cid}", f"text {cid}", ()) for d, ids in DOCS.items() for cid in ids]
    vectors = RNG.normal(size=(len(chunks), 16)).astype(np.float32)
    store.upsert(chunks, vectors.tolist())
    return {c.chunk_id: v.tolist() for c, v in zip(chunks, vectors, strict=True)}


def _exact(store: ChromaStore, **kw: int) -> tuple[ExactSearch, list[str]]:
    fetched: list[str] = []

    def chunks_of(doc_id: str) -> list[tuple[str, str]]:
        fetched.append(doc_id)
        return [(cid, f"k{cid}") for cid in DOCS[doc_id]]

    return ExactSearch(lambda: store, chunks_of, **kw), fetched


def test_ranks_as_the_store_filtered_query(new_store: StoreFactory) -> None:  # noqa: F811
    store = new_store()
    _library(store)
    exact, _ = _exact(store)
    versions = dict.fromkeys(DOCS, 1)
    for _ in range(5):
        query = RNG.normal(size=16).tolist()
        for scope in (["d1"], ["d0", "d3", "d5"]):
            want = store.search(query, 8, scope)
            got = exact.search(query, 8, versions, scope)
            assert [h.chunk_id for h in got] == [h.chunk_id for h in want]
            assert [h.key for h in got] == [h.key for h in want]
            assert {h.doc_id for h in got} <= set(scope)
            assert [h.score for h in got] == pytest.approx([h.score for h in want], abs=1e-4)


def test_cached_by_version_and_bounded(new_store: StoreFactory) -> None:  # noqa: F811
    store = new_store()
    vectors = _library(store)
    exact, fetched = _exact(store, max_vectors=24)  # two documents of 12 chunks
    query = vectors["d2-3"]
    assert exact.search(query, 1, {"d2": 1}, ["d2"])[0].chunk_id == "d2-3"
    exact.search(query, 1, {"d2": 1}, ["d2"])
    assert fetched == ["d2"]  # asked again: from memory
    # the document is re-ingested: its new vectors are read, not the cached ones
    store.upsert([Chunk("d2-3", "d2", "kd2-3", "new", ())], [(-np.asarray(query)).tolist()])
    assert exact.search(query, 1, {"d2": 1}, ["d2"])[0].chunk_id == "d2-3"  # stale, same version
    assert exact.search(query, 1, {"d2": 2}, ["d2"])[0].chunk_id != "d2-3"
    assert fetched == ["d2", "d2"]
    exact.search(query, 1, {"d4": 1}, ["d4"])
    exact.search(query, 1, {"d5": 1}, ["d5"])  # three documents: the oldest is let go
    exact.search(query, 1, {"d2": 2}, ["d2"])
    assert fetched == ["d2", "d2", "d4", "d5", "d2"]


def test_unknown_documents_and_empty_queries(new_store: StoreFactory) -> None:  # noqa: F811
    store = new_store()
    _library(store)
    exact, _ = _exact(store)
    assert exact.search([1.0] * 16, 5, {}, ["d1"]) == []  # not a served document
    assert exact.search([0.0] * 16, 5, {"d1": 1}, ["d1"]) == []
    assert exact.search([1.0] * 16, 0, {"d1": 1}, ["d1"]) == []
