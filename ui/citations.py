"""Citations beside the answer: numbered markers ［1］ in the answer text, and the list (or, for long
listings, one compact table) that opens the provision viewer.

A marker and a list entry are links `#pqa-cite-<message>-<n>`; the page's script (ui/app.js) turns a
click on one into the `open_marker` event, so any answer of the conversation, old ones included, opens
its own provisions. Everything from a document is escaped first (`ui.format`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.answer import Answer, Citation
from ui.format import esc, inert_markdown, names, plain_text, printed_label

LONG_LIST = 8  # more citations than this: a compact table, and no markers appended to the text
_PLACEHOLDER = "\ue000{}\ue001"  # private-use characters: never in a document, survive escaping
_PLACEHOLDER_RE = re.compile("\ue000(\\d+)\ue001")
_ANNEX_KEY = re.compile(r"（annex(?:\.\d+)+[；;]?\s*")
MARKER_PREFIX = "#pqa-cite-"


@dataclass(frozen=True, slots=True)
class Numbered:
    """A cited provision with its marker number (one number per provision, in order of citation)."""

    n: int
    citation: Citation

    @property
    def ref(self) -> str:
        return f"{self.citation.doc_id}#{self.citation.key}"


def numbered(answer: Answer | None) -> list[Numbered]:
    if answer is None:
        return []
    seen: dict[str, Citation] = {}
    for c in answer.citations:
        seen.setdefault(f"{c.doc_id}#{c.key}", c)
    return [Numbered(n, c) for n, c in enumerate(seen.values(), 1)]


def _patterns(c: Citation) -> list[tuple[str, str]]:
    """(text to find, what replaces it with the marker placeholder `{m}`), most specific first."""
    label, title = c.label, c.title
    found = []
    if "." in c.key:  # a bare chapter key ("3") could be a document's own （3）
        found += [(f"（{c.key}）", "{m}"), (f"（{c.key}；", "{m}（"), (f"（{c.key};", "{m}（")]
    for head in (f"{label} {title}", f"{label}　{title}", f"{label}{title}"):
        if label and title:
            found.append((head, head + "{m}"))
    if title and len(title) >= 4:
        found.append((title, title + "{m}"))
    return found


def place_markers(text: str, items: Sequence[Numbered]) -> tuple[str, list[int]]:
    """The answer text with each citation's internal key (`（2.9.28）`) or, where the text names
    no key, its heading followed by a placeholder for marker n; the numbers that found no place."""
    claimed: list[tuple[int, int]] = []
    unplaced: list[int] = []
    edits: list[tuple[int, int, str]] = []
    for item in items:
        for needle, replacement in _patterns(item.citation):
            start = text.find(needle)
            while start >= 0 and any(a < start + len(needle) and start < b for a, b in claimed):
                start = text.find(needle, start + 1)
            if start >= 0:
                claimed.append((start, start + len(needle)))
                edits.append(
                    (start, start + len(needle), replacement.format(m=_PLACEHOLDER.format(item.n)))
                )
                break
        else:
            unplaced.append(item.n)
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return _ANNEX_KEY.sub("（", text).replace("（）", ""), unplaced


def _marker(message: int, n: int) -> str:
    return f'<a class="pqa-cite" href="{MARKER_PREFIX}{message}-{n}">［{n}］</a>'


def answer_html(answer: Answer, message: int) -> str:
    """The chat message of a finished answer: inert markdown with clickable markers ［n］."""
    items = numbered(answer)
    text, unplaced = place_markers(answer.text, items)
    if unplaced and len(items) <= LONG_LIST:
        text += "\n\n依据：" + "".join(_PLACEHOLDER.format(n) for n in unplaced)
    shown = inert_markdown(text)
    return _PLACEHOLDER_RE.sub(lambda m: _marker(message, int(m.group(1))), shown)


def answer_text(answer: Answer) -> str:
    """The answer as plain text with its markers ［n］ in place of internal keys (exports,
    feedback records)."""
    text, _ = place_markers(answer.text, numbered(answer))
    return plain_text(_PLACEHOLDER_RE.sub(lambda m: f"［{m.group(1)}］", text))


def _owner_note(c: Citation) -> str:
    if c.lead:
        return f"牵头：{names(c.lead)}"
    responsible = getattr(c, "responsible", ())
    if responsible:
        return f"责任单位：{names(responsible)}"
    if c.co:
        return f"配合：{names(c.co)}"
    return ""


def panel_html(
    answer: Answer | None,
    message: int,
    titles: dict[str, str],
    active: int | None = None,
) -> str:
    """The citations of one answer: a short list of links, or a compact table for long listings
    (counts, a department's tasks), each entry opening the viewer. `titles`: doc_id → the
    document's name as shown (《…》)."""
    items = numbered(answer)
    if not items:
        note = "这个回答没有引用条款。" if answer is not None else "回答的依据条款会列在这里。"
        return f'<div class="pqa-citations pc-empty">{esc(note)}</div>'
    several_docs = len({i.citation.doc_id for i in items}) > 1
    head = f'<div class="pc-head">引用条款（{len(items)}）</div>'

    def doc_of(i: Numbered) -> str:
        return titles.get(i.citation.doc_id, "")

    if len(items) <= LONG_LIST:
        rows = []
        for i in items:
            c = i.citation
            doc = f'<span class="pc-doc">{esc(doc_of(i))}</span>' if several_docs else ""
            cls = "pqa-cite pc-item pc-active" if i.n == active else "pqa-cite pc-item"
            rows.append(
                f'<a class="{cls}" href="{MARKER_PREFIX}{message}-{i.n}">'
                f'<span class="pc-n">［{i.n}］</span>'
                f'<span class="pc-label">{esc(printed_label(c.label))}</span> '
                f'<span class="pc-title">{esc(c.title)}</span>{doc}</a>'
            )
        return f'<div class="pqa-citations">{head}<div class="pc-list">{"".join(rows)}</div></div>'
    body = []
    for i in items:
        c = i.citation
        link = f'href="{MARKER_PREFIX}{message}-{i.n}"'
        cls = ' class="pc-active"' if i.n == active else ""
        body.append(
            f"<tr{cls}>"
            f'<td data-label="编号"><a class="pqa-cite" {link}>［{i.n}］</a></td>'
            + (f'<td data-label="文件">{esc(doc_of(i))}</td>' if several_docs else "")
            + f'<td data-label="条款"><a class="pqa-cite" {link}>{esc(printed_label(c.label))}</a></td>'
            f'<td data-label="标题">{esc(c.title)}</td>'
            f'<td data-label="部门">{esc(_owner_note(c))}</td></tr>'
        )
    doc_head = "<th>文件</th>" if several_docs else ""
    table = (
        '<div class="pc-table-wrap"><table class="pc-table cards"><thead><tr><th>编号</th>'
        f"{doc_head}<th>条款</th><th>标题</th><th>部门</th></tr></thead>"
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )
    return f'<div class="pqa-citations pc-long">{head}{table}</div>'


def parse_marker(token: str) -> tuple[int, int] | None:
    """`"3-1"` or `"3-1@1712345"` (the page adds a click stamp) → (message, n)."""
    m = re.fullmatch(r"(\d+)-(\d+)(?:@\d+)?", (token or "").strip())
    return (int(m.group(1)), int(m.group(2))) if m else None
