"""The gradio app: four tabs over one PolicyQA; `serve()` is what `policyqa serve` runs."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.service import PolicyQA
from ui import chat_tab, department_tab, library_tab, matrix_tab, training_tab
from ui.feedback import FeedbackStore
from ui.format import document_choices, esc
from ui.tables import library_rows

log = logging.getLogger(__name__)

TITLE = "政策问答助手"
CSS = (Path(__file__).with_name("style.css")).read_text(encoding="utf-8")
THEME = gr.themes.Soft(
    font=[
        "Noto Sans CJK SC",
        "WenQuanYi Micro Hei",
        "Microsoft YaHei",
        "PingFang SC",
        "sans-serif",
    ],
    font_mono=["Noto Sans Mono CJK SC", "WenQuanYi Micro Hei Mono", "monospace"],
)


def status_text(qa: PolicyQA, failed: tuple[tuple[str, str], ...] = ()) -> str:
    docs = qa.documents()
    if not docs:
        text = "⚠️ 索引为空：请在“文件库”中上传政策文件。"
    else:
        text = f"✅ 索引已就绪：{len(docs)} 份文件，{len(qa.provisions())} 个条款。"
    if failed:
        text += "\n\n" + "\n".join(f"- ❌ {esc(message)}" for _, message in failed)
    return text


def build_app(qa: PolicyQA) -> gr.Blocks:
    lock = threading.Lock()
    feedback = FeedbackStore(qa.settings.index / "feedback.sqlite")
    app = gr.Blocks(title=TITLE, analytics_enabled=False)
    with app:
        gr.Markdown(f"# {TITLE}\n依据政策原文回答问题，每个回答都注明出处条款。", elem_id="header")
        status = gr.Markdown("⏳ 正在准备索引……", elem_id="status")

        def refresh() -> tuple[Any, ...]:
            docs = qa.documents()
            choices = document_choices(docs)
            first = docs[0].doc_id if docs else None
            return (
                status_text(qa),
                gr.update(choices=[("全部文件", chat_tab.ALL_DOCS), *choices]),
                gr.update(choices=department_tab.department_choices(qa)),
                gr.update(choices=choices, value=first),
                library_rows(docs, qa.provisions()),
                gr.update(choices=choices, value=first),
            )

        with gr.Tabs():
            with gr.Tab("问答", id="chat"):
                chat = chat_tab.build(qa, feedback)
            with gr.Tab("部门", id="departments"):
                departments = department_tab.build(qa)
            with gr.Tab("责任矩阵", id="matrix"):
                matrix = matrix_tab.build(qa)
            with gr.Tab("培训", id="training"):
                training_tab.build(qa)
            with gr.Tab("文件库", id="library"):
                # the library refreshes every tab after an ingest or delete: built last
                outputs: list[Any] = [status, chat.scope, departments.picker, matrix.document]
                library = library_tab.build(qa, lock, refresh, outputs)
                outputs += [library.table, library.document]

        def startup(progress: gr.Progress = gr.Progress()) -> str:  # noqa: B008
            """Build the index from the corpus on first start, showing progress."""
            with lock:
                report = qa.ensure_index(
                    progress=lambda msg, frac: progress(frac, desc=f"首次启动，正在建立索引：{msg}")
                )
            return status_text(qa, report.failed if report else ())

        app.load(startup, None, status, api_name="startup").then(
            refresh, None, outputs, api_name="refresh"
        )
    return app


def auth_pair(value: str | None) -> tuple[str, str] | None:
    """`user:password` (POLICYQA_AUTH) → gradio's auth tuple; None when unset."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("POLICYQA_AUTH 的格式应为 用户名:密码")
    return user, password


def launch(app: gr.Blocks, qa: PolicyQA, host: str, port: int, **kwargs: Any) -> Any:
    """Launch with the app's theme, CSS, upload limit and optional login."""
    app.queue(default_concurrency_limit=2)
    return app.launch(
        server_name=host,
        server_port=port,
        auth=auth_pair(qa.settings.auth),
        auth_message="请输入用户名和密码",
        max_file_size=qa.settings.ingest.max_upload_bytes * 2,
        theme=THEME,
        css=CSS,
        ssr_mode=False,
        show_error=True,
        **kwargs,
    )


def serve(host: str = "127.0.0.1", port: int = 7860, qa: PolicyQA | None = None) -> None:
    """Run the UI until interrupted (`policyqa serve [--host] [--port]`)."""
    qa = qa or PolicyQA()
    log.info("serving the UI on http://%s:%d", host, port)
    launch(build_app(qa), qa, host, port)
