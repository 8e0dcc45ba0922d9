"""Provision and responsibility tables and the manifest, in the index's SQLite file.

`documents` holds each document's metadata, parser warnings and its manifest entry (sha256, source
path, index_id); `provisions` its provisions with their responsibilities (JSON, the same form as
`policyqa provisions --json`) and token sets. A document's rows are replaced in the caller's
transaction, together with its keyword index rows. `pending` journals documents whose vectors are
being replaced in the vector store, so that an interrupted ingest is found and repaired on open.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.index.rows import COLUMNS, from_row, join, split, to_row
from assistant.index.sqlite import SCHEMA_VERSION, Database
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


@dataclass(frozen=True, slots=True)
class StoredDoc:
    """One committed document version as read back from the tables."""

    parsed: ParsedDocument
    entry: ManifestEntry
    version: int  # the generation that committed it


def token_set(stored: str) -> frozenset[str]:
    """A provision's token set from its stored (joined) form."""
    return frozenset(split(stored))


def _compact(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


class Tables:
    """Documents, provisions and the manifest in the index database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def manifest(self) -> dict[str, ManifestEntry]:
        """Committed documents in ingest order."""
        rows = self.db.connection().execute(
            "SELECT doc_id, sha256, source_path, index_id FROM documents ORDER BY seq"
        )
        return {str(r[0]): ManifestEntry(*map(str, r)) for r in rows}

    def has(self, doc_id: str) -> bool:
        row = (
            self.db.connection()
            .execute("SELECT 1 FROM documents WHERE doc_id = ?", (doc_id,))
            .fetchone()
        )
        return row is not None

    def versions(self, conn: sqlite3.Connection | None = None) -> dict[str, tuple[int, str]]:
        """doc_id → (version, index_id), in ingest order."""
        rows = (conn or self.db.connection()).execute(
            "SELECT doc_id, version, index_id FROM documents ORDER BY seq"
        )
        return {str(r[0]): (int(r[1]), str(r[2])) for r in rows}

    def load(
        self, doc_ids: Iterable[str], conn: sqlite3.Connection | None = None
    ) -> dict[str, StoredDoc]:
        conn = conn or self.db.connection()
        wanted = list(dict.fromkeys(doc_ids))
        out: dict[str, StoredDoc] = {}
        for start in range(0, len(wanted), 500):  # few queries for a whole library
            part = wanted[start : start + 500]
            marks = ",".join("?" * len(part))
            provisions: dict[str, list[Provision]] = {d: [] for d in part}
            for doc_id, *row in conn.execute(
                f"SELECT doc_id, {COLUMNS} FROM provisions WHERE doc_id IN ({marks})"
                " ORDER BY doc_id, pos",
                part,
            ):
                provisions[doc_id].append(from_row(doc_id, row))
            for doc_id, sha, source, index_id, version, data in conn.execute(
                "SELECT doc_id, sha256, source_path, index_id, version, data FROM documents"
                f" WHERE doc_id IN ({marks})",
                part,
            ):
                meta = json.loads(data)
                parsed = ParsedDocument(
                    document_from_dict(meta["document"]),
                    tuple(provisions[doc_id]),
                    tuple(meta.get("warnings", ())),
                )
                entry = ManifestEntry(doc_id, str(sha), str(source), str(index_id))
                out[doc_id] = StoredDoc(parsed, entry, int(version))
        return {d: out[d] for d in wanted if d in out}

    def tokens_of(self, doc_id: str, pos: int, version: int) -> frozenset[str] | None:
        """The stored token set of one provision of one committed version (None when that
        version is no longer the committed one)."""
        row = (
            self.db.connection()
            .execute(
                "SELECT p.tokens FROM provisions p JOIN documents d ON d.doc_id = p.doc_id"
                " WHERE p.doc_id = ? AND p.pos = ? AND d.version = ?",
                (doc_id, pos, version),
            )
            .fetchone()
        )
        return token_set(row[0]) if row else None

    def provision_df(self) -> tuple[dict[str, int], int]:
        """How many provisions hold each token, and how many provisions there are (of every
        committed document)."""
        conn = self.db.connection()
        df = {str(t): int(n) for t, n in conn.execute("SELECT term, df FROM provision_terms")}
        (count,) = conn.execute("SELECT COUNT(*) FROM provisions").fetchone()
        return df, int(count)

    def write_doc(
        self,
        conn: sqlite3.Connection,
        parsed: ParsedDocument,
        entry: ManifestEntry,
        tokens: Sequence[frozenset[str]],
        version: int,
    ) -> None:
        """Replace the document's rows (inside the caller's transaction)."""
        doc_id = parsed.document.doc_id
        seq_row = conn.execute("SELECT seq FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        if seq_row is None:
            seq_row = conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM documents").fetchone()
        self.delete_doc(conn, doc_id)
        data = {
            "version": FORMAT_VERSION,
            "document": document_to_dict(parsed.document),
            "warnings": list(parsed.warnings),
        }
        conn.execute(
            "INSERT INTO documents (doc_id, seq, sha256, source_path, index_id, version, data)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                int(seq_row[0]),
                entry.sha256,
                entry.source_path,
                entry.index_id,
                version,
                _compact(data),
            ),
        )
        df: dict[str, int] = {}
        for toks in tokens:
            for t in toks:
                df[t] = df.get(t, 0) + 1
        conn.executemany(
            "INSERT INTO provision_terms (term, df) VALUES (?, ?) "
            "ON CONFLICT (term) DO UPDATE SET df = df + excluded.df",
            df.items(),
        )
        marks = ",".join("?" * (COLUMNS.count(",") + 4))
        conn.executemany(
            f"INSERT INTO provisions (doc_id, pos, {COLUMNS}, tokens) VALUES ({marks})",
            (
                (doc_id, pos, *to_row(p), join(sorted(toks)))
                for pos, (p, toks) in enumerate(zip(parsed.provisions, tokens, strict=True))
            ),
        )

    def delete_doc(self, conn: sqlite3.Connection, doc_id: str) -> None:
        df: dict[str, int] = {}
        for (stored,) in conn.execute("SELECT tokens FROM provisions WHERE doc_id = ?", (doc_id,)):
            for t in split(stored):
                df[t] = df.get(t, 0) + 1
        conn.executemany(
            "UPDATE provision_terms SET df = df - ? WHERE term = ?", ((n, t) for t, n in df.items())
        )
        if df:
            conn.execute("DELETE FROM provision_terms WHERE df <= 0")
        conn.execute("DELETE FROM provisions WHERE doc_id = ?", (doc_id,))
        conn.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))

    def forget_sha(self, conn: sqlite3.Connection, doc_id: str) -> None:
        """Make the next ingest of this document redo it (its vectors could not be verified)."""
        conn.execute("UPDATE documents SET sha256 = '' WHERE doc_id = ?", (doc_id,))

    # the journal of vector-store replacements
    def begin_pending(self, doc_ids: Sequence[str], action: str) -> None:
        now = time.time()
        with self.db.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO pending (doc_id, action, started) VALUES (?, ?, ?)",
                ((doc_id, action, now) for doc_id in doc_ids),
            )

    def end_pending(self, doc_ids: Sequence[str]) -> None:
        with self.db.transaction() as conn:
            conn.executemany("DELETE FROM pending WHERE doc_id = ?", ((d,) for d in doc_ids))

    def pending(self) -> list[str]:
        rows = self.db.connection().execute("SELECT doc_id FROM pending ORDER BY started")
        return [str(r[0]) for r in rows]


def legacy_manifest(folder: Path) -> dict[str, ManifestEntry]:
    """The manifest of an index written by an older release: `manifest.json` (JSON tables) or
    an `index*.sqlite` of another schema version. Its documents are re-ingested from their
    source files; the vector cache makes that cheap."""
    folder = Path(folder)
    found: dict[str, ManifestEntry] = {}
    path = folder / "manifest.json"
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            for doc_id, e in data.get("docs", {}).items():
                found[doc_id] = ManifestEntry(
                    doc_id, e["sha256"], e.get("source_path", ""), e["index_id"]
                )
        except (ValueError, KeyError, TypeError, AttributeError):
            log.warning("unreadable legacy manifest %s", path, exc_info=True)
    for old in _old_databases(folder):
        try:
            with contextlib.closing(sqlite3.connect(f"file:{old}?mode=ro", uri=True)) as conn:
                rows = conn.execute("SELECT doc_id, sha256, source_path, index_id FROM documents")
                found.update((str(r[0]), ManifestEntry(*map(str, r))) for r in rows)
        except sqlite3.Error:
            log.warning("unreadable legacy index %s", old, exc_info=True)
    return found


def _old_databases(folder: Path) -> list[Path]:
    current = database_path(folder).name
    return [p for p in sorted(folder.glob("index*.sqlite")) if p.name != current]


def database_path(folder: Path) -> Path:
    return Path(folder) / f"index-v{SCHEMA_VERSION}.sqlite"


def remove_legacy(folder: Path) -> None:
    """Drop the tables of an older release once every document is in the database."""
    folder = Path(folder)
    for sub in ("docs", "keyword"):
        for path in sorted((folder / sub).glob("*.json")):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            (folder / sub).rmdir()
    (folder / "manifest.json").unlink(missing_ok=True)
    for old in _old_databases(folder):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{old}{suffix}").unlink(missing_ok=True)
