"""部门 tab: every task a department leads or co-owns, per document; aliases accepted; export."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.service import PolicyQA
from ui import exports
from ui.format import esc
from ui.tables import (
    TASK_COLUMNS,
    all_departments,
    department_tasks,
    resolve_department,
    tasks_summary,
)


@dataclass
class DepartmentTab:
    picker: gr.Dropdown


def department_choices(qa: PolicyQA) -> list[str]:
    return all_departments(qa.provisions(), qa.corpus.registry)


def build(qa: PolicyQA) -> DepartmentTab:
    gr.Markdown(
        "选择或输入一个部门（简称也可以，如“市住建局”“住建局”），查看它牵头或配合的全部任务。"
    )
    with gr.Row():
        picker = gr.Dropdown(
            [],
            label="部门（可选择，也可直接输入简称）",
            allow_custom_value=True,
            scale=2,
            elem_id="dept-picker",
        )
        search = gr.Textbox(
            label="搜索部门", placeholder="如：市住建局 / 住房和城乡建设局", scale=2
        )
        find = gr.Button("查询", variant="primary", scale=1)
    summary = gr.Markdown(elem_id="dept-summary")
    table = gr.Dataframe(
        headers=TASK_COLUMNS,
        value=[],
        interactive=False,
        wrap=True,
        max_height=560,
        show_search="filter",
        elem_id="dept-table",
    )
    with gr.Row():
        fmt = gr.Radio([("Excel（.xlsx）", "xlsx"), ("CSV", "csv")], value="xlsx", label="导出格式")
        export = gr.Button("导出")
        file = gr.File(label="导出文件", visible=False)
    rows = gr.State([])

    def show(name: str) -> tuple[Any, ...]:
        registry = qa.corpus.registry
        known = department_choices(qa)
        matched = resolve_department(name or "", known, registry)
        if not matched:
            message = (
                f"没有找到部门“{esc(name)}”，请从部门列表中选择。" if name else "请选择或输入部门。"
            )
            return message, [], []
        found = department_tasks(matched, qa.provisions(), qa.documents(), registry)
        text = tasks_summary(found)
        if len(matched) > 1:
            text = f"“{esc(name)}”匹配到 {len(matched)} 个部门。" + text
        return text, found, found

    picker.input(show, picker, [summary, table, rows], api_name="department_tasks")
    find.click(show, search, [summary, table, rows], api_visibility="undocumented")
    search.submit(show, search, [summary, table, rows], api_visibility="private")

    def export_rows(found: list[list[str]], kind: str) -> Any:
        if not found:
            gr.Warning("没有可导出的任务，请先查询部门。")
            return gr.update(visible=False)
        name = "部门任务-" + found[0][0]
        return gr.update(value=exports.write(kind, name, TASK_COLUMNS, found), visible=True)

    export.click(export_rows, [rows, fmt], file, api_name="export_department")
    return DepartmentTab(picker=picker)
