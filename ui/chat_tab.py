"""问答 tab: streamed answers, citation chips that open the provision, backend, scope, feedback."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

import gradio as gr

from assistant.answer import Answer
from assistant.service import PolicyQA
from ui import backends
from ui.feedback import FeedbackStore
from ui.format import (
    answer_markdown,
    citation_choices,
    empty_viewer,
    esc,
    md_escape,
    provision_html,
    timing_note,
)

log = logging.getLogger(__name__)

EXAMPLES = {
    "公务员": ["哪个部门牵头绿色金融？", "市住建局负责哪些任务？", "哪些任务没有牵头部门？"],
    "企业": ["能不能新建燃煤锅炉？", "新建钢铁项目有什么要求？"],
    "培训": ["到2030年的主要目标是什么？", "一共有多少项任务？"],
}
ALL_DOCS = ""
THINKING = "正在查找文件依据……"


@dataclass
class ChatTab:
    """The tab's components; `scope` is refreshed by the app when documents change."""

    chatbot: gr.Chatbot
    question: gr.Textbox
    send: gr.Button
    clear: gr.Button
    note: gr.Markdown
    examples: list[tuple[gr.Button, str]]
    backend: gr.Radio
    scope: gr.Dropdown
    chips: gr.Radio
    viewer: gr.HTML
    comment: gr.Textbox
    up: gr.Button
    down: gr.Button
    export: gr.Button
    feedback_status: gr.Markdown
    feedback_file: gr.File
    conv: gr.State  # [{"role", "content"}], passed to the assistant as history
    answers: gr.State  # Answer (None for user turns), parallel to conv
    last: gr.State  # the latest Answer, for feedback and the viewer


def _display(conv: list[dict[str, str]], answers: list[Answer | None]) -> list[dict[str, str]]:
    """Chat messages as shown: user text and answers made inert."""
    shown = []
    for turn, answer in zip(conv, answers, strict=True):
        if turn["role"] == "user":
            shown.append({"role": "user", "content": md_escape(turn["content"])})
        else:
            text = answer_markdown(answer) if answer else md_escape(turn["content"])
            shown.append({"role": "assistant", "content": text})
    return shown


def _layout(qa: PolicyQA) -> ChatTab:
    choices, notes = backends.available(qa.settings)
    examples: list[tuple[gr.Button, str]] = []
    with gr.Row(equal_height=False):
        with gr.Column(scale=3):
            chatbot = gr.Chatbot(
                label="对话",
                height=480,
                feedback_options=None,
                allow_tags=False,
                elem_id="chat",
                placeholder="请输入关于政策文件的问题，例如“哪个部门牵头绿色金融？”",
            )
            with gr.Row():
                question = gr.Textbox(
                    show_label=False,
                    placeholder="输入问题，按回车发送（可以接着上一轮追问）",
                    scale=5,
                    elem_id="question",
                )
                send = gr.Button("发送", variant="primary", scale=1, elem_id="send")
                clear = gr.Button("新对话", scale=1, elem_id="new-chat")
            note = gr.Markdown(elem_id="answer-note")
            with gr.Accordion("示例问题", open=True):
                for group, questions in EXAMPLES.items():
                    with gr.Row():
                        gr.Markdown(f"**{group}**", elem_classes="example-group")
                        examples += [(gr.Button(q, size="sm"), q) for q in questions]
        with gr.Column(scale=2):
            backend = gr.Radio(choices, value="composer", label="回答方式", elem_id="backend")
            if notes:
                gr.Markdown("\n".join(f"- {esc(n)}" for n in notes), elem_classes="backend-notes")
            scope = gr.Dropdown(
                [("全部文件", ALL_DOCS)],
                value=ALL_DOCS,
                label="文件范围",
                allow_custom_value=True,
                elem_id="scope",
            )
            chips = gr.Radio([], label="引用条款（点击查看原文）", elem_id="chips")
            viewer = gr.HTML(empty_viewer(), elem_id="viewer")
            with gr.Group():
                comment = gr.Textbox(
                    label="意见（可选）", lines=2, placeholder="哪里不对？缺了什么？"
                )
                with gr.Row():
                    up = gr.Button("👍 有帮助", size="sm", elem_id="thumbs-up")
                    down = gr.Button("👎 没帮助", size="sm", elem_id="thumbs-down")
                    export = gr.Button("导出反馈 CSV", size="sm")
                feedback_status = gr.Markdown(elem_id="feedback-status")
                feedback_file = gr.File(label="反馈记录", visible=False)
    states = gr.State([]), gr.State([]), gr.State(None)
    return ChatTab(
        chatbot, question, send, clear, note, examples, backend, scope, chips, viewer, comment,
        up, down, export, feedback_status, feedback_file, *states,
    )  # fmt: skip


def _wire_ask(qa: PolicyQA, t: ChatTab) -> None:
    def ask(
        text: str, doc_id: str, backend_name: str, conv: list[Any], answers: list[Any]
    ) -> Iterator[tuple[Any, ...]]:
        text = (text or "").strip()
        if not text:
            yield gr.skip(), conv, answers, *(gr.skip(),) * 3, "请先输入问题。", gr.skip()
            return
        history = list(conv)
        conv = [*conv, {"role": "user", "content": text}, {"role": "assistant", "content": ""}]
        answers = [*answers, None, None]
        shown = _display(conv[:-1], answers[:-1])
        reset = gr.update(choices=[], value=None)
        thinking = {"role": "assistant", "content": THINKING}
        yield [*shown, thinking], conv, answers, None, reset, empty_viewer(), "", ""
        pieces: list[str] = []
        answer: Answer | None = None
        try:
            for part in qa.stream(
                text, history=history, doc_id=doc_id or None, backend=backend_name or None
            ):
                if isinstance(part, Answer):
                    answer = part
                    break
                pieces.append(part)
                partial = {"role": "assistant", "content": md_escape("".join(pieces))}
                yield [*shown, partial], *(gr.skip(),) * 7
            if answer is None:
                raise RuntimeError("回答未完成")
        except Exception as exc:  # the user sees a message, the log gets the trace
            log.exception("answer failed for %r", text)
            conv[-1] = {"role": "assistant", "content": f"抱歉，回答时出错：{exc}"}
            yield _display(conv, answers), conv, answers, None, reset, empty_viewer(), "", ""
            return
        conv[-1] = {"role": "assistant", "content": answer.text}
        answers[-1] = answer
        chip_choices = citation_choices(answer)
        hint = empty_viewer() if chip_choices else empty_viewer("这个回答没有引用条款。")
        chips = gr.update(choices=chip_choices, value=None)
        yield _display(conv, answers), conv, answers, answer, chips, hint, timing_note(answer), ""

    outputs = [t.chatbot, t.conv, t.answers, t.last, t.chips, t.viewer, t.note, t.question]
    inputs = [t.question, t.scope, t.backend, t.conv, t.answers]
    t.send.click(ask, inputs, outputs, api_name="ask")
    t.question.submit(ask, inputs, outputs, api_visibility="private")
    for button, q in t.examples:
        button.click(lambda q=q: q, None, t.question, api_visibility="private").then(
            ask, inputs, outputs, api_visibility="private"
        )

    def new_chat() -> tuple[Any, ...]:
        return [], [], [], None, gr.update(choices=[], value=None), empty_viewer(), "", ""

    t.clear.click(new_chat, None, outputs, api_name="new_chat")

    def open_citation(ref: str | None, answer: Answer | None) -> str:
        if not ref:
            return empty_viewer()
        doc_id, _, key = ref.partition("#")
        provision = next((p for p in qa.provisions(doc_id) if p.key == key), None)
        if provision is None:
            return empty_viewer(f"索引中找不到条款 {ref}（文件可能已被删除）。")
        document = next((d for d in qa.documents() if d.doc_id == doc_id), None)
        cited = answer.citations if answer else ()
        quotes = [c.quote for c in cited if f"{c.doc_id}#{c.key}" == ref]
        asked = answer.question if answer else ""
        return provision_html(provision, document, quotes=quotes, question=asked)

    t.chips.input(open_citation, [t.chips, t.last], t.viewer, api_name="open_citation")


def _wire_feedback(feedback: FeedbackStore, t: ChatTab) -> None:
    def rate(rating: int, answer: Answer | None, text: str, doc_id: str) -> tuple[str, str]:
        if answer is None:
            return "请先提问，再评价回答。", text
        feedback.add(answer, rating, text or "", doc_scope=doc_id or "")
        return "已记录您的评价，谢谢！", ""

    inputs = [t.last, t.comment, t.scope]
    outputs = [t.feedback_status, t.comment]
    t.up.click(partial(rate, 1), inputs, outputs, api_name="feedback_up")
    t.down.click(partial(rate, -1), inputs, outputs, api_name="feedback_down")

    def export_feedback() -> Any:
        return gr.update(value=feedback.export_csv(), visible=True)

    t.export.click(export_feedback, None, t.feedback_file, api_name="export_feedback")


def build(qa: PolicyQA, feedback: FeedbackStore) -> ChatTab:
    tab = _layout(qa)
    _wire_ask(qa, tab)
    _wire_feedback(feedback, tab)
    return tab
