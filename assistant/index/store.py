"""The index: vector store + keyword index + provision tables, consistent per document.

Ingest is idempotent (a file whose sha256 is unchanged is skipped) and loses nothing on bad input:
every file is parsed, chunked and embedded before anything stored for its document is touched.
It is atomic per document across every store, under SIGKILL at any moment:

1. the vectors of the new version are upserted into the vector store beside the old ones, the
   document journalled in `pending` first (searches only ever return committed chunk ids);
2. one SQLite transaction replaces the document's tables, keyword postings and manifest entry:
   this is the commit;
3. the old version's vectors are deleted and the journal entry cleared.

A journal entry left by a killed process is repaired on the next open (or ingest): the vector
store is made to hold exactly the committed version's chunks.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.index.batch import (
    SUFFIXES,
    IngestReport,
    compute_index_id,
    expand_paths,
    file_sha256,
)
from assistant.index.cache import VectorCache
from assistant.index.chroma import ChromaStore, StoreHit, VectorStore
from assistant.index.embeddings import embedding_id, make_embeddings, model_id_of
from assistant.index.exact import ExactSearch
from assistant.index.keyword import KeywordIndex, Tokenizer
from assistant.index.repair import verify
from assistant.index.sqlite import Database
from assistant.index.tables import StoredDoc, Tables, database_path, legacy_manifest
from assistant.index.token_sets import TokenSets
from assistant.index.writer import Writer
from ingest import segment
from ingest.model import Document, ParsedDocument, Provision

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.settings import Settings

__all__ = [
    "SUFFIXES",
    "Index",
    "IngestReport",
    "Scored",
    "compute_index_id",
    "expand_paths",
    "file_sha256",
]

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
# A search within this many documents ranks their vectors exactly in memory (`ExactSearch`):
# a store's filtered query scans every chunk's metadata, a fetch by id does not.
EXACT_MAX_DOCS = 16


@dataclass(frozen=True, slots=True)
class Scored:
    provision: Provision
    score: float


class Index:
    """Documents, provisions and their chunks, searchable by BM25 and by vector."""

    def __init__(
        self,
        settings: Settings,
        embeddings: Embeddings | None = None,
        store: VectorStore | None = None,
        *,
        tokenize: Tokenizer | None = None,
    ) -> None:
        self.settings = settings
        self.folder = Path(settings.index)
        self._embeddings = embeddings
        self.model_id = model_id_of(embeddings) if embeddings else embedding_id(settings.embedding)
        self.index_id = compute_index_id(self.model_id, settings.ingest.window_chars)
        self.collection_name = f"policyqa-{self.index_id}"
        self._store = store
        self._lock = threading.RLock()  # swaps of the in-memory tables
        self._opening = threading.RLock()  # creation of the embedding model and vector store
        self._prefetch: threading.Thread | None = None
        self.db = Database(database_path(self.folder))
        self.tables = Tables(self.db)
        self.keyword = KeywordIndex(self.db, tokenize)
        self._cache: VectorCache | None = None
        self.repairs: list[str] = []  # what was repaired after an interrupted ingest (Chinese)
        self._generation = -1
        self._written = 0  # commits of this process since the last sync
        self._stored: dict[str, StoredDoc] = {}
        self._by_key: dict[tuple[str, str], Provision] = {}
        if tokenize is None and self.db.generation() > 0:
            # the first question needs jieba's dictionary (a second to load): load it meanwhile
            threading.Thread(target=segment.tokenizer, name="policyqa-jieba", daemon=True).start()
        self._sync()
        self.exact = ExactSearch(lambda: self.store, self.keyword.chunks_of)
        self.writer = Writer(self)
        self.writer.repair_on_open()

    # collaborators, created on first use so that listing documents needs no model
    @property
    def embeddings(self) -> Embeddings:
        if self._embeddings is None:
            with self._opening:
                if self._embeddings is None:
                    self._embeddings = make_embeddings(self.settings.embedding)
        return self._embeddings

    @property
    def store(self) -> VectorStore:
        if self._store is None:
            with self._opening:
                if self._store is None:
                    self._store = ChromaStore.from_settings(
                        self.settings, self.collection_name, self.embeddings
                    )
        return self._store

    def prefetch(self) -> None:
        """Load the embedding model and open the vector store on a second thread (both mostly
        outside the GIL): a first question needs them after it has been understood."""
        if self._prefetch is None and not self.is_empty:
            self._prefetch = threading.Thread(
                target=self._open_collaborators, name="policyqa-prefetch", daemon=True
            )
            self._prefetch.start()

    def _open_collaborators(self) -> None:
        try:
            self.embeddings.embed_query("预热")
            _ = self.store
        except Exception:  # the question that needs them will report the problem
            log.debug("prefetch failed", exc_info=True)

    @property
    def cache(self) -> VectorCache:
        if self._cache is None:
            self._cache = VectorCache(self.folder / "vectors.sqlite", self.model_id)
        return self._cache

    # the committed tables, kept in memory and refreshed when another process commits
    @property
    def generation(self) -> int:
        """Changes whenever a document is added, replaced or deleted (by any process)."""
        self._sync()
        return self._generation

    @contextlib.contextmanager
    def commit(self) -> Iterator[sqlite3.Connection]:
        """A transaction of this process's writer. The in-memory tables are not swapped while it
        commits, and the next sync knows the new generation as this process's own (a reader that
        took it for another process's would re-open the vector store under the writer's feet)."""
        with self._lock:
            with self.db.transaction() as conn:
                yield conn
            self._written += 1

    def refresh(self) -> None:
        """Serve what is committed now."""
        self._sync()

    def _sync(self) -> None:
        """Serve what is committed. A change this process did not commit itself came from
        another process, whose vectors an embedded store must re-read."""
        if self.db.generation() == self._generation:
            return
        with self._lock, self.db.snapshot() as conn:
            generation = int(
                conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]
            )
            ours = generation == self._generation + self._written
            if self._generation >= 0 and not ours and self._store is not None:
                self._store.reload()
            self._written = 0
            versions = self.tables.versions(conn)
            current = {d: v for d, (v, index_id) in versions.items() if index_id == self.index_id}
            changed = [
                d
                for d, v in current.items()
                if d not in self._stored or self._stored[d].version != v
            ]
            loaded = self.tables.load(changed, conn)
            stored: dict[str, StoredDoc] = {}
            for doc_id in current:
                found = loaded.get(doc_id) or self._stored.get(doc_id)
                if found is not None:
                    stored[doc_id] = found
            by_key = dict(self._by_key)  # copied, then swapped: readers never see half of it
            for doc_id, old in self._stored.items():
                if stored.get(doc_id) is not old:
                    for p in old.parsed.provisions:
                        by_key.pop((p.doc_id, p.key), None)
            for doc_id in loaded.keys() & stored.keys():
                by_key.update(((p.doc_id, p.key), p) for p in stored[doc_id].parsed.provisions)
            self._by_key = by_key
            self._stored = stored
            self._generation = generation
        log.debug(
            "index generation %d: %d documents, %d read", generation, len(stored), len(loaded)
        )

    def stale_sources(self) -> list[Path]:
        """Source files of documents indexed by another embedding, chunking or parser version, or
        by the JSON tables of an older release (still on disk): they are re-ingested on start."""
        entries = self.tables.manifest()
        legacy = {d: e for d, e in legacy_manifest(self.folder).items() if d not in entries}
        return [
            Path(e.source_path)
            for e in [*entries.values(), *legacy.values()]
            if (e.index_id != self.index_id or e.doc_id in legacy)
            and e.source_path
            and Path(e.source_path).is_file()
        ]

    @property
    def is_empty(self) -> bool:
        self._sync()
        return not self._stored

    def documents(self) -> list[Document]:
        self._sync()
        return [s.parsed.document for s in self._stored.values()]

    def document(self, doc_id: str) -> Document | None:
        stored = self._stored.get(doc_id)
        return stored.parsed.document if stored else None

    def warnings(self, doc_id: str) -> tuple[str, ...]:
        stored = self._stored.get(doc_id)
        return stored.parsed.warnings if stored else ()

    def provisions(self, doc_id: str | None = None) -> list[Provision]:
        """Provisions in document order (documents in ingest order)."""
        self._sync()
        if doc_id is not None:
            stored = self._stored.get(doc_id)
            return list(stored.parsed.provisions) if stored else []
        return [p for s in self._stored.values() for p in s.parsed.provisions]

    def provision(self, doc_id: str, key: str) -> Provision | None:
        return self._by_key.get((doc_id, key))

    def provision_tokens(self) -> Mapping[tuple[str, str], frozenset[str]]:
        """The token set of every served provision (computed at ingest), read when asked for."""
        self._sync()
        refs = {
            (p.doc_id, p.key): (p, pos, s.version)
            for s in self._stored.values()
            for pos, p in enumerate(s.parsed.provisions)
        }
        return TokenSets(self.tables, refs)

    def provision_df(self) -> tuple[Mapping[str, int], int] | None:
        """How many served provisions hold each token, and how many there are; None while the
        tables also hold documents of another index version (then count the token sets)."""
        self._sync()
        if len(self.tables.versions()) != len(self._stored):
            return None
        return self.tables.provision_df()

    # writing: `Writer` (one writer at a time, atomic per document)
    def ingest(self, paths: Sequence[Path], progress: Progress | None = None) -> IngestReport:
        return self.writer.ingest(paths, progress)

    def add_many(
        self, documents: Sequence[ParsedDocument], progress: Progress | None = None
    ) -> IngestReport:
        """Store parsed documents, each replacing its previous version (prepared ahead)."""
        return self.writer.add_many(documents, progress)

    def add(
        self, parsed: ParsedDocument, sha256: str | None = None, source_path: str | None = None
    ) -> str:
        """Store one parsed document, replacing its previous version: "added" or "replaced"."""
        return self.writer.add(parsed, sha256, source_path)

    def delete(self, doc_id: str) -> bool:
        """Remove a document from every part of the index; False (nothing touched) when `doc_id`
        is not a committed document. The id is only ever compared, never made into a path."""
        return self.writer.delete(doc_id)

    def reconcile(self, doc_id: str) -> str:
        """Vector store ⇐ tables for one document (see `repair.reconcile`)."""
        return self.writer.reconcile(doc_id)

    def verify(self) -> dict[str, str]:
        """Disagreements between the stores, per document (empty when consistent)."""
        return verify(
            tables=self.tables,
            keyword=self.keyword,
            store=self.store,
            index_id=self.index_id,
            window_chars=self.settings.ingest.window_chars,
        )

    # search
    def search_bm25(
        self, query: str, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Scored]:
        self._sync()
        return self._provisions_of(self.keyword.search(query, _chunk_k(k), doc_ids), k)

    def search_dense(
        self, query: str, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Scored]:
        if not query.strip() or self.is_empty:
            return []
        vector = self.embeddings.embed_query(query)
        if doc_ids is not None and len(doc_ids) <= EXACT_MAX_DOCS:
            stored = self._stored
            versions = {d: stored[d].version for d in doc_ids if d in stored}
            hits = self.exact.search(vector, _chunk_k(k), versions, doc_ids)
        else:
            hits = self.store.search(vector, _chunk_k(k), doc_ids)
        committed = self.keyword.committed([h.chunk_id for h in hits])
        return self._provisions_of((h for h in hits if h.chunk_id in committed), k)

    def _provisions_of(self, hits: Iterable[StoreHit], k: int) -> list[Scored]:
        """Chunk hits aggregated to their provisions: each provision at its best chunk's rank."""
        out: dict[tuple[str, str], Scored] = {}
        for hit in hits:
            ref = (hit.doc_id, hit.key)
            provision = self._by_key.get(ref)
            if provision is None or ref in out:
                continue
            out[ref] = Scored(provision, hit.score)
            if len(out) >= k:
                break
        return list(out.values())


def _chunk_k(k: int) -> int:
    """Chunks to fetch for k provisions: long provisions have several windows."""
    return 3 * k + 10
