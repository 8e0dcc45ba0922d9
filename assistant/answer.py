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
    responsible: tuple[str, ...] = ()  # 责任单位 printed without a lead/co split


@dataclass(frozen=True, slots=True)
class Retrieved:
    doc_id: str
    key: str
    score: float


@dataclass(frozen=True, slots=True)
class Departments:
    lead: tuple[str, ...] = ()
    co: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()  # 责任单位: named without saying who leads

    @property
    def is_empty(self) -> bool:
        return not (self.lead or self.co or self.responsible)


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
    # How sure the answer is of the provision it rests on (0–1, from retrieval support and the margin
    # over the runner-up). A department answer below the threshold abstains: it lists candidates and
    # asserts no department.
    confidence: float = 1.0
    abstained: bool = False  # not sure which provision is meant: candidates shown, nothing asserted
    resolved_question: str = ""  # a follow-up read against earlier turns ("按上文理解为：…")

    def to_json(self) -> dict[str, Any]:
        """The `policyqa ask --json` object of DESIGN.md."""
        return {
            "question": self.question,
            "answer": self.text,
            "refused": self.refused,
            "intent": self.intent,
            "departments": {
                "lead": list(self.departments.lead),
                "co": list(self.departments.co),
                "responsible": list(self.departments.responsible),
            },
            "citations": [
                {
                    **asdict(c),
                    "lead": list(c.lead),
                    "co": list(c.co),
                    "responsible": list(c.responsible),
                }
                for c in self.citations
            ],
            "retrieved": [asdict(r) for r in self.retrieved],
            "backend": self.backend,
            "timings_ms": {k: round(v, 1) for k, v in self.timings_ms.items()},
            "index_id": self.index_id,
            "notes": list(self.notes),
            "confidence": round(self.confidence, 3),
            "abstained": self.abstained,
            "resolved_question": self.resolved_question,
        }
