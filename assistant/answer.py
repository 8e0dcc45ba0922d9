"""Answer types: what the assistant returns to every caller (CLI, UI, eval)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Citation:
    doc_id: str
    key: str
    label: str
    title: str
    quote: str  # the supporting sentence, verbatim from the provision text
    lead: tuple[str, ...] = ()
    co: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Retrieved:
    doc_id: str
    key: str
    score: float


@dataclass(frozen=True, slots=True)
class Departments:
    lead: tuple[str, ...] = ()
    co: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    text: str  # markdown
    citations: tuple[Citation, ...] = ()
    departments: Departments = field(default_factory=Departments)
    refused: bool = False
    intent: str = ""
    backend: str = "composer"
    retrieved: tuple[Retrieved, ...] = ()
    timings_ms: dict[str, float] = field(default_factory=dict)
    index_id: str = ""  # hash of embedding model + chunking settings of the index that answered
    notes: tuple[str, ...] = ()  # verification notes (corrections, unsupported sentences)

    def to_json(self) -> dict[str, Any]:
        """The `policyqa ask --json` object of DESIGN.md."""
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "intent": self.intent,
            "departments": {"lead": list(self.departments.lead), "co": list(self.departments.co)},
            "citations": [
                {**asdict(c), "lead": list(c.lead), "co": list(c.co)} for c in self.citations
            ],
            "retrieved": [asdict(r) for r in self.retrieved],
            "backend": self.backend,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "index_id": self.index_id,
            "notes": list(self.notes),
        }
