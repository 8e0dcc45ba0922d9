"""文件库 tab: the indexed documents by title, upload with progress, re-ingest, delete (chosen by
title, confirmed), metadata corrections, and, for the administrator, the feedback records.

Document management is limited to the administrator when `POLICYQA_ADMIN` is set (ui/auth.py);
every action checks it on the server, whatever the page shows.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.index.store import IngestReport
from assistant.service import PolicyQA
from ui.auth import ADMIN_REQUIRED, NO_ADMIN, Access
from ui.feedback import COLUMNS as FEEDBACK_COLUMNS
from ui.feedback import FeedbackStore
from ui.format import LEVELS, esc
from ui.progress import watch_work
from ui.uploads import Checked, check_and_store

log = logging.getLogger(__name__)
FEEDBACK_SHOWN = 50


@dataclass
class LibraryTab:
    table: gr.HTML
    document: gr.Dropdown
    changes: list[Any]  # events after which every tab refreshes its lists of documents


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


def feedback_html(feedback: FeedbackStore) -> str:
    up, down = feedback.counts()
    rows = feedback.rows()[-FEEDBACK_SHOWN:][::-1]
    head = "".join(f"<th>{esc(h)}</th>" for h in FEEDBACK_COLUMNS)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-label="{esc(h)}">{esc(v if len(str(v)) < 160 else str(v)[:160] + "……")}</td>'
            for h, v in zip(FEEDBACK_COLUMNS, row, strict=True)
        )
        + "</tr>"
        for row in rows
    )
    table = (
        f'<div class="table-wrap"><table class="data cards"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
        if rows
        else ""
    )
    return f'<div class="fb-counts">有帮助 {up} 条 · 没帮助 {down} 条（最近 {len(rows)} 条如下）</div>{table}'


class LibraryLogic:
    """What the tab's events do; every document action checks `Access.may_manage` first."""

    def __init__(
        self, qa: PolicyQA, lock: threading.Lock, access: Access, feedback: FeedbackStore
    ) -> None:
        self.qa = qa
        self.lock = lock
        self.access = access
        self.feedback = feedback
        self.upload_dir = qa.settings.index / "uploads"

    def allowed(self, unlocked: bool, request: gr.Request | None) -> bool:
        return self.access.may_manage(getattr(request, "username", None), bool(unlocked))

    def is_admin(self, unlocked: bool, request: gr.Request | None) -> bool:
        return self.access.is_admin(getattr(request, "username", None), bool(unlocked))

    def known(self, doc_id: str | None) -> str | None:
        """`doc_id` when it is an indexed document's id (never used otherwise)."""
        return doc_id if doc_id and self.qa.index.document(doc_id) is not None else None

    def title_of(self, doc_id: str) -> str:
        return next((d.title for d in self.qa.documents() if d.doc_id == doc_id), "")

    def admin_login(self, name: str, secret: str, unlocked: bool) -> tuple[str, str, bool]:
        if self.access.check_admin((name or "").strip(), secret or ""):
            return "✅ 已以管理员身份登录。", "", True
        return "❌ 用户名或密码不对（多次输错后需要等待更久）。", "", bool(unlocked)

    def _ingest(self, paths: list[Path], what: str) -> Iterator[tuple[str, IngestReport | None]]:
        def work(progress: Callable[[str, float], None]) -> IngestReport:
            with self.lock:
                return self.qa.ingest(paths, progress=progress)

        yield from watch_work(work, what, files_total=len(paths))

    def ingest_files(
        self, paths: list[str] | None, unlocked: bool, request: gr.Request
    ) -> Iterator[tuple[str, Any]]:
        if not self.allowed(unlocked, request):
            yield ADMIN_REQUIRED, gr.skip()
            return
        if not paths:
            yield "请先选择要上传的文件。", gr.skip()
            return
        limit = self.qa.settings.ingest.max_upload_bytes
        checked = check_and_store([Path(p) for p in paths], self.upload_dir, limit)
        good = [c.stored for c in checked if c.stored]
        rejected = [c for c in checked if c.problem]
        report = None
        if good:
            for text, done in self._ingest(good, "正在导入"):
                if done is None:
                    yield text, gr.skip()
                report = done or report
        yield report_markdown(report, rejected), None

    def reingest(self, doc_id: str | None, unlocked: bool, request: gr.Request) -> Iterator[str]:
        if not self.allowed(unlocked, request):
            yield ADMIN_REQUIRED
            return
        doc = self.qa.index.document(self.known(doc_id) or "")
        if doc is None:
            yield "请先从列表中选择文件。"
            return
        source = Path(doc.source_path)
        if not source.is_file():
            yield "找不到这份文件的原文件，请重新上传。"
            return
        for text, done in self._ingest([source], "正在重新导入"):
            yield text if done is None else report_markdown(done)

    def ask_delete(
        self, doc_id: str | None, unlocked: bool, request: gr.Request
    ) -> tuple[str, Any]:
        if not self.allowed(unlocked, request):
            return ADMIN_REQUIRED, gr.update(visible=False)
        if self.known(doc_id) is None:
            return "请先从列表中选择要删除的文件。", gr.update(visible=False)
        title = self.title_of(str(doc_id))
        message = f"确定要删除《{esc(title)}》吗？删除后它的条款不再参与回答。"
        return message, gr.update(value=f"确认删除《{title}》", visible=True)

    def delete(self, doc_id: str | None, unlocked: bool, request: gr.Request) -> tuple[str, Any]:
        hide = gr.update(visible=False)
        if not self.allowed(unlocked, request):
            return ADMIN_REQUIRED, hide
        if self.known(doc_id) is None:
            return "没有这份文件，请从列表中选择。", hide
        title = self.title_of(str(doc_id))
        with self.lock:
            self.qa.delete(str(doc_id))
        return f"已删除：《{esc(title)}》", hide

    def load_meta(self, doc_id: str | None) -> tuple[Any, ...]:
        doc = next((d for d in self.qa.documents() if d.doc_id == doc_id), None)
        if doc is None:
            return "", "", "", "", None
        issuers = "、".join(doc.issuers)
        return doc.title, issuers, doc.doc_number or "", doc.date or "", str(doc.level.value)

    def correct(  # noqa: PLR0917 - gradio passes the form's fields in order
        self,
        doc_id: str | None,
        title: str,
        issuers: str,
        number: str,
        date: str,
        level: str | None,
        unlocked: bool,
        request: gr.Request,
    ) -> str:
        if not self.allowed(unlocked, request):
            return ADMIN_REQUIRED
        if self.known(doc_id) is None:
            return "请先从列表中选择文件。"
        names = [n.strip() for n in (issuers or "").replace("，", "、").split("、") if n.strip()]
        try:
            doc = self.qa.correct_document(
                str(doc_id),
                title=title,
                issuers=names,
                doc_number=number,
                date=date,
                level=level or None,
            )
        except ValueError as exc:
            return f"❌ {esc(exc)}"
        return f"✅ 已保存《{esc(doc.title)}》的文件信息。"

    def show_feedback(self, unlocked: bool, request: gr.Request) -> str:
        if not self.access.admin_configured:
            return esc(NO_ADMIN)
        if not self.is_admin(unlocked, request):
            return esc(ADMIN_REQUIRED)
        return feedback_html(self.feedback)

    def export_feedback(self, unlocked: bool, request: gr.Request) -> tuple[Any, str]:
        hidden = gr.update(value=None, visible=False)
        if not self.access.admin_configured:
            return hidden, esc(NO_ADMIN)
        if not self.is_admin(unlocked, request):
            return hidden, esc(ADMIN_REQUIRED)
        return gr.update(value=self.feedback.export_csv(), visible=True), feedback_html(
            self.feedback
        )


def build(
    qa: PolicyQA,
    lock: threading.Lock,
    access: Access,
    admin: gr.State,
    feedback: FeedbackStore,
) -> LibraryTab:
    logic = LibraryLogic(qa, lock, access, feedback)
    limit_mb = qa.settings.ingest.max_upload_bytes / 1_000_000
    table = gr.HTML(elem_id="library")
    if access.admin_configured:
        with gr.Accordion("管理员登录", open=not access.login_page, elem_id="admin-login"):
            gr.Markdown("上传、重新导入、删除文件，更正文件信息和查看用户反馈需要管理员登录。")
            with gr.Row():
                user = gr.Textbox(label="管理员用户名", elem_id="admin-user")
                password = gr.Textbox(label="密码", type="password", elem_id="admin-password")
                login = gr.Button("登录", elem_id="admin-login-button")
            admin_note = gr.Markdown(elem_id="admin-note")
        login.click(
            logic.admin_login, [user, password, admin], [admin_note, password, admin],
            api_name="admin_login",
        )  # fmt: skip
    with gr.Row(equal_height=False):
        with gr.Column():
            files = gr.File(
                file_count="multiple",
                label=f"上传文件（.txt .md .docx .xlsx .pdf .html，单个不超过 {limit_mb:.0f} MB）",
                elem_id="upload",
            )
            ingest = gr.Button("导入上传的文件", variant="primary", elem_id="ingest")
        with gr.Column():
            document = gr.Dropdown([], label="选择文件（按标题）", elem_id="library-doc")
            with gr.Row():
                reingest = gr.Button("重新导入", elem_id="reingest")
                delete = gr.Button("删除", variant="stop", elem_id="delete")
            confirm = gr.Button("确认删除", variant="stop", visible=False, elem_id="delete-confirm")
            meta = meta_form()
    result = gr.Markdown(elem_id="ingest-result")
    with gr.Accordion("用户反馈（管理员）", open=False, elem_id="feedback-admin"):
        fb_view = gr.HTML(elem_id="feedback-view")
        with gr.Row():
            fb_show = gr.Button("查看反馈", size="sm", elem_id="feedback-show")
            fb_export = gr.Button("导出反馈 CSV", size="sm", elem_id="feedback-export")
        fb_file = gr.File(label="反馈记录", visible=False, elem_id="feedback-file")

    one: dict[str, Any] = {
        "concurrency_limit": 1,
        "concurrency_id": "ingest",
        "show_progress": "hidden",  # the result line shows the progress itself
    }
    events = [
        ingest.click(logic.ingest_files, [files, admin], [result, files], api_name="ingest", **one),
        reingest.click(logic.reingest, [document, admin], result, api_name="reingest", **one),
        confirm.click(logic.delete, [document, admin], [result, confirm], api_name="delete", **one),
        meta[-1].click(
            logic.correct, [document, *meta[:-1], admin], result, api_name="correct_document"
        ),
    ]
    delete.click(logic.ask_delete, [document, admin], [result, confirm], api_visibility="private")
    document.change(logic.load_meta, document, meta[:-1], api_visibility="private")
    fb_show.click(logic.show_feedback, admin, fb_view, api_name="feedback_view")
    fb_export.click(logic.export_feedback, admin, [fb_file, fb_view], api_name="export_feedback")
    return LibraryTab(table=table, document=document, changes=events)


def meta_form() -> list[Any]:
    """Title, issuers, number, date, level fields and the save button, in that order."""
    label = "更正文件信息（解析不出的标题、发文机关、文号、日期、层级）"
    with gr.Accordion(label, open=False, elem_id="meta"):
        title = gr.Textbox(label="标题", elem_id="meta-title")
        issuers = gr.Textbox(label="发文机关（多个用“、”分隔）", elem_id="meta-issuers")
        with gr.Row():
            number = gr.Textbox(label="文号", elem_id="meta-number")
            date = gr.Textbox(label="日期（如 2022-03-17）", elem_id="meta-date")
            levels = [(name, key) for key, name in LEVELS.items()]
            level = gr.Dropdown(levels, label="层级", elem_id="meta-level")
        save = gr.Button("保存更正", elem_id="meta-save")
    return [title, issuers, number, date, level, save]
