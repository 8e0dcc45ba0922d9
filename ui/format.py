"""Formatting helpers: the assistant's results as inert HTML, markdown and table rows.

Every piece of document or user text that ends up in HTML goes through `esc` (or `highlight`, which
escapes each run): a document containing `<script>` is shown as text, never run.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from assistant.answer import Answer, Citation
from ingest.model import Document, Provision

LEVELS = {
    "national": "国家级",
    "provincial": "省级",
    "municipal": "市级",
    "departmental": "部门",
    "unknown": "未注明",
}
_QUESTION_WORDS = frozenset(
    {
        "哪个",
        "哪些",
        "什么",
        "多少",
        "怎么",
        "如何",
        "是否",
        "能不能",
        "可不",
        "可以",
        "有没有",
        "一共",
        "主要",
        "要求",
        "部门",
        "负责",
        "任务",
        "的是",
        "是什",
        "么时",
        "时候",
        "请问",
        "这个",
        "那个",
        "它们",
        "他们",
        "还有",
        "哪里",
    }
)
_MIN_TERM = 2


def esc(text: object) -> str:
    """HTML-escape any value (quotes included, so it is safe inside attributes too)."""
    return html.escape(str(text), quote=True)


def md_escape(text: str) -> str:
    """Make answer markdown inert: no raw HTML reaches the chat (markdown itself still renders)."""
    return text.replace("&", "&amp;").replace("<", "&lt;")


def question_terms(question: str, text: str) -> list[str]:
    """Longest runs (2+ characters) of the question that also occur in `text`, for highlighting."""
    terms: list[str] = []
    for part in re.findall(r"[\u4e00-\u9fffA-Za-z0-9]+", question):
        i = 0
        while i < len(part) - 1:
            end = len(part)
            while end - i >= _MIN_TERM and part[i:end] not in text:
                end -= 1
            if end - i >= _MIN_TERM:
                term = part[i:end]
                if term not in _QUESTION_WORDS:
                    terms.append(term)
                i = end
            else:
                i += 1
    return list(dict.fromkeys(terms))


def highlight(text: str, quotes: Iterable[str] = (), terms: Iterable[str] = ()) -> str:
    """`text` escaped; quotes in <mark class="quote">, question terms in <mark class="term">."""
    flags = [0] * len(text)
    for value, terms_or_quotes in ((1, quotes), (2, terms)):
        for needle in terms_or_quotes:
            if not needle:
                continue
            start = text.find(needle)
            while start >= 0:
                for i in range(start, start + len(needle)):
                    flags[i] |= value
                start = text.find(needle, start + len(needle))
    out: list[str] = []
    i = 0
    while i < len(text):
        j = i
        while j < len(text) and flags[j] == flags[i]:
            j += 1
        run = esc(text[i:j])
        if flags[i] & 2:
            run = f'<mark class="term">{run}</mark>'
        if flags[i] & 1:
            run = f'<mark class="quote">{run}</mark>'
        out.append(run)
        i = j
    return "".join(out)


def names(items: Sequence[str]) -> str:
    return "、".join(items) if items else "（未列明）"


def provision_html(
    provision: Provision,
    document: Document | None,
    *,
    quotes: Sequence[str] = (),
    question: str = "",
) -> str:
    """The provision viewer: where it sits, who owns it, and its full text with highlights."""
    r = provision.responsibility
    path = " › ".join(esc(t) for t in provision.path_titles if t)
    doc_title = esc(document.title if document else provision.doc_id)
    terms = question_terms(question, provision.text) if question else []
    rows = [
        f'<div class="pv-doc">{doc_title}</div>',
        f'<div class="pv-path">{path}</div>' if path else "",
        f'<h3 class="pv-title">{esc(provision.label)}　{esc(provision.title)}</h3>',
        f'<div class="pv-key">条款编号：{esc(provision.key)}</div>',
        '<div class="pv-owners">'
        f'<span class="pv-lead">牵头：{esc(names(r.lead))}</span>'
        f'<span class="pv-co">配合：{esc(names(r.co))}</span>'
        + (
            f'<span class="pv-impl">落实：{esc(names(r.implementers))}</span>'
            if r.implementers
            else ""
        )
        + (f'<span class="pv-deadline">期限：{esc(r.deadline)}</span>' if r.deadline else "")
        + "</div>",
        f'<div class="pv-text">{highlight(provision.text, quotes, terms)}</div>',
    ]
    if quotes:
        rows.append('<div class="pv-legend"><mark class="quote">引用原句</mark>')
        rows.append(' <mark class="term">问题关键词</mark></div>' if terms else "</div>")
    return '<div class="provision">' + "".join(rows) + "</div>"


def empty_viewer(message: str = "点击回答下方的引用条款，在这里查看原文。") -> str:
    return f'<div class="provision pv-empty">{esc(message)}</div>'


def citation_ref(c: Citation) -> str:
    return f"{c.doc_id}#{c.key}"


def citation_choices(answer: Answer | None) -> list[tuple[str, str]]:
    """(chip label, `<doc_id>#<key>`) for each citation of an answer, without repeats."""
    if answer is None:
        return []
    seen: dict[str, str] = {}
    for c in answer.citations:
        seen.setdefault(citation_ref(c), f"📄 {c.label} {c.title}".strip())
    return [(label, ref) for ref, label in seen.items()]


def answer_markdown(answer: Answer) -> str:
    """The chat message for a finished answer: its markdown, made inert."""
    return md_escape(answer.text)


def document_label(doc: Document) -> str:
    return f"{doc.title or doc.doc_id}（{doc.doc_id}）"


def document_choices(docs: Sequence[Document]) -> list[tuple[str, str]]:
    return [(document_label(d), d.doc_id) for d in docs]


def timing_note(answer: Answer) -> str:
    total = answer.timings_ms.get("total")
    parts = [f"后端：{answer.backend}"]
    if total is not None:
        parts.append(f"用时 {total / 1000:.2f} 秒")
    if answer.refused:
        parts.append("文件中未找到依据")
    return "　".join(parts)
