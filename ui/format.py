"""Formatting helpers: the assistant's results as inert HTML and markdown.

Every piece of document, question or file-name text that reaches the browser goes through `esc`
(HTML) or `inert_markdown` (chat messages): a document containing `<script>`, a markdown image, an
autolink or a `javascript:` link is shown as text, and the browser fetches nothing because of it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from ingest.model import Document, Level, Provision, Responsibility, Span

LEVELS = {
    Level.NATIONAL.value: "国家级",
    Level.PROVINCIAL.value: "省级",
    Level.MUNICIPAL.value: "市级",
    Level.DEPARTMENTAL.value: "部门",
    Level.UNKNOWN.value: "未注明",
}
BACKEND_NAMES = {"composer": "规则组合", "local": "本地模型", "openai": "在线模型"}
_QUESTION_WORDS = frozenset(
    "哪个 哪些 什么 多少 怎么 如何 是否 能不能 可不 可以 有没有 一共 主要 要求 部门 负责 任务 的是 "
    "是什 么时 时候 请问 这个 那个 它们 他们 还有 哪里".split()
)
_MIN_TERM = 2
# Markdown that could make the browser fetch or link something: link and image brackets, code
# spans (which would show our escapes), and what GFM turns into links by itself (URLs, www., e-mail).
_MD_SPECIAL = str.maketrans({"[": "\\[", "]": "\\]", "`": "\\`", "@": "\\@", "|": "\\|"})
_URL_START = re.compile(r"(?i)(?<=[a-z])://")
_WWW = re.compile(r"(?i)\b(www)\.")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
_ANNEX_LABEL = re.compile(r"^(附件.*?\D)(\d+)$")
_LIST_ITEM = re.compile(r"^\s*(?:\d+[.、]|[-*+])\s")


def esc(text: object) -> str:
    """HTML-escape any value (quotes included, so it is safe inside attributes too)."""
    return html.escape(str(text), quote=True)


def inert_markdown(text: str) -> str:
    """Markdown from an answer, made inert: no raw HTML, no links, images or autolinks can come
    out of it; bold, lists and quotes still render. `**…**` becomes <strong> here, because
    CommonMark does not close emphasis next to Chinese punctuation (`**（牵头：…）**` stayed raw)."""
    out = _end_lists(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    # a blockquote marker at the start of a line is the answer's own markdown: keep it
    out = re.sub(r"(?m)^((?:\s*&gt;)+)", lambda m: m.group(1).replace("&gt;", ">"), out)
    out = out.translate(_MD_SPECIAL)
    out = _URL_START.sub(r"\\://", out)
    out = _WWW.sub(r"\1\\.", out)
    out = re.sub(r"(?i)javascript:", "javascript&#58;", out)
    return _BOLD.sub(r"<strong>\1</strong>", out)


def _end_lists(text: str) -> str:
    """A blank line between a list and the line after it that is not an item: without it, markdown
    folds a following heading or note ("**…配合的任务**", "另：…") into the last item."""
    lines = text.split("\n")
    out: list[str] = []
    for i, line in enumerate(lines):
        if (
            i
            and line.strip()
            and not _LIST_ITEM.match(line)
            and not line.startswith((" ", "\t"))
            and _LIST_ITEM.match(lines[i - 1])
        ):
            out.append("")
        out.append(line)
    return "\n".join(out)


def plain_text(markdown: str) -> str:
    """An answer without its markdown marks, for the feedback records and exports."""
    text = re.sub(r"\*\*(.+?)\*\*", r"\1", markdown)
    text = re.sub(r"(?m)^\s*>\s?", "", text)
    return text.strip()


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
                # words of the question, not pieces of a pasted address ("http", "png")
                pasted = term.isascii() and term.isalpha()
                if term not in _QUESTION_WORDS and not pasted:
                    terms.append(term)
                i = end
            else:
                i += 1
    return list(dict.fromkeys(terms))


def highlight(text: str, quotes: Iterable[str] = (), terms: Iterable[str] = ()) -> str:
    """`text` escaped; quotes in <mark class="quote">, question terms in <mark class="term">."""
    flags = [0] * len(text)
    for value, needles in ((1, quotes), (2, terms)):
        for needle in needles:
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


def printed_label(label: str) -> str:
    """The label as a reader writes it: `附件 关键环节专项保障方案3` → `附件 关键环节专项保障方案 3`."""
    m = _ANNEX_LABEL.match(label)
    return f"{m.group(1).rstrip()} {m.group(2)}" if m else label


def level_name(level: object) -> str:
    return LEVELS.get(str(getattr(level, "value", level)), "未注明")


def owners_html(r: Responsibility | Span, cls: str = "pv-owners") -> str:
    """牵头 / 配合 / 责任单位 / 落实 / 期限 of a provision or of one of its attributions."""
    parts = []
    if r.lead or not (r.co or r.responsible):
        parts.append(f'<span class="pv-lead">牵头：{esc(names(r.lead))}</span>')
    if r.co:
        parts.append(f'<span class="pv-co">配合：{esc(names(r.co))}</span>')
    if r.responsible:
        parts.append(f'<span class="pv-resp">责任单位：{esc(names(r.responsible))}</span>')
    if r.implementers:
        parts.append(f'<span class="pv-impl">落实：{esc(names(r.implementers))}</span>')
    if r.deadline:
        parts.append(f'<span class="pv-deadline">完成期限：{esc(r.deadline)}</span>')
    return f'<div class="{cls}">{"".join(parts)}</div>'


def _text_html(p: Provision, quotes: Sequence[str], terms: Sequence[str]) -> str:
    """The provision's text; with several attributions, each covered part with its own owners."""
    spans = [s for s in p.responsibility.spans if 0 <= s.start < s.end <= len(p.text)]
    if len(spans) < 2:
        return f'<div class="pv-text">{highlight(p.text, quotes, terms)}</div>'
    pieces = []
    last = 0
    for s in sorted(spans, key=lambda s: s.start):
        start = max(s.start, last)
        if start > last:
            pieces.append(
                f'<div class="pv-text">{highlight(p.text[last:start], quotes, terms)}</div>'
            )
        segment = highlight(p.text[start : s.end], quotes, terms)
        pieces.append(
            f'<div class="pv-span"><div class="pv-text">{segment}</div>'
            f"{owners_html(s, 'pv-owners pv-span-owners')}</div>"
        )
        last = s.end
    if last < len(p.text):
        pieces.append(f'<div class="pv-text">{highlight(p.text[last:], quotes, terms)}</div>')
    return "".join(pieces)


def provision_html(
    provision: Provision,
    document: Document | None,
    *,
    quotes: Sequence[str] = (),
    question: str = "",
    number: int | None = None,
) -> str:
    """The provision viewer: the document's title, where the provision sits, its printed label,
    who owns it and its full text with the quoted sentence and the question's words marked.
    Internal keys (2.9.28, annex.3.3) are never shown."""
    path = " › ".join(esc(t) for t in provision.path_titles if t)
    doc_title = esc(document.title if document and document.title else "（未命名文件）")
    terms = question_terms(question, provision.text) if question else []
    marker = f'<span class="pv-n">［{number}］</span>' if number else ""
    head = f"{esc(printed_label(provision.label))}　{esc(provision.title)}"
    rows = [
        f'<div class="pv-doc">《{doc_title}》</div>',
        f'<div class="pv-path">{path}</div>' if path else "",
        f'<h3 class="pv-title">{marker}{head}</h3>',
        owners_html(provision.responsibility),
        _text_html(provision, quotes, terms),
    ]
    if quotes:
        legend = '<mark class="quote">引用原句</mark>'
        if terms:
            legend += ' <mark class="term">问题关键词</mark>'
        rows.append(f'<div class="pv-legend">{legend}</div>')
    return '<div class="provision">' + "".join(rows) + "</div>"


def empty_viewer(
    message: str = "点击回答中的编号（如［1］）或引用条款列表，在这里查看原文。",
) -> str:
    return f'<div class="provision pv-empty">{esc(message)}</div>'


def document_label(doc: Document) -> str:
    """A document as a user names it: its title, with the number where the title is shared."""
    title = doc.title or "（未命名文件）"
    return f"{title}（{doc.doc_number}）" if doc.doc_number else title


def document_choices(docs: Sequence[Document]) -> list[tuple[str, str]]:
    """(label, doc_id) for dropdowns; two documents of the same title are told apart."""
    labels = [document_label(d) for d in docs]
    seen: dict[str, int] = {}
    out = []
    for doc, label in zip(docs, labels, strict=True):
        seen[label] = seen.get(label, 0) + 1
        shown = label if labels.count(label) == 1 else f"{label}（{seen[label]}）"
        out.append((shown, doc.doc_id))
    return out


def backend_name(name: str) -> str:
    return BACKEND_NAMES.get(name, "其他方式")
