"""Past conversations, kept in SQLite under the index folder, one owner per browser or login.

An owner is `user:<login>` when the app asks for a login, else `browser:<random id>` kept in the
browser's local storage. Every read and write names its owner: a conversation id alone opens nothing.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.answer import Answer, Citation, Departments

TITLE_CHARS = 24
MAX_LISTED = 100
_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    title TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS conversations_owner ON conversations (owner, updated);
CREATE TABLE IF NOT EXISTS messages (
    conversation TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL,
    answer TEXT,                      -- the Answer as JSON (assistant turns)
    PRIMARY KEY (conversation, position)
);
"""


@dataclass(frozen=True, slots=True)
class Summary:
    id: str
    title: str
    updated: str


@dataclass(frozen=True, slots=True)
class Message:
    role: str  # "user" / "assistant"
    content: str
    answer: Answer | None = None


def new_id() -> str:
    return uuid.uuid4().hex


def title_of(question: str) -> str:
    text = " ".join(question.split())
    return text if len(text) <= TITLE_CHARS else text[: TITLE_CHARS - 1] + "…"


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _known(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def _tuples(data: dict[str, Any]) -> dict[str, Any]:
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items()}


def answer_from_json(data: dict[str, Any]) -> Answer:
    """The inverse of `Answer.to_json` (fields this version does not know are dropped)."""
    citations = tuple(Citation(**_tuples(_known(Citation, c))) for c in data.get("citations", []))
    departments = Departments(**_tuples(_known(Departments, data.get("departments") or {})))
    rest = _known(Answer, data)
    for name in ("citations", "departments", "retrieved", "notes", "text", "question"):
        rest.pop(name, None)
    return Answer(
        question=str(data.get("question", "")),
        text=str(data.get("answer", "")),
        citations=citations,
        departments=departments,
        **rest,
    )


class ConversationStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(_SCHEMA)

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=10)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            with db:
                yield db
        finally:
            db.close()

    def create(self, owner: str, title: str = "新对话", conversation: str | None = None) -> str:
        cid = conversation or new_id()
        now = _now()
        with self._lock, self._db() as db:
            db.execute(
                "INSERT OR IGNORE INTO conversations (id, owner, title, created, updated)"
                " VALUES (?, ?, ?, ?, ?)",
                (cid, owner, title, now, now),
            )
        return cid

    def owns(self, owner: str, conversation: str) -> bool:
        with self._db() as db:
            row = db.execute(
                "SELECT 1 FROM conversations WHERE id = ? AND owner = ?", (conversation, owner)
            ).fetchone()
        return row is not None

    def summaries(self, owner: str) -> list[Summary]:
        """The owner's conversations, the latest first (those with at least one question)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT c.id, c.title, c.updated FROM conversations c WHERE c.owner = ?"
                " AND EXISTS (SELECT 1 FROM messages m WHERE m.conversation = c.id)"
                " ORDER BY c.updated DESC, c.created DESC LIMIT ?",
                (owner, MAX_LISTED),
            ).fetchall()
        return [Summary(*r) for r in rows]

    def messages(self, owner: str, conversation: str) -> list[Message] | None:
        """The conversation's messages in order; None when it is not the owner's."""
        if not self.owns(owner, conversation):
            return None
        with self._db() as db:
            rows = db.execute(
                "SELECT role, content, answer FROM messages WHERE conversation = ?"
                " ORDER BY position",
                (conversation,),
            ).fetchall()
        out = []
        for role, content, answer in rows:
            parsed = answer_from_json(json.loads(answer)) if answer else None
            out.append(Message(role, content, parsed))
        return out

    def append(self, owner: str, conversation: str, question: str, answer: Answer) -> None:
        """One exchange: the question and its answer. The first names the conversation."""
        with self._lock, self._db() as db:
            found = db.execute(
                "SELECT title, (SELECT COUNT(*) FROM messages WHERE conversation = id)"
                " FROM conversations WHERE id = ? AND owner = ?",
                (conversation, owner),
            ).fetchone()
            if found is None:
                raise KeyError(conversation)
            title, count = found
            if count == 0 and title == "新对话":
                title = title_of(question)
            db.executemany(
                "INSERT INTO messages (conversation, position, role, content, answer)"
                " VALUES (?, ?, ?, ?, ?)",
                [
                    (conversation, count, "user", question, None),
                    (
                        conversation,
                        count + 1,
                        "assistant",
                        answer.text,
                        json.dumps(answer.to_json(), ensure_ascii=False),
                    ),
                ],
            )
            db.execute(
                "UPDATE conversations SET title = ?, updated = ? WHERE id = ?",
                (title, _now(), conversation),
            )

    def rename(self, owner: str, conversation: str, title: str) -> bool:
        title = " ".join(title.split())[:60]
        if not title:
            return False
        with self._lock, self._db() as db:
            cur = db.execute(
                "UPDATE conversations SET title = ? WHERE id = ? AND owner = ?",
                (title, conversation, owner),
            )
        return cur.rowcount > 0

    def delete(self, owner: str, conversation: str) -> bool:
        with self._lock, self._db() as db:
            cur = db.execute(
                "DELETE FROM conversations WHERE id = ? AND owner = ?", (conversation, owner)
            )
        return cur.rowcount > 0
