"""A content-addressed cache of passage vectors: (embedding model id, sha256 of the text) → vector.

Kept under the index folder in its own SQLite file (`vectors.sqlite`), apart from the tables: it
survives re-ingests, parser and chunking changes, a deleted document that comes back, and a rebuilt
vector store. A text is embedded once per model, whatever document or chunk carries it.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

Vector = list[float]

SCHEMA = """CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    digest BLOB NOT NULL,
    vector BLOB NOT NULL,      -- float32, little-endian
    PRIMARY KEY (model, digest)
) WITHOUT ROWID"""


def text_digest(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()[:20]


class VectorCache:
    """Vectors by (model id, text digest); safe for several threads and processes (SQLite WAL)."""

    def __init__(self, path: Path, model_id: str) -> None:
        self.path = Path(path)
        self.model_id = model_id
        self._local = threading.local()
        self.hits = 0
        self.misses = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._conn().execute(SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            self._local.conn = conn
        return conn

    def get(self, texts: Sequence[str]) -> dict[str, Vector]:
        """Cached vectors of those texts that have one."""
        digests = {text_digest(t): t for t in dict.fromkeys(texts)}
        found: dict[str, Vector] = {}
        keys = list(digests)
        conn = self._conn()
        for start in range(0, len(keys), 500):
            part = keys[start : start + 500]
            rows = conn.execute(
                "SELECT digest, vector FROM vectors WHERE model = ? AND digest IN"
                f" ({','.join('?' * len(part))})",
                (self.model_id, *part),
            )
            for digest, blob in rows:
                found[digests[bytes(digest)]] = np.frombuffer(blob, dtype="<f4").tolist()
        self.hits += len(found)
        self.misses += len(digests) - len(found)
        return found

    def put(self, texts: Sequence[str], vectors: Sequence[Sequence[float]]) -> None:
        rows = [
            (self.model_id, text_digest(t), np.asarray(v, dtype="<f4").tobytes())
            for t, v in zip(texts, vectors, strict=True)
        ]
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)", rows)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def vectors(
        self, texts: Sequence[str], embed: Callable[[list[str]], list[Vector]]
    ) -> list[Vector]:
        """A vector for every text, in order: cached ones read, the others embedded (each distinct
        text once) and stored."""
        known = self.get(texts)
        todo = [t for t in dict.fromkeys(texts) if t not in known]
        if todo:
            fresh = embed(todo)
            self.put(todo, fresh)
            known.update(zip(todo, fresh, strict=True))
        log.debug("vectors: %d cached, %d embedded", len(texts) - len(todo), len(todo))
        return [known[t] for t in texts]

    def __len__(self) -> int:
        row = (
            self._conn()
            .execute("SELECT COUNT(*) FROM vectors WHERE model = ?", (self.model_id,))
            .fetchone()
        )
        return int(row[0])
