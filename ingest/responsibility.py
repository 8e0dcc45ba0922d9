"""Extract who is responsible for a provision from its parenthesised attribution.

Forms handled (department names are kept exactly as printed):
- "（市发改委、市生态环境局牵头，市工信局、…等部门按职责分工负责）"
- "（市发改委牵头，市有关部门按职责分工负责。各县级市〔区〕人民政府负责落实。…）"
- "（X、Y按职责分工负责）" (co only, no lead) and "（X牵头，Y配合）"
- "（责任单位：省发展改革委、省工业和信息化厅等）", "（牵头单位：X；配合单位：Y）",
  "（责任部门：气候处，完成期限：7月底）"
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ingest.model import Responsibility

_OPEN, _CLOSE = "（(〔", "）)〕"  # 〔…〕 also closes some attributions
_ROLE_WORDS = re.compile(
    "牵头|负责|责任单位|责任部门|责任处室|配合|参与单位|牵头单位|完成期限|分工落实"
)
_LABEL = re.compile(
    r"(牵头单位|牵头部门|责任单位|责任部门|责任处室|主要责任单位|配合单位|配合部门|参与单位|完成期限|完成时限)[:：]"
)
_LEAD_LABELS = frozenset(
    {"牵头单位", "牵头部门", "责任单位", "责任部门", "责任处室", "主要责任单位"}
)
_CO_LABELS = frozenset({"配合单位", "配合部门", "参与单位"})
_ROLE = re.compile(
    "(牵头负责|牵头|按职责分工负责|按职责分工落实|按职责分工|分工负责|负责落实|具体负责|负责|配合|参与)"
)
_LEAD_ROLES = frozenset({"牵头负责", "牵头"})
_SPLIT = re.compile(r"[、，,；;]|(?:和|及|以及)(?=各|市|省|国家|县|区|有关|自治区|中央|人民)")
_GENERIC_TAIL = re.compile(
    r"(?:等(?:[省市县区]?(?:有关|相关|其他)?(?:部门|单位|机构)?)|(?:按照|根据)?(?:各自)?职责(?:分工)?)$"
)
_LEADING = re.compile(r"^(?:由|会同|并|分别|共同|和|及)+")
_LOCAL_GOV = re.compile(r"人民政府|政府$|^各(?:县|市|区|地)|县级市")
_WIDE_NOTE = re.compile(r"以下均[需由]?(.+?)(?:负责)?落实")


def attribution_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the top-level bracketed groups of `text` that name responsible bodies."""
    spans: list[tuple[int, int]] = []
    depth, start = 0, -1
    for i, ch in enumerate(text):
        if ch in _OPEN:
            if depth == 0:
                start = i
            depth += 1
        elif ch in _CLOSE and depth:
            depth -= 1
            if depth == 0 and _ROLE_WORDS.search(text[start:i]):
                spans.append((start, i + 1))
    return spans


def _clean_name(name: str) -> str:
    name = _LEADING.sub("", name.strip(" 。，、；;,：:"))
    name = _GENERIC_TAIL.sub("", name) if not name.startswith(("各", "市各", "省各")) else name
    return name.strip(" 。，、；;,：:")


def split_names(text: str) -> tuple[str, ...]:
    """Split "市发改委、市住建局等部门" into names; 和 splits only between two bodies."""
    text = re.sub(r"[（(][^（）()]*(?:负责|下同)[^（）()]*[）)]$", "", text.strip())
    names: list[str] = []
    for part in _SPLIT.split(text):
        name = _clean_name(part)
        if name and name not in names and not re.fullmatch(r"等|有关|部门|单位", name):
            names.append(name)
    return tuple(names)


def _is_local_government(name: str) -> bool:
    return bool(_LOCAL_GOV.search(name))


def _labelled(body: str) -> Iterator[tuple[str, str]]:
    marks = list(_LABEL.finditer(body))
    for i, m in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(body)
        yield m.group(1), body[m.end() : end].strip(" ，,；;。")


def _parse_one(body: str) -> tuple[list[str], list[str], list[str], list[str]]:
    lead: list[str] = []
    co: list[str] = []
    implementers: list[str] = []
    deadlines: list[str] = []
    if _LABEL.search(body):
        for label, value in _labelled(body):
            if label in _LEAD_LABELS:
                lead += split_names(value)
            elif label in _CO_LABELS:
                co += split_names(value)
            else:
                deadlines.append(value)
        return lead, co, implementers, deadlines
    for sentence in re.split("[。；;]", body):
        if _WIDE_NOTE.search(sentence):
            continue
        pos = 0
        for m in _ROLE.finditer(sentence):
            names = split_names(sentence[pos : m.start()])
            pos = m.end()
            if m.group(1) in _LEAD_ROLES:
                lead += names
                continue
            # Governments named to 落实 are implementers; named in a 配合 / 按职责分工负责 list
            # ("…，各地级以上市政府配合") they are co-owners as printed.
            implementing = "落实" in m.group(1) or m.group(1) == "负责"
            for name in names:
                (implementers if implementing and _is_local_government(name) else co).append(name)
    return lead, co, implementers, deadlines


def _unique(names: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def document_wide_implementers(text: str) -> tuple[str, ...]:
    """Bodies named in a note such as "以下均需各县级市〔区〕人民政府落实，不再列出"."""
    found: list[str] = []
    for start, end in attribution_spans(text):
        for m in _WIDE_NOTE.finditer(text[start + 1 : end - 1]):
            found += split_names(m.group(1))
    return _unique(found)


def extract_responsibility(text: str) -> Responsibility:
    """Lead, co, implementers and deadline from every attribution in `text` (merged, in order)."""
    lead: list[str] = []
    co: list[str] = []
    implementers: list[str] = []
    deadlines: list[str] = []
    raws: list[str] = []
    for start, end in attribution_spans(text):
        raws.append(text[start:end])
        one = _parse_one(text[start + 1 : end - 1])
        lead += one[0]
        co += one[1]
        implementers += one[2]
        deadlines += one[3]
    implementers += document_wide_implementers(text)
    return Responsibility(
        lead=_unique(lead),
        co=_unique(co),
        implementers=_unique(implementers),
        deadline="；".join(dict.fromkeys(deadlines)) or None,
        raw="".join(raws),
    )
