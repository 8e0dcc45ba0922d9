"""Word and Excel files into text, tables kept as tables: python-docx walks the body in order
(paragraphs and tables), openpyxl every sheet. A table row becomes one line of tab-separated cells,
so the structure parser reads a 任务分工表 (序号 / 重点任务 / 牵头单位 / 配合单位 / 完成时限) as one
provision per row with the header naming the roles. A cell merged down a column is printed once,
in its first row, as on paper."""

from __future__ import annotations

import io
import logging
import zipfile
import zlib
from pathlib import Path
from typing import Any

from ingest.errors import IngestError
from ingest.limits import MAX_DOCX_XML_BYTES

logger = logging.getLogger(__name__)


def _cell_text(text: str) -> str:
    return "".join(part.strip() for part in str(text).replace("\t", " ").splitlines())


def _check_docx(data: bytes, path: str | Path) -> None:
    """Refuse what python-docx should never parse: a broken zip, a missing or huge body, entities."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("word/document.xml")
            if info.file_size > MAX_DOCX_XML_BYTES:
                raise IngestError(path, "Word 文件解压后过大，不像一份政策文件")
            head = archive.read(info)
    except KeyError as exc:
        raise IngestError(path, "不是有效的 .docx 文件（缺少正文 word/document.xml）") from exc
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise IngestError(path, "不是有效的 .docx 文件（文件已损坏或不完整）") from exc
    if b"<!DOCTYPE" in head[:4096] or b"<!ENTITY" in head:
        raise IngestError(path, "不是有效的 .docx 文件（正文含有 XML 实体定义）")


def _docx_table(table: Any) -> list[str]:
    lines: list[str] = []
    previous: list[Any] = []
    for row in table.rows:
        cells = list(row.cells)
        texts = []
        for i, cell in enumerate(cells):
            merged_down = i < len(previous) and previous[i]._tc is cell._tc
            merged_across = i > 0 and cells[i - 1]._tc is cell._tc
            texts.append("" if merged_down or merged_across else _cell_text(cell.text))
        previous = cells
        if any(texts):
            lines.append("\t".join(texts))
    return lines


def docx_to_text(data: bytes, path: str | Path) -> str:
    """Paragraphs and tables of a .docx, in document order."""
    _check_docx(data, path)
    import docx  # noqa: PLC0415 - python-docx loads lxml; only Word files need it
    from docx.table import Table  # noqa: PLC0415
    from docx.text.paragraph import Paragraph  # noqa: PLC0415

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many kinds for a damaged package
        logger.debug("python-docx failed on %s", path, exc_info=True)
        raise IngestError(path, "不是有效的 .docx 文件（正文 XML 已损坏）") from exc
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = block.text.strip()
            if text:
                lines.append(text)
        elif isinstance(block, Table):
            lines.extend(_docx_table(block))
    return "\n".join(lines)


def xlsx_to_text(data: bytes, path: str | Path) -> str:
    """Every sheet of a workbook: its name as a title line, then one line per row."""
    import openpyxl  # noqa: PLC0415

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged workbook
        logger.debug("openpyxl failed on %s", path, exc_info=True)
        raise IngestError(path, "不是有效的 .xlsx 文件（文件已损坏或不完整）") from exc
    lines: list[str] = []
    try:
        for sheet in book.worksheets:
            rows = [
                [_cell_text(c) if c is not None else "" for c in row]
                for row in sheet.iter_rows(values_only=True)
            ]
            rows = [r for r in rows if any(r)]
            if not rows:
                continue
            width = max(max((i for i, c in enumerate(r) if c), default=0) for r in rows) + 1
            single = [r for r in rows if sum(1 for c in r if c) == 1 and r[0]]
            title = sheet.title if not single else ""
            if title:
                lines.append(title)
            for r in rows:
                cells = r[:width] + [""] * (width - len(r))
                filled = [c for c in cells if c]
                lines.append(filled[0] if len(filled) == 1 else "\t".join(cells))
    finally:
        book.close()
    return "\n".join(lines)
