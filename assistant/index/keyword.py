"""BM25 over jieba tokens of the chunks: an inverted index in the index's SQLite file.

Postings are stored per (term, document), so replacing one document rewrites only its own rows, and
opening the index reads nothing until a question asks for its terms. Scores equal rank_bm25's
`BM25Okapi` over the same chunks (k1 1.5, b 0.75, epsilon 0.25; a test compares them).
"""

from __future__ import annotations

import logging
import math
import sqlite3
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

import numpy as np

from assistant.index.chroma import StoreHit
from assistant.index.sqlite import Database
from ingest.model import Chunk
from ingest.segment import tokenize

log = logging.getLogger(__name__)

K1, B, EPSILON = 1.5, 0.75, 0.25
MEMO_SIZE = 20_000  # texts whose terms are remembered (a FIFO, per index)
POSTING = np.dtype([("row", "<i4"), ("tf", "<i4"), ("dl", "<i4")])

Tokenizer = Callable[[str], list[str]]


def default_tokenizer() -> Tokenizer:
    """ingest's tokenizer (jieba + the domain dictionary)."""
    return tokenize


def _is_term(token: str) -> bool:
    """Drop whitespace and punctuation tokens: they match everything and mean nothing."""
    token = token.strip()
    return bool(token) and not all(unicodedata.category(ch)[0] in "PZS" for ch in token)


@dataclass(frozen=True, slots=True)
class _Stats:
    generation: int
    chunks: int
    avgdl: float
    floor_idf: float  # epsilon × the mean idf over the vocabulary (BM25Okapi's floor)


class KeywordIndex:
    """BM25Okapi over the chunks of every document; per-document replace and remove.

    Writes take the caller's transaction (`Database.transaction()`), so the keyword index commits
    together with the tables and the manifest."""

    def __init__(self, db: Database, tokenize: Tokenizer | None = None) -> None:
        self.db = db
        self._tokenize = tokenize
        self._stats: _Stats | None = None
        self._memo: dict[str, list[str]] = {}  # text → terms: repeated texts are cut once
        self._memo_lock = threading.Lock()

    @property
    def tokenize(self) -> Tokenizer:
        if self._tokenize is None:
            self._tokenize = default_tokenizer()
        return self._tokenize

    def terms(self, text: str) -> list[str]:
        found = self._memo.get(text)
        if found is None:
            found = [t for t in self.tokenize(text) if _is_term(t)]
            with self._memo_lock:
                if len(self._memo) >= MEMO_SIZE:
                    self._memo.pop(next(iter(self._memo)))
                self._memo[text] = found
        return list(found)

    # writing (inside a transaction)
    def analyse(self, chunks: Iterable[Chunk]) -> list[tuple[Chunk, list[str]]]:
        """Each chunk with its terms (done before the transaction: jieba is the slow part)."""
        return [(c, self.terms(c.text) or [""]) for c in chunks]  # BM25Okapi's empty document

    def write_doc(
        self, conn: sqlite3.Connection, doc_id: str, analysed: list[tuple[Chunk, list[str]]]
    ) -> None:
        self.delete_doc(conn, doc_id)
        postings: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
        for chunk, terms in analysed:
            cursor = conn.execute(
                "INSERT INTO chunks (chunk_id, doc_id, key, length) VALUES (?, ?, ?, ?)",
                (chunk.chunk_id, doc_id, chunk.key, len(terms)),
            )
            row = int(cursor.lastrowid or 0)
            for term, tf in Counter(terms).items():
                postings[term].append((row, tf, len(terms)))
        conn.executemany(
            "INSERT INTO postings (term, doc_id, n, data) VALUES (?, ?, ?, ?)",
            (
                (term, doc_id, len(rows), np.asarray(rows, dtype="<i4").tobytes())
                for term, rows in postings.items()
            ),
        )
        conn.executemany(
            "INSERT INTO terms (term, df) VALUES (?, ?) "
            "ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
            ((term, len(rows)) for term, rows in postings.items()),
        )

    def delete_doc(self, conn: sqlite3.Connection, doc_id: str) -> None:
        old = conn.execute("SELECT term, n FROM postings WHERE doc_id = ?", (doc_id,)).fetchall()
        conn.executemany("UPDATE terms SET df = df - ? WHERE term = ?", ((n, t) for t, n in old))
        if old:
            conn.execute("DELETE FROM terms WHERE df <= 0")
        conn.execute("DELETE FROM postings WHERE doc_id = ?", (doc_id,))
        conn.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))

    # reading
    def doc_ids(self) -> set[str]:
        rows = self.db.connection().execute("SELECT DISTINCT doc_id FROM chunks").fetchall()
        return {str(r[0]) for r in rows}

    def chunk_ids(self, doc_id: str) -> set[str]:
        rows = self.db.connection().execute(
            "SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,)
        )
        return {str(r[0]) for r in rows}

    def chunks_of(self, doc_id: str) -> list[tuple[str, str]]:
        """The committed (chunk_id, key) pairs of a document."""
        rows = self.db.connection().execute(
            "SELECT chunk_id, key FROM chunks WHERE doc_id = ? ORDER BY id", (doc_id,)
        )
        return [(str(r[0]), str(r[1])) for r in rows]

    def committed(self, chunk_ids: Collection[str]) -> set[str]:
        """Those of `chunk_ids` that belong to a committed document version."""
        if not chunk_ids:
            return set()
        ids = list(chunk_ids)
        rows = self.db.connection().execute(
            f"SELECT chunk_id FROM chunks WHERE chunk_id IN ({','.join('?' * len(ids))})", ids
        )
        return {str(r[0]) for r in rows}

    def __len__(self) -> int:
        row = self.db.connection().execute("SELECT COUNT(*) FROM chunks").fetchone()
        return int(row[0])

    def _stats_of(self, conn: sqlite3.Connection) -> _Stats:
        generation = int(
            conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()[0]
        )
        if self._stats is not None and self._stats.generation == generation:
            return self._stats
        chunks, total = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(length), 0) FROM chunks"
        ).fetchone()
        df = np.fromiter((r[0] for r in conn.execute("SELECT df FROM terms")), dtype=np.float64)
        idf = np.log(chunks - df + 0.5) - np.log(df + 0.5) if chunks else df
        floor = EPSILON * float(idf.mean()) if len(idf) else 0.0
        self._stats = _Stats(generation, int(chunks), total / chunks if chunks else 0.0, floor)
        return self._stats

    def search(self, query: str, k: int, doc_ids: Collection[str] | None = None) -> list[StoreHit]:
        """Chunks ranked by BM25; chunks sharing no term with the query are left out."""
        terms = Counter(self.terms(query))
        if not terms or k <= 0 or (doc_ids is not None and not doc_ids):
            return []
        scope = sorted(doc_ids) if doc_ids is not None else None
        rows: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        with self.db.snapshot() as conn:
            stats = self._stats_of(conn)
            if not stats.chunks:
                return []
            for term, times in terms.items():
                found = conn.execute("SELECT df FROM terms WHERE term = ?", (term,)).fetchone()
                if found is None:
                    continue
                df = int(found[0])
                idf = math.log(stats.chunks - df + 0.5) - math.log(df + 0.5)
                idf = stats.floor_idf if idf < 0 else idf
                if scope is None:
                    cursor = conn.execute("SELECT data FROM postings WHERE term = ?", (term,))
                else:
                    marks = ",".join("?" * len(scope))
                    cursor = conn.execute(
                        f"SELECT data FROM postings WHERE term = ? AND doc_id IN ({marks})",
                        (term, *scope),
                    )
                blob = b"".join(r[0] for r in cursor)
                if not blob:
                    continue
                p = np.frombuffer(blob, dtype=POSTING)
                tf = p["tf"].astype(np.float64)
                norm = K1 * (1 - B + B * p["dl"] / stats.avgdl)
                rows.append(p["row"])
                weights.append(times * idf * tf * (K1 + 1) / (tf + norm))
            if not rows:
                return []
            unique, inverse = np.unique(np.concatenate(rows), return_inverse=True)
            scores = np.bincount(inverse, weights=np.concatenate(weights))
            top = np.lexsort((unique, -scores))[:k]  # best first; ties in ingest order
            ids = [int(unique[i]) for i in top]
            marks = ",".join("?" * len(ids))
            info = {
                int(r[0]): (str(r[1]), str(r[2]), str(r[3]))
                for r in conn.execute(
                    f"SELECT id, chunk_id, doc_id, key FROM chunks WHERE id IN ({marks})", ids
                )
            }
        return [StoreHit(*info[row], float(scores[i])) for row, i in zip(ids, top, strict=True)]
