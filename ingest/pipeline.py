"""File → ParsedDocument: read → clean → metadata → structure (with responsibilities)."""

from __future__ import annotations

import hashlib
import logging
import re
from functools import lru_cache
from pathlib import Path

from ingest.clean import clean
from ingest.errors import IngestError
from ingest.ids import doc_id_for
from ingest.limits import check_provisions, check_text
from ingest.metadata import extract_metadata
from ingest.model import ParsedDocument
from ingest.reader import decode_file, read_bytes
from ingest.structure import parse_structure_report

logger = logging.getLogger(__name__)

_SURROGATE = re.compile("[\ud800-\udfff]")


def parse_text(
    doc_id: str, text: str, source_path: str = "", sha256: str = "", notes: tuple[str, ...] = ()
) -> ParsedDocument:
    """Parse already-decoded text (tests, and files after reading); text beyond the limits of
    `ingest.limits` is refused before it is parsed."""
    where = source_path or doc_id
    check_text(where, text)
    if _SURROGATE.search(text):  # a broken PDF text layer can carry them; nothing else can
        text = _SURROGATE.sub("\ufffd", text)
        notes = (*notes, "文件含有无法显示的字符，已替换为 �")
    cleaned = clean(text)
    if not cleaned.strip():
        raise IngestError(where, "文件为空（没有可读的文字）")
    digest = sha256 or hashlib.sha256(text.encode("utf-8")).hexdigest()
    document = extract_metadata(doc_id, cleaned, source_path=source_path, sha256=digest)
    structure = parse_structure_report(doc_id, cleaned)
    check_provisions(where, structure.provisions)
    warnings = (*notes, *structure.warnings)
    for warning in warnings:
        logger.info("%s: %s", doc_id, warning)
    return ParsedDocument(document, structure.provisions, tuple(warnings))


def parse_file(path: Path | str) -> ParsedDocument:
    """Parse one file under its doc_id (`ingest.ids.doc_id_for`); raises IngestError (in Chinese,
    naming the file) when it cannot be read or parsed, whatever went wrong inside."""
    path = Path(path)
    data = read_bytes(path)  # read once: the hash is of the bytes that were parsed
    try:
        decoded = decode_file(path, data)
        digest = hashlib.sha256(data).hexdigest()
        return parse_text(doc_id_for(path), decoded.text, str(path), digest, decoded.notes)
    except IngestError:
        raise
    except Exception as exc:  # a parser defect must not surface as a traceback to the user
        logger.info("parsing %s failed: %s: %s", path, type(exc).__name__, exc)
        logger.debug("parser traceback for %s", path, exc_info=True)
        raise IngestError(
            path, "解析时出错（程序内部错误），未导入；请把这个文件反馈给维护人员"
        ) from exc


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
