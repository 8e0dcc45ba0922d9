"""The department ledger (任务台账): every task a department is named in, grouped by document and by
its role there (牵头 / 配合 / 责任单位 / 落实), with the covered text and the deadline.

Counted the way the chat counts: over the index's tasks (numbered items and annex rows, or attributed
sections), one role per task, the strongest one (牵头 before 配合 before 责任单位 before 落实).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ingest.departments import DepartmentRegistry
from ingest.model import Document, Provision, ProvisionKind, Responsibility, Span
from ui.exports import Sheet
from ui.format import esc, names, printed_label

LEAD, CO, RESPONSIBLE, IMPLEMENTS = "牵头", "配合", "责任单位", "落实"
ROLES = (LEAD, CO, RESPONSIBLE, IMPLEMENTS)
ROLE_NOTES = {
    LEAD: "牵头负责",
    CO: "按职责分工参与（配合）",
    RESPONSIBLE: "列为责任单位（文件未区分牵头与配合）",
    IMPLEMENTS: "负责落实",
}
SNIPPET = 90
LEDGER_COLUMNS = [
    "序号",
    "部门",
    "角色",
    "文件",
    "条款",
    "任务",
    "任务内容（原文）",
    "牵头单位",
    "配合单位",
    "责任单位",
    "完成期限",
    "落实情况",
    "备注",
]
LEDGER_WIDTHS = [6, 16, 10, 28, 12, 24, 60, 20, 24, 20, 12, 24, 14]


@dataclass(frozen=True, slots=True)
class Task:
    department: str  # as asked (the name the department list shows)
    role: str
    provision: Provision
    document: str  # the document's title
    text: str  # the part of the provision the department's attributions cover
    deadline: str | None
    printed: str = ""  # the department's name as the document prints it

    @property
    def ref(self) -> str:
        return self.provision.ref

    @property
    def is_annex(self) -> bool:
        return self.provision.kind is ProvisionKind.ANNEX


def _role_in(r: Responsibility | Span, department: str, registry: DepartmentRegistry) -> str | None:
    for role, found in (
        (LEAD, r.lead),
        (CO, r.co),
        (RESPONSIBLE, r.responsible),
        (IMPLEMENTS, r.implementers),
    ):
        if any(registry.same(department, n) for n in found):
            return role
    return None


def task_of(p: Provision, department: str, registry: DepartmentRegistry, title: str) -> Task | None:
    """The department's task in one provision (`department` as the document prints it, compared
    under the document's registry), or None when the provision does not name it."""
    role = _role_in(p.responsibility, department, registry)
    if role is None:
        return None
    spans = [
        s
        for s in p.responsibility.spans
        if _role_in(s, department, registry) and 0 <= s.start < s.end <= len(p.text)
    ]
    text = "……".join(p.text[s.start : s.end].strip() for s in spans) if spans else p.text
    deadline = next((s.deadline for s in spans if s.deadline), None) or p.responsibility.deadline
    return Task(department, role, p, title, text or p.text, deadline)


def department_ledger(
    departments: Sequence[str],
    tasks: Sequence[Provision],
    documents: Sequence[Document],
    registry: DepartmentRegistry,
    *,
    printed_name: Callable[[str, str], str | None] | None = None,
    registry_of: Callable[[str], DepartmentRegistry] | None = None,
) -> list[Task]:
    """The tasks of each department, grouped by document and role, in document order.

    `printed_name(doc_id, department)` and `registry_of(doc_id)` (the corpus view's) match a
    department the way the chat does: by the name each document prints, under its own aliases."""
    titles = {d.doc_id: d.title or "（未命名文件）" for d in documents}
    order = {d.doc_id: i for i, d in enumerate(documents)}
    out: list[Task] = []
    for department in departments:
        for p in tasks:
            name = printed_name(p.doc_id, department) if printed_name else department
            if name is None:
                continue
            doc_registry = registry_of(p.doc_id) if registry_of else registry
            task = task_of(p, name, doc_registry, titles.get(p.doc_id, ""))
            if task is not None:
                out.append(dataclasses.replace(task, department=department, printed=name))
    # by department, document and role; the document's own order within each
    return sorted(
        out,
        key=lambda t: (
            departments.index(t.department),
            order.get(t.provision.doc_id, len(order)),
            ROLES.index(t.role),
        ),
    )


def role_counts(found: Sequence[Task]) -> Counter[str]:
    return Counter(t.role for t in found)


def summary_markdown(found: Sequence[Task], asked: str = "") -> str:
    if not found:
        return f"文件中没有列出“{esc(asked)}”承担的任务。" if asked else "请选择或输入部门。"
    depts = "、".join(dict.fromkeys(t.department for t in found))
    counts = role_counts(found)
    body = [t for t in found if not t.is_annex]
    annex = [t for t in found if t.is_annex]
    parts = [f"{role} {n} 项" for role in ROLES if (n := Counter(t.role for t in body)[role])]
    line = f"**{esc(depts)}**：" + ("，".join(parts) if parts else "正文中没有分工")
    if annex:
        line += f"；附件分工表中负责 {len(annex)} 项"
    docs = len({t.provision.doc_id for t in found})
    return line + f"（共 {sum(counts.values())} 项，涉及 {docs} 份文件）。"


def _others(t: Task) -> str:
    r = t.provision.responsibility
    if t.role == LEAD:
        return f"配合：{names(r.co)}" if r.co else "—"
    if r.lead:
        return f"牵头：{names(r.lead)}"
    if t.role == CO:
        return "未明确牵头部门"
    others = [n for n in r.responsible if n != t.department]
    return f"同列：{names(others)}" if others else "—"


def ledger_html(found: Sequence[Task]) -> str:
    """Grouped by document, then by role; each task's text folds open in place."""
    if not found:
        return ""
    out: list[str] = []
    for doc_id in dict.fromkeys(t.provision.doc_id for t in found):
        of_doc = [t for t in found if t.provision.doc_id == doc_id]
        counts = role_counts(of_doc)
        tally = " · ".join(f"{role} {counts[role]}" for role in ROLES if counts[role])
        out.append(
            f'<section class="lg-doc"><h3>《{esc(of_doc[0].document)}》'
            f'<span class="lg-tally">{esc(tally)}</span></h3>'
        )
        for role in ROLES:
            rows = [t for t in of_doc if t.role == role]
            if not rows:
                continue
            out.append(
                f'<h4 class="lg-role lg-{ROLES.index(role)}">{esc(ROLE_NOTES[role])}（{len(rows)} 项）</h4>'
            )
            body = []
            for i, t in enumerate(rows, 1):
                text = t.text if len(t.text) <= SNIPPET else t.text[:SNIPPET] + "……"
                body.append(
                    "<tr>"
                    f'<td data-label="序号">{i}</td>'
                    f'<td data-label="条款">{esc(printed_label(t.provision.label))}</td>'
                    f'<td data-label="任务"><details><summary>{esc(t.provision.title)}</summary>'
                    f'<div class="lg-text">{esc(t.text)}</div></details>'
                    f'<div class="lg-snippet">{esc(text)}</div></td>'
                    f'<td data-label="其他部门">{esc(_others(t))}</td>'
                    f'<td data-label="完成期限">{esc(t.deadline or "—")}</td>'
                    "</tr>"
                )
            out.append(
                '<table class="lg-table cards"><thead><tr><th>序号</th><th>条款</th><th>任务</th>'
                f"<th>其他部门</th><th>完成期限</th></tr></thead><tbody>{''.join(body)}</tbody></table>"
            )
        out.append("</section>")
    return '<div class="ledger">' + "".join(out) + "</div>"


def ledger_sheet(found: Sequence[Task]) -> Sheet:
    """The 任务台账 a 督查 office fills in: one row per task, 落实情况 and 备注 left blank."""
    rows = []
    for i, t in enumerate(found, 1):
        r = t.provision.responsibility
        rows.append(
            [
                i,
                t.printed or t.department,
                t.role,
                t.document,
                printed_label(t.provision.label),
                t.provision.title,
                t.text,
                "、".join(r.lead),
                "、".join(r.co),
                "、".join(r.responsible),
                t.deadline or "",
                "",
                "",
            ]
        )
    depts = "、".join(dict.fromkeys(t.department for t in found))
    return Sheet("任务台账", LEDGER_COLUMNS, rows, LEDGER_WIDTHS, heading=f"{depts} 任务台账")
