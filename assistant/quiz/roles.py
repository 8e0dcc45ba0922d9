"""Responsibility facts for quiz items: a provision's spans, the departments that may be asked about,
and an independent reading of the role each department is printed with.

The generator asks what the parsed attribution (the index) says; the verifier also reads the
attribution text as printed and drops an item when the two disagree (a 责任单位 list the parser
stored as 牵头, a list whose convention "列首位的为牵头单位" the parser did not apply …).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ingest.departments import DepartmentRegistry, normalise_name
from ingest.model import Provision, Span

ROLES = ("lead", "co", "responsible")

# Words that end the name of a body (局 / 厅 / 委 …): a parsed "name" that ends otherwise ("下同",
# "两省市列首位的为牵头单位", "广州" cut from "广州、深圳市政府") is not asked about. Seen in the seed and
# in the external documents of every level (厅 / 部 / 署 / 总局 / 中心支行 / 集团公司 …).
_BODY_END = re.compile(
    r"(?:局|厅|委|部|办|处|室|院|中心|政府|公司|行|会|所|社|支|关|署|站|团|校|组|馆|台|队|科|司|盟)$"
)
_NOT_A_NAME = re.compile(r"^各|^市各|^省各|牵头|负责|配合|单位$|下同|首位|有关部门|相关部门")
_CLAUSE_BREAK = re.compile(r"[，,；;。]")
_LABEL = re.compile(
    r"^(牵头单位|牵头部门|牵头处室|牵头责任单位|主要责任单位|责任单位|责任部门|责任处室|责任主体|"
    r"配合单位|配合部门|参与单位|协同单位|协助单位)[:：]"
)
_LABEL_ROLE = {
    "牵头单位": "lead",
    "牵头部门": "lead",
    "主要责任单位": "responsible",
    "责任单位": "responsible",
    "责任部门": "responsible",
    "责任处室": "responsible",
    "配合单位": "co",
    "配合部门": "co",
    "参与单位": "co",
    "牵头处室": "lead",
    "牵头责任单位": "lead",
    "责任主体": "responsible",
    "协同单位": "co",
    "协助单位": "co",
}
_CO_WORDS = re.compile(r"配合|参与|按照?职责分工|分工负责|协同|协助")
# A document-wide convention that the first unit of each list leads ("两省市列首位的为牵头单位，下同").
CONVENTION = re.compile(r"(?:列|排)(?:在)?(?:首位|第一位|第一)的?(?:单位)?(?:为|是)牵头")
_NAME_BEFORE = "（(：:、，,；; \n"


def is_department(name: str, registry: DepartmentRegistry) -> bool:
    """A named body that a question may offer: not generic, not a parse remnant."""
    name = normalise_name(name)
    return (
        len(name) >= 3
        and not registry.is_generic(name)
        and not _NOT_A_NAME.search(name)
        and bool(_BODY_END.search(name))
    )


def similar(a: str, b: str, registry: DepartmentRegistry) -> bool:
    """Two names that may denote one body: aliases in the registry, or one the tail of the other
    (生态环境厅 / 省生态环境厅, 市能源局 / 重庆市能源局)."""
    a, b = normalise_name(a), normalise_name(b)
    return a == b or registry.same(a, b) or a.endswith(b) or b.endswith(a)


class Aliases:
    """`similar` with its answers kept: the generators and the verifier ask about the same pairs of
    names many times over."""

    def __init__(self, registry: DepartmentRegistry) -> None:
        self.registry = registry
        self._known: dict[tuple[str, str], bool] = {}

    def similar(self, a: str, b: str) -> bool:
        key = (a, b) if a <= b else (b, a)
        if key not in self._known:
            self._known[key] = similar(a, b, self.registry)
        return self._known[key]


def spans_of(provision: Provision) -> tuple[Span, ...]:
    """The provision's attribution spans as the parser stored them (none in an index built before
    spans existed: such a provision is asked about as a whole)."""
    return provision.responsibility.spans


def bracket_groups(raw: str) -> list[str]:
    """The top-level bracketed groups of an attribution text, brackets stripped (the whole text when
    it has none: a table cell)."""
    groups: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(raw):
        if ch in "（(〔":
            if depth == 0:
                start = i + 1
            depth += 1
        elif ch in "）)〕" and depth:
            depth -= 1
            if depth == 0:
                groups.append(raw[start:i])
    return groups or [raw]


def holders(unit: Span | Provision, role: str) -> tuple[str, ...]:
    """The departments the index gives `role` in a span or a whole provision."""
    source = unit.responsibility if isinstance(unit, Provision) else unit
    return tuple(getattr(source, role))


def has_role(unit: Span | Provision, name: str, role: str, registry: DepartmentRegistry) -> bool:
    return any(registry.same(name, held) for held in holders(unit, role))


def raw_of(unit: Span | Provision) -> str:
    return unit.responsibility.raw if isinstance(unit, Provision) else unit.raw


@dataclass(frozen=True, slots=True)
class PrintedRoles:
    """Reads the role each department is printed with in an attribution text."""

    convention: bool = False  # the document states that the first unit of a list leads

    def roles(self, raw: str, name: str) -> frozenset[str]:
        """Every role `name` is printed with in `raw` ("" when it is not printed there)."""
        found: set[str] = set()
        name = normalise_name(name)
        for group in bracket_groups(raw):
            found |= self._roles_in(normalise_name(group), name)
        return frozenset(found)

    def _roles_in(self, body: str, name: str) -> set[str]:
        clauses = _clauses(body)
        roles = _clause_roles(clauses)
        # Beside a lead, a 责任单位 list holds the units that share the task ("牵头单位：A；责任单位：B").
        led = any(role == "lead" for role, _ in roles)
        found: set[str] = set()
        for clause, (role, labelled) in zip(clauses, roles, strict=True):
            if _name_position(clause, name) < 0 or not role:
                continue
            held = "co" if role == "responsible" and labelled and led else role
            if held == "responsible" and self.convention:
                label = _LABEL.match(clause)
                listed = clause[label.end() :] if label else clause
                if _name_position(listed, name) == 0:
                    found.add("lead")  # "列首位的为牵头单位": the first of each list leads
            found.add(held)
        return found


def _clause_roles(clauses: list[str]) -> list[tuple[str, bool]]:
    """The role each clause's names hold, and whether a label gave it. A clause of bare names
    takes the role of the label it continues ("责任单位：A、B；C、D"), otherwise that of the role word
    printed after the next names ("A、B，C、D配合": both groups 配合)."""
    own = [_clause_role(c) for c in clauses]
    out = [(role, bool(_LABEL.match(c))) for role, c in zip(own, clauses, strict=True)]
    label_role = ""
    for i, clause in enumerate(clauses):
        if _LABEL.match(clause):
            label_role = own[i]
        elif own[i] or _names_end(clause):
            label_role = ""
        elif label_role:
            out[i] = (label_role, True)
        else:
            ahead = next(
                (j for j in range(i + 1, len(clauses)) if own[j] or _names_end(clauses[j])), None
            )
            if ahead is not None and own[ahead] and not _LABEL.match(clauses[ahead]):
                out[i] = (own[ahead], False)
    return out


def _clauses(body: str) -> list[str]:
    """Split at ，；。 outside nested brackets (省发展改革委（能源局） stays whole)."""
    out: list[str] = []
    depth, start = 0, 0
    for i, ch in enumerate(body):
        if ch in "（(〔":
            depth += 1
        elif ch in "）)〕":
            depth = max(depth - 1, 0)
        elif depth == 0 and _CLAUSE_BREAK.match(ch):
            out.append(body[start:i].strip())
            start = i + 1
    out.append(body[start:].strip())
    return [c for c in out if c]


def _clause_role(clause: str) -> str:
    """The role a clause prints: by its label ("牵头单位：…"), or by the role word after its names
    (牵头 → lead; 配合 / 按职责分工负责 → co; 负责 → responsible; 负责落实 → implementers)."""
    label = _LABEL.match(clause)
    if label:
        return _LABEL_ROLE[label.group(1)]
    if "牵头" in clause and not CONVENTION.search(clause):
        return "lead"
    if _CO_WORDS.search(clause):
        return "co"
    if "落实" in clause:
        return "implementers"
    if "负责" in clause:
        return "responsible"
    return ""


def _names_end(clause: str) -> bool:
    """A clause that is not a list of names (完成期限：…, a convention note)."""
    return bool(re.match(r"^(?:完成期限|完成时限|完成时间)[:：]", clause)) or bool(
        CONVENTION.search(clause)
    )


def _name_position(text: str, name: str) -> int:
    """Where `name` starts as a whole list element of `text` (-1 when it does not)."""
    start = text.find(name)
    while start >= 0:
        if start == 0 or text[start - 1] in _NAME_BEFORE:
            return start
        start = text.find(name, start + 1)
    return -1


def document_convention(provisions: Iterable[Provision]) -> bool:
    """Whether the document states that the first unit of a list leads."""
    return any(CONVENTION.search(p.responsibility.raw or p.text) for p in provisions)


def departments_of(provisions: Sequence[Provision], registry: DepartmentRegistry) -> list[str]:
    """Every askable department named in the attributions of a document, in order of appearance."""
    names: dict[str, None] = {}
    for p in provisions:
        for role in ROLES:
            for name in holders(p, role):
                if is_department(name, registry):
                    names.setdefault(name)
    return list(names)
