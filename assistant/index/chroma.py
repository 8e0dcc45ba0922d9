"""Vector store behind a small Protocol; chromadb (embedded or a server) is the implementation.

Vectors are always computed by our `Embeddings` and passed explicitly: chromadb's default embedding
function (which downloads a model) is never attached to a collection.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

import chromadb
import numpy as np
from chromadb.api import ClientAPI
from chromadb.config import Settings as ChromaSettings

from ingest.model import Chunk

if TYPE_CHECKING:
    from langchain_chroma import Chroma
    from langchain_core.embeddings import Embeddings

    from assistant.settings import Settings

log = logging.getLogger(__name__)

DEPARTMENT_SEPARATOR = "、"


class StoreHit(NamedTuple):
    chunk_id: str
    doc_id: str
    key: str
    score: float  # cosine similarity, higher is better


class VectorStore(Protocol):
    def upsert(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None: ...

    def delete(self, chunk_ids: Collection[str]) -> None: ...

    def delete_doc(self, doc_id: str) -> None: ...

    def search(
        self, vector: Sequence[float], k: int, doc_ids: Collection[str] | None = None
    ) -> list[StoreHit]: ...

    def count(self) -> int: ...

    def doc_chunk_ids(self, doc_id: str) -> set[str]: ...

    def vectors(self, chunk_ids: Collection[str]) -> dict[str, list[float]]: ...

    def reload(self) -> None: ...


def chunk_metadata(chunk: Chunk) -> dict[str, str | int | float | bool]:
    """Chroma-legal scalar metadata of a chunk."""
    return {
        "doc_id": chunk.doc_id,
        "key": chunk.key,
        "departments": DEPARTMENT_SEPARATOR.join(chunk.departments),
    }


def _where(doc_ids: Collection[str] | None) -> dict[str, Any] | None:
    if doc_ids is None:
        return None
    ids = sorted(doc_ids)
    return {"doc_id": ids[0]} if len(ids) == 1 else {"doc_id": {"$in": ids}}


def make_client(settings: Settings) -> ClientAPI:
    """A chroma server client when `chroma_host` is set, else embedded under `<index>/chroma`."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        return chromadb.HttpClient(
            host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
        )
    return _embedded(Path(settings.index) / "chroma")


def _embedded(path: Path) -> ClientAPI:
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
    )


class ChromaStore:
    """`VectorStore` over one chroma collection (cosine space, no embedding function)."""

    def __init__(
        self,
        client: ClientAPI,
        collection_name: str,
        embeddings: Embeddings | None = None,
    ) -> None:
        self.client = client
        self.collection_name = collection_name
        self.embeddings = embeddings  # only for `langchain_vectorstore()`
        self.path: Path | None = None  # the folder of an embedded store opened by `from_settings`
        self._max_batch: int | None = None
        self._collection = self._open()

    def _open(self) -> Any:
        return self.client.get_or_create_collection(
            name=self.collection_name,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine"}},
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, collection_name: str, embeddings: Embeddings | None = None
    ) -> ChromaStore:
        store = cls(make_client(settings), collection_name, embeddings)
        if not settings.chroma_host:
            store.path = Path(settings.index) / "chroma"
        return store

    def reload(self) -> None:
        """An embedded store reads its files anew: chroma loads them once per process and would
        not see what another process (a `policyqa ingest` beside the app) wrote. A server is
        always current."""
        if self.path is None:
            return
        close = getattr(self.client, "close", None)  # chromadb.Client, not in ClientAPI
        if close is not None:
            close()  # the last client of this folder in the process stops its system
        self.client = _embedded(self.path)
        self._collection = self._open()

    def upsert(self, chunks: Sequence[Chunk], vectors: Sequence[Sequence[float]]) -> None:
        if len(chunks) != len(vectors):
            raise ValueError(f"{len(chunks)} chunks but {len(vectors)} vectors")
        if self._max_batch is None:  # one request to a server, not one per upsert
            self._max_batch = max(1, self.client.get_max_batch_size())
        batch = self._max_batch
        for start in range(0, len(chunks), batch):
            part = chunks[start : start + batch]
            self._collection.upsert(
                ids=[c.chunk_id for c in part],
                embeddings=np.asarray(vectors[start : start + batch], dtype=np.float32),
                documents=[c.text for c in part],
                metadatas=[chunk_metadata(c) for c in part],
            )

    def delete(self, chunk_ids: Collection[str]) -> None:
        if chunk_ids:
            self._collection.delete(ids=sorted(chunk_ids))

    def delete_doc(self, doc_id: str) -> None:
        self._collection.delete(where={"doc_id": doc_id})

    def search(
        self, vector: Sequence[float], k: int, doc_ids: Collection[str] | None = None
    ) -> list[StoreHit]:
        if k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        result = self._collection.query(
            query_embeddings=np.asarray([vector], dtype=np.float32),
            n_results=k,
            where=_where(doc_ids),
            include=["metadatas", "distances"],
        )
        ids = result["ids"][0]
        metadatas = (result["metadatas"] or [[]])[0]
        distances = (result["distances"] or [[]])[0]
        return [
            StoreHit(chunk_id, str(meta["doc_id"]), str(meta["key"]), 1.0 - float(dist))
            for chunk_id, meta, dist in zip(ids, metadatas, distances, strict=True)
        ]

    def count(self) -> int:
        return int(self._collection.count())

    def doc_chunk_ids(self, doc_id: str) -> set[str]:
        return set(self._collection.get(where={"doc_id": doc_id}, include=[])["ids"])

    def vectors(self, chunk_ids: Collection[str]) -> dict[str, list[float]]:
        """Stored vectors of these chunks (those that exist), to re-use on re-ingest."""
        if not chunk_ids:
            return {}
        got = self._collection.get(ids=sorted(chunk_ids), include=["embeddings"])
        rows = got["embeddings"] if got["embeddings"] is not None else []
        return {cid: [float(x) for x in row] for cid, row in zip(got["ids"], rows, strict=True)}

    def langchain_vectorstore(self) -> Chroma:
        """langchain's Chroma adapter over the same client, collection and embeddings."""
        from langchain_chroma import Chroma  # noqa: PLC0415  (0.5 s import, baseline only)

        return Chroma(
            client=self.client,
            collection_name=self.collection_name,
            embedding_function=self.embeddings,
            create_collection_if_not_exists=False,
        )
