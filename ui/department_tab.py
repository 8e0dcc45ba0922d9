"""部门 tab: one department search (full names and short forms), its ledger of tasks grouped by
document and role, and the 任务台账 export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.service import PolicyQA
from ui import exports
from ui.format import esc
from ui.ledger import department_ledger, ledger_html, ledger_sheet, summary_markdown
from ui.tables import all_departments, department_choices, resolve_department


@dataclass
class DepartmentTab:
    picker: gr.Dropdown


def choices(qa: PolicyQA) -> list[tuple[str, str]]:
    registry = qa.corpus.registry
    return department_choices(all_departments(qa.corpus.tasks(), registry), registry)


def ledger_of(qa: PolicyQA, name: str) -> tuple[str, list[Any]]:
    """(summary markdown, tasks) for a typed or chosen department name."""
    corpus = qa.corpus
    known = all_departments(corpus.tasks(), corpus.registry)
    matched = resolve_department(name or "", known, corpus.registry)
    if not matched:
        if not (name or "").strip():
            return "请选择或输入部门。", []
        return f"没有找到部门“{esc(name)}”：请换个说法（全称或简称），或从列表中选择。", []
    found = department_ledger(
        matched,
        corpus.tasks(),
        qa.documents(),
        corpus.registry,
        printed_name=corpus.printed_name,
        registry_of=corpus.registry_of,
    )
    text = summary_markdown(found, name)
    if len(matched) > 1:
        text = f"“{esc(name)}”对应 {len(matched)} 个部门。" + text
    return text, found


def build(qa: PolicyQA) -> DepartmentTab:
    gr.Markdown(
        "输入部门的全称或简称（如“市住建局”“住房和城乡建设局”），查看它在各文件中牵头、配合、"
        "作为责任单位或负责落实的全部任务，并可导出任务台账。",
        elem_classes="tab-intro",
    )
    with gr.Row(equal_height=True):
        picker = gr.Dropdown(
            [],
            value=None,
            label="部门",
            allow_custom_value=True,
            filterable=True,
            scale=4,
            elem_id="dept-picker",
        )
        export = gr.Button("导出任务台账（.xlsx）", scale=1, elem_id="dept-export")
    file = gr.File(label="任务台账", visible=False, elem_id="dept-file")
    summary = gr.Markdown(elem_id="dept-summary")
    table = gr.HTML(elem_id="dept-ledger")

    def show(name: str | None) -> tuple[str, str]:
        text, found = ledger_of(qa, name or "")
        return text, ledger_html(found)

    picker.input(show, picker, [summary, table], api_name="department_tasks")

    def export_ledger(name: str | None) -> Any:
        _, found = ledger_of(qa, name or "")
        if not found:
            gr.Warning("没有可导出的任务，请先选择部门。")
            return gr.update(visible=False)
        sheet = ledger_sheet(found)
        path = exports.write_xlsx(f"任务台账-{found[0].department}", [sheet])
        return gr.update(value=path, visible=True)

    export.click(export_ledger, picker, file, api_name="export_department")
    return DepartmentTab(picker=picker)
