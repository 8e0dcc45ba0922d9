"""责任矩阵 tab: departments × provisions of one document, as a heatmap and a sortable table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.service import PolicyQA
from ui import exports
from ui.format import esc
from ui.tables import SUMMARY_COLUMNS, matrix, matrix_html


@dataclass
class MatrixTab:
    document: gr.Dropdown


def build(qa: PolicyQA) -> MatrixTab:
    gr.Markdown("选择一份文件，查看各部门在每个条款中是牵头（深色“牵”）还是配合（浅色“配”）。")
    with gr.Row():
        document = gr.Dropdown(
            [], label="文件", scale=3, allow_custom_value=True, elem_id="matrix-doc"
        )
        fmt = gr.Radio([("Excel（.xlsx）", "xlsx"), ("CSV", "csv")], value="xlsx", label="导出格式")
        export = gr.Button("导出矩阵", scale=1)
    file = gr.File(label="导出文件", visible=False)
    heatmap = gr.HTML(elem_id="matrix")
    table = gr.Dataframe(
        headers=SUMMARY_COLUMNS,
        value=[],
        interactive=False,
        wrap=True,
        max_height=480,
        label="各部门任务数（点击表头排序）",
        elem_id="matrix-table",
    )

    def show(doc_id: str | None) -> tuple[str, Any]:
        if not doc_id:
            return '<div class="matrix-empty">请选择文件。</div>', []
        if doc_id not in {d.doc_id for d in qa.documents()}:
            return f'<div class="matrix-empty">找不到文件：{esc(doc_id)}</div>', []
        m = matrix(qa.provisions(doc_id), qa.corpus.registry)
        return matrix_html(m), m.summary_rows()

    document.change(show, document, [heatmap, table], api_name="matrix")

    def export_matrix(doc_id: str | None, kind: str) -> Any:
        if not doc_id:
            gr.Warning("请先选择文件。")
            return gr.update(visible=False)
        m = matrix(qa.provisions(doc_id), qa.corpus.registry)
        grid = m.grid_rows()
        name = f"责任矩阵-{doc_id}"
        if kind == "xlsx":
            path = exports.write_xlsx(
                name, [("矩阵", grid[0], grid[1:]), ("汇总", SUMMARY_COLUMNS, m.summary_rows())]
            )
        else:
            path = exports.write_csv(name, grid[0], grid[1:])
        return gr.update(value=path, visible=True)

    export.click(export_matrix, [document, fmt], file, api_name="export_matrix")
    return MatrixTab(document=document)
