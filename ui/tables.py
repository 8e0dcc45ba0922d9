"""Tables built from the index: a department's tasks, the responsibility matrix, the library.

Pure functions over the assistant's Documents, Provisions and DepartmentRegistry.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from ingest.departments import DepartmentRegistry
from ingest.model import Document, Provision, ProvisionKind
from ui.format import LEVELS, esc

TASK_COLUMNS = ["部门", "文件", "条款编号", "条款", "标题", "角色", "牵头部门", "配合部门"]
SUMMARY_COLUMNS = ["部门", "牵头", "配合", "合计", "牵头条款", "配合条款"]
LIBRARY_COLUMNS = [
    "文件ID",
    "标题",
    "发文机关",
    "文号",
    "日期",
    "层级",
    "条款数",
    "任务数",
    "有分工的条款",
]
LEAD, CO = "牵头", "配合"
TASK_KINDS = (ProvisionKind.ITEM, ProvisionKind.ANNEX)


def all_departments(provisions: Sequence[Provision], registry: DepartmentRegistry) -> list[str]:
    """Canonical names of every department that leads or co-owns a provision, sorted."""
    found = {registry.canonical(n) for p in provisions for n in p.responsibility.departments}
    return sorted(n for n in found if n and not registry.is_generic(n))


def resolve_department(query: str, known: Sequence[str], registry: DepartmentRegistry) -> list[str]:
    """The known departments a typed name means: an alias, a mention, or a part of the name."""
    query = query.strip()
    if not query:
        return []
    canonical = registry.canonical(query)
    if canonical in known:
        return [canonical]
    mentioned = [n for n in registry.find_mentions(query) if n in known]
    if mentioned:
        return mentioned
    stripped = query.removeprefix("苏州市").removeprefix("市").removeprefix("省")
    return [n for n in known if stripped and stripped in n] or [
        n for n in known if any(stripped in a for a in registry.aliases(n))
    ]


def role_of(p: Provision, department: str, registry: DepartmentRegistry) -> str | None:
    r = p.responsibility
    if any(registry.same(n, department) for n in r.lead):
        return LEAD
    if any(registry.same(n, department) for n in r.co):
        return CO
    return None


def department_tasks(
    departments: Sequence[str],
    provisions: Sequence[Provision],
    documents: Sequence[Document],
    registry: DepartmentRegistry,
) -> list[list[str]]:
    """One row per (department, provision it leads or co-owns), grouped by document, in order."""
    titles = {d.doc_id: d.title or d.doc_id for d in documents}
    rows: list[list[str]] = []
    for dept in departments:
        for p in provisions:
            role = role_of(p, dept, registry)
            if role:
                r = p.responsibility
                rows.append(
                    [
                        dept,
                        titles.get(p.doc_id, p.doc_id),
                        p.key,
                        p.label,
                        p.title,
                        role,
                        "、".join(r.lead),
                        "、".join(r.co),
                    ]
                )
    return rows


def tasks_summary(rows: Sequence[Sequence[str]]) -> str:
    if not rows:
        return "没有找到该部门牵头或配合的任务。"
    roles = Counter(r[5] for r in rows)
    docs = len({r[1] for r in rows})
    depts = "、".join(dict.fromkeys(r[0] for r in rows))
    return f"**{depts}**：牵头 {roles[LEAD]} 项，配合 {roles[CO]} 项，涉及 {docs} 份文件。"


@dataclass(frozen=True, slots=True)
class Matrix:
    departments: list[str]
    provisions: list[Provision]
    cells: dict[tuple[str, str], str]  # (department, key) → 牵头 / 配合

    def summary_rows(self) -> list[list[object]]:
        rows: list[list[object]] = []
        for d in self.departments:
            lead = [p.label for p in self.provisions if self.cells.get((d, p.key)) == LEAD]
            co = [p.label for p in self.provisions if self.cells.get((d, p.key)) == CO]
            rows.append(
                [d, len(lead), len(co), len(lead) + len(co), "、".join(lead), "、".join(co)]
            )
        return rows

    def grid_rows(self) -> list[list[str]]:
        """Departments × provisions, each cell 牵头 / 配合 / empty (for the export)."""
        header = ["部门", *(f"{p.label} {p.title}" for p in self.provisions)]
        body = [
            [d, *(self.cells.get((d, p.key), "") for p in self.provisions)]
            for d in self.departments
        ]
        return [header, *body]


def matrix(provisions: Sequence[Provision], registry: DepartmentRegistry) -> Matrix:
    owned = [p for p in provisions if p.responsibility.lead or p.responsibility.co]
    cells: dict[tuple[str, str], str] = {}
    for p in owned:
        for name in p.responsibility.co:
            cells[(registry.canonical(name), p.key)] = CO
        for name in p.responsibility.lead:
            cells[(registry.canonical(name), p.key)] = LEAD
    counts: Counter[tuple[str, str]] = Counter((d, role) for (d, _), role in cells.items())
    departments = sorted(
        {d for d, _ in cells},
        key=lambda d: (-counts[(d, LEAD)], -counts[(d, CO)], d),
    )
    return Matrix(departments, owned, cells)


def _short(p: Provision) -> str:
    """A column header that fits: the label, or the key where the label is long (annex rows)."""
    return p.label if len(p.label) <= 5 else p.key.removeprefix("annex.")


def matrix_html(m: Matrix) -> str:
    """The heatmap: a scrollable HTML table, lead cells dark, co cells light; all text escaped."""
    if not m.provisions:
        return '<div class="matrix-empty">这份文件没有标注牵头或配合部门的条款。</div>'
    head = "".join(
        f'<th class="mx-col" title="{esc(p.label)} {esc(p.title)}">{esc(_short(p))}</th>'
        for p in m.provisions
    )
    body = []
    for d in m.departments:
        cells = []
        for p in m.provisions:
            role = m.cells.get((d, p.key))
            cls = {LEAD: "mx-lead", CO: "mx-co"}.get(role or "", "mx-none")
            tip = f"{d} · {p.label} {p.title} · {role}" if role else ""
            mark = {LEAD: "牵", CO: "配"}.get(role or "", "")
            cells.append(f'<td class="{cls}" title="{esc(tip)}">{mark}</td>')
        body.append(f'<tr><th class="mx-row">{esc(d)}</th>{"".join(cells)}</tr>')
    legend = (
        '<div class="mx-legend"><span class="mx-lead">牵</span> 牵头　'
        '<span class="mx-co">配</span> 配合（按职责分工负责）</div>'
    )
    return (
        f'{legend}<div class="mx-wrap"><table class="matrix"><thead><tr>'
        f'<th class="mx-corner">部门 \\ 条款</th>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


def library_rows(
    documents: Sequence[Document], provisions: Sequence[Provision]
) -> list[list[object]]:
    total: Counter[str] = Counter(p.doc_id for p in provisions)
    tasks: Counter[str] = Counter(p.doc_id for p in provisions if p.kind in TASK_KINDS)
    owned: Counter[str] = Counter(
        p.doc_id for p in provisions if p.responsibility.lead or p.responsibility.co
    )
    return [
        [
            d.doc_id,
            d.title,
            "、".join(d.issuers),
            d.doc_number or "",
            d.date or "",
            LEVELS.get(str(d.level), str(d.level)),
            total[d.doc_id],
            tasks[d.doc_id],
            owned[d.doc_id],
        ]
        for d in documents
    ]
