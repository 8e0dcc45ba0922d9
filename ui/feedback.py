"""👍/👎 on an answer, one rating per message (changeable), with an optional comment, kept in SQLite
under the index folder with the question, the answer as plain text, its citations and its backend.

Only an administrator reads them (the 反馈 view and the CSV export check `Access.is_admin`).
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from assistant.answer import Answer
from ui.citations import answer_text
from ui.exports import write_csv
from ui.format import backend_name, printed_label

COLUMNS = ["时间", "评价", "问题", "回答", "引用条款", "回答方式", "文件范围", "意见"]
_SCHEMA = """
CREATE TABLE IF NOT EXISTS ratings (
    conversation TEXT NOT NULL,
    position INTEGER NOT NULL,        -- the answer's place in its conversation
    owner TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    rating INTEGER NOT NULL,          -- 1 = 👍, -1 = 👎
    question TEXT NOT NULL,
    answer TEXT NOT NULL,             -- plain text, no markdown
    citations TEXT NOT NULL,          -- JSON list of {doc_id, key, label, title}
    backend TEXT NOT NULL,
    doc_scope TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    index_id TEXT NOT NULL,
    PRIMARY KEY (conversation, position)
)
"""


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()

    def rate(
        self,
        conversation: str,
        position: int,
        answer: Answer,
        rating: int,
        *,
        owner: str = "",
        doc_scope: str = "",
    ) -> None:
        """Record or change the rating of one answer (the comment, if any, is kept)."""
        now = datetime.now().isoformat(timespec="seconds")
        cited = [
            {"doc_id": c.doc_id, "key": c.key, "label": c.label, "title": c.title}
            for c in answer.citations
        ]
        row = (
            conversation,
            position,
            owner,
            now,
            now,
            1 if rating > 0 else -1,
            answer.question,
            answer_text(answer),
            json.dumps(cited, ensure_ascii=False),
            answer.backend,
            doc_scope,
            answer.index_id,
        )
        with self._lock, self._db() as db:
            db.execute(
                "INSERT INTO ratings (conversation, position, owner, created, updated, rating,"
                " question, answer, citations, backend, doc_scope, index_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (conversation, position) DO UPDATE SET rating = excluded.rating,"
                " updated = excluded.updated",
                row,
            )

    def unrate(self, conversation: str, position: int) -> None:
        with self._lock, self._db() as db:
            db.execute(
                "DELETE FROM ratings WHERE conversation = ? AND position = ?",
                (conversation, position),
            )

    def comment(self, conversation: str, position: int, text: str) -> bool:
        """Attach a comment to a rated answer; False when the answer has no rating yet."""
        with self._lock, self._db() as db:
            cur = db.execute(
                "UPDATE ratings SET comment = ?, updated = ? WHERE conversation = ? AND position = ?",
                (
                    text.strip()[:2000],
                    datetime.now().isoformat(timespec="seconds"),
                    conversation,
                    position,
                ),
            )
        return cur.rowcount > 0

    def ratings(self, conversation: str) -> dict[int, int]:
        """position → rating of one conversation's answers (to show the thumbs again)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT position, rating FROM ratings WHERE conversation = ?", (conversation,)
            ).fetchall()
        return {int(p): int(r) for p, r in rows}

    def rows(self) -> list[list[object]]:
        with self._db() as db:
            rows = db.execute(
                "SELECT updated, rating, question, answer, citations, backend, doc_scope, comment"
                " FROM ratings ORDER BY created, conversation, position"
            ).fetchall()
        out: list[list[object]] = []
        for updated, rating, question, answer, cited, backend, scope, comment in rows:
            refs = "、".join(
                f"{printed_label(c.get('label', ''))} {c.get('title', '')}".strip()
                for c in json.loads(cited)
            )
            verdict = "有帮助" if rating > 0 else "没帮助"
            out.append(
                [updated, verdict, question, answer, refs, backend_name(backend), scope, comment]
            )
        return out

    def counts(self) -> tuple[int, int]:
        with self._db() as db:
            up, down = db.execute(
                "SELECT COALESCE(SUM(rating > 0), 0), COALESCE(SUM(rating < 0), 0) FROM ratings"
            ).fetchone()
        return int(up), int(down)

    def export_csv(self) -> str:
        return write_csv("用户反馈", COLUMNS, self.rows())
