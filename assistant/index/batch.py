"""What an ingest batch needs before it touches a store: the files, their ids and hashes, the index
id, the report, and a second thread that prepares the next documents while one is embedded."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from ingest.model import Chunk, ParsedDocument
from ingest.pipeline import parser_fingerprint

SUFFIXES = frozenset({".txt", ".md", ".html", ".htm", ".docx", ".xlsx", ".pdf"})
CHUNKING_VERSION = 3  # bump when ingest.chunk changes what a chunk is

T = TypeVar("T")
R = TypeVar("R")


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
class Prepared:
    """A document ready to commit: parsed, chunked and analysed (no store touched yet)."""

    parsed: ParsedDocument
    chunks: tuple[Chunk, ...]
    analysed: list[tuple[Chunk, list[str]]]  # each chunk with its keyword terms
    tokens: tuple[frozenset[str], ...]  # each provision's token set


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


def prepare_ahead(
    items: Sequence[T], prepare: Callable[[T], R], ahead: int = 2
) -> Iterator[tuple[T, Future[R]]]:
    """Each item with the future of its preparation, run on a second thread up to `ahead` items
    before the one the caller is working on: parsing and jieba (Python, one core) overlap the
    embedding engine (C, the GIL released)."""
    with ThreadPoolExecutor(1, thread_name_prefix="policyqa-prepare") as pool:
        queued: dict[int, Future[R]] = {}
        for n, item in enumerate(items):
            for m in range(n, min(n + ahead + 1, len(items))):
                if m not in queued:
                    queued[m] = pool.submit(prepare, items[m])
            yield item, queued.pop(n)
