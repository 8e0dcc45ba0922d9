"""责任矩阵 tab: departments × provisions of one document, as a heatmap and a per-department table;
exported as a workbook that prints on A4 (provision titles and text included)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.service import PolicyQA
from ui import exports
from ui.tables import matrix, matrix_html, summary_html


@dataclass
class MatrixTab:
    document: gr.Dropdown


def build(qa: PolicyQA) -> MatrixTab:
    gr.Markdown(
        "选择一份文件，查看各部门在每个条款中是牵头（深色“牵”）、配合（浅色“配”）还是责任单位（“责”）。",
        elem_classes="tab-intro",
    )
    with gr.Row(equal_height=True):
        document = gr.Dropdown([], label="文件", scale=4, elem_id="matrix-doc")
        export = gr.Button("导出矩阵（.xlsx）", scale=1, elem_id="matrix-export")
    file = gr.File(label="导出文件", visible=False, elem_id="matrix-file")
    heatmap = gr.HTML(elem_id="matrix")
    table = gr.HTML(elem_id="matrix-table")

    def show(doc_id: str | None) -> tuple[str, str]:
        if not doc_id:
            return '<div class="matrix-empty">请选择文件。</div>', ""
        if qa.index.document(doc_id) is None:
            return '<div class="matrix-empty">找不到这份文件，请重新选择。</div>', ""
        m = matrix(qa.provisions(doc_id), qa.corpus.registry_of(doc_id))
        return matrix_html(m), summary_html(m)

    document.change(show, document, [heatmap, table], api_name="matrix")

    def export_matrix(doc_id: str | None) -> Any:
        doc = qa.index.document(doc_id) if doc_id else None
        if doc is None:
            gr.Warning("请先选择文件。")
            return gr.update(visible=False)
        title = next((d.title for d in qa.documents() if d.doc_id == doc_id), doc.title)
        m = matrix(qa.provisions(doc.doc_id), qa.corpus.registry_of(doc.doc_id))
        path = exports.write_xlsx(
            f"责任矩阵-{title}", [m.grid_sheet(title), m.summary_sheet(title)]
        )
        return gr.update(value=path, visible=True)

    export.click(export_matrix, document, file, api_name="export_matrix")
    return MatrixTab(document=document)
