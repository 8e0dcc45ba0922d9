"""Tables built from the index: department names, the responsibility matrix, the library.

Pure functions over the assistant's Documents, Provisions and DepartmentRegistry; the HTML tables
carry `data-label` on every cell so that on a phone each row reads as a card (style.css).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.departments import DepartmentRegistry
from ingest.model import Document, Provision, ProvisionKind
from ui.exports import Sheet
from ui.format import esc, level_name, printed_label

LEAD, CO, RESPONSIBLE = "牵头", "配合", "责任单位"
MARKS = {LEAD: ("牵", "mx-lead"), CO: ("配", "mx-co"), RESPONSIBLE: ("责", "mx-resp")}
SUMMARY_COLUMNS = [
    "部门",
    "牵头",
    "配合",
    "责任单位",
    "合计",
    "牵头条款",
    "配合条款",
    "责任单位条款",
]
LIBRARY_COLUMNS = ["标题", "发文机关", "文号", "日期", "层级", "条款数", "任务数", "有分工的条款"]
TASK_KINDS = (ProvisionKind.ITEM, ProvisionKind.ANNEX)


def all_departments(provisions: Sequence[Provision], registry: DepartmentRegistry) -> list[str]:
    """Canonical names of every department a provision names (any role), sorted."""
    found = {
        registry.canonical(n)
        for p in provisions
        for n in (*p.responsibility.departments, *p.responsibility.implementers)
    }
    return sorted(n for n in found if n and not registry.is_generic(n))


def department_choices(known: Sequence[str], registry: DepartmentRegistry) -> list[tuple[str, str]]:
    """(label, name) for the department search: the label carries the aliases, so typing
    "住房和城乡建设局" or "住建局" finds 市住建局."""
    out = []
    for name in known:
        others = [a for a in registry.aliases(name) if a != name][:3]
        out.append((f"{name}（{' / '.join(others)}）" if others else name, name))
    return out


def resolve_department(query: str, known: Sequence[str], registry: DepartmentRegistry) -> list[str]:
    """The known departments a typed name means: an alias, a mention, or a part of the name."""
    query = query.strip()
    if not query:
        return []
    if query in known:
        return [query]
    canonical = registry.canonical(query)
    if canonical in known:
        return [canonical]
    mentioned = [n for n in registry.find_mentions(query) if n in known]
    if mentioned:
        return list(dict.fromkeys(mentioned))
    stripped = query.removeprefix("苏州市").removeprefix("市").removeprefix("省")
    return [n for n in known if stripped and stripped in n] or [
        n for n in known if stripped and any(stripped in a for a in registry.aliases(n))
    ]


@dataclass(frozen=True, slots=True)
class Matrix:
    departments: list[str]
    provisions: list[Provision]
    cells: dict[tuple[str, str], str]  # (department, key) → 牵头 / 配合 / 责任单位

    def of(self, department: str, role: str) -> list[Provision]:
        return [p for p in self.provisions if self.cells.get((department, p.key)) == role]

    def summary_rows(self) -> list[list[object]]:
        rows: list[list[object]] = []
        for d in self.departments:
            lead, co, resp = (self.of(d, role) for role in (LEAD, CO, RESPONSIBLE))
            rows.append(
                [
                    d,
                    len(lead),
                    len(co),
                    len(resp),
                    len(lead) + len(co) + len(resp),
                    *("、".join(printed_label(p.label) for p in ps) for ps in (lead, co, resp)),
                ]
            )
        return rows

    def grid_sheet(self, title: str) -> Sheet:
        """Provisions down, departments across: each row carries the provision's label, title
        and text, so the printed matrix can be read without the document."""
        header = ["条款", "标题", "条款原文", *self.departments]
        rows = [
            [
                printed_label(p.label),
                p.title,
                p.text,
                *(self.cells.get((d, p.key), "") for d in self.departments),
            ]
            for p in self.provisions
        ]
        widths = [12, 22, 56, *(5 for _ in self.departments)]
        heading = f"《{title}》责任矩阵"
        return Sheet("责任矩阵", header, rows, widths, heading=heading, vertical_from=4)

    def summary_sheet(self, title: str) -> Sheet:
        widths = [24, 8, 8, 10, 8, 40, 40, 40]
        return Sheet(
            "部门汇总",
            SUMMARY_COLUMNS,
            self.summary_rows(),
            widths,
            heading=f"《{title}》各部门任务数",
        )


def matrix(provisions: Sequence[Provision], registry: DepartmentRegistry) -> Matrix:
    owned = [p for p in provisions if p.responsibility.departments]
    cells: dict[tuple[str, str], str] = {}
    for p in owned:
        r = p.responsibility
        for role, found in ((RESPONSIBLE, r.responsible), (CO, r.co), (LEAD, r.lead)):
            for name in found:  # the strongest role written last wins
                cells[(registry.canonical(name), p.key)] = role
    counts: Counter[tuple[str, str]] = Counter((d, role) for (d, _), role in cells.items())
    departments = sorted(
        {d for d, _ in cells},
        key=lambda d: (-counts[(d, LEAD)], -counts[(d, CO)], -counts[(d, RESPONSIBLE)], d),
    )
    return Matrix(departments, owned, cells)


def matrix_html(m: Matrix) -> str:
    """The heatmap: a scrollable table with frozen headers, 牵 dark, 配 light, 责 outlined; column
    headers are the printed labels (written vertically), all text escaped."""
    if not m.provisions:
        return '<div class="matrix-empty">这份文件没有标注牵头、配合或责任单位的条款。</div>'
    head = "".join(
        f'<th class="mx-col" title="{esc(printed_label(p.label))} {esc(p.title)}">'
        f"<span>{esc(printed_label(p.label))}</span></th>"
        for p in m.provisions
    )
    body = []
    for d in m.departments:
        cells = []
        for p in m.provisions:
            role = m.cells.get((d, p.key))
            mark, cls = MARKS.get(role or "", ("", "mx-none"))
            tip = f"{d} · {printed_label(p.label)} {p.title} · {role}" if role else ""
            cells.append(f'<td class="{cls}" title="{esc(tip)}">{mark}</td>')
        body.append(f'<tr><th class="mx-row">{esc(d)}</th>{"".join(cells)}</tr>')
    legend = (
        '<div class="mx-legend"><span class="mx-lead">牵</span> 牵头　'
        '<span class="mx-co">配</span> 配合（按职责分工负责）　'
        '<span class="mx-resp">责</span> 责任单位（未区分牵头）</div>'
    )
    return (
        f'{legend}<div class="mx-wrap"><table class="matrix"><thead><tr>'
        f'<th class="mx-corner">部门 \\ 条款</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def summary_html(m: Matrix) -> str:
    if not m.departments:
        return ""
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-label="{esc(h)}">{esc(v)}</td>'
            for h, v in zip(SUMMARY_COLUMNS, row, strict=True)
        )
        + "</tr>"
        for row in m.summary_rows()
    )
    head = "".join(f"<th>{esc(h)}</th>" for h in SUMMARY_COLUMNS)
    return (
        '<div class="table-wrap"><table class="data cards mx-summary">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )


def library_rows(
    documents: Sequence[Document], provisions: Sequence[Provision]
) -> list[list[object]]:
    total: Counter[str] = Counter(p.doc_id for p in provisions)
    tasks: Counter[str] = Counter(p.doc_id for p in provisions if p.kind in TASK_KINDS)
    owned: Counter[str] = Counter(p.doc_id for p in provisions if not p.responsibility.is_empty)
    return [
        [
            d.title or "（未命名文件）",
            "、".join(d.issuers) or "—",
            d.doc_number or "—",
            d.date or "—",
            level_name(d.level),
            total[d.doc_id],
            tasks[d.doc_id],
            owned[d.doc_id],
        ]
        for d in documents
    ]


def library_html(documents: Sequence[Document], provisions: Sequence[Provision]) -> str:
    if not documents:
        return '<div class="matrix-empty">文件库是空的：请在下方上传政策文件。</div>'
    rows = library_rows(documents, provisions)
    title_cell = ' class="lib-title"'
    body = "".join(
        "<tr>"
        + "".join(
            f'<td data-label="{esc(h)}"{title_cell if i == 0 else ""}>{esc(v)}</td>'
            for i, (h, v) in enumerate(zip(LIBRARY_COLUMNS, row, strict=True))
        )
        + "</tr>"
        for row in rows
    )
    head = "".join(f"<th>{esc(h)}</th>" for h in LIBRARY_COLUMNS)
    return (
        f'<div class="table-wrap"><table class="data cards library">'
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>"
    )
