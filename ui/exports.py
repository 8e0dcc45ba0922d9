"""Exports: tables as .xlsx (openpyxl) that print on A4, or .csv (UTF-8 with BOM, so Excel reads the
Chinese). Text a spreadsheet would run as a formula (= + - @, tab, carriage return) stays text."""

from __future__ import annotations

import csv
import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

Rows = Sequence[Sequence[object]]
_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff.-]+")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MAX_WIDTH = 60  # characters; longer text wraps
_THIN = Side(style="thin", color="999999")


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str
    header: Sequence[str]
    rows: Rows
    widths: Sequence[int] = ()  # characters per column; measured from the content when empty
    heading: str = ""  # a title line printed above the table
    vertical_from: int = 0  # header cells from this column (1-based) on are written vertically


def _folder() -> Path:
    return Path(tempfile.mkdtemp(prefix="policyqa-export-"))


def safe_name(name: str) -> str:
    """A file name without path separators or shell-special characters."""
    return _UNSAFE.sub("-", name).strip("-.")[:80] or "export"


def csv_cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: formula starts get a leading apostrophe (OWASP)."""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
        if value.startswith(_FORMULA_START):
            return "'" + value
    return value


def write_csv(name: str, header: Sequence[str], rows: Rows) -> str:
    path = _folder() / f"{safe_name(name)}.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([csv_cell(h) for h in header])
        writer.writerows([csv_cell(v) for v in row] for row in rows)
    return str(path)


def _display_width(text: str) -> int:
    """Characters as a spreadsheet column counts them: a Chinese character is two."""
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _widths(sheet: Sheet) -> list[int]:
    if sheet.widths:
        return list(sheet.widths)
    out = []
    for i, head in enumerate(sheet.header):
        longest = max(
            [_display_width(str(head))]
            + [
                _display_width(str(r[i]))
                for r in sheet.rows[:500]
                if i < len(r) and r[i] is not None
            ]
        )
        out.append(max(6, min(MAX_WIDTH, longest + 2)))
    return out


def _put(ws: Worksheet, row: int, column: int, value: object) -> None:
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        cell.value = _CONTROL.sub("", value)
        cell.data_type = "s"  # never a formula, whatever it starts with
    else:
        cell.value = value


def _fill(ws: Worksheet, sheet: Sheet) -> None:
    top = 1
    if sheet.heading:
        _put(ws, 1, 1, sheet.heading)
        ws.cell(row=1, column=1).font = Font(bold=True, size=14)
        top = 2
    header_fill = PatternFill("solid", fgColor="DDE6F4")
    for c, head in enumerate(sheet.header, 1):
        _put(ws, top, c, head)
        cell = ws.cell(row=top, column=c)
        cell.font = Font(bold=True)
        cell.fill = header_fill
        vertical = bool(sheet.vertical_from) and c >= sheet.vertical_from
        cell.alignment = Alignment(
            horizontal="center",
            vertical="bottom" if vertical else "center",
            wrap_text=not vertical,
            text_rotation=255 if vertical else 0,  # 255: characters stacked top to bottom
        )
        cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    wrap = Alignment(vertical="top", wrap_text=True)
    for r, row in enumerate(sheet.rows, top + 1):
        for c, value in enumerate(row, 1):
            _put(ws, r, c, value)
            cell = ws.cell(row=r, column=c)
            cell.alignment = wrap
            cell.border = Border(top=_THIN, bottom=_THIN, left=_THIN, right=_THIN)
    for c, width in enumerate(_widths(sheet), 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.freeze_panes = ws.cell(row=top + 1, column=1)
    last = get_column_letter(max(1, len(sheet.header)))
    ws.auto_filter.ref = f"A{top}:{last}{top + max(1, len(sheet.rows))}"
    # A4, landscape, one page wide, the header row repeated on every printed page
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top}:{top}"
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"


def write_xlsx(name: str, sheets: Sequence[Sheet]) -> str:
    """One workbook, one sheet per `Sheet`: widths, frozen header, filters, A4 page set-up."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in sheets:
        title = re.sub(r"[\\/*?:\[\]]", "-", sheet.title)[:31] or "表"
        _fill(wb.create_sheet(title=title), sheet)
    path = _folder() / f"{safe_name(name)}.xlsx"
    wb.save(path)
    return str(path)


def write(fmt: str, name: str, sheet: Sheet) -> str:
    if fmt == "xlsx":
        return write_xlsx(name, [sheet])
    return write_csv(name, sheet.header, sheet.rows)
