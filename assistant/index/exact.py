"""Exact dense search within a few documents: their vectors fetched by chunk id and kept in memory.

A vector store answers a query filtered by document by scanning the metadata of every chunk
(chroma: about 40 ms at 43,000 chunks, and growing with the library), while fetching one
document's vectors by id costs a few milliseconds and scoring them is a matrix product. A
conversation about one document asks it again and again: its vectors stay cached, keyed by the
document's stored version, so a re-ingested document is fetched anew.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.index.chroma import StoreHit, VectorStore

MAX_CACHED_VECTORS = 50_000  # ≈ 75 MB of float32 at 384 dimensions


@dataclass(frozen=True, slots=True)
class DocVectors:
    chunk_ids: tuple[str, ...]
    keys: tuple[str, ...]
    unit: np.ndarray  # one L2-normalised row per chunk


class ExactSearch:
    """Cosine ranking of the chunks of a few documents, as the vector store would rank them."""

    def __init__(
        self,
        store: Callable[[], VectorStore],
        chunks_of: Callable[[str], Sequence[tuple[str, str]]],
        max_vectors: int = MAX_CACHED_VECTORS,
    ) -> None:
        self._store = store
        self._chunks_of = chunks_of  # doc_id → its committed (chunk_id, key) pairs
        self._max_vectors = max_vectors
        self._cached: OrderedDict[tuple[str, int], DocVectors] = OrderedDict()
        self._held = 0
        self._lock = threading.Lock()

    def search(
        self, vector: Sequence[float], k: int, versions: dict[str, int], doc_ids: Collection[str]
    ) -> list[StoreHit]:
        """The k chunks of `doc_ids` nearest to `vector` (versions: doc_id → stored version)."""
        query = np.asarray(vector, dtype=np.float32)
        norm = float(np.linalg.norm(query))
        if k <= 0 or norm == 0.0:
            return []
        query /= norm
        scored: list[tuple[float, str, str, str]] = []
        for doc_id in doc_ids:
            version = versions.get(doc_id)
            if version is None:
                continue
            found = self._vectors(doc_id, version)
            if not found.chunk_ids:
                continue
            sims = found.unit @ query
            top = np.argsort(-sims, kind="stable")[:k]
            scored.extend((float(sims[i]), found.chunk_ids[i], doc_id, found.keys[i]) for i in top)
        scored.sort(key=lambda row: -row[0])
        return [StoreHit(cid, doc_id, key, score) for score, cid, doc_id, key in scored[:k]]

    def _vectors(self, doc_id: str, version: int) -> DocVectors:
        ref = (doc_id, version)
        with self._lock:
            found = self._cached.get(ref)
            if found is not None:
                self._cached.move_to_end(ref)
                return found
        pairs = list(self._chunks_of(doc_id))
        stored = self._store().vectors([cid for cid, _ in pairs])
        kept = [(cid, key) for cid, key in pairs if cid in stored]
        unit: np.ndarray = np.zeros((0, 0), dtype=np.float32)
        if kept:
            matrix = np.asarray([stored[cid] for cid, _ in kept], dtype=np.float32)
            norms = np.linalg.norm(matrix, axis=1, keepdims=True)
            unit = (matrix / np.where(norms == 0.0, 1.0, norms)).astype(np.float32)
        found = DocVectors(tuple(c for c, _ in kept), tuple(k for _, k in kept), unit)
        with self._lock:
            self._cached[ref] = found
            self._held += len(kept)
            while self._held > self._max_vectors and len(self._cached) > 1:
                _, dropped = self._cached.popitem(last=False)
                self._held -= len(dropped.chunk_ids)
        return found
