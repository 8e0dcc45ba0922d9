"""File → ParsedDocument: read → clean → metadata → structure (with responsibilities)."""

from __future__ import annotations

import hashlib
import logging
from functools import lru_cache
from pathlib import Path

from ingest.clean import clean
from ingest.errors import IngestError
from ingest.metadata import extract_metadata
from ingest.model import ParsedDocument
from ingest.reader import read_text
from ingest.structure import parse_structure_report

logger = logging.getLogger(__name__)


def parse_text(
    doc_id: str, text: str, source_path: str = "", sha256: str = "", notes: tuple[str, ...] = ()
) -> ParsedDocument:
    """Parse already-decoded text (tests, and files after reading)."""
    cleaned = clean(text)
    if not cleaned.strip():
        raise IngestError(source_path or doc_id, "文件为空（没有可读的文字）")
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    document = extract_metadata(doc_id, cleaned, source_path=source_path, sha256=digest)
    structure = parse_structure_report(doc_id, cleaned)
    warnings = (*notes, *structure.warnings)
    for warning in warnings:
        logger.info("%s: %s", doc_id, warning)
    return ParsedDocument(document, structure.provisions, tuple(warnings))


def parse_file(path: Path | str) -> ParsedDocument:
    """Parse one file; raises IngestError (with the file name) when it cannot be read."""
    path = Path(path)
    decoded = read_text(path)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return parse_text(path.stem, decoded.text, str(path), digest, decoded.notes)


@lru_cache(maxsize=1)
def parser_fingerprint() -> str:
    """A hash of the ingest code and data: an index built by another parser version is stale, so
    the index includes this in its id and re-parses every file when it changes."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted([*package.glob("*.py"), *package.glob("data/*")]):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
