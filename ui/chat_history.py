"""The sidebar's conversations: the list of past ones, 新对话, rename, delete, export (.md / .docx).

A reload keeps the current conversation: the browser remembers its own random id and the current
conversation (gr.BrowserState); the conversations themselves are in SQLite under the index folder.
"""

from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from ui.chat_session import ChatSession, docx_export, markdown_export
from ui.chat_tab import ChatLogic, ChatTab
from ui.conversations import new_id
from ui.exports import safe_name

log = logging.getLogger(__name__)
_CLIENT_ID = re.compile(r"[0-9a-f]{32}")


@dataclass
class History:
    new: gr.Button
    listing: gr.Radio
    title: gr.Textbox
    rename: gr.Button
    delete: gr.Button
    confirm: gr.Button
    fmt: gr.Radio
    export: gr.Button
    file: gr.File
    browser: gr.BrowserState


def layout(secret: str) -> History:
    new = gr.Button("＋ 新对话", variant="primary", size="sm", elem_id="new-chat")
    listing = gr.Radio([], label="对话记录", elem_id="conversations", elem_classes="conv-list")
    with gr.Accordion("管理当前对话", open=False, elem_id="conv-manage"):
        title = gr.Textbox(label="对话名称", placeholder="给当前对话起个名字", elem_id="conv-title")
        with gr.Row():
            rename = gr.Button("重命名", size="sm", elem_id="conv-rename")
            delete = gr.Button("删除", size="sm", variant="stop", elem_id="conv-delete")
        confirm = gr.Button(
            "确认删除当前对话", size="sm", variant="stop", visible=False, elem_id="conv-confirm"
        )
        fmt = gr.Radio(
            [("Word（.docx）", "docx"), ("Markdown（.md）", "md")], value="docx", label="导出格式"
        )
        export = gr.Button("导出当前对话（含引用原文）", size="sm", elem_id="conv-export")
        file = gr.File(label="导出文件", visible=False, elem_id="conv-file")
    browser = gr.BrowserState(
        {"client": None, "current": None}, storage_key="policyqa-chat", secret=secret
    )
    return History(new, listing, title, rename, delete, confirm, fmt, export, file, browser)


def owner_of(request: gr.Request | None, browser: dict[str, Any] | None) -> tuple[str, str]:
    """(owner, browser id): the login when there is one, else the browser's own random id."""
    client = (browser or {}).get("client")
    if not isinstance(client, str) or not _CLIENT_ID.fullmatch(client):
        client = new_id()
    user = getattr(request, "username", None) if request is not None else None
    return (f"user:{user}" if user else f"browser:{client}"), client


class HistoryLogic:
    """What the sidebar's events do. Outputs of `shown`: session, chatbot, citations, viewer,
    print list, note, conversation list."""

    def __init__(self, logic: ChatLogic) -> None:
        self.logic = logic
        self.store = logic.conversations

    def listing(self, session: ChatSession) -> Any:
        if session.owner is None:
            return gr.update(choices=[], value=None)
        found = self.store.summaries(session.owner)
        current = session.conversation if any(s.id == session.conversation for s in found) else None
        return gr.update(choices=[(s.title, s.id) for s in found], value=current)

    def shown(self, session: ChatSession) -> tuple[Any, ...]:
        chat, panel, viewer, printed = self.logic.view(session)
        return session, chat, panel, viewer, printed, "", self.listing(session)

    def restore(self, browser: dict[str, Any] | None, request: gr.Request) -> tuple[Any, ...]:
        """On load: this browser's (or login's) current conversation, as it was."""
        owner, client = owner_of(request, browser)
        current = (browser or {}).get("current")
        session = ChatSession(owner=owner)
        if isinstance(current, str):
            messages = self.store.messages(owner, current)
            if messages is not None:
                session = ChatSession.from_messages(owner, current, messages)
        remembered = {"client": client, "current": session.conversation if session.saved else None}
        return (*self.shown(session), remembered)

    @staticmethod
    def remember(session: ChatSession, browser: dict[str, Any] | None) -> dict[str, Any]:
        client = (browser or {}).get("client")
        return {"client": client, "current": session.conversation if session.saved else None}

    def new_chat(self, session: ChatSession) -> tuple[Any, ...]:
        """A new conversation: nothing of the old one reaches the next question."""
        hidden = gr.update(visible=False)
        return (*self.shown(session.fresh()), gr.update(value=None, visible=False), "", "", hidden)

    def select(self, conversation: str | None, session: ChatSession) -> tuple[Any, ...]:
        messages = (
            self.store.messages(session.owner, conversation)
            if conversation and session.owner is not None
            else None
        )
        if messages is None or session.owner is None or conversation is None:
            return self.shown(session)
        return self.shown(ChatSession.from_messages(session.owner, conversation, messages))

    def rename(self, title: str, session: ChatSession) -> tuple[Any, str]:
        if not session.saved or session.owner is None:
            gr.Warning("当前对话还没有内容，提问后才能重命名。")
            return gr.skip(), title
        if not self.store.rename(session.owner, session.conversation, title or ""):
            gr.Warning("请输入新的对话名称。")
            return gr.skip(), title
        return self.listing(session), ""

    def delete(self, session: ChatSession) -> tuple[Any, ...]:
        if session.saved and session.owner is not None:
            self.store.delete(session.owner, session.conversation)
        return (*self.shown(session.fresh()), gr.update(visible=False))

    def export(self, session: ChatSession, fmt: str) -> Any:
        if not session.turns:
            gr.Warning("当前对话是空的。")
            return gr.update(visible=False)
        title = "对话记录"
        if session.saved and session.owner is not None:
            listed = self.store.summaries(session.owner)
            title = next((s.title for s in listed if s.id == session.conversation), title)
        texts = self.logic.texts(session)
        path = Path(tempfile.mkdtemp(prefix="policyqa-chat-")) / safe_name(f"对话-{title}")
        if fmt == "md":
            path = path.with_suffix(".md")
            path.write_text(markdown_export(session, texts, title), encoding="utf-8")
        else:
            path = Path(docx_export(str(path.with_suffix(".docx")), session, texts, title))
        return gr.update(value=str(path), visible=True)


def wire(h: History, t: ChatTab, logic: ChatLogic, app: gr.Blocks, ask_events: list[Any]) -> None:
    history = HistoryLogic(logic)
    view = [t.session, t.chatbot, t.citations, t.viewer, t.printed, t.note, h.listing]
    private: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}

    def then_remember(event: Any) -> None:
        event.then(history.remember, [t.session, h.browser], h.browser, **private)

    app.load(history.restore, h.browser, [*view, h.browser], **private)
    cleared = [*view, h.file, h.title, t.feedback_note, t.comment_box]
    then_remember(
        h.new.click(
            history.new_chat, t.session, cleared, api_name="new_chat", show_progress="hidden"
        )
    )
    then_remember(t.clear.click(history.new_chat, t.session, cleared, **private))
    then_remember(t.chatbot.clear(history.new_chat, t.session, cleared, **private))
    then_remember(h.listing.input(history.select, [h.listing, t.session], view, **private))
    for event in ask_events:
        then_remember(event.then(history.listing, t.session, h.listing, **private))
    h.rename.click(history.rename, [h.title, t.session], [h.listing, h.title], **private)
    h.title.submit(history.rename, [h.title, t.session], [h.listing, h.title], **private)
    h.delete.click(lambda: gr.update(visible=True), None, h.confirm, **private)
    then_remember(h.confirm.click(history.delete, t.session, [*view, h.confirm], **private))
    h.export.click(history.export, [t.session, h.fmt], h.file, **private)
