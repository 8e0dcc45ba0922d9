"""Responsibility of a table row: the header row names each column's role (序号 / 重点任务 / 牵头单位 /
配合单位 / 责任单位 / 完成时限), as the seed's annex (具体事项 / 责任部门) and task-division tables print it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.model import Provision, ProvisionKind, Responsibility, Span
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


_TASK_COLUMN = re.compile("事项|任务|内容|名称|工作|举措|措施")
_NUMBER_COLUMN = re.compile(r"^(序号|编号|序|No\.?)$")
_ROW_NO = re.compile(r"^\s*(\d{1,3})\s*[.．、]?\s*$")


_HEADER_CELL = re.compile(r"[\u4e00-\u9fff（）()/、\s]{0,12}|序号|编号|No\.?")


def is_task_header(cells: Sequence[str]) -> bool:
    """A header row: short labels only (no figures, no sentences), naming a task column and at
    least one column of responsible units."""
    if not all(_HEADER_CELL.fullmatch(c.strip()) for c in cells):
        return False
    roles = column_roles(cells)
    has_units = any(r in ("lead", "co", "responsible") for r in roles.values())
    return has_units and any(_TASK_COLUMN.search(c) for i, c in enumerate(cells) if i not in roles)


def task_table_at(lines: Sequence[str], start: int = 0) -> int | None:
    """Index of the first header row of a task table (a 任务分工表) at or after `start`."""
    for i in range(start, len(lines) - 1):
        if "\t" in lines[i] and "\t" in lines[i + 1] and is_task_header(lines[i].split("\t")):
            return i
    return None


def task_rows(doc_id: str, name: str, lines: Sequence[str]) -> list[Provision]:
    """One task (ITEM) per row of a task table whose header is lines[0]: the key is the printed 序号
    (or the row's place), the task cell is the text, the header names every column's role."""
    header = lines[0].split("\t")
    roles = column_roles(header)
    number_col = next((i for i, c in enumerate(header) if _NUMBER_COLUMN.match(c.strip())), None)
    task_col = next(i for i, c in enumerate(header) if i not in roles and _TASK_COLUMN.search(c))
    group_col = next(
        (i for i in range(task_col) if i != number_col and i not in roles), None
    )  # 重点领域 / 类别 before the task column
    out: list[Provision] = []
    group = ""
    seen: set[str] = set()
    for line in lines[1:]:
        if "\t" not in line:
            break
        cells = line.split("\t")
        if is_task_header(cells):
            continue  # the header printed again (a new page of the table)
        cell = cells[task_col].strip() if task_col < len(cells) else ""
        if group_col is not None and group_col < len(cells) and cells[group_col].strip():
            group = cells[group_col].strip()
        if not cell:
            continue
        printed = (
            cells[number_col].strip() if number_col is not None and number_col < len(cells) else ""
        )
        m = _ROW_NO.match(printed)
        number = m.group(1) if m else str(len(out) + 1)
        key = number if number not in seen else f"{number}-{len(out) + 1}"
        seen.add(key)
        first = re.split("[。；]", cell, maxsplit=1)[0]
        text = "\t".join(c.strip() for i, c in enumerate(cells) if c.strip() and i != number_col)
        out.append(
            Provision(
                doc_id=doc_id,
                key=key,
                label=f"第{number}项",
                number=printed or number,
                title=first[:60],
                text=text,
                path_titles=tuple(x for x in (name, group) if x),
                responsibility=annex_responsibility(header, cells, text),
                kind=ProvisionKind.ITEM,
            )
        )
    return out
