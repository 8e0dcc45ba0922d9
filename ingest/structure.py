"""Split a cleaned policy text into addressable provisions with DESIGN.md keys.

meta (title block) · preamble · chapters `2` · sections `2.3` · items `2.3.11` · annex rows
`annex.<category>.<row>`; paragraphs `p1`, `p2`, … when no numbering is found.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from itertools import pairwise

from ingest.attribution import locate
from ingest.model import Provision, ProvisionKind
from ingest.numbering import (
    CN_NUM,
    GLUED_ARABIC,
    Heading,
    Style,
    cn_to_int,
    int_to_cn,
    match_heading,
)
from ingest.paragraph_tasks import is_titled_task, split_paragraph_tasks
from ingest.responsibility import (
    document_wide_implementers,
    extract_responsibility,
    first_listed_leads,
)
from ingest.table_rows import annex_responsibility, task_rows, task_table_at

logger = logging.getLogger(__name__)

NO_STRUCTURE_WARNING = "未识别到编号结构，已按段落导入"
TITLE_MAX = 60
_ANNEX_LINE = re.compile(r"^附\s*件\s*[\d一二三四五六七八九十]*\s*[:：]?")
_ROW_NUMBER = re.compile(r"^\s*(\d{1,3})\s*[.．、]\s*(.*)$")
_SENTENCE_END = re.compile("[。！？]")
# A chapter heading printed at the end of the sentence before it, or its numeral left there.
_TRAILING_CHAPTER = re.compile(rf"^(.*[。；！？])\s*(({CN_NUM})、[^。；，！？]{{2,30}})$")
_TRAILING_NUMERAL = re.compile(rf"^(.*[。；！？])\s*({CN_NUM})$")


@dataclass(frozen=True, slots=True)
class StructureResult:
    provisions: tuple[Provision, ...]
    warnings: tuple[str, ...] = ()


@dataclass(slots=True)
class _Node:
    heading: Heading
    title: str
    lines: list[str] = field(default_factory=list)
    ancestors: tuple[_Node, ...] = ()


def heading_title(rest: str) -> tuple[str, str]:
    """Split the text after a number into (title, whole text): the title is the first sentence."""
    rest = rest.strip()
    m = _SENTENCE_END.search(rest)
    title = rest[: m.start()] if m else rest
    title = title.rstrip("：:；;，, ")
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX] + "…"
    return title, rest


def _is_body_line(line: str) -> bool:
    return "。" in line or len(line) > 60


def _split_front(doc_id: str, lines: list[str]) -> list[Provision]:
    """Title block (meta) and the text before the first heading (preamble)."""
    # A document opens with its title: a first line without a sentence is the title block however
    # long a web page glued it ("…实施意见（2022年3月13日）", the title printed twice with its number
    # and addressees).
    cut = next(
        (i for i, line in enumerate(lines) if _is_body_line(line) and (i or "。" in line)),
        len(lines),
    )
    out: list[Provision] = []
    if lines[:cut]:
        out.append(
            Provision(doc_id, "meta", "文件信息", "", "标题与文号", "\n".join(lines[:cut]), (),
                      kind=ProvisionKind.META)
        )  # fmt: skip
    if lines[cut:]:
        title, _ = heading_title(lines[cut])
        out.append(
            Provision(doc_id, "preamble", "前言", "", title, "\n".join(lines[cut:]), (),
                      kind=ProvisionKind.PREAMBLE)
        )  # fmt: skip
    return out


def _annex_start(lines: list[str], first_heading: int) -> int:
    """Where the appendix starts: an "附件" line with a table after it, or a table titled as a task
    list ("重点任务分工表") whose header names the responsible units."""
    for i in range(first_heading + 1, len(lines)):
        is_annex = _ANNEX_LINE.match(lines[i]) and len(lines[i]) <= 40
        if is_annex and any("\t" in line for line in lines[i + 1 :]):
            return i
        titled = (
            "\t" not in lines[i] and len(lines[i]) <= 40 and task_table_at(lines, i + 1) == i + 1
        )
        if titled:
            return i
    return len(lines)


def _kind(style: Style, styles: set[Style]) -> ProvisionKind:
    if style in (Style.ARABIC, Style.PAREN_ARABIC, Style.TIAO):
        return ProvisionKind.ITEM
    if style is Style.ZHANG or (style is Style.CN and Style.ZHANG not in styles):
        return ProvisionKind.CHAPTER
    return ProvisionKind.SECTION


def _label(node: _Node, kind: ProvisionKind, continuous: bool) -> str:
    h = node.heading
    if h.style in (Style.ZHANG, Style.JIE, Style.TIAO):
        return h.printed
    if h.style is Style.CN:
        return int_to_cn(h.number)
    prefix = "".join(
        int_to_cn(a.heading.number)
        if a.heading.style is Style.CN
        else f"（{int_to_cn(a.heading.number)}）"
        for a in node.ancestors
        if a.heading.style in (Style.CN, Style.PAREN_CN)
    )
    if h.style is Style.PAREN_CN:
        return f"{prefix}（{int_to_cn(h.number)}）"
    if h.style is Style.PAREN_ARABIC:
        parent = next(
            (a for a in reversed(node.ancestors) if a.heading.style is Style.ARABIC), None
        )
        if parent is None:
            return f"{prefix}（{h.number}）"
        own = f"第{parent.heading.number}条" if continuous else f"{prefix}{parent.heading.number}"
        return f"{own}（{h.number}）"
    return f"第{h.number}条" if continuous and kind is ProvisionKind.ITEM else f"{prefix}{h.number}"


def _glued_heading(line: str, previous: str, last_number: int) -> Heading | None:
    """ "7.100个示范项目" after a finished sentence, numbered right after item 6, is item 7; the same
    shape mid-sentence ("达到\n1.5万吨") is a wrapped figure (clean.py joins it)."""
    m = GLUED_ARABIC.match(line)
    if not m or not previous or previous[-1] not in "。；！？）":
        return None
    number = int(m.group(2))
    return (
        Heading(Style.ARABIC, m.group(1), number, m.group(3)) if number == last_number + 1 else None
    )


def _unglued_chapters(lines: list[str]) -> list[str]:
    """A PDF may print a chapter heading at the end of the line before it ("…出行方式。七、提升城乡
    建设绿色低碳发展质量") or leave the first character of its numeral there ("…信息共享。十" then
    "一、健全法规…"). Either is split off when its number is the one the chapters expect next;
    a numeral out of order stays text."""
    out: list[str] = []
    last = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        heading = match_heading(line)
        if heading is not None and heading.style is Style.CN:
            last = heading.number
        elif last and (m := _TRAILING_CHAPTER.match(line)) and _numeral(m.group(3)) == last + 1:
            out += [m.group(1), m.group(2)]
            last += 1
            i += 1
            continue
        elif last and (m := _TRAILING_NUMERAL.match(line)) and i + 1 < len(lines):
            nxt = match_heading(lines[i + 1])
            joined = m.group(2) + lines[i + 1]
            whole = match_heading(joined)
            if (
                nxt is not None
                and nxt.style is Style.CN
                and nxt.number != last + 1
                and whole is not None
                and whole.number == last + 1
            ):
                out += [m.group(1), joined]
                last += 1
                i += 2
                continue
        out.append(line)
        i += 1
    return out


def _numeral(text: str) -> int:
    try:
        return cn_to_int(text)
    except ValueError:
        return 0


def _printed(style: Style, number: int) -> str:
    if style is Style.PAREN_CN:
        return f"（{int_to_cn(number)}）"
    if style is Style.CN:
        return f"{int_to_cn(number)}、"
    if style is Style.PAREN_ARABIC:
        return f"（{number}）"
    return f"{number}."


def _fill_gap(previous: _Node, heading: Heading, warnings: list[str]) -> _Node | None:
    """Numbering that skips one number ("（九）" then "（十一）"): when the earlier item's text ends
    with a paragraph of its own (a title sentence and an attribution), that paragraph is the missing
    item, and keeps its own attribution; the gap is reported either way."""
    missing = previous.heading.number + 1
    printed = _printed(heading.style, missing)
    split_at = next(
        (
            i
            for i in range(1, len(previous.lines))
            if is_titled_task(previous.lines[i]) and locate("\n".join(previous.lines[:i]))
        ),
        None,
    )
    if heading.number != missing + 1 or split_at is None:
        gap = "、".join(_printed(heading.style, n) for n in range(missing, heading.number))
        warnings.append(f"编号不连续：{previous.heading.printed}之后是{heading.printed}，缺少{gap}")
        return None
    lines = previous.lines[split_at:]
    del previous.lines[split_at:]
    warnings.append(
        f"编号不连续：{previous.heading.printed}之后是{heading.printed}，缺少{printed}；"
        f"其间自成一项的段落已按{printed}导入"
    )
    title, _ = heading_title(lines[0])
    return _Node(
        Heading(heading.style, printed, missing, lines[0]), title, lines, previous.ancestors
    )


def _nodes(lines: list[str], warnings: list[str]) -> list[_Node]:
    nodes: list[_Node] = []
    stack: list[_Node] = []
    last_arabic = 0
    previous = ""
    siblings: dict[tuple[Style, int], _Node] = {}  # last node of a style under one parent
    parents: set[int] = set()  # nodes that have children
    for line in lines:
        heading = match_heading(line) or _glued_heading(line, previous, last_arabic)
        previous = line
        if heading is None:
            if stack:
                stack[-1].lines.append(line)
            continue
        while stack and stack[-1].heading.style >= heading.style:
            stack.pop()
        parent_id = id(stack[-1]) if stack else 0
        earlier = siblings.get((heading.style, parent_id))
        if earlier is not None and heading.number > earlier.heading.number + 1:
            if id(earlier) not in parents:
                filled = _fill_gap(earlier, heading, warnings)
                if filled is not None:
                    nodes.append(filled)
            else:
                _fill_gap(_Node(earlier.heading, earlier.title), heading, warnings)
        if heading.style is Style.ARABIC:
            last_arabic = heading.number
        elif heading.style < Style.ARABIC:
            last_arabic = 0 if heading.style is Style.PAREN_CN else last_arabic
        title, _ = heading_title(heading.rest)
        node = _Node(heading, title, [heading.rest] if heading.rest.strip() else [], tuple(stack))
        if stack:
            parents.add(id(stack[-1]))
        siblings[(heading.style, parent_id)] = node
        nodes.append(node)
        stack.append(node)
    return nodes


def _body(
    doc_id: str, lines: list[str], warnings: list[str], first_leads: int | None = None
) -> list[Provision]:
    """The numbered provisions; `first_leads` is a convention the front matter states for the
    unit lists ("两地列首位的为牵头单位，下同"), a provision stating one applies it from there on."""
    nodes = _nodes(lines, warnings)
    styles = {n.heading.style for n in nodes}
    numbers = [n.heading.number for n in nodes if n.heading.style is Style.ARABIC]
    continuous = all(b > a for a, b in pairwise(numbers))
    out: list[Provision] = []
    for node in nodes:
        kind = _kind(node.heading.style, styles)
        key = ".".join(str(n.heading.number) for n in (*node.ancestors, node))
        text = "\n".join(line for line in node.lines if line.strip())
        stated = first_listed_leads(text)
        first_leads = stated if stated is not None else first_leads
        provision = Provision(
            doc_id=doc_id,
            key=key,
            label=_label(node, kind, continuous),
            number=node.heading.printed,
            title=node.title,
            text=text,
            path_titles=tuple(a.title for a in node.ancestors),
            responsibility=extract_responsibility(text, first_leads),
            kind=kind,
        )
        has_children = any(n.ancestors and n.ancestors[-1] is node for n in nodes)
        out.extend([provision] if has_children else split_paragraph_tasks(provision, first_leads))
    return out


def _annex(doc_id: str, lines: list[str]) -> list[Provision]:
    """One ANNEX provision per table row (tab-separated cells) of an appendix; the header row says
    which columns name the task and which the responsible units, in which role."""
    rows = [line for line in lines if "\t" in line]
    names = [line for line in lines[: lines.index(rows[0])] if not _ANNEX_LINE.fullmatch(line)]
    annex_name = names[-1] if names else (_ANNEX_LINE.sub("", lines[0]).strip() or "附件")
    header = rows[0].split("\t")
    has_header = not any(_ROW_NUMBER.match(cell) for cell in header)
    item_col = next((i for i, c in enumerate(header) if re.search("事项|任务|内容|名称", c)), 1)
    out: list[Provision] = []
    category, category_name, row_no = 0, "", 0
    for line in rows[1:] if has_header else rows:
        cells = line.split("\t")
        if cells[0].strip() and item_col > 0:
            category, category_name, row_no = category + 1, cells[0].strip(), 0
        category = max(category, 1)
        item = cells[item_col].strip() if item_col < len(cells) else line.strip()
        m = _ROW_NUMBER.match(item)
        row_no = int(m.group(1)) if m else row_no + 1
        title = m.group(2).strip() if m else item
        text = "\t".join(c.strip() for c in cells[item_col:] if c.strip()) or line.strip()
        out.append(
            Provision(
                doc_id=doc_id,
                key=f"annex.{category}.{row_no}",
                label=f"附件 {category_name}{row_no}",
                number=m.group(1) + "." if m else str(row_no),
                title=title,
                text=text,
                path_titles=(f"附件 {annex_name}", *((category_name,) if category_name else ())),
                responsibility=annex_responsibility(header if has_header else [], cells, text),
                kind=ProvisionKind.ANNEX,
            )
        )
    return out


def _closing_lines(annex_lines: list[str]) -> list[str]:
    """The annex reference ("附件：…") and what follows the table (注、发、印发机关和日期): document
    metadata, kept with the title block so questions such as "发给了哪些单位" find it."""
    last_row = max(i for i, line in enumerate(annex_lines) if "\t" in line)
    return [annex_lines[0], *annex_lines[last_row + 1 :]]


def _with_closing(provisions: list[Provision], closing: list[str]) -> list[Provision]:
    if not closing:
        return provisions
    if provisions and provisions[0].kind is ProvisionKind.META:
        meta = provisions[0]
        return [replace(meta, text="\n".join([meta.text, *closing])), *provisions[1:]]
    return provisions


def _apply_wide_notes(provisions: list[Provision]) -> list[Provision]:
    """A note like "以下均需…落实，不再列出" makes those bodies implementers of every later task."""
    wide: tuple[str, ...] = ()
    out: list[Provision] = []
    for p in provisions:
        wide = tuple(dict.fromkeys(wide + document_wide_implementers(p.text)))
        r = p.responsibility
        if wide and (p.kind is ProvisionKind.ITEM or r.raw) and p.kind is not ProvisionKind.ANNEX:
            implementers = tuple(dict.fromkeys(r.implementers + wide))
            out.append(replace(p, responsibility=replace(r, implementers=implementers)))
        else:
            out.append(p)
    return out


def _unique_keys(provisions: list[Provision], warnings: list[str]) -> list[Provision]:
    seen: dict[str, int] = {}
    out: list[Provision] = []
    for p in provisions:
        if p.key in seen:
            seen[p.key] += 1
            new_key = f"{p.key}-{seen[p.key]}"
            warnings.append(f"编号重复：{p.label or p.key}，已改为 {new_key}")
            seen.setdefault(new_key, 1)
            out.append(replace(p, key=new_key))
            continue
        seen[p.key] = 1
        out.append(p)
    return out


def _table_document(
    doc_id: str, lines: list[str], table: int, warnings: list[str]
) -> StructureResult:
    """A document whose tasks are a table (a 任务分工方案 as .docx or .xlsx): its title block, one
    task per row, and what follows the table as closing lines."""
    name = next((line for line in reversed(lines[:table]) if "\t" not in line), "任务分工表")
    rows = task_rows(doc_id, name, lines[table:])
    after = table + 1 + len([x for x in lines[table + 1 :] if "\t" in x][: len(rows)])
    front = _split_front(doc_id, lines[:table]) if table else []
    provisions = _with_closing(
        [*front, *rows], [line for line in lines[after:] if "\t" not in line]
    )
    provisions = _unique_keys(provisions, warnings)
    return StructureResult(tuple(provisions), tuple(warnings))


def parse_structure_report(doc_id: str, text: str) -> StructureResult:
    """Provisions of a cleaned text, with warnings about what could not be recognised."""
    lines = _unglued_chapters([line for line in text.split("\n") if line.strip()])
    warnings: list[str] = []
    first = next((i for i, line in enumerate(lines) if match_heading(line)), None)
    table = task_table_at(lines)
    if table is not None and (first is None or table < first):
        return _table_document(doc_id, lines, table, warnings)
    if first is None:
        warnings.append(NO_STRUCTURE_WARNING)
        paragraphs = [
            Provision(doc_id, f"p{i}", f"第{i}段", str(i), heading_title(line)[0], line, (),
                      extract_responsibility(line), ProvisionKind.PARAGRAPH)
            for i, line in enumerate(lines, start=1)
        ]  # fmt: skip
        return StructureResult(tuple(paragraphs), tuple(warnings))
    annex_at = _annex_start(lines, first)
    front = "\n".join(lines[:first])
    provisions = _split_front(doc_id, lines[:first]) + _body(
        doc_id, lines[first:annex_at], warnings, first_listed_leads(front)
    )
    if annex_at < len(lines):
        provisions += _annex(doc_id, lines[annex_at:])
        provisions = _with_closing(provisions, _closing_lines(lines[annex_at:]))
    provisions = _unique_keys(_apply_wide_notes(provisions), warnings)
    return StructureResult(tuple(provisions), tuple(warnings))


def parse_structure(doc_id: str, text: str) -> list[Provision]:
    """Provisions of a cleaned text (see parse_structure_report for warnings)."""
    return list(parse_structure_report(doc_id, text).provisions)
