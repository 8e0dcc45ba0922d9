"""Data types produced by ingest: Document, Provision, Responsibility, Chunk."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from enum import StrEnum


class Level(StrEnum):
    NATIONAL = "national"
    PROVINCIAL = "provincial"
    MUNICIPAL = "municipal"
    DEPARTMENTAL = "departmental"
    UNKNOWN = "unknown"


class ProvisionKind(StrEnum):
    META = "meta"  # title block and metadata
    PREAMBLE = "preamble"  # text before the first chapter
    CHAPTER = "chapter"  # 一、… (its intro text)
    SECTION = "section"  # （一）…
    ITEM = "item"  # 1. … (a numbered task)
    PARAGRAPH = "paragraph"  # unnumbered text when a document has no structure
    ANNEX = "annex"  # a row of an appendix table


@dataclass(frozen=True, slots=True)
class Span:
    """One printed attribution and the text it covers: the characters of the provision's text from
    the end of the previous attribution (or the provision's start) to the end of this one."""

    start: int
    end: int
    lead: tuple[str, ...] = ()
    co: tuple[str, ...] = ()
    responsible: tuple[str, ...] = ()
    implementers: tuple[str, ...] = ()
    deadline: str | None = None
    raw: str = ""

    @property
    def departments(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(self.lead + self.co + self.responsible))


@dataclass(frozen=True, slots=True)
class Responsibility:
    """Who is responsible for a provision: its spans merged, in document order.

    `responsible` holds a 责任单位 / 责任部门 list that does not say who leads (shown as 责任单位,
    never as 牵头), unless the document states a convention such as "列首位的为牵头单位"."""

    lead: tuple[str, ...] = ()
    co: tuple[str, ...] = ()
    implementers: tuple[str, ...] = ()
    deadline: str | None = None
    raw: str = ""
    responsible: tuple[str, ...] = ()
    spans: tuple[Span, ...] = ()

    @property
    def departments(self) -> tuple[str, ...]:
        """Lead, co, then responsible units, without repeats, in document order."""
        return tuple(dict.fromkeys(self.lead + self.co + self.responsible))

    @property
    def is_empty(self) -> bool:
        return not (self.lead or self.co or self.responsible or self.implementers)


@dataclass(frozen=True, slots=True)
class Document:
    doc_id: str
    title: str
    issuers: tuple[str, ...] = ()
    doc_number: str | None = None
    date: str | None = None  # ISO yyyy-mm-dd where known
    level: Level = Level.UNKNOWN
    source_path: str = ""
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class Provision:
    doc_id: str
    key: str  # "2.9.28" — see DESIGN.md
    label: str  # "第28条"
    number: str  # as printed: "28." / "（三）" / "一、"
    title: str  # heading sentence: "积极发展绿色金融"
    text: str  # clean, complete text (attribution included)
    path_titles: tuple[str, ...]  # titles of ancestors, outermost first
    responsibility: Responsibility = field(default_factory=Responsibility)
    kind: ProvisionKind = ProvisionKind.ITEM

    @property
    def ref(self) -> str:
        """Cross-document reference `<doc_id>#<key>`."""
        return f"{self.doc_id}#{self.key}"


@dataclass(frozen=True, slots=True)
class ParsedDocument:
    document: Document
    provisions: tuple[Provision, ...]
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Chunk:
    chunk_id: str
    doc_id: str
    key: str
    text: str  # embedded text: ancestor titles, then the provision text or a window of it
    departments: tuple[str, ...] = ()
    # Texts whose vectors make this chunk's (a long provision: its windows, pooled); empty when
    # the chunk's own text is embedded.
    pooled_from: tuple[str, ...] = ()


def stable_id(*parts: str) -> str:
    """Content-derived id, stable across processes (never Python's salted hash())."""
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:32]
