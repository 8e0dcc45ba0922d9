"""Task tables as provisions: a .docx and an .xlsx built from real task lists (the seed's annex, a
provincial plan's 牵头单位/配合单位 list) read back one provision per row, the header naming the roles."""

from __future__ import annotations

from pathlib import Path

import docx
import openpyxl
import pytest

from ingest.model import ProvisionKind
from ingest.pipeline import parse_file
from tests.conftest import EXTERNAL, SEED


def _seed_annex() -> list[tuple[str, str, str]]:
    """(category, item, 责任部门) rows as printed in the seed's appendix."""
    rows = []
    lines = SEED.read_text("utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("\t具体事项"))
    category = ""
    for line in lines[start + 1 :]:
        if "\t" not in line:
            break
        cells = line.split("\t")
        category = cells[0].strip() or category
        rows.append((cells[0].strip(), cells[1].strip(), cells[2].strip()))
    return rows


def test_a_word_table_is_one_provision_per_row(tmp_path: Path) -> None:
    rows = _seed_annex()
    document = docx.Document()
    document.add_paragraph("关于做好碳达峰碳中和工作的实施意见")
    document.add_paragraph("一、总体要求")
    document.add_paragraph("（一）指导思想。坚持系统观念。")
    document.add_paragraph("附件：碳达峰碳中和政策体系与任务分工")
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ("", "具体事项", "责任部门"), strict=True):
        cell.text = text
    first_of_category: dict[str, object] = {}
    for category, item, dept in rows:
        cells = table.add_row().cells
        cells[1].text, cells[2].text = item, dept
        if category:
            cells[0].text = category
            first_of_category[category] = cells[0]
    path = tmp_path / "word-annex.docx"
    document.save(str(path))

    parsed = parse_file(path)
    annex = [p for p in parsed.provisions if p.kind is ProvisionKind.ANNEX]
    assert len(annex) == len(rows) == 19
    by_key = {p.key: p for p in annex}
    assert by_key["annex.3.3"].title == "氢能及燃料电池产业发展规划"
    assert by_key["annex.3.3"].responsibility.responsible == ("市工信局", "市发改委")
    assert by_key["annex.3.3"].responsibility.lead == ()  # headed 责任部门: no lead stated
    assert by_key["annex.1.1"].responsibility.responsible == ("市发改委",)
    assert by_key["annex.2.6"].path_titles[-1] == "重点领域专项实施方案"


@pytest.mark.skipif(not EXTERNAL.is_dir(), reason=f"{EXTERNAL} is absent")
def test_an_excel_task_list_is_one_task_per_row(tmp_path: Path) -> None:
    source = parse_file(EXTERNAL / "sichuan-county-green-low-carbon-construction-opinions.txt")
    tasks = [p for p in source.provisions if p.responsibility.lead]
    assert len(tasks) >= 10
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "重点任务分工"
    sheet.append(["序号", "重点任务", "牵头单位", "配合单位", "完成时限"])
    for n, p in enumerate(tasks, 1):
        sheet.append(
            [
                n,
                p.title,
                "、".join(p.responsibility.lead),
                "、".join(p.responsibility.co),
                "2025年底",
            ]
        )
    path = tmp_path / "sichuan-county-tasks.xlsx"
    book.save(path)

    parsed = parse_file(path)
    items = [p for p in parsed.provisions if p.kind is ProvisionKind.ITEM]
    assert len(items) == len(tasks)
    for n, (item, task) in enumerate(zip(items, tasks, strict=True), 1):
        assert (item.key, item.label, item.title) == (str(n), f"第{n}项", task.title)
        assert item.responsibility.lead == task.responsibility.lead
        assert item.responsibility.co == task.responsibility.co
        assert item.responsibility.deadline == "2025年底"
        assert item.path_titles == ("重点任务分工",)


def test_a_word_document_that_is_a_task_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("2024年节水工作任务分工")
    table = document.add_table(rows=1, cols=4)
    for cell, text in zip(
        table.rows[0].cells, ("序号", "工作任务", "责任单位", "完成时间"), strict=True
    ):
        cell.text = text
    for n, (task, unit, when) in enumerate(
        [
            ("开展节水型机关建设", "县机关事务中心、县水利局", "6月底"),
            ("推广节水器具", "县水利局", "12月底"),
        ],
        1,
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text, cells[3].text = str(n), task, unit, when
    path = tmp_path / "county-water-tasks.docx"
    document.save(str(path))

    items = {p.key: p for p in parse_file(path).provisions if p.kind is ProvisionKind.ITEM}
    assert items["1"].responsibility.responsible == ("县机关事务中心", "县水利局")
    assert items["1"].responsibility.lead == ()
    assert items["2"].responsibility.deadline == "12月底"
    assert items["2"].title == "推广节水器具"
