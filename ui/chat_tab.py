"""问答 tab: streamed answers with numbered citation markers, the citations and the provision viewer
beside the answer, one 👍/👎 per answer with an optional comment, and a 🗑 that really starts over.

Conversations (the sidebar, ui/chat_history.py) and this tab share one `ChatSession` per browser
tab: its turns are the only context a follow-up question sees.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr
from gradio.events import api

from assistant.answer import Answer
from assistant.compose.render import doc_name
from assistant.service import PolicyQA
from ui import backends
from ui.chat_session import ChatSession, print_html, shown_messages, thumbs
from ui.citations import numbered, panel_html, parse_marker
from ui.conversations import ConversationStore
from ui.feedback import FeedbackStore
from ui.format import backend_name, empty_viewer, esc, inert_markdown, provision_html
from ui.progress import IndexBuilder

log = logging.getLogger(__name__)

EXAMPLES = {
    "公务员": ["哪个部门牵头绿色金融？", "市住建局负责哪些任务？", "哪些任务没有牵头部门？"],
    "企业": ["能不能新建燃煤锅炉？", "新建钢铁项目有什么要求？"],
    "培训": ["到2030年的主要目标是什么？", "一共有多少项任务？"],
}
ALL_DOCS = ""
THINKING = "正在查找文件依据……"
TICK_S = 1.0
# what a model backend is doing before its first words, and how long it usually takes there
USUAL_S = {"local": 40.0, "openai": 8.0}


@dataclass
class ChatTab:
    chatbot: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    clear: gr.Button
    note: gr.Markdown
    examples: list[tuple[gr.Button, str]]
    citations: gr.HTML
    viewer: gr.HTML
    printed: gr.HTML
    comment: gr.Textbox
    comment_send: gr.Button
    comment_box: gr.Group
    feedback_note: gr.Markdown
    marker: gr.Textbox
    marker_open: gr.Button
    session: gr.State


class Timings:
    """Running mean of answer times per backend, to tell a user how long one usually takes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._mean: dict[str, tuple[float, int]] = {}

    def add(self, backend: str, seconds: float) -> None:
        with self._lock:
            mean, n = self._mean.get(backend, (0.0, 0))
            self._mean[backend] = ((mean * n + seconds) / (n + 1), n + 1)

    def usual(self, backend: str) -> float | None:
        with self._lock:
            found = self._mean.get(backend)
        return found[0] if found else USUAL_S.get(backend)


def layout() -> ChatTab:
    examples: list[tuple[gr.Button, str]] = []
    with gr.Row(equal_height=False, elem_id="chat-row"):
        with gr.Column(scale=3, elem_id="chat-col"):
            chatbot = gr.Chatbot(
                label="对话",
                height=560,
                feedback_options=("Like", "Dislike"),
                allow_tags=False,
                latex_delimiters=[],
                buttons=[],
                elem_id="chat",
                placeholder="请输入关于政策文件的问题，例如“哪个部门牵头绿色金融？”",
            )
            with gr.Row(elem_id="composer"):
                question = gr.Textbox(
                    label="问题",
                    show_label=False,
                    placeholder="输入问题，按回车发送（可以接着上一轮追问）",
                    scale=5,
                    elem_id="question",
                )
                send = gr.Button("发送", variant="primary", scale=1, min_width=70, elem_id="send")
                clear = gr.Button("🗑 清空", scale=1, min_width=70, elem_id="clear-chat")
            note = gr.Markdown(elem_id="answer-note")
            with gr.Group(visible=False, elem_id="comment-box") as comment_box:
                comment = gr.Textbox(
                    label="补充意见（可选）",
                    lines=2,
                    placeholder="哪里不对？缺了什么？",
                    elem_id="comment",
                )
                comment_send = gr.Button("提交意见", size="sm", elem_id="comment-send")
            feedback_note = gr.Markdown(elem_id="feedback-note")
        with gr.Column(scale=2, elem_id="cite-col"):
            citations = gr.HTML(panel_html(None, 0, {}), elem_id="citations")
            viewer = gr.HTML(empty_viewer(), elem_id="viewer")
    # below both columns: on a phone the answer, its citations and the viewer come first
    with gr.Accordion("示例问题", open=True, elem_id="examples"):
        for group, questions in EXAMPLES.items():
            with gr.Row():
                gr.Markdown(f"**{group}**", elem_classes="example-group")
                examples += [(gr.Button(q, size="sm"), q) for q in questions]
    printed = gr.HTML("", elem_id="print-citations")
    marker = gr.Textbox(elem_id="marker", elem_classes="pqa-hidden", show_label=False)
    marker_open = gr.Button("open", elem_id="marker-open", elem_classes="pqa-hidden")
    return ChatTab(
        chatbot, question, send, clear, note, examples, citations, viewer, printed, comment,
        comment_send, comment_box, feedback_note, marker, marker_open, gr.State(ChatSession()),
    )  # fmt: skip


class ChatLogic:
    """What the tab's events do, over one PolicyQA and the stores."""

    def __init__(
        self,
        qa: PolicyQA,
        builder: IndexBuilder,
        conversations: ConversationStore,
        feedback: FeedbackStore,
    ) -> None:
        self.qa = qa
        self.builder = builder
        self.conversations = conversations
        self.feedback = feedback
        self.timings = Timings()

    # -- what the page shows ------------------------------------------------------------------
    def titles(self) -> dict[str, str]:
        """doc_id → 《title》, with its issuers when another document prints the same title."""
        corpus = self.qa.corpus
        return {d.doc_id: doc_name(corpus, d.doc_id) for d in self.qa.documents()}

    def texts(self, session: ChatSession) -> dict[str, tuple[str, str]]:
        """`<doc_id>#<key>` → (document name, provision text) for every citation shown."""
        titles = self.titles()
        out: dict[str, tuple[str, str]] = {}
        for answer in session.answers:
            for item in numbered(answer):
                c = item.citation
                found = self.qa.index.provision(c.doc_id, c.key)
                out[item.ref] = (titles.get(c.doc_id, ""), found.text if found else c.quote)
        return out

    def chat_value(self, session: ChatSession) -> Any:
        ratings = self.feedback.ratings(session.conversation)
        return gr.update(value=shown_messages(session), feedback_value=thumbs(session, ratings))

    def side(self, session: ChatSession, active: int | None = None) -> tuple[str, str]:
        """(citations panel, viewer) for the latest answer."""
        latest = session.latest()
        if latest is None:
            return panel_html(None, 0, {}), empty_viewer()
        index, answer = latest
        if not numbered(answer):
            return panel_html(answer, index, {}), empty_viewer("这个回答没有引用条款。")
        return panel_html(answer, index, self.titles(), active), empty_viewer()

    def view(self, session: ChatSession) -> tuple[Any, ...]:
        """chatbot, citations, viewer, print list: the whole conversation as shown."""
        panel, viewer = self.side(session)
        return self.chat_value(session), panel, viewer, print_html(session, self.texts(session))

    # -- answering ----------------------------------------------------------------------------
    def _waiting(self, shown: list[dict[str, str]]) -> Iterator[list[dict[str, str]]]:
        """While the first build runs, the question waits with the build's progress."""
        for text in self.builder.watch():
            yield [
                *shown,
                {"role": "assistant", "content": f"{text}\n\n索引建好后马上回答您的问题。"},
            ]

    def _pump(self, text: str, session: ChatSession, doc_id: str, backend: str) -> Iterator[Any]:
        """The backend's pieces, with `None` every second while nothing has come yet."""
        pieces: queue.Queue[Any] = queue.Queue()

        def run() -> None:
            try:
                for part in self.qa.stream(
                    text, history=list(session.turns), doc_id=doc_id or None, backend=backend
                ):
                    pieces.put(part)
            except Exception as exc:
                pieces.put(exc)
            pieces.put(StopIteration)

        threading.Thread(target=run, name="policyqa-answer", daemon=True).start()
        while True:
            try:
                part = pieces.get(timeout=TICK_S)
            except queue.Empty:
                yield None
                continue
            if part is StopIteration:
                return
            if isinstance(part, Exception):
                raise part
            yield part

    def _busy(self, backend: str, started: float, hits: str = "") -> str:
        waited = time.monotonic() - started
        if backend == "composer":
            return THINKING
        usual = self.timings.usual(backend)
        hint = f"，通常需要约 {usual:.0f} 秒" if usual else ""
        return f"{backend_name(backend)}正在阅读相关条款并组织回答（已用 {waited:.0f} 秒{hint}）……{hits}"

    def ask(
        self, text: str, doc_id: str, backend: str, session: ChatSession
    ) -> Iterator[tuple[Any, ...]]:
        """Outputs: chatbot, citations, viewer, note, question, session, print list."""
        skip = gr.skip()
        text = (text or "").strip()
        if not text:
            yield skip, skip, skip, "请先输入问题。", skip, session, skip
            return
        backend = backend or "composer"
        if doc_id and self.qa.index.document(doc_id) is None:
            yield skip, skip, skip, "所选的文件范围不存在，请重新选择。", skip, session, skip
            return
        shown = [*shown_messages(session), {"role": "user", "content": inert_markdown(text)}]
        for waiting in self._waiting(shown):
            yield waiting, skip, skip, "", "", session, skip
        if self.builder.error:
            yield (
                [*shown, {"role": "assistant", "content": esc(self.builder.error)}],
                *(skip,) * 3,
                "",
                session,
                skip,
            )
            return
        started = time.monotonic()
        busy = {"role": "assistant", "content": self._busy(backend, started)}
        yield [*shown, busy], panel_html(None, 0, {}), empty_viewer(), "", "", session, skip
        pieces: list[str] = []
        answer: Answer | None = None
        try:
            for part in self._pump(text, session, doc_id, backend):
                if isinstance(part, Answer):
                    answer = part
                    break
                if part is None:
                    if not pieces:
                        busy = {"role": "assistant", "content": self._busy(backend, started)}
                        yield [*shown, busy], *(skip,) * 4, session, skip
                    continue
                if backend == "composer":
                    continue  # one piece, then the Answer: shown with its markers
                pieces.append(part)
                partial = {"role": "assistant", "content": inert_markdown("".join(pieces))}
                yield [*shown, partial], *(skip,) * 4, session, skip
            if answer is None:
                raise RuntimeError("回答未完成")
        except Exception as exc:  # the user sees a message, the log gets the trace
            log.exception("answer failed for %r", text)
            message = {"role": "assistant", "content": esc(f"抱歉，回答时出错：{exc}")}
            yield [*shown, message], *(skip,) * 3, "", session, skip
            return
        self.timings.add(backend, time.monotonic() - started)
        session.add(text, answer)
        self._save(session, text, answer)
        _, panel, viewer, printed = self.view(session)
        # a plain list: the thumbs already given to earlier answers stay as they are
        yield shown_messages(session), panel, viewer, self.note(answer), "", session, printed

    def _save(self, session: ChatSession, question: str, answer: Answer) -> None:
        if session.owner is None:
            return
        try:
            if not session.saved:
                self.conversations.create(session.owner, conversation=session.conversation)
                session.saved = True
            self.conversations.append(session.owner, session.conversation, question, answer)
        except Exception:  # the answer is shown either way; the log says why it was not kept
            log.exception("could not keep the conversation")

    @staticmethod
    def note(answer: Answer) -> str:
        total = answer.timings_ms.get("total")
        parts = [f"回答方式：{backend_name(answer.backend)}"]
        if total is not None:
            parts.append(f"用时 {total / 1000:.2f} 秒")
        if answer.refused:
            parts.append("文件中未找到依据")
        elif getattr(answer, "abstained", False):
            parts.append("依据不够明确：列出的是候选条款，请核对原文")
        return "　·　".join(parts)

    # -- the viewer ---------------------------------------------------------------------------
    def open_marker(self, token: str, session: ChatSession) -> tuple[str, str]:
        """A click on ［n］ in answer `m` (or in its list): that provision in the viewer."""
        parsed = parse_marker(token)
        answer = session.answer_at(parsed[0]) if parsed else None
        items = numbered(answer)
        if parsed is None or answer is None or not 1 <= parsed[1] <= len(items):
            return gr.skip(), empty_viewer("找不到这个引用，请重新提问。")
        message, n = parsed
        citation = items[n - 1].citation
        panel = panel_html(answer, message, self.titles(), active=n)
        return panel, self.viewer_for(citation.doc_id, citation.key, answer, number=n)

    def viewer_for(
        self, doc_id: str, key: str, answer: Answer | None = None, number: int | None = None
    ) -> str:
        provision = self.qa.index.provision(doc_id, key)
        if provision is None:
            return empty_viewer("索引中找不到这个条款（文件可能已被删除或重新导入）。")
        document = next((d for d in self.qa.documents() if d.doc_id == doc_id), None)
        quotes = [
            c.quote
            for c in (answer.citations if answer else ())
            if (c.doc_id, c.key) == (doc_id, key)
        ]
        return provision_html(
            provision,
            document,
            quotes=quotes,
            question=answer.question if answer else "",
            number=number,
        )

    # -- feedback -----------------------------------------------------------------------------
    def rate(self, session: ChatSession, doc_id: str, data: gr.LikeData) -> tuple[Any, ...]:
        index = data.index if isinstance(data.index, int) else data.index[0]
        answer = session.answer_at(index)
        if answer is None:
            return "请先提问，再评价回答。", gr.update(visible=False), session
        scope = (
            next((d.title for d in self.qa.documents() if d.doc_id == doc_id), "") if doc_id else ""
        )
        if data.liked is None or data.liked == "":
            self.feedback.unrate(session.conversation, index)
            session.rated = None
            return "已撤销评价。", gr.update(visible=False), session
        rating = 1 if data.liked is True or data.liked == "Like" else -1
        self.feedback.rate(
            session.conversation, index, answer, rating, owner=session.owner or "", doc_scope=scope
        )
        session.rated = index
        thanks = (
            "已记录：有帮助，谢谢！" if rating > 0 else "已记录：没帮助。可以在下面写明哪里不对。"
        )
        return thanks, gr.update(visible=True), session

    def add_comment(self, text: str, session: ChatSession) -> tuple[str, str, Any]:
        if session.rated is None or not (text or "").strip():
            return "请先点 👍 或 👎，再写意见。", text, gr.skip()
        self.feedback.comment(session.conversation, session.rated, text)
        return "意见已记录，谢谢！", "", gr.update(visible=False)


def wire(t: ChatTab, logic: ChatLogic, scope: gr.Dropdown, backend: gr.Radio) -> list[Any]:
    """The tab's events; returns the events after which the conversation list must refresh."""
    inputs = [t.question, scope, backend, t.session]
    outputs = [t.chatbot, t.citations, t.viewer, t.note, t.question, t.session, t.printed]
    kw: dict[str, Any] = {
        "concurrency_limit": 16,
        "concurrency_id": "answer",
        "show_progress": "hidden",  # the answer says itself what it is doing
    }
    events = [
        t.send.click(logic.ask, inputs, outputs, api_name="ask", **kw),
        t.question.submit(logic.ask, inputs, outputs, api_visibility="private", **kw),
    ]
    for button, q in t.examples:
        events.append(
            button.click(lambda q=q: q, None, t.question, api_visibility="private").then(
                logic.ask, inputs, outputs, api_visibility="private", **kw
            )
        )
    for event in events:  # a new answer: the note and comment box of the last rating go
        event.then(
            lambda: ("", gr.update(visible=False)),
            None,
            [t.feedback_note, t.comment_box],
            api_visibility="private",
            show_progress="hidden",
        )
    t.marker_open.click(
        logic.open_marker,
        [t.marker, t.session],
        [t.citations, t.viewer],
        js="(token, session) => [window.pqaMarker || token, session]",
        api_name="open_marker",
    )

    def open_citation(ref: str) -> str:
        """The viewer for `<doc_id>#<key>` (for API clients)."""
        doc_id, _, key = str(ref).partition("#")
        return logic.viewer_for(doc_id, key)

    api(open_citation, api_name="open_citation")
    t.chatbot.like(
        logic.rate, [t.session, scope], [t.feedback_note, t.comment_box, t.session],
        api_visibility="private",
    )  # fmt: skip
    t.comment_send.click(
        logic.add_comment, [t.comment, t.session], [t.feedback_note, t.comment, t.comment_box],
        api_visibility="private",
    )  # fmt: skip
    return events


def backend_radio(qa: PolicyQA) -> gr.Radio:
    choices = backends.available(qa.settings)
    return gr.Radio(choices, value="composer", label="回答方式", elem_id="backend")
