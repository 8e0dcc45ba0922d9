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
import dataclasses
import logging
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from assistant.index.batch import (
    SUFFIXES,
    IngestReport,
    Prepared,
    compute_index_id,
    expand_paths,
    file_sha256,
    prepare_ahead,
)
from assistant.index.cache import VectorCache
from assistant.index.chroma import ChromaStore, StoreHit, VectorStore
from assistant.index.corpus import provision_tokens
from assistant.index.embeddings import embedding_id, make_embeddings, model_id_of
from assistant.index.faults import checkpoint
from assistant.index.keyword import KeywordIndex, Tokenizer
from assistant.index.lock import IngestLock
from assistant.index.repair import reconcile, verify
from assistant.index.sqlite import Database
from assistant.index.tables import ManifestEntry, StoredDoc, Tables, legacy_manifest, remove_legacy
from ingest import segment
from ingest.chunk import chunk_provisions
from ingest.errors import IngestError
from ingest.ids import doc_id_for
from ingest.model import Chunk, Document, ParsedDocument, Provision
from ingest.pipeline import parse_file
from ingest.reader import read_bytes

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
T = TypeVar("T")


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
        self._db = Database(self.folder / "index.sqlite")
        self._tables = Tables(self._db)
        self._keyword = KeywordIndex(self._db, tokenize)
        self._writer = IngestLock(self.folder, settings.ingest.lock_timeout_s)
        self._cache: VectorCache | None = None
        self.repairs: list[str] = []  # what was repaired after an interrupted ingest (Chinese)
        self._generation = -1
        self._stored: dict[str, StoredDoc] = {}
        self._by_key: dict[tuple[str, str], Provision] = {}
        if tokenize is None and self._db.generation() > 0:
            # the first question needs jieba's dictionary (a second to load): load it meanwhile
            threading.Thread(target=segment.tokenizer, name="policyqa-jieba", daemon=True).start()
        self._sync()
        if self._tables.pending() and self._writer.try_hold():
            try:
                self._repair()
            finally:
                self._writer.release()

    # collaborators, created on first use so that listing documents needs no model
    @property
    def embeddings(self) -> Embeddings:
        if self._embeddings is None:
            self._embeddings = make_embeddings(self.settings.embedding)
        return self._embeddings

    @property
    def store(self) -> VectorStore:
        if self._store is None:
            self._store = ChromaStore.from_settings(
                self.settings, self.collection_name, self.embeddings
            )
        return self._store

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

    def _sync(self, written: int | None = None) -> None:
        """Serve what is committed. `written`: the generation this process just committed; any
        other change came from another process, whose vectors an embedded store must re-read."""
        if self._db.generation() == self._generation:
            return
        with self._lock, self._db.snapshot() as conn:
            generation = int(
                conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]
            )
            ours = written is not None and written == generation == self._generation + 1
            if self._generation >= 0 and not ours and self._store is not None:
                self._store.reload()
            versions = self._tables.versions(conn)
            current = {d: v for d, (v, index_id) in versions.items() if index_id == self.index_id}
            changed = [
                d
                for d, v in current.items()
                if d not in self._stored or self._stored[d].version != v
            ]
            loaded = self._tables.load(changed, conn)
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
        entries = self._tables.manifest()
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

    def provision_tokens(self) -> dict[tuple[str, str], frozenset[str]]:
        """The token set of every provision, computed at ingest (support scoring needs them)."""
        self._sync()
        return {
            (p.doc_id, p.key): toks
            for s in self._stored.values()
            for p, toks in zip(s.parsed.provisions, s.tokens, strict=True)
        }

    # ingest
    def ingest(self, paths: Sequence[Path], progress: Progress | None = None) -> IngestReport:
        files = expand_paths(Path(p) for p in paths)
        with self._writing(progress):
            manifest = self._tables.manifest()
            report = self._run(
                files, lambda path: self._prepare_file(path, manifest), lambda p: p.name, progress
            )
            if not legacy_manifest(self.folder).keys() - self._tables.manifest().keys():
                remove_legacy(self.folder)
        return report

    def add_many(
        self, documents: Sequence[ParsedDocument], progress: Progress | None = None
    ) -> IngestReport:
        """Store parsed documents (each replacing its previous version), prepared ahead like
        files are: what `add` does, for a batch."""
        with self._writing(progress):
            return self._run(
                documents,
                lambda parsed: self._prepare(parsed, None, None),
                lambda parsed: parsed.document.doc_id,
                progress,
            )

    def _run(
        self,
        items: Sequence[T],
        prepare: Callable[[T], Prepared | str],
        name: Callable[[T], str],
        progress: Progress | None,
    ) -> IngestReport:
        """Prepare each item on the second thread, commit it here; a failure is reported and
        the batch goes on. `prepare` returns a doc_id for an unchanged document."""
        outcome: dict[str, list[str]] = {"added": [], "replaced": [], "unchanged": []}
        failed: list[tuple[str, str]] = []
        warnings: list[tuple[str, str]] = []
        for n, (item, future) in enumerate(prepare_ahead(items, prepare)):
            where = str(item) if isinstance(item, Path) else name(item)
            if progress:
                progress(name(item), n / len(items))
            try:
                result = future.result()
                if isinstance(result, str):
                    outcome["unchanged"].append(result)
                    continue
                outcome[self._commit(result)].append(result.parsed.document.doc_id)
                warnings.extend((where, w) for w in result.parsed.warnings)
            except IngestError as exc:
                failed.append((where, str(exc)))
            except Exception as exc:  # a broken file must not stop the batch
                log.exception("ingest of %s failed", where)
                failed.append(
                    (where, f"文件 {name(item)}：处理失败（{type(exc).__name__}: {exc}）")
                )
        if progress:
            progress("完成", 1.0)
        report = IngestReport(
            added=tuple(outcome["added"]),
            replaced=tuple(outcome["replaced"]),
            unchanged=tuple(outcome["unchanged"]),
            failed=tuple(failed),
            warnings=tuple(warnings),
        )
        log.info(
            "ingest: %d added, %d replaced, %d unchanged, %d failed",
            len(report.added),
            len(report.replaced),
            len(report.unchanged),
            len(report.failed),
        )
        return report

    def _prepare_file(self, path: Path, manifest: dict[str, ManifestEntry]) -> Prepared | str:
        if not path.is_file():
            raise IngestError(path, "文件不存在")
        if path.stat().st_size > self.settings.ingest.max_upload_bytes:
            raise IngestError(path, f"文件超过 {self.settings.ingest.max_upload_bytes} 字节上限")
        sha = file_sha256(read_bytes(path))
        doc_id = doc_id_for(path)
        entry = manifest.get(doc_id)
        if entry and entry.sha256 == sha and entry.index_id == self.index_id:
            return doc_id
        parsed = parse_file(path)
        return self._prepare(parsed, sha, str(path))

    def _prepare(self, parsed: ParsedDocument, sha: str | None, source: str | None) -> Prepared:
        doc = parsed.document
        sha = (
            sha or doc.sha256 or file_sha256("\n".join(p.text for p in parsed.provisions).encode())
        )
        source = source if source is not None else doc.source_path
        parsed = dataclasses.replace(
            parsed, document=dataclasses.replace(doc, sha256=sha, source_path=source)
        )
        window = self.settings.ingest.window_chars
        chunks = tuple(chunk_provisions(parsed.provisions, window_chars=window))
        if not chunks:
            raise IngestError(source or doc.doc_id, "未解析出可检索的条款")
        checkpoint("parsed", doc.doc_id)
        return Prepared(
            parsed,
            chunks,
            self._keyword.analyse(chunks),
            tuple(provision_tokens(p) for p in parsed.provisions),
        )

    def add(
        self, parsed: ParsedDocument, sha256: str | None = None, source_path: str | None = None
    ) -> str:
        """Store one parsed document, replacing its previous version: "added" or "replaced"."""
        prepared = self._prepare(parsed, sha256, source_path)
        with self._writing(None):
            return self._commit(prepared)

    def _commit(self, prepared: Prepared) -> str:
        """The three steps of the module docstring, for one document."""
        parsed, chunks = prepared.parsed, prepared.chunks
        doc = parsed.document
        vectors = self._vectors(chunks)
        result = "replaced" if doc.doc_id in self._stored else "added"
        known = self._tables.has(doc.doc_id)
        new_ids = {c.chunk_id for c in chunks}
        self._tables.begin_pending(doc.doc_id, "replace")
        self.store.upsert(chunks, vectors)
        checkpoint("vectors", doc.doc_id)
        entry = ManifestEntry(doc.doc_id, doc.sha256, doc.source_path, self.index_id)
        with self._db.transaction() as conn:
            version = Database.bump_generation(conn)
            self._tables.write_doc(conn, parsed, entry, prepared.tokens, version)
            self._keyword.write_doc(conn, doc.doc_id, prepared.analysed)
        checkpoint("tables", doc.doc_id)
        if known:  # a document seen before may have older chunks in the vector store
            self.store.delete(self.store.doc_chunk_ids(doc.doc_id) - new_ids)
        checkpoint("cleanup", doc.doc_id)
        self._tables.end_pending(doc.doc_id)
        self._sync(written=version)
        log.info(
            "%s %s: %d provisions, %d chunks",
            result,
            doc.doc_id,
            len(parsed.provisions),
            len(chunks),
        )
        return result

    def _vectors(self, chunks: Sequence[Chunk]) -> list[list[float]]:
        """A vector per chunk: from the cache by text, the rest embedded in batches (each batch
        cached at once, so an interrupted ingest keeps what it embedded)."""
        texts = [c.text for c in chunks]
        known = self.cache.get(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        size = max(1, self.settings.ingest.embed_batch)
        for start in range(0, len(todo), size):
            batch = todo[start : start + size]
            fresh = self.embeddings.embed_documents(batch)
            self.cache.put(batch, fresh)
            known.update(zip(batch, fresh, strict=True))
            checkpoint("embedding", chunks[0].doc_id)
        log.debug("embedded %d texts, %d from the cache", len(todo), len(texts) - len(todo))
        return [known[t] for t in texts]

    def delete(self, doc_id: str) -> bool:
        """Remove a document from every part of the index; False (nothing touched) when `doc_id`
        is not a committed document. The id is only ever compared, never made into a path."""
        with self._writing(None):
            if doc_id not in self._tables.manifest():
                return False
            self._tables.begin_pending(doc_id, "delete")
            with self._db.transaction() as conn:
                version = Database.bump_generation(conn)
                self._tables.delete_doc(conn, doc_id)
                self._keyword.delete_doc(conn, doc_id)
            self.store.delete_doc(doc_id)
            self._tables.end_pending(doc_id)
            self._sync(written=version)
        return True

    # consistency
    @contextlib.contextmanager
    def _writing(self, progress: Progress | None) -> Iterator[None]:
        """One writer at a time (threads and processes); interrupted work repaired first."""
        waiting = (lambda message: progress(message, 0.0)) if progress else log.warning
        with self._writer.hold(waiting):
            if self._tables.pending():
                self._repair()
            yield

    def _repair(self) -> None:
        """Make the vector store hold exactly the committed chunks of each journalled document."""
        for doc_id in self._tables.pending():
            self.repairs.append(self.reconcile(doc_id))
            log.warning("%s", self.repairs[-1])
            self._tables.end_pending(doc_id)

    def reconcile(self, doc_id: str) -> str:
        """Vector store ⇐ tables for one document (see `repair.reconcile`)."""
        return reconcile(
            doc_id,
            tables=self._tables,
            keyword=self._keyword,
            store=self.store,
            vectors=self._vectors,
            index_id=self.index_id,
            window_chars=self.settings.ingest.window_chars,
        )

    def verify(self) -> dict[str, str]:
        """Disagreements between the stores, per document (empty when consistent)."""
        return verify(
            tables=self._tables,
            keyword=self._keyword,
            store=self.store,
            index_id=self.index_id,
            window_chars=self.settings.ingest.window_chars,
        )

    # search
    def search_bm25(
        self, query: str, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Scored]:
        self._sync()
        return self._provisions_of(self._keyword.search(query, _chunk_k(k), doc_ids), k)

    def search_dense(
        self, query: str, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Scored]:
        if not query.strip() or self.is_empty:
            return []
        vector = self.embeddings.embed_query(query)
        hits = self.store.search(vector, _chunk_k(k), doc_ids)
        committed = self._keyword.committed([h.chunk_id for h in hits])
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
