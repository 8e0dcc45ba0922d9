"""Writing the index: one writer at a time, each document atomic across every store.

See `store` for the three steps of a commit. Files (or parsed documents) are prepared on a
second thread while the previous group is embedded and committed; documents are committed in
groups of about `GROUP_CHUNKS` chunks, so that one embedding pass and one vector-store request
serve several documents, and each document still flips at its own SQLite commit.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from assistant.index.batch import (
    IngestReport,
    Prepared,
    expand_paths,
    file_sha256,
    prepare_ahead,
)
from assistant.index.corpus import provision_tokens
from assistant.index.embeddings import pooled_vector
from assistant.index.faults import checkpoint
from assistant.index.lock import IngestLock
from assistant.index.repair import reconcile
from assistant.index.sqlite import Database
from assistant.index.tables import ManifestEntry, legacy_manifest, remove_legacy
from ingest.chunk import chunk_provisions
from ingest.errors import IngestError
from ingest.ids import doc_id_for
from ingest.model import Chunk, ParsedDocument
from ingest.pipeline import parse_file
from ingest.reader import read_bytes

if TYPE_CHECKING:
    from assistant.index.store import Index

log = logging.getLogger(__name__)

Progress = Callable[[str, float], None]
T = TypeVar("T")
GROUP_CHUNKS = 256  # documents are committed in groups of about this many chunks


class Writer:
    """Ingest, add, delete and repair for one `Index`."""

    def __init__(self, index: Index) -> None:
        self.index = index
        self.lock = IngestLock(index.folder, index.settings.ingest.lock_timeout_s)

    def repair_on_open(self) -> None:
        """Repair what a killed process left, unless another process is writing right now."""
        if self.index.tables.pending() and self.lock.try_hold():
            try:
                self.repair()
            finally:
                self.lock.release()

    def ingest(self, paths: Sequence[Path], progress: Progress | None = None) -> IngestReport:
        files = expand_paths(Path(p) for p in paths)
        with self.writing(progress):
            manifest = self.index.tables.manifest()
            report = self._run(
                files, lambda path: self._prepare_file(path, manifest), lambda p: p.name, progress
            )
            if not legacy_manifest(self.index.folder).keys() - self.index.tables.manifest().keys():
                remove_legacy(self.index.folder)
        return report

    def add_many(
        self, documents: Sequence[ParsedDocument], progress: Progress | None = None
    ) -> IngestReport:
        """Store parsed documents (each replacing its previous version), prepared ahead like
        files are: what `add` does, for a batch."""
        with self.writing(progress):
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
        group: list[tuple[str, Prepared]] = []

        def commit() -> None:
            try:
                results = self._commit_group([p for _, p in group])
            except Exception as exc:  # the vector store failed: none of the group is committed
                log.exception("commit of %s failed", [w for w, _ in group])
                failed.extend(
                    (w, f"文件 {w}：写入索引失败（{type(exc).__name__}: {exc}）") for w, _ in group
                )
            else:
                for (where, prepared), result in zip(group, results, strict=True):
                    outcome[result].append(prepared.parsed.document.doc_id)
                    warnings.extend((where, w) for w in prepared.parsed.warnings)
            group.clear()

        for n, (item, future) in enumerate(prepare_ahead(items, prepare)):
            where = str(item) if isinstance(item, Path) else name(item)
            if progress:
                progress(name(item), n / len(items))
            try:
                result = future.result()
            except IngestError as exc:
                failed.append((where, str(exc)))
                continue
            except Exception as exc:  # a broken file must not stop the batch
                log.exception("ingest of %s failed", where)
                failed.append(
                    (where, f"文件 {name(item)}：处理失败（{type(exc).__name__}: {exc}）")
                )
                continue
            if isinstance(result, str):
                outcome["unchanged"].append(result)
                continue
            group.append((where, result))
            if sum(len(p.chunks) for _, p in group) >= GROUP_CHUNKS:
                commit()
        if group:
            commit()
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
        if path.stat().st_size > self.index.settings.ingest.max_upload_bytes:
            raise IngestError(
                path, f"文件超过 {self.index.settings.ingest.max_upload_bytes} 字节上限"
            )
        sha = file_sha256(read_bytes(path))
        doc_id = doc_id_for(path)
        entry = manifest.get(doc_id)
        if entry and entry.sha256 == sha and entry.index_id == self.index.index_id:
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
        window = self.index.settings.ingest.window_chars
        chunks = tuple(chunk_provisions(parsed.provisions, window_chars=window))
        if not chunks:
            raise IngestError(source or doc.doc_id, "未解析出可检索的条款")
        checkpoint("parsed", doc.doc_id)
        return Prepared(
            parsed,
            chunks,
            self.index.keyword.analyse(chunks),
            tuple(provision_tokens(p) for p in parsed.provisions),
        )

    def add(
        self, parsed: ParsedDocument, sha256: str | None = None, source_path: str | None = None
    ) -> str:
        """Store one parsed document, replacing its previous version: "added" or "replaced"."""
        prepared = self._prepare(parsed, sha256, source_path)
        with self.writing(None):
            return self._commit_group([prepared])[0]

    def _commit_group(self, group: Sequence[Prepared]) -> list[str]:
        """The three steps of the module docstring for a few documents at once (one embedding
        pass and one vector-store write for all of them); each document flips at its own
        commit. Returns "added" or "replaced" per document."""
        chunks = [c for p in group for c in p.chunks]
        doc_ids = [p.parsed.document.doc_id for p in group]
        vectors = self._vectors(chunks, doc_ids)
        results = ["replaced" if self.index.document(d) is not None else "added" for d in doc_ids]
        known = {d for d in doc_ids if self.index.tables.has(d)}
        self.index.tables.begin_pending(doc_ids, "replace")
        self.index.store.upsert(chunks, vectors)
        for doc_id in doc_ids:
            checkpoint("vectors", doc_id)
        for prepared in group:
            doc = prepared.parsed.document
            entry = ManifestEntry(doc.doc_id, doc.sha256, doc.source_path, self.index.index_id)
            with self.index.commit() as conn:
                version = Database.bump_generation(conn)
                self.index.tables.write_doc(conn, prepared.parsed, entry, prepared.tokens, version)
                self.index.keyword.write_doc(conn, doc.doc_id, prepared.analysed)
            checkpoint("tables", doc.doc_id)
        for prepared in group:
            doc_id = prepared.parsed.document.doc_id
            if doc_id in known:  # a document seen before may have older chunks in the store
                new_ids = {c.chunk_id for c in prepared.chunks}
                self.index.store.delete(self.index.store.doc_chunk_ids(doc_id) - new_ids)
            checkpoint("cleanup", doc_id)
        self.index.tables.end_pending(doc_ids)
        self.index.refresh()
        for prepared, result in zip(group, results, strict=True):
            log.info(
                "%s %s: %d provisions, %d chunks",
                result,
                prepared.parsed.document.doc_id,
                len(prepared.parsed.provisions),
                len(prepared.chunks),
            )
        return results

    def _vectors(self, chunks: Sequence[Chunk], doc_ids: Sequence[str] = ()) -> list[list[float]]:
        """A vector per chunk: from the cache by text, the rest embedded in batches (each batch
        cached at once, so an interrupted ingest keeps what it embedded); a pooled chunk's
        vector from its windows' (`pooled_vector`)."""
        texts = [t for c in chunks for t in (c.pooled_from or (c.text,))]
        known = self.index.cache.get(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        size = max(1, self.index.settings.ingest.embed_batch)
        for start in range(0, len(todo), size):
            batch = todo[start : start + size]
            fresh = self.index.embeddings.embed_documents(batch)
            self.index.cache.put(batch, fresh)
            known.update(zip(batch, fresh, strict=True))
            for doc_id in doc_ids:
                checkpoint("embedding", doc_id)
        log.debug("embedded %d texts, %d from the cache", len(todo), len(texts) - len(todo))
        return [
            pooled_vector([(t, known[t]) for t in c.pooled_from])
            if c.pooled_from
            else known[c.text]
            for c in chunks
        ]

    def delete(self, doc_id: str) -> bool:
        """Remove a document from every part of the index; False (nothing touched) when `doc_id`
        is not a committed document. The id is only ever compared, never made into a path."""
        with self.writing(None):
            if doc_id not in self.index.tables.manifest():
                return False
            self.index.tables.begin_pending([doc_id], "delete")
            with self.index.commit() as conn:
                Database.bump_generation(conn)
                self.index.tables.delete_doc(conn, doc_id)
                self.index.keyword.delete_doc(conn, doc_id)
            self.index.store.delete_doc(doc_id)
            self.index.tables.end_pending([doc_id])
            self.index.refresh()
        return True

    @contextlib.contextmanager
    def writing(self, progress: Progress | None) -> Iterator[None]:
        """One writer at a time (threads and processes); interrupted work repaired first."""
        waiting = (lambda message: progress(message, 0.0)) if progress else log.warning
        with self.lock.hold(waiting):
            if self.index.tables.pending():
                self.repair()
            yield

    def repair(self) -> None:
        """Make the vector store hold exactly the committed chunks of each journalled document."""
        for doc_id in self.index.tables.pending():
            self.index.repairs.append(self.reconcile(doc_id))
            log.warning("%s", self.index.repairs[-1])
            self.index.tables.end_pending([doc_id])

    def reconcile(self, doc_id: str) -> str:
        """Vector store ⇐ tables for one document (see `repair.reconcile`)."""
        return reconcile(
            doc_id,
            tables=self.index.tables,
            keyword=self.index.keyword,
            store=self.index.store,
            vectors=self._vectors,
            index_id=self.index.index_id,
            window_chars=self.index.settings.ingest.window_chars,
        )
