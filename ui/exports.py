"""Exports: tables as .xlsx (openpyxl) or .csv (UTF-8 with BOM, so Excel reads the Chinese)."""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

Rows = Sequence[Sequence[object]]
_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff.-]+")


def _folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="policyqa-export-"))


def safe_name(name: str) -> str:
    """A file name without path separators or shell-special characters."""
    return _UNSAFE.sub("-", name).strip("-.")[:80] or "export"


def _cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write_csv(name: str, header: Sequence[str], rows: Rows) -> str:
    path = _folder() / f"{safe_name(name)}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows([_cell(v) for v in row] for row in rows)
    return str(path)


def write_xlsx(name: str, sheets: Sequence[tuple[str, Sequence[str], Rows]]) -> str:
    """One workbook, one sheet per (title, header, rows)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title=safe_name(title)[:31])
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_cell(v) for v in row])
        ws.freeze_panes = "B2"
    path = _folder() / f"{safe_name(name)}.xlsx"
    wb.save(path)
    return str(path)


def write(fmt: str, name: str, header: Sequence[str], rows: Rows) -> str:
    if fmt == "xlsx":
        return write_xlsx(name, [(name, header, rows)])
    return write_csv(name, header, rows)
