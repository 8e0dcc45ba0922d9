"""Printable .docx (python-docx): the paper (header, questions by type with scores) and the key with
explanations on pages of its own; the study guide."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx import Document as new_document
from docx.document import Document as DocxDocument
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

from assistant.quiz import paper
from assistant.quiz.guide import Guide
from assistant.quiz.model import ItemType, Quiz
from ingest.model import Document

BODY_FONT = "宋体"  # printed papers in 宋体, headings in 黑体; LibreOffice substitutes a CJK font
HEADING_FONT = "黑体"


def _font(
    run_or_style: object, name: str, size: float | None = None, bold: bool | None = None
) -> None:
    font = run_or_style.font  # type: ignore[attr-defined]
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    element = run_or_style.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(attr), name)


def _new(title: str) -> DocxDocument:
    doc = new_document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.4)
    _font(doc.styles["Normal"], BODY_FONT, 11)
    doc.styles["Normal"].paragraph_format.space_after = Pt(2)
    doc.styles["Normal"].paragraph_format.line_spacing = 1.25
    for level, size in ((1, 16), (2, 13), (3, 12)):
        style = doc.styles[f"Heading {level}"]
        _font(style, HEADING_FONT, size, True)
        style.font.color.rgb = None
        style.paragraph_format.space_before = Pt(10 if level > 1 else 0)
        style.paragraph_format.space_after = Pt(6)
    doc.core_properties.title = title
    doc.core_properties.language = "zh-CN"
    _page_numbers(doc)
    return doc


def _page_numbers(doc: DocxDocument) -> None:
    """Footer: 第 N 页 (a PAGE field)."""
    footer = doc.sections[0].footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("第 ")
    run = footer.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        else:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
    footer.add_run(" 页")


def _centered(
    doc: DocxDocument, text: str, size: float, font: str = HEADING_FONT, bold: bool = True
) -> Paragraph:
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(p.add_run(text), font, size, bold)
    return p


def _heading(doc: DocxDocument, text: str, level: int) -> None:
    doc.add_heading(text, level=level)


def _page_break(doc: DocxDocument) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _paper_header(
    doc: DocxDocument, quiz: Quiz, documents: Sequence[Document], heading: str
) -> None:
    _centered(doc, paper.title(quiz), 14)
    _centered(doc, heading, 20)
    for line in paper.document_lines(quiz, documents):
        p = doc.add_paragraph(line)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p = doc.add_paragraph(paper.NAME_LINE)
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(8)
    p.paragraph_format.space_after = Pt(8)
    doc.add_paragraph(paper.INSTRUCTIONS.format(total=paper.total_score(quiz)))


def write_quiz_docx(
    quiz: Quiz,
    path: Path,
    documents: Sequence[Document] = (),
    *,
    questions: bool = True,
    key: bool = True,
) -> Path:
    """The paper (questions) and the key with explanations, the key starting on a page of its own."""
    doc = _new(paper.title(quiz) + paper.PAPER_TITLE)
    if questions:
        _paper_header(doc, quiz, documents, paper.PAPER_TITLE)
        for group in paper.groups(quiz):
            _heading(doc, group.heading, 2)
            for number, item in group.items:
                p = doc.add_paragraph(f"{number}. {paper.stem(item)}")
                p.paragraph_format.space_before = Pt(4)
                p.paragraph_format.keep_with_next = item.type in (ItemType.SINGLE, ItemType.MULTI)
                if item.type in (ItemType.SINGLE, ItemType.MULTI):
                    for i, option in enumerate(item.lettered_options()):
                        o = doc.add_paragraph(option)
                        o.paragraph_format.left_indent = Cm(0.9)
                        o.paragraph_format.space_after = Pt(0)
                        o.paragraph_format.keep_with_next = i < len(item.options) - 1
    if key:
        if questions:
            _page_break(doc)
        if not questions:
            _centered(doc, paper.title(quiz), 14)
        _centered(doc, "答案与解析", 16)
        _heading(doc, "答案速查", 2)
        for group in paper.groups(quiz):
            doc.add_paragraph(f"{group.heading.split('（')[0]}：{paper.answer_grid(group)}")
        for group in paper.groups(quiz):
            _heading(doc, group.heading.split("（")[0], 2)
            for number, item in group.items:
                p = doc.add_paragraph()
                p.paragraph_format.space_before = Pt(4)
                p.paragraph_format.keep_with_next = True
                _font(p.add_run(f"{number}. 答案：{paper.key_line(item)}"), BODY_FONT, 11, True)
                if not questions:
                    p.add_run(f"　{item.question}")
                e = doc.add_paragraph(f"解析：{item.explanation}")
                e.paragraph_format.left_indent = Cm(0.9)
                e.paragraph_format.space_after = Pt(0)
                e.paragraph_format.keep_with_next = True
                c = doc.add_paragraph(f"出处：{paper.citation(item, quiz)}")
                c.paragraph_format.left_indent = Cm(0.9)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _table(
    doc: DocxDocument, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[float]
) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text, width in zip(table.rows[0].cells, header, widths, strict=True):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 10, True)
        cell.width = Cm(width)
    for row in rows:
        cells = table.add_row().cells
        for cell, text, width in zip(cells, row, widths, strict=True):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(text or "—"), BODY_FONT, 9.5)
            cell.width = Cm(width)


def write_guide_docx(guide: Guide, path: Path) -> Path:
    doc = _new(guide.heading)
    _centered(doc, guide.title, 14)
    _centered(doc, "学习提纲", 20)
    for line in guide.about:
        doc.add_paragraph(line).alignment = WD_ALIGN_PARAGRAPH.CENTER
    _heading(doc, "一、文件结构与主要任务", 1)
    for part in guide.parts:
        _heading(doc, f"{part.label}、{part.title}", 2)
        if part.summary:
            doc.add_paragraph(f"{part.summary}（{part.label}）")
        for section in part.sections:
            if section.title:
                _heading(doc, f"{section.label} {section.title}", 3)
            if section.summary:
                doc.add_paragraph(f"{section.summary}（{section.label}）")
            for task in section.tasks:
                p = doc.add_paragraph(style="List Bullet")
                _font(p.add_run(task.title), BODY_FONT, 11, True)
                p.add_run(f"（{task.label}）：{task.sentence}")
    _heading(doc, "二、责任分工", 1)
    rows = [
        (r.label, r.title, r.lead, r.co, r.responsible, r.deadline) for r in guide.responsibilities
    ]
    _table(
        doc,
        ("出处", "任务", "牵头", "配合", "责任单位", "完成期限"),
        rows,
        (2.2, 4.2, 3.0, 4.2, 2.4, 1.6),
    )
    _heading(doc, "三、关键数字与时间节点", 1)
    _lines(doc, guide.figures, "（文件未列出具体数字目标。）")
    _heading(doc, "四、对企业和项目的约束性要求", 1)
    _lines(doc, guide.rules, "（文件未列出禁止或限制类要求。）")
    if guide.principles:
        _heading(doc, f"五、{guide.principles_title}", 1)
        _lines(doc, guide.principles, "")
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def _lines(doc: DocxDocument, lines: Sequence[object], empty: str) -> None:
    if not lines and empty:
        doc.add_paragraph(empty)
    for line in lines:
        p = doc.add_paragraph(style="List Bullet")
        _font(p.add_run(line.title), BODY_FONT, 11, True)  # type: ignore[attr-defined]
        p.add_run(f"：{line.sentence}（{line.label}）")  # type: ignore[attr-defined]
