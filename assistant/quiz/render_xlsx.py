"""The quiz as a workbook for exam systems: questions on one sheet, the key on another, one row per
item, options in columns."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from assistant.quiz import paper
from assistant.quiz.model import LETTERS, TYPE_NAMES, ItemType, Quiz

QUESTION_SHEET = "试题"
KEY_SHEET = "答案"


def _cell(value: object) -> object:
    """Text a spreadsheet would run as a formula (=, +, -, @) is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write_quiz_xlsx(quiz: Quiz, path: Path) -> Path:
    width = max(
        [4, *(len(i.options) for i in quiz.items if i.type in (ItemType.SINGLE, ItemType.MULTI))]
    )
    option_columns = [f"选项{LETTERS[i]}" for i in range(width)]
    wb = Workbook()
    ws = wb.active
    ws.title = QUESTION_SHEET
    ws.append(["序号", "题型", "题干", *option_columns, "分值", "难度", "出处"])
    key = wb.create_sheet(KEY_SHEET)
    key.append(["序号", "题型", "正确答案", "解析", "出处", "条款编号", "文件"])
    for number, item in ((n, i) for g in paper.groups(quiz) for n, i in g.items):
        options = list(item.options) if item.type is not ItemType.BLANK else []
        options += [""] * (width - len(options))
        ws.append([_cell(v) for v in (
            number, TYPE_NAMES[item.type], item.question, *options, paper.SCORES[item.type],
            item.difficulty, item.label,
        )])  # fmt: skip
        key.append([_cell(v) for v in (
            number, TYPE_NAMES[item.type], paper.key_line(item), item.explanation, item.label,
            item.key, quiz.titles[quiz.doc_ids.index(item.doc_id)],
        )])  # fmt: skip
    for sheet, widths in (
        (ws, [6, 12, 60, *[22] * width, 6, 6, 14]),
        (key, [6, 12, 14, 80, 14, 12, 40]),
    ):
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for i, w in enumerate(widths, 1):
            sheet.column_dimensions[get_column_letter(i)].width = w
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
