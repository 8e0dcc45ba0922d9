"""Provision and responsibility tables: one JSON per document plus a manifest, written atomically.

`<index>/docs/<doc_id>.json` holds the document metadata, its provisions with their responsibilities
and the parser's warnings; `<index>/manifest.json` maps doc_id to sha256, source path and index_id.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest.model import (
    Document,
    Level,
    ParsedDocument,
    Provision,
    ProvisionKind,
    Responsibility,
    Span,
)

log = logging.getLogger(__name__)

FORMAT_VERSION = 1


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_json(path: Path, data: Any) -> None:
    atomic_write_text(path, json.dumps(data, ensure_ascii=False, indent=1))


def _span_to_dict(s: Span) -> dict[str, Any]:
    return {
        "start": s.start,
        "end": s.end,
        "lead": list(s.lead),
        "co": list(s.co),
        "responsible": list(s.responsible),
        "implementers": list(s.implementers),
        "deadline": s.deadline,
        "raw": s.raw,
    }


def _span_from_dict(d: dict[str, Any]) -> Span:
    return Span(
        start=int(d["start"]),
        end=int(d["end"]),
        lead=tuple(d.get("lead", ())),
        co=tuple(d.get("co", ())),
        responsible=tuple(d.get("responsible", ())),
        implementers=tuple(d.get("implementers", ())),
        deadline=d.get("deadline"),
        raw=d.get("raw", ""),
    )


def responsibility_to_dict(r: Responsibility) -> dict[str, Any]:
    return {
        "lead": list(r.lead),
        "co": list(r.co),
        "responsible": list(r.responsible),
        "implementers": list(r.implementers),
        "deadline": r.deadline,
        "raw": r.raw,
        "spans": [_span_to_dict(s) for s in r.spans],
    }


def responsibility_from_dict(d: dict[str, Any]) -> Responsibility:
    return Responsibility(
        lead=tuple(d.get("lead", ())),
        co=tuple(d.get("co", ())),
        implementers=tuple(d.get("implementers", ())),
        deadline=d.get("deadline"),
        raw=d.get("raw", ""),
        responsible=tuple(d.get("responsible", ())),
        spans=tuple(_span_from_dict(s) for s in d.get("spans", ())),
    )


def document_to_dict(doc: Document) -> dict[str, Any]:
    return {
        "doc_id": doc.doc_id,
        "title": doc.title,
        "issuers": list(doc.issuers),
        "doc_number": doc.doc_number,
        "date": doc.date,
        "level": doc.level.value,
        "source_path": doc.source_path,
        "sha256": doc.sha256,
    }


def document_from_dict(d: dict[str, Any]) -> Document:
    return Document(
        doc_id=d["doc_id"],
        title=d.get("title", ""),
        issuers=tuple(d.get("issuers", ())),
        doc_number=d.get("doc_number"),
        date=d.get("date"),
        level=Level(d.get("level", Level.UNKNOWN.value)),
        source_path=d.get("source_path", ""),
        sha256=d.get("sha256", ""),
    )


def provision_to_dict(p: Provision) -> dict[str, Any]:
    return {
        "doc_id": p.doc_id,
        "key": p.key,
        "label": p.label,
        "number": p.number,
        "title": p.title,
        "text": p.text,
        "path_titles": list(p.path_titles),
        "responsibility": responsibility_to_dict(p.responsibility),
        "kind": p.kind.value,
    }


def provision_from_dict(d: dict[str, Any]) -> Provision:
    return Provision(
        doc_id=d["doc_id"],
        key=d["key"],
        label=d.get("label", ""),
        number=d.get("number", ""),
        title=d.get("title", ""),
        text=d.get("text", ""),
        path_titles=tuple(d.get("path_titles", ())),
        responsibility=responsibility_from_dict(d.get("responsibility", {})),
        kind=ProvisionKind(d.get("kind", ProvisionKind.ITEM.value)),
    )


def parsed_to_dict(parsed: ParsedDocument) -> dict[str, Any]:
    return {
        "version": FORMAT_VERSION,
        "document": document_to_dict(parsed.document),
        "provisions": [provision_to_dict(p) for p in parsed.provisions],
        "warnings": list(parsed.warnings),
    }


def parsed_from_dict(d: dict[str, Any]) -> ParsedDocument:
    return ParsedDocument(
        document=document_from_dict(d["document"]),
        provisions=tuple(provision_from_dict(p) for p in d.get("provisions", ())),
        warnings=tuple(d.get("warnings", ())),
    )


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    doc_id: str
    sha256: str
    source_path: str
    index_id: str


class Tables:
    """The on-disk tables of an index folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.docs_folder = self.folder / "docs"
        self.manifest_path = self.folder / "manifest.json"

    def load_manifest(self) -> dict[str, ManifestEntry]:
        if not self.manifest_path.exists():
            return {}
        data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        return {
            doc_id: ManifestEntry(doc_id, e["sha256"], e.get("source_path", ""), e["index_id"])
            for doc_id, e in data.get("docs", {}).items()
        }

    def save_manifest(self, entries: dict[str, ManifestEntry]) -> None:
        docs = {
            doc_id: {"sha256": e.sha256, "source_path": e.source_path, "index_id": e.index_id}
            for doc_id, e in sorted(entries.items())
        }
        _write_json(self.manifest_path, {"version": FORMAT_VERSION, "docs": docs})

    def doc_path(self, doc_id: str) -> Path:
        return self.docs_folder / f"{doc_id}.json"

    def load_doc(self, doc_id: str) -> ParsedDocument | None:
        path = self.doc_path(doc_id)
        if not path.exists():
            return None
        try:
            return parsed_from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (ValueError, KeyError, TypeError):
            log.warning("unreadable document table %s; re-ingest it", path, exc_info=True)
            return None

    def save_doc(self, parsed: ParsedDocument) -> None:
        _write_json(self.doc_path(parsed.document.doc_id), parsed_to_dict(parsed))

    def remove_doc(self, doc_id: str) -> None:
        self.doc_path(doc_id).unlink(missing_ok=True)
