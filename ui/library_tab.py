"""文件库 tab: the indexed documents, upload with progress, re-ingest and delete."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.index.store import IngestReport
from assistant.service import PolicyQA
from ui.format import esc
from ui.tables import LIBRARY_COLUMNS, library_rows
from ui.uploads import Checked, check_and_store

log = logging.getLogger(__name__)


@dataclass
class LibraryTab:
    table: gr.Dataframe
    document: gr.Dropdown


def library_table(qa: PolicyQA) -> list[list[object]]:
    return library_rows(qa.documents(), qa.provisions())


def report_markdown(report: IngestReport | None, rejected: Sequence[Checked] = ()) -> str:
    lines = [f"- ❌ {esc(c.name)}：{esc(c.problem)}" for c in rejected]
    if report is not None:
        if report.added:
            lines.append(f"- ✅ 已导入：{esc('、'.join(report.added))}")
        if report.replaced:
            lines.append(f"- 🔄 已更新：{esc('、'.join(report.replaced))}")
        if report.unchanged:
            lines.append(f"- ⏸ 内容未变化，无需重新导入：{esc('、'.join(report.unchanged))}")
        lines += [f"- ❌ {esc(message)}" for _, message in report.failed]
        lines += [
            f"- ⚠️ {esc(Path(path).name)}：{esc(message)}" for path, message in report.warnings
        ]
    return "\n".join(lines) or "没有文件被导入。"


def build(
    qa: PolicyQA,
    lock: threading.Lock,
    refresh: Callable[[], tuple[Any, ...]],
    refresh_outputs: list[gr.components.Component],
) -> LibraryTab:
    limit_mb = qa.settings.ingest.max_upload_bytes / 1_000_000
    table = gr.Dataframe(
        headers=LIBRARY_COLUMNS,
        value=[],
        interactive=False,
        wrap=True,
        max_height=420,
        label="已导入的文件",
        elem_id="library",
    )
    with gr.Row(equal_height=False):
        with gr.Column():
            files = gr.File(
                file_count="multiple",
                label=f"上传文件（.txt .md .docx .pdf .html，单个不超过 {limit_mb:.0f} MB）",
                elem_id="upload",
            )
            ingest = gr.Button("导入上传的文件", variant="primary", elem_id="ingest")
        with gr.Column():
            document = gr.Dropdown(
                [], label="选择文件", allow_custom_value=True, elem_id="library-doc"
            )
            with gr.Row():
                reingest = gr.Button("重新导入")
                confirm = gr.Checkbox(label="确认删除", value=False)
                delete = gr.Button("删除", variant="stop")
    result = gr.Markdown(elem_id="ingest-result")
    upload_dir = qa.settings.index / "uploads"

    def ingest_files(
        paths: list[str] | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[str, Any]:
        if not paths:
            return "请先选择要上传的文件。", gr.skip()
        checked = check_and_store(
            [Path(p) for p in paths], upload_dir, qa.settings.ingest.max_upload_bytes
        )
        good = [c.stored for c in checked if c.stored]
        rejected = [c for c in checked if c.problem]
        report = None
        if good:
            progress(0.0, desc="正在导入……")
            with lock:
                report = qa.ingest(
                    good, progress=lambda msg, frac: progress(frac, desc=f"导入 {msg}")
                )
        return report_markdown(report, rejected), None

    def reingest_document(
        doc_id: str | None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> str:
        doc = next((d for d in qa.documents() if d.doc_id == doc_id), None)
        if doc is None:
            return "请先选择文件。"
        source = Path(doc.source_path)
        if not source.is_file():
            return f"找不到原文件 {esc(doc.source_path)}，请重新上传。"
        with lock:
            report = qa.ingest([source], progress=lambda msg, frac: progress(frac, desc=msg))
        return report_markdown(report)

    def delete_document(doc_id: str | None, confirmed: bool) -> tuple[str, bool]:
        if not doc_id:
            return "请先选择文件。", False
        if not confirmed:
            return "删除前请勾选“确认删除”。", False
        with lock:
            qa.delete(doc_id)
        return f"已删除：{esc(doc_id)}", False

    events = [
        ingest.click(ingest_files, files, [result, files], api_name="ingest"),
        reingest.click(reingest_document, document, result, api_name="reingest"),
        delete.click(delete_document, [document, confirm], [result, confirm], api_name="delete"),
    ]
    for name, event in zip(("ingest", "reingest", "delete"), events, strict=True):
        event.then(
            refresh,
            None,
            refresh_outputs,
            api_name=f"refresh_after_{name}",
            api_visibility="private",
        )
    return LibraryTab(table=table, document=document)
