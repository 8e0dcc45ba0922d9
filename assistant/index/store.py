"""The index: vector store + BM25 + provision tables, kept consistent per document.

Ingest is idempotent (a file whose sha256 is unchanged is skipped) and loses nothing on bad input:
every file is parsed, chunked and embedded before anything stored for its document is touched.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import threading
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.index.chroma import ChromaStore, StoreHit, VectorStore
from assistant.index.embeddings import embedding_id, make_embeddings, model_id_of
from assistant.index.keyword import KeywordIndex, Tokenizer
from assistant.index.tables import ManifestEntry, Tables
from ingest.chunk import chunk_provisions
from ingest.errors import IngestError
from ingest.model import Chunk, Document, ParsedDocument, Provision
from ingest.pipeline import parse_file, parser_fingerprint

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from assistant.settings import Settings

log = logging.getLogger(__name__)

SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".docx", ".pdf"})
CHUNKING_VERSION = 1  # bump when ingest.chunk changes what a chunk is
Progress = Callable[[str, float], None]


@dataclass(frozen=True, slots=True)
class IngestReport:
    added: tuple[str, ...] = ()  # doc_ids
    replaced: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    failed: tuple[tuple[str, str], ...] = ()  # (path, Chinese message naming the file)
    warnings: tuple[tuple[str, str], ...] = ()  # (path, parser warning)

    @property
    def ok(self) -> bool:
        return not self.failed


@dataclass(frozen=True, slots=True)
class Scored:
    provision: Provision
    score: float


def compute_index_id(embedding: str, window_chars: int) -> str:
    """Hash of what decides the index: the embedding model, the chunking settings and the parser
    (a changed parser re-parses and re-indexes every file)."""
    spec = {
        "embedding": embedding,
        "window_chars": window_chars,
        "chunking": CHUNKING_VERSION,
        "parser": parser_fingerprint(),
    }
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()[:12]


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files as given; folders expanded (recursively, sorted) to the supported suffixes."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        else:
            out.append(path)
    return list(dict.fromkeys(out))


def file_sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


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
        model = model_id_of(embeddings) if embeddings else embedding_id(settings.embedding)
        self.index_id = compute_index_id(model, settings.ingest.window_chars)
        self.collection_name = f"policyqa-{self.index_id}"
        self._store = store
        self._lock = threading.RLock()
        self._tables = Tables(self.folder)
        self._keyword_path = self.folder / "keyword" / f"{self.index_id}.json"
        self._keyword = KeywordIndex.load(self._keyword_path, tokenize)
        self._manifest = self._tables.load_manifest()
        self._parsed: dict[str, ParsedDocument] = {}
        self._by_key: dict[tuple[str, str], Provision] = {}
        for doc_id, entry in self._manifest.items():
            parsed = self._tables.load_doc(doc_id) if entry.index_id == self.index_id else None
            if parsed is not None:
                self._remember(parsed)

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

    # tables
    def _remember(self, parsed: ParsedDocument) -> None:
        self._forget(parsed.document.doc_id)
        self._parsed[parsed.document.doc_id] = parsed
        for p in parsed.provisions:
            self._by_key[(p.doc_id, p.key)] = p

    def _forget(self, doc_id: str) -> None:
        old = self._parsed.pop(doc_id, None)
        if old is not None:
            for p in old.provisions:
                self._by_key.pop((p.doc_id, p.key), None)

    def stale_sources(self) -> list[Path]:
        """Source files of documents indexed by another embedding, chunking or parser version
        (still on disk): they are re-ingested on start."""
        return [
            Path(e.source_path)
            for e in self._manifest.values()
            if e.index_id != self.index_id and e.source_path and Path(e.source_path).is_file()
        ]

    @property
    def is_empty(self) -> bool:
        return not self._parsed

    def documents(self) -> list[Document]:
        return [p.document for p in self._parsed.values()]

    def document(self, doc_id: str) -> Document | None:
        parsed = self._parsed.get(doc_id)
        return parsed.document if parsed else None

    def warnings(self, doc_id: str) -> tuple[str, ...]:
        parsed = self._parsed.get(doc_id)
        return parsed.warnings if parsed else ()

    def provisions(self, doc_id: str | None = None) -> list[Provision]:
        """Provisions in document order (documents in ingest order)."""
        if doc_id is not None:
            parsed = self._parsed.get(doc_id)
            return list(parsed.provisions) if parsed else []
        return [p for parsed in self._parsed.values() for p in parsed.provisions]

    def provision(self, doc_id: str, key: str) -> Provision | None:
        return self._by_key.get((doc_id, key))

    # ingest
    def ingest(self, paths: Sequence[Path], progress: Progress | None = None) -> IngestReport:
        files = expand_paths(Path(p) for p in paths)
        outcome: dict[str, list[str]] = {"added": [], "replaced": [], "unchanged": []}
        failed: list[tuple[str, str]] = []
        warnings: list[tuple[str, str]] = []
        for n, path in enumerate(files):
            if progress:
                progress(path.name, n / len(files))
            try:
                result, doc_id, notes = self._ingest_file(path)
            except IngestError as exc:
                failed.append((str(path), str(exc)))
                continue
            except Exception as exc:  # a broken file must not stop the batch
                log.exception("ingest of %s failed", path)
                failed.append(
                    (str(path), f"文件 {path.name}：处理失败（{type(exc).__name__}: {exc}）")
                )
                continue
            outcome[result].append(doc_id)
            warnings.extend((str(path), w) for w in notes)
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

    def _ingest_file(self, path: Path) -> tuple[str, str, tuple[str, ...]]:
        if not path.is_file():
            raise IngestError(path, "文件不存在")
        if path.stat().st_size > self.settings.ingest.max_upload_bytes:
            raise IngestError(path, f"文件超过 {self.settings.ingest.max_upload_bytes} 字节上限")
        sha = file_sha256(path.read_bytes())
        doc_id = path.stem
        if self._is_current(doc_id, sha):
            return "unchanged", doc_id, ()
        parsed = parse_file(path)
        result = self.add(parsed, sha256=sha, source_path=str(path))
        return result, parsed.document.doc_id, parsed.warnings

    def _is_current(self, doc_id: str, sha: str) -> bool:
        entry = self._manifest.get(doc_id)
        return (
            entry is not None
            and entry.sha256 == sha
            and entry.index_id == self.index_id
            and doc_id in self._parsed
            and doc_id in self._keyword.doc_ids()
            and bool(self.store.doc_chunk_ids(doc_id))
        )

    def add(
        self, parsed: ParsedDocument, sha256: str | None = None, source_path: str | None = None
    ) -> str:
        """Store one parsed document, replacing its previous version: "added" or "replaced"."""
        doc = parsed.document
        sha = (
            sha256
            or doc.sha256
            or file_sha256("\n".join(p.text for p in parsed.provisions).encode())
        )
        source = source_path if source_path is not None else doc.source_path
        doc = dataclasses.replace(doc, sha256=sha, source_path=source)
        parsed = dataclasses.replace(parsed, document=doc)
        window = self.settings.ingest.window_chars
        by_id = {c.chunk_id: c for c in chunk_provisions(parsed.provisions, window_chars=window)}
        chunks = list(by_id.values())
        if not chunks:
            raise IngestError(source or doc.doc_id, "未解析出可检索的条款")
        with self._lock:
            old_ids = self.store.doc_chunk_ids(doc.doc_id)
            vectors = self._vectors(chunks, old_ids)
            result = "replaced" if doc.doc_id in self._parsed else "added"
            self.store.upsert(chunks, vectors)  # upsert, then drop stale chunks: never empty
            self.store.delete(old_ids - {c.chunk_id for c in chunks})
            self._tables.save_doc(parsed)
            self._keyword.set_doc(doc.doc_id, chunks)
            self._keyword.save(self._keyword_path)
            self._manifest[doc.doc_id] = ManifestEntry(doc.doc_id, sha, source, self.index_id)
            self._tables.save_manifest(self._manifest)  # the manifest last: it commits the doc
            self._remember(parsed)
        log.info(
            "%s %s: %d provisions, %d chunks",
            result,
            doc.doc_id,
            len(parsed.provisions),
            len(chunks),
        )
        return result

    def _vectors(self, chunks: list[Chunk], old_ids: set[str]) -> list[list[float]]:
        """Vectors for the chunks: unchanged chunks (same content id) keep their stored vector."""
        known = self.store.vectors([c.chunk_id for c in chunks if c.chunk_id in old_ids])
        todo = [c for c in chunks if c.chunk_id not in known]
        fresh = dict(
            zip(
                (c.chunk_id for c in todo),
                self.embeddings.embed_documents([c.text for c in todo]) if todo else [],
                strict=True,
            )
        )
        log.debug("embedded %d chunks, re-used %d", len(todo), len(known))
        return [known.get(c.chunk_id) or fresh[c.chunk_id] for c in chunks]

    def delete(self, doc_id: str) -> bool:
        """Remove a document from every part of the index; False when it was not there."""
        with self._lock:
            known = doc_id in self._manifest or doc_id in self._parsed
            self.store.delete_doc(doc_id)
            self._keyword.remove_doc(doc_id)
            self._keyword.save(self._keyword_path)
            self._tables.remove_doc(doc_id)
            if self._manifest.pop(doc_id, None) is not None:
                self._tables.save_manifest(self._manifest)
            self._forget(doc_id)
        return known

    # search
    def search_bm25(
        self, query: str, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Scored]:
        return self._provisions_of(self._keyword.search(query, _chunk_k(k), doc_ids), k)

    def search_dense(
        self, query: str, k: int, doc_ids: Collection[str] | None = None
    ) -> list[Scored]:
        if not query.strip() or self.is_empty:
            return []
        vector = self.embeddings.embed_query(query)
        return self._provisions_of(self.store.search(vector, _chunk_k(k), doc_ids), k)

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
