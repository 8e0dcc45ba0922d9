"""👍/👎 feedback with an optional comment, kept in SQLite under the index folder."""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime
from pathlib import Path

from assistant.answer import Answer
from ui.exports import write_csv

COLUMNS = ["时间", "评价", "问题", "回答", "引用条款", "后端", "文件范围", "意见"]
_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created TEXT NOT NULL,
    rating INTEGER NOT NULL,          -- 1 = 👍, -1 = 👎
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    citations TEXT NOT NULL,          -- JSON list of <doc_id>#<key>
    backend TEXT NOT NULL,
    doc_scope TEXT NOT NULL,
    comment TEXT NOT NULL,
    index_id TEXT NOT NULL
)
"""


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, answer: Answer, rating: int, comment: str = "", doc_scope: str = "") -> int:
        row = (
            datetime.now().isoformat(timespec="seconds"),
            1 if rating > 0 else -1,
            answer.question,
            answer.text,
            json.dumps([f"{c.doc_id}#{c.key}" for c in answer.citations], ensure_ascii=False),
            answer.backend,
            doc_scope,
            comment.strip(),
            answer.index_id,
        )
        with self._lock, self._connect() as db:
            cur = db.execute(
                "INSERT INTO feedback (created, rating, question, answer, citations, backend,"
                " doc_scope, comment, index_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cur.lastrowid or 0)

    def rows(self) -> list[list[object]]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT created, rating, question, answer, citations, backend, doc_scope, comment"
                " FROM feedback ORDER BY id"
            ).fetchall()
        return [
            [r[0], "👍" if r[1] > 0 else "👎", r[2], r[3], "、".join(json.loads(r[4])), *r[5:]]
            for r in rows
        ]

    def export_csv(self) -> str:
        return write_csv("用户反馈", COLUMNS, self.rows())
