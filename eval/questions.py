"""Evaluation question sets: JSONL, one question a line (the format of DESIGN.md)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.understand.followup import Turn as ChatTurn

log = logging.getLogger(__name__)

TYPES = frozenset(
    {
        "who_leads",
        "department_tasks",
        "rule",
        "target",
        "list",
        "count",
        "locate",
        "metadata",
        "cross_document",
        "follow_up",
        "unanswerable_detail",
        "out_of_scope",
    }
)
_REQUIRED = ("id", "question", "type")
_KNOWN = frozenset(
    {
        *_REQUIRED,
        "doc_id",
        "gold_articles",
        "gold_lead",
        "gold_co",
        "gold_responsible",
        "answer_points",
        "answerable",
        "user_group",
        "history",
        "notes",
    }
)


class QuestionError(ValueError):
    """A bad question line; the message names the file and the line."""


@dataclass(frozen=True, slots=True)
class Turn:
    role: str
    content: str


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    type: str
    doc_id: str | None = None
    gold_articles: tuple[str, ...] = ()  # as written: "2.9.28" or "<doc_id>#2.9.28"
    gold_lead: tuple[str, ...] | None = None  # None: the question carries no lead claim
    gold_co: tuple[str, ...] | None = None
    gold_responsible: tuple[str, ...] | None = None  # 责任单位 printed without a lead/co split
    answer_points: tuple[str, ...] = ()
    answerable: bool = True
    user_group: str | None = None
    history: tuple[Turn, ...] = ()
    source: str = ""  # "file:line", for messages

    @property
    def gold_refs(self) -> tuple[str, ...]:
        """Gold articles as `<doc_id>#<key>`; a bare key stays bare when the question has no doc."""
        return tuple(
            a if "#" in a or self.doc_id is None else f"{self.doc_id}#{a}"
            for a in self.gold_articles
        )

    def history_turns(self) -> list[ChatTurn]:
        """History in the form `PolicyQA.ask(history=...)` takes."""
        return [ChatTurn(role=t.role, content=t.content) for t in self.history]


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError(f"{name} must be a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _optional_strings(data: Mapping[str, Any], name: str) -> tuple[str, ...] | None:
    value = data.get(name)
    return None if value is None else _strings(value, name)


def _history(value: Any) -> tuple[Turn, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError("history must be a list of {role, content}")
    turns = []
    for turn in value:
        if (
            not isinstance(turn, dict)
            or turn.get("role") not in ("user", "assistant")
            or not isinstance(turn.get("content"), str)
        ):
            raise ValueError("history turns need role user|assistant and a string content")
        turns.append(Turn(turn["role"], turn["content"]))
    return tuple(turns)


def parse_question(data: Any, source: str = "") -> Question:
    """One question from its decoded JSON object; ValueError says what is wrong."""
    if not isinstance(data, dict):
        raise ValueError("a question line must be a JSON object")
    missing = [k for k in _REQUIRED if not isinstance(data.get(k), str) or not data[k].strip()]
    if missing:
        raise ValueError(f"missing or empty field(s): {', '.join(missing)}")
    unknown = sorted(set(data) - _KNOWN)
    if unknown:  # tolerated (a question bank may carry its own notes), but a typo shows here
        log.warning("%s: ignoring unknown field(s) %s", source or "question", ", ".join(unknown))
    if data["type"] not in TYPES:
        raise ValueError(f"unknown type {data['type']!r} (known: {', '.join(sorted(TYPES))})")
    answerable = data.get("answerable", True)
    if not isinstance(answerable, bool):
        raise ValueError("answerable must be true or false")
    doc_id = data.get("doc_id")
    user_group = data.get("user_group")
    for name, value in (("doc_id", doc_id), ("user_group", user_group)):
        if value is not None and not isinstance(value, str):
            raise ValueError(f"{name} must be a string")
    gold = _strings(data.get("gold_articles", []), "gold_articles")
    return Question(
        id=data["id"].strip(),
        question=data["question"].strip(),
        type=data["type"],
        doc_id=doc_id or None,
        gold_articles=gold,
        gold_lead=_optional_strings(data, "gold_lead"),
        gold_co=_optional_strings(data, "gold_co"),
        gold_responsible=_optional_strings(data, "gold_responsible"),
        answer_points=_strings(data.get("answer_points", []), "answer_points"),
        answerable=answerable,
        user_group=user_group or None,
        history=_history(data.get("history")),
        source=source,
    )


def load_questions(path: Path) -> list[Question]:
    """Questions of one JSONL file; blank lines and `//` comment lines are skipped."""
    questions = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        where = f"{path}:{n}"
        try:
            questions.append(parse_question(json.loads(line), where))
        except (json.JSONDecodeError, ValueError) as exc:
            raise QuestionError(f"{where}: {exc}") from exc
    return questions


def load_sets(paths: Iterable[Path]) -> list[Question]:
    """Questions of several files; ids must be unique across them."""
    questions: list[Question] = []
    seen: dict[str, str] = {}
    for path in paths:
        for q in load_questions(Path(path)):
            if q.id in seen:
                raise QuestionError(f"{q.source}: duplicate id {q.id!r} (first at {seen[q.id]})")
            seen[q.id] = q.source
            questions.append(q)
    return questions


def slice_values(q: Question) -> Mapping[str, str]:
    """The slices a question belongs to: type, document, user group, question bank (file)."""
    return {
        "type": q.type,
        "doc_id": q.doc_id or "(none)",
        "user_group": q.user_group or "(none)",
        "bank": bank_of(q),
    }


def bank_of(q: Question) -> str:
    """The question bank a question comes from: its file's name without `.jsonl`."""
    return Path(q.source.rsplit(":", 1)[0]).stem if q.source else "(none)"


def department_gold(q: Question) -> dict[str, tuple[str, ...]]:
    """The roles a question has gold departments for ({} when it asks about none)."""
    gold = {"lead": q.gold_lead, "co": q.gold_co, "responsible": q.gold_responsible}
    return {role: names for role, names in gold.items() if names is not None}


def gold_keys_by_doc(questions: Sequence[Question]) -> dict[str, set[str]]:
    """Provision keys that at least one question has as gold, per document."""
    out: dict[str, set[str]] = {}
    for q in questions:
        for ref in q.gold_refs:
            doc, _, key = ref.rpartition("#")
            out.setdefault(doc, set()).add(key)
    return out
