"""Responsibility of a table row: the header row names each column's role (序号 / 重点任务 / 牵头单位 /
配合单位 / 责任单位 / 完成时限), as the seed's annex (具体事项 / 责任部门) and task-division tables print it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.model import Responsibility, Span
from ingest.responsibility import parse_attribution, split_names

_LEAD = re.compile("牵头")
_CO = re.compile("配合|参与|协同|协助")
_RESPONSIBLE = re.compile("责任|负责|主体|部门|单位")
_DEADLINE = re.compile("期限|时限|完成时间|时间节点|进度")


def column_roles(header: Sequence[str]) -> dict[int, str]:
    """Column index → lead / co / responsible / deadline, from the header's words."""
    roles: dict[int, str] = {}
    for i, printed in enumerate(header):
        cell = printed.strip()
        if _DEADLINE.search(cell):
            roles[i] = "deadline"
        elif _LEAD.search(cell):
            roles[i] = "lead"
        elif _CO.search(cell):
            roles[i] = "co"
        elif _RESPONSIBLE.search(cell) and not re.search("事项|任务|内容|名称", cell):
            roles[i] = "responsible"
    return roles


def annex_responsibility(header: Sequence[str], cells: Sequence[str], text: str) -> Responsibility:
    """Roles from the row's cells; without a header the last cell is the responsible units."""
    roles = column_roles(header) or {len(cells) - 1: "responsible"}
    lead: list[str] = []
    co: list[str] = []
    responsible: list[str] = []
    deadline: str | None = None
    printed: list[str] = []
    for i, role in roles.items():
        value = cells[i].strip() if i < len(cells) else ""
        if not value:
            continue
        printed.append(value)
        if role == "deadline":
            deadline = value
        elif role == "lead":
            lead += split_names(value)
        elif role == "co":
            co += split_names(value)
        elif re.search("牵头|配合", value):
            parsed = parse_attribution(value)  # "市发改委牵头，市工信局配合" inside one cell
            lead += parsed.lead
            co += parsed.co
            responsible += parsed.responsible
        else:
            responsible += split_names(value)
    if lead and responsible:
        co, responsible = co + responsible, []  # a 牵头 column beside a 责任 column: co-owners
    raw = "\t".join(printed)
    names = {
        k: tuple(dict.fromkeys(v)) for k, v in (("lead", lead), ("co", co), ("r", responsible))
    }
    span = Span(0, len(text), names["lead"], names["co"], names["r"], (), deadline, raw)
    return Responsibility(
        lead=names["lead"],
        co=names["co"],
        deadline=deadline,
        raw=raw,
        responsible=names["r"],
        spans=(span,) if names["lead"] or names["co"] or names["r"] else (),
    )
