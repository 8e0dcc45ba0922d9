"""One browser tab's conversation: its turns (the only context follow-ups see), its answers, and how
they are shown (chat messages, the thumbs, the print-only list of citations)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.answer import Answer
from assistant.understand.followup import Turn
from ui.citations import answer_html, answer_text, numbered
from ui.conversations import Message, new_id
from ui.format import esc, inert_markdown, printed_label

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class ChatSession:
    owner: str | None = None  # None: not kept (an API client without a browser)
    conversation: str = field(default_factory=new_id)
    turns: list[Turn] = field(default_factory=list)
    answers: list[Answer | None] = field(default_factory=list)  # parallel to turns
    saved: bool = False  # the conversation exists in the store
    rated: int | None = None  # message index of the last rating, for its comment

    def fresh(self) -> ChatSession:
        """A new, empty conversation for the same owner: nothing of this one is carried over."""
        return ChatSession(owner=self.owner)

    def add(self, question: str, answer: Answer) -> None:
        self.turns += [
            Turn(role="user", content=question),
            Turn(role="assistant", content=answer.text),
        ]
        self.answers += [None, answer]

    @classmethod
    def from_messages(cls, owner: str, conversation: str, messages: list[Message]) -> ChatSession:
        s = cls(owner=owner, conversation=conversation, saved=True)
        for m in messages:
            s.turns.append(Turn(role=m.role, content=m.content))
            s.answers.append(m.answer)
        return s

    def answer_at(self, index: int) -> Answer | None:
        return self.answers[index] if 0 <= index < len(self.answers) else None

    def latest(self) -> tuple[int, Answer] | None:
        for i in range(len(self.answers) - 1, -1, -1):
            answer = self.answers[i]
            if answer is not None:
                return i, answer
        return None


def shown_messages(session: ChatSession) -> list[dict[str, str]]:
    """The chat as shown: questions and answers made inert, answers with their markers."""
    out = []
    for i, (turn, answer) in enumerate(zip(session.turns, session.answers, strict=True)):
        if turn["role"] == "user":
            out.append({"role": "user", "content": inert_markdown(turn["content"])})
        elif answer is not None:
            out.append({"role": "assistant", "content": answer_html(answer, i)})
        else:
            out.append({"role": "assistant", "content": inert_markdown(turn["content"])})
    return out


def thumbs(session: ChatSession, ratings: dict[int, int]) -> list[str | None]:
    """The chatbot's feedback value: one entry per assistant message, in order."""
    return [
        ("Like" if ratings[i] > 0 else "Dislike") if i in ratings else None
        for i, turn in enumerate(session.turns)
        if turn["role"] == "assistant"
    ]


def print_html(session: ChatSession, texts: dict[str, tuple[str, str]]) -> str:
    """Printed after the conversation: every answer's citations with the provision's text.
    `texts`: `<doc_id>#<key>` → (document name as shown, 《…》, and provision text)."""
    blocks = []
    for i, answer in enumerate(session.answers):
        items = numbered(answer)
        if answer is None or not items:
            continue
        rows = []
        for item in items:
            c = item.citation
            title, text = texts.get(item.ref, ("", c.quote))
            rows.append(
                f'<li><div class="pr-head">［{item.n}］{esc(title)}{esc(printed_label(c.label))}'
                f' {esc(c.title)}</div><div class="pr-text">{esc(text)}</div></li>'
            )
        question = session.turns[i - 1]["content"] if i > 0 else answer.question
        blocks.append(
            f'<section><h3>“{esc(question)}”的依据</h3><ol class="pr-list">{"".join(rows)}</ol></section>'
        )
    if not blocks:
        return ""
    return '<div class="print-citations"><h2>引用条款原文</h2>' + "".join(blocks) + "</div>"


def markdown_export(session: ChatSession, texts: dict[str, tuple[str, str]], title: str) -> str:
    """The conversation as markdown, each answer followed by its citations' provision text (all of
    it made inert: a document's image or link does not come alive in a markdown viewer)."""
    md = inert_markdown
    lines = [f"# {md(title)}", ""]
    for turn, answer in zip(session.turns, session.answers, strict=True):
        if turn["role"] == "user":
            lines += [f"## 问：{md(turn['content'])}", ""]
            continue
        lines += [md(answer_text(answer) if answer else turn["content"]), ""]
        for item in numbered(answer):
            c = item.citation
            doc, text = texts.get(item.ref, ("", c.quote))
            head = f"［{item.n}］{doc}{printed_label(c.label)} {c.title}"
            lines += [f"> {md(head)}", ">", "> " + md(text).replace("\n", "\n> "), ""]
    return "\n".join(lines)


def docx_export(
    path: str, session: ChatSession, texts: dict[str, tuple[str, str]], title: str
) -> str:
    """The conversation as a Word document: questions, answers (plain text), and after each
    answer its citations with the provision text."""
    from docx import Document as Docx  # noqa: PLC0415 - python-docx only for this export
    from docx.shared import Pt  # noqa: PLC0415

    doc = Docx()
    style = doc.styles["Normal"]
    style.font.size = Pt(11)
    doc.add_heading(_docx_text(title), level=1)
    for turn, answer in zip(session.turns, session.answers, strict=True):
        if turn["role"] == "user":
            doc.add_heading(_docx_text(f"问：{turn['content']}"), level=2)
            continue
        for line in (answer_text(answer) if answer else turn["content"]).splitlines():
            if line.strip():
                doc.add_paragraph(_docx_text(line.strip()))
        items = numbered(answer)
        if items:
            doc.add_paragraph("引用条款：").runs[0].bold = True
        for item in items:
            c = item.citation
            doc_title, text = texts.get(item.ref, ("", c.quote))
            head = doc.add_paragraph()
            heading = f"［{item.n}］{doc_title}{printed_label(c.label)} {c.title}"
            head.add_run(_docx_text(heading)).bold = True
            body = doc.add_paragraph(_docx_text(text))
            body.paragraph_format.left_indent = Pt(18)
    doc.save(path)
    return path


def _docx_text(text: str) -> str:
    """Text Word can hold: control characters (which XML refuses) removed."""
    return _CONTROL.sub("", text)
