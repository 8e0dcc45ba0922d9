"""The gradio app: the tabs over one PolicyQA; `serve()` is what `policyqa serve` runs.

Layout: a sidebar with the conversations and the answer settings (it folds away on a phone), then
the tabs 问答 / 部门 / 责任矩阵 / 文件库. A new tab is one `with gr.Tab(...)` block in `build_app`.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.service import PolicyQA
from ui import chat_history, chat_tab, department_tab, library_tab, matrix_tab, training_tab
from ui.auth import Access, credential
from ui.conversations import ConversationStore
from ui.feedback import FeedbackStore
from ui.format import document_choices, esc
from ui.progress import IndexBuilder
from ui.tables import library_html

log = logging.getLogger(__name__)

TITLE = "政策问答助手"
HERE = Path(__file__).parent
CSS = (HERE / "style.css").read_text(encoding="utf-8")
HEAD = f"<script>{(HERE / 'app.js').read_text(encoding='utf-8')}</script>"
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
        text = "⚠️ 文件库是空的：请在“文件库”中上传政策文件。"
    else:
        text = f"✅ 索引已就绪：{len(docs)} 份文件，{len(qa.provisions())} 个条款。"
    if failed:
        text += "\n\n" + "\n".join(f"- ❌ {esc(message)}" for _, message in failed)
    return text


def auth_pair(value: str | None) -> tuple[str, str] | None:
    """`user:password` (POLICYQA_AUTH) → (user, password); None when unset."""
    return credential(value, "POLICYQA_AUTH")


def access_of(qa: PolicyQA) -> Access:
    return Access.from_settings(qa.settings.auth, getattr(qa.settings, "admin", None))


def _secret(folder: Path) -> str:
    """The key the browser's local storage is encrypted with, kept with the index, so a restart
    of the app still finds each browser's conversations."""
    path = folder / "ui-secret"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        folder.mkdir(parents=True, exist_ok=True)
        value = secrets.token_urlsafe(24)
        path.write_text(value, encoding="utf-8")
        os.chmod(path, 0o600)
        return value


class Lists:
    """What every tab lists (documents by title, departments, the library), after each change."""

    def __init__(self, qa: PolicyQA) -> None:
        self.qa = qa

    def all(self) -> tuple[Any, ...]:
        """status, scope, departments, matrix document, library table, library document"""
        docs = self.qa.documents()
        choices = document_choices(docs)
        first = docs[0].doc_id if docs else None
        return (
            status_text(self.qa),
            gr.update(choices=[("全部文件", chat_tab.ALL_DOCS), *choices]),
            gr.update(choices=department_tab.choices(self.qa)),
            gr.update(choices=choices, value=first),
            library_html(docs, self.qa.provisions()),
            gr.update(choices=choices, value=None),
        )

    def keeping(self, current: str | None) -> tuple[Any, ...]:
        """The same, the library's chosen document kept while it is still indexed."""
        *lists, chosen = self.all()
        kept = current if self.qa.index.document(current or "") is not None else None
        return (*lists, gr.update(choices=chosen["choices"], value=kept))


def build_app(qa: PolicyQA, access: Access | None = None) -> gr.Blocks:
    access = access or access_of(qa)
    lock = threading.Lock()  # every ingest and delete
    builder = IndexBuilder(qa, lock)
    folder = qa.settings.index
    feedback = FeedbackStore(folder / "feedback.sqlite")
    logic = chat_tab.ChatLogic(
        qa, builder, ConversationStore(folder / "conversations.sqlite"), feedback
    )
    app = gr.Blocks(title=TITLE, analytics_enabled=False)
    with app:
        admin = gr.State(False)  # the in-app administrator login of this browser tab
        with gr.Sidebar(label="对话记录", open=True, width=300, elem_id="sidebar"):
            history = chat_history.layout(_secret(folder))
            with gr.Accordion("回答设置", open=True, elem_id="settings"):
                backend = chat_tab.backend_radio(qa)
                scope = gr.Dropdown(
                    [("全部文件", chat_tab.ALL_DOCS)],
                    value=chat_tab.ALL_DOCS,
                    label="文件范围",
                    allow_custom_value=True,  # API callers name a doc_id; checked before use
                    elem_id="scope",
                )
        with gr.Row(elem_id="header"):
            gr.Markdown(f"## {TITLE}", elem_id="title")
            status = gr.Markdown("⏳ 正在准备索引……", elem_id="status")
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("问答", id="chat"):
                chat = chat_tab.layout()
            with gr.Tab("部门", id="departments"):
                departments = department_tab.build(qa)
            with gr.Tab("责任矩阵", id="matrix"):
                matrix = matrix_tab.build(qa)
            # further tabs (培训: ui/training_tab.py) go here, before the library
            with gr.Tab("培训", id="training"):
                training_tab.build(qa)
            with gr.Tab("文件库", id="library"):
                library = library_tab.build(qa, lock, access, admin, feedback)
        lists = Lists(qa)
        outputs = [
            status,
            scope,
            departments.picker,
            matrix.document,
            library.table,
            library.document,
        ]

        for n, event in enumerate(library.changes):
            event.then(
                lists.keeping,
                library.document,
                outputs,
                api_name=f"refresh_{n}",
                api_visibility="private",
            )
        ask_events = chat_tab.wire(chat, logic, scope, backend)
        chat_history.wire(history, chat, logic, app, ask_events)

        def startup() -> Any:
            """Build the index on first start (in the background), showing it move."""
            builder.start()
            yield from builder.watch()
            builder.wait()
            report = builder.report
            if builder.error:
                yield f"❌ {esc(builder.error)}"
            else:
                yield status_text(qa, report.failed if report else ())

        app.load(startup, None, status, api_name="startup", show_progress="hidden").then(
            lists.all, None, outputs, api_name="refresh"
        )
    app.policyqa_builder = builder  # type: ignore[attr-defined]
    app.policyqa_access = access  # type: ignore[attr-defined]
    return app


# gradio announces a finished event to screen readers with its own strings; its Chinese locales
# lack these two, so a reader heard (and the page held) the key "common.complete".
ANNOUNCEMENTS = {"common.complete": "已完成", "common.error": "出错了"}
I18N = gr.I18n(**{locale: ANNOUNCEMENTS for locale in ("zh-CN", "zh", "zh-TW", "en")})


def launch(app: gr.Blocks, qa: PolicyQA, host: str, port: int, **kwargs: Any) -> Any:
    """Launch with the app's theme, CSS, script, upload limit and optional login."""
    access = getattr(app, "policyqa_access", None) or access_of(qa)
    # answers run side by side (concurrency_id "answer"); an upload has a queue of its own
    app.queue(default_concurrency_limit=4)
    return app.launch(
        server_name=host,
        server_port=port,
        auth=access.gradio_auth(),
        auth_message="请输入用户名和密码",
        max_file_size=qa.settings.ingest.max_upload_bytes * 2,
        theme=THEME,
        css=CSS,
        head=HEAD,
        footer_links=[],
        ssr_mode=False,
        show_error=True,
        i18n=I18N,
        **kwargs,
    )


def serve(host: str = "127.0.0.1", port: int = 7860, qa: PolicyQA | None = None) -> None:
    """Run the UI until interrupted (`policyqa serve [--host] [--port]`)."""
    qa = qa or PolicyQA()
    log.info("serving the UI on http://%s:%d", host, port)
    app = build_app(qa)
    app.policyqa_builder.start()  # type: ignore[attr-defined]
    launch(app, qa, host, port)
