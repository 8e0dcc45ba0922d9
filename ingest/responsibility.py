"""Who is responsible for a provision, span by span, from its printed attributions.

Each attribution covers the text from the previous attribution (or the provision's start) to its own
end, so an item with three brackets has three spans. Roles are read as printed:
- "（X、Y牵头，Z按职责分工负责）", "（X牵头，Y配合）", "（X、Y按职责分工负责）" (no lead), "（生态环境部负责）";
- labels: "（牵头单位：X；配合单位：Y）", "（责任单位：X，配合单位：Y）", "（责任部门：X处，完成期限：7月底）";
  a 责任单位 / 责任部门 list that does not say who leads is `responsible`, never lead — unless the
  document states a convention ("两省市列首位的为牵头单位，下同"), passed in as `first_leads`; beside a
  牵头单位 label the 责任单位 list holds the co-owners; roles written inside a label
  ("责任部门：甲处、乙中心牵头，丙处配合") are read as roles;
- "各县级市〔区〕人民政府负责落实" names implementers; "以下均需…落实，不再列出" is a document-wide note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.attribution import (
    Located,
    locate,
    names_only,
    outside_brackets,
    split_names,
    top_level_split,
)
from ingest.model import Responsibility, Span
from ingest.roles import (
    CO_LABELS,
    DEADLINE_LABELS,
    FIRST_LISTED_LEADS_RE,
    IMPLEMENT_ROLES,
    LABEL_RE,
    LEAD_LABELS,
    LEAD_ROLES,
    LOCAL_GOVERNMENT_RE,
    RESPONSIBLE_ROLES,
    ROLE_RE,
    SAME_BELOW_RE,
    WIDE_NOTE_RE,
)

__all__ = [
    "document_wide_implementers",
    "extract_responsibility",
    "first_listed_leads",
    "split_names",
]


@dataclass(slots=True)
class _Roles:
    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    implementers: list[str] = field(default_factory=list)
    deadlines: list[str] = field(default_factory=list)


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def first_listed_leads(text: str) -> int | None:
    """The convention a document states for its unit lists: the first unit of each of N groups leads
    ("两省市列首位的为牵头单位" → 2; "列首位的为牵头单位" → every group, 0). None when not stated."""
    m = FIRST_LISTED_LEADS_RE.search(text)
    if not m:
        return None
    return {"两": 2, "二": 2, "三": 3, "四": 4}.get(m.group(1) or "", 0)


def _drop_notes(value: str) -> str:
    """A unit list without the notes printed inside it (the convention, 下同); groups (；) and the
    separators inside them stay as printed."""
    groups = []
    for group in top_level_split(value, "；;"):
        parts = [
            part
            for part in top_level_split(group, "，,")
            if not FIRST_LISTED_LEADS_RE.search(part) and not SAME_BELOW_RE.match(part.strip())
        ]
        if any(part.strip() for part in parts):
            groups.append("，".join(parts))
    return "；".join(groups)


def _unit_groups(value: str) -> list[tuple[str, ...]]:
    """Groups of a unit list: "重庆市能源局、市经济信息委；四川省能源局、经济和信息化厅" → two groups."""
    groups = [split_names(g) for g in top_level_split(value, "；;")]
    return [g for g in groups if g]


def _role_sentence(sentence: str, roles: _Roles) -> None:
    """Names before each role word: "X、Y牵头，Z按职责分工负责", "X负责落实"."""
    pos = 0
    for m in ROLE_RE.finditer(sentence):
        names = split_names(sentence[pos : m.start()])
        pos = m.end()
        role = m.group(1)
        if role in LEAD_ROLES:
            roles.lead += names
            continue
        for name in names:
            government = bool(LOCAL_GOVERNMENT_RE.search(name))
            if (role in IMPLEMENT_ROLES or role in RESPONSIBLE_ROLES) and government:
                roles.implementers.append(name)
            elif role in RESPONSIBLE_ROLES:
                roles.responsible.append(name)
            else:
                roles.co.append(name)


def _unlabelled(body: str, roles: _Roles) -> None:
    for sentence in top_level_split(body, "。；;"):
        if WIDE_NOTE_RE.search(sentence) or FIRST_LISTED_LEADS_RE.search(sentence):
            continue
        _role_sentence(sentence, roles)


def _labelled(body: str, roles: _Roles, first_leads: int | None) -> None:
    marks = list(LABEL_RE.finditer(body))
    _unlabelled(body[: marks[0].start()], roles)
    listed: list[tuple[str, ...]] = []
    has_lead_label = False
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
        label, value = m.group(1), body[m.end() : end].strip(" ，,；;。")
        if label in DEADLINE_LABELS:
            roles.deadlines.append(top_level_split(value, "；;。")[0].strip(" ，,"))
            continue
        value = _drop_notes(value)
        sentences = [s for s in top_level_split(value, "。") if s.strip()]
        notes = [
            s
            for s in sentences
            if WIDE_NOTE_RE.search(outside_brackets(s)) or "落实" in outside_brackets(s)
        ]
        value = "。".join(s for s in sentences if s not in notes)
        for note in notes:
            if not WIDE_NOTE_RE.search(note):
                _role_sentence(note, roles)
        if label in LEAD_LABELS:
            has_lead_label = True
            roles.lead += split_names(value)
        elif label in CO_LABELS:
            roles.co += split_names(value)
        elif re.search("牵头|配合|按职责分工", value):
            _unlabelled(value, roles)  # "责任部门：甲处、乙中心牵头，丙处配合"
        else:
            listed += _unit_groups(value)
    names = [n for g in listed for n in g]
    if has_lead_label or roles.lead:
        roles.co += names  # "牵头单位：A；责任单位：B": B share the task with the lead
    else:
        _listed(listed, roles, first_leads)


def parse_attribution(body: str, first_leads: int | None = None) -> _Roles:
    roles = _Roles()
    if LABEL_RE.search(body):
        _labelled(body, roles, first_leads)
    elif names_only(body):
        _listed(_unit_groups(body), roles, first_leads)  # units only: as a 责任单位 list
    else:
        _unlabelled(body, roles)
    return roles


def _listed(groups: list[tuple[str, ...]], roles: _Roles, first_leads: int | None) -> None:
    """Units listed without a role: responsible, the first of each group leading where the
    document states that convention."""
    roles.responsible += [n for g in groups for n in g]
    if first_leads is not None:
        roles.lead += [g[0] for g in (groups if first_leads == 0 else groups[:first_leads])]


def _span(text: str, located: Located, start: int, first_leads: int | None) -> Span:
    roles = parse_attribution(located.body, first_leads)
    return Span(
        start=start,
        end=located.end,
        lead=_unique(roles.lead),
        co=_unique(roles.co),
        responsible=_unique(roles.responsible),
        implementers=_unique(roles.implementers),
        deadline="；".join(dict.fromkeys(roles.deadlines)) or None,
        raw=text[located.start : located.end],  # as printed, verbatim in the text
    )


def document_wide_implementers(text: str) -> tuple[str, ...]:
    """Bodies named in a note such as "以下均需各县级市〔区〕人民政府落实，不再列出"."""
    found: list[str] = []
    for located in locate(text):
        for m in WIDE_NOTE_RE.finditer(located.body):
            found += split_names(m.group(1))
    return _unique(found)


def extract_responsibility(text: str, first_leads: int | None = None) -> Responsibility:
    """Every attribution of `text` as a span, and their roles merged in document order."""
    spans: list[Span] = []
    previous_end = 0
    for located in locate(text):
        span = _span(text, located, previous_end, first_leads)
        previous_end = located.end
        if span.departments or span.implementers or span.deadline:
            spans.append(span)
    merged = _Roles()
    for s in spans:
        merged.lead += s.lead
        merged.co += s.co
        merged.responsible += s.responsible
        merged.implementers += s.implementers
        if s.deadline:
            merged.deadlines.append(s.deadline)
    merged.implementers += document_wide_implementers(text)
    return Responsibility(
        lead=_unique(merged.lead),
        co=_unique(merged.co),
        implementers=_unique(merged.implementers),
        deadline="；".join(dict.fromkeys(merged.deadlines)) or None,
        raw="".join(s.raw for s in spans),
        responsible=_unique(merged.responsible),
        spans=tuple(spans),
    )
