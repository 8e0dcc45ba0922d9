"""Papers and study guides as files: the .docx and .xlsx read back with python-docx and openpyxl,
the .md; and a printed look: LibreOffice (Debian, scripts/install-office.sh) turns the paper into a
PDF and pdftoppm renders the first page of the paper and of the key to tests/artifacts/quiz/."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook
from pypdf import PdfReader

from assistant.quiz import ItemType, Quiz
from assistant.quiz.model import TYPE_NAMES
from assistant.quiz.output import write_guide, write_quiz
from assistant.quiz.paper import SCORES
from assistant.service import PolicyQA
from tests.quiz_fixtures import EXTERNAL_DOCS, SEED_DOC, quiz_service

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).parent / "artifacts" / "quiz"
INSTALL_HINT = (
    "请先运行 scripts/install-office.sh（apt-get install libreoffice-writer-nogui poppler-utils）"
)


@pytest.fixture(scope="module")
def qa() -> PolicyQA:
    return quiz_service()


@pytest.fixture(scope="module")
def quiz(qa: PolicyQA) -> Quiz:
    return qa.quiz([SEED_DOC], n=30, seed=5)


def _docx_text(path: Path) -> list[str]:
    return [p.text for p in read_docx(str(path)).paragraphs]


def test_docx_paper_reads_back(qa: PolicyQA, quiz: Quiz, tmp_path: Path) -> None:
    path = write_quiz(quiz, "docx", tmp_path / "paper.docx", qa.documents())
    doc = read_docx(str(path))
    lines = [p.text for p in doc.paragraphs]
    text = "\n".join(lines)
    assert lines[:2] == ["《关于加快转变发展方式做好碳达峰碳中和工作的实施意见》", "学习测试卷"]
    assert "苏委发〔2022〕7号" in text and "姓名：" in text and "得分：" in text
    key_at = lines.index("答案与解析")
    paper, key = lines[:key_at], lines[key_at:]
    # the key starts on a page of its own: a page break just before it
    breaks = [p for p in doc.paragraphs[:key_at] if 'w:br w:type="page"' in p._p.xml]
    assert breaks, "答案页前没有分页"
    for t in ItemType:
        n = sum(1 for i in quiz.items if i.type is t)
        assert f"{TYPE_NAMES[t]}（共{n}题，每题{SCORES[t]}分，共{n * SCORES[t]}分）" in "\n".join(
            paper
        )
    for number, item in enumerate(
        sorted(quiz.items, key=lambda i: list(ItemType).index(i.type)), 1
    ):
        assert any(line.startswith(f"{number}. {item.question[:6]}") for line in paper)
        assert any(line.startswith(f"{number}. 答案：") for line in key)
    explanations = [line for line in key if line.startswith("解析：")]
    assert len(explanations) == len(quiz.items)
    assert all(i.quote in "\n".join(key) for i in quiz.items)
    assert not any("答案：" in line for line in paper)


def test_xlsx_questions_and_key_on_separate_sheets(quiz: Quiz, tmp_path: Path) -> None:
    path = write_quiz(quiz, "xlsx", tmp_path / "paper.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["试题", "答案"]
    questions, key = list(wb["试题"].values), list(wb["答案"].values)
    assert questions[0][:4] == ("序号", "题型", "题干", "选项A")
    assert key[0][:4] == ("序号", "题型", "正确答案", "解析")
    assert len(questions) == len(key) == len(quiz.items) + 1
    by_question = {row[2]: row for row in questions[1:]}
    for item in quiz.items:
        row = by_question[item.question]
        if item.type in (ItemType.SINGLE, ItemType.MULTI):
            assert tuple(row[3 : 3 + len(item.options)]) == item.options
        number = row[0]
        (key_row,) = [r for r in key[1:] if r[0] == number]
        assert key_row[3] == item.explanation
        assert key_row[5] == item.key
    assert not any("答案" in str(c) for row in questions for c in row if c)


def test_markdown_paper(qa: PolicyQA, quiz: Quiz, tmp_path: Path) -> None:
    text = write_quiz(quiz, "md", tmp_path / "paper.md", qa.documents()).read_text(encoding="utf-8")
    paper, _, key = text.partition("# 答案与解析")
    assert key and "答案：" not in paper
    assert paper.count("\n    A. ") == sum(
        1 for i in quiz.items if i.type in (ItemType.SINGLE, ItemType.MULTI)
    )


def test_guide_docx_and_md(qa: PolicyQA, tmp_path: Path) -> None:
    for doc_id in (SEED_DOC, EXTERNAL_DOCS[1]):
        guide = qa.guide(doc_id)
        md = write_guide(guide, "md", tmp_path / f"{doc_id}.md").read_text(encoding="utf-8")
        lines = _docx_text(write_guide(guide, "docx", tmp_path / f"{doc_id}.docx"))
        for heading in (
            "一、文件结构与主要任务",
            "二、责任分工",
            "三、关键数字与时间节点",
            "四、对企业和项目的约束性要求",
        ):
            assert heading in lines and f"## {heading}" in md
        table = read_docx(str(tmp_path / f"{doc_id}.docx")).tables[0]
        assert [c.text for c in table.rows[0].cells] == [
            "出处",
            "任务",
            "牵头",
            "配合",
            "责任单位",
            "完成期限",
        ]
        assert len(table.rows) == len(guide.responsibilities) + 1


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if not found or not shutil.which("pdftoppm"):
        pytest.fail(f"找不到 LibreOffice 或 pdftoppm：{INSTALL_HINT}")
    return found


@pytest.mark.slow
def test_printed_pages(qa: PolicyQA, quiz: Quiz, tmp_path: Path) -> None:
    """The paper and the guide printed through LibreOffice: the first page of the paper, of the key,
    and of the guide as PNGs for a person to look at."""
    soffice = _soffice()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    paper = write_quiz(quiz, "docx", ARTIFACTS / "paper.docx", qa.documents())
    guide = write_guide(qa.guide(SEED_DOC), "docx", ARTIFACTS / "guide.docx")
    profile = tmp_path / "lo-profile"
    for source in (paper, guide):
        subprocess.run(
            [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(ARTIFACTS), str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
    pdf = PdfReader(str(ARTIFACTS / "paper.pdf"))
    pages = [page.extract_text() or "" for page in pdf.pages]
    key_page = next(i for i, text in enumerate(pages) if "答案与解析" in text)
    assert key_page > 0, "答案应从新的一页开始"
    assert "学习测试卷" in pages[0] and "姓名" in pages[0]
    assert not any("答案：" in text for text in pages[:key_page])
    shots = {"paper-first-page": 1, "paper-key-first-page": key_page + 1}
    for name, page in shots.items():
        subprocess.run(
            ["pdftoppm", "-png", "-r", "70", "-f", str(page), "-l", str(page), "-singlefile", str(ARTIFACTS / "paper.pdf"), str(ARTIFACTS / name)],
            check=True, timeout=120,
        )  # fmt: skip
    subprocess.run(
        ["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", "-singlefile", str(ARTIFACTS / "guide.pdf"), str(ARTIFACTS / "guide-first-page")],
        check=True, timeout=120,
    )  # fmt: skip
    for name in (*shots, "guide-first-page"):
        png = ARTIFACTS / f"{name}.png"
        assert png.is_file() and png.stat().st_size > 20_000, f"{png} 未生成或为空白"


@pytest.mark.parametrize("doc_id", [SEED_DOC, *EXTERNAL_DOCS])
def test_every_guide_line_is_cited_and_verbatim(qa: PolicyQA, doc_id: str) -> None:
    guide = qa.guide(doc_id)
    by_key = {p.key: p for p in qa.provisions(doc_id)}
    lines = [t for part in guide.parts for s in part.sections for t in s.tasks]
    lines += [*guide.figures, *guide.rules, *guide.principles]
    assert lines and guide.responsibilities
    for line in lines:
        p = by_key[line.key]
        assert line.label == p.label
        assert line.sentence.removesuffix("……") in p.text, f"{line.label}: 不是原文"
    for row in guide.responsibilities:
        r = by_key[row.key].responsibility
        assert (row.lead, row.co, row.responsible) == (
            "、".join(r.lead),
            "、".join(r.co),
            "、".join(r.responsible),
        )
    tasks = {t.key for part in guide.parts for s in part.sections for t in s.tasks}
    assert tasks == {p.key for p in qa.corpus.items([doc_id])}
