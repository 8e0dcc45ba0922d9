"""The index's SQLite file: tables, keyword index and manifest in one database, so that a document is
committed to all of them in one transaction. WAL mode: readers (other threads, other app processes)
never block the writer and always see a committed state."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = 3  # also in the file's name: another version is a legacy index

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,          -- ingest order (documents are listed in it)
    sha256 TEXT NOT NULL,
    source_path TEXT NOT NULL,
    index_id TEXT NOT NULL,
    version INTEGER NOT NULL,      -- the generation that committed this version
    data TEXT NOT NULL             -- document metadata and parser warnings, JSON
);
CREATE TABLE IF NOT EXISTS provisions (
    doc_id TEXT NOT NULL,
    pos INTEGER NOT NULL,
    key TEXT NOT NULL,
    label TEXT NOT NULL,
    number TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    path_titles TEXT NOT NULL,     -- lists: joined by U+001F (see rows.py)
    kind TEXT NOT NULL,
    lead TEXT NOT NULL,
    co TEXT NOT NULL,
    implementers TEXT NOT NULL,
    deadline TEXT,
    raw TEXT NOT NULL,
    responsible TEXT NOT NULL,
    spans TEXT NOT NULL,           -- JSON lists, '' for none
    tokens TEXT NOT NULL,          -- its token set for support scoring, joined by U+001F
    PRIMARY KEY (doc_id, pos)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS chunks (
    id INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL,
    key TEXT NOT NULL,
    length INTEGER NOT NULL        -- BM25 document length (tokens)
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks (doc_id);
CREATE TABLE IF NOT EXISTS postings (
    term TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    n INTEGER NOT NULL,            -- chunks of this document holding the term
    data BLOB NOT NULL,            -- int32 triples: chunk row id, term frequency, chunk length
    PRIMARY KEY (term, doc_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS postings_doc ON postings (doc_id);
CREATE TABLE IF NOT EXISTS terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS provision_terms (    -- support scoring: provisions holding each token
    term TEXT PRIMARY KEY,
    df INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending (
    doc_id TEXT PRIMARY KEY,       -- a document whose vectors are being replaced in the vector store
    action TEXT NOT NULL,
    started REAL NOT NULL
);
"""


class Database:
    """One SQLite file; a connection per thread; writes in explicit transactions."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._write = threading.RLock()
        with self.transaction() as conn:
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
                conn.execute("INSERT INTO meta VALUES ('generation', '0')")
            elif int(row[0]) != SCHEMA_VERSION:
                raise ValueError(f"索引数据库 {self.path} 的格式版本 {row[0]} 不受支持")

    def connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=60)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL: a killed process loses nothing
            conn.execute("PRAGMA foreign_keys=OFF")
            self._local.conn = conn
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction: committed as a whole, or not at all."""
        with self._write:
            conn = self.connection()
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[sqlite3.Connection]:
        """A read transaction: every query inside sees the same committed state."""
        conn = self.connection()
        if conn.in_transaction:  # nested inside a write transaction of this thread
            yield conn
            return
        conn.execute("BEGIN")
        try:
            yield conn
        finally:
            conn.execute("COMMIT")

    def generation(self) -> int:
        """Increased by every committed change of the documents."""
        row = (
            self.connection().execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        )
        return int(row[0]) if row else 0

    @staticmethod
    def bump_generation(conn: sqlite3.Connection) -> int:
        conn.execute(
            "UPDATE meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'generation'"
        )
        row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return int(row[0])

    def close(self) -> None:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
