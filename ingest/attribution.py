"""Where a provision prints who is responsible, and the names in such a list.

Structure before words: an attribution is a bracketed group that names a role *and* sits where an
attribution sits — closing a sentence, a paragraph or the item ("…推进绿色金融。（X牵头，Y配合）"),
or opening with a label ("（责任单位：…）"); a bracket in mid-sentence ("供冷（热）", "（原则上不低于50%）")
is text. A labelled line outside brackets ("责任单位：…" at the end of a paragraph) counts too.
Brackets nest (省发展改革委（能源局）, 各县级市〔区〕), and a bracket may hold several sentences.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.roles import LABEL_RE, ROLE_WORD_RE

OPEN, CLOSE = "（(〔", "）)〕"
# Brackets that may sit inside a name ("各区人民政府〈含开发区、风景区管委会〉"): never split there.
NAME_OPEN, NAME_CLOSE = OPEN + "〈<［[", CLOSE + "〉>］]"
_SENTENCE_END = "。；;！？!?"
_SPLIT_AT = "、，,；;"
_AND_BEFORE_BODY = re.compile(r"(?:和|及|以及)(?=各|市|省|国家|县|区|有关|自治区|中央|人民)")
_BARE_LEVEL = re.compile(r"^(?:各|有关)?[市区县州省乡镇]$")  # "有关市、县〔区〕人民政府"
# "广州、深圳市政府": a place printed alone shares the government's name that follows it
_BARE_PLACE = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_BODY_CHAR = re.compile(r"[厅局委部办院行所会处室司署站馆队团中心]")
_PLACE_GOVERNMENT = re.compile(r"^[\u4e00-\u9fff]{2,4}?[市区县州盟]?(?:人民政府|政府)$")
_GENERIC_TAIL = re.compile(
    r"(?:等(?:[\u4e00-\u9fff]{0,6}?(?:部门|单位|机构))?|(?:按照|根据)?(?:各自)?职责(?:分工)?)$"
)
_LEADING = re.compile(r"^(?:由|会同|并|分别|共同|和|及)+")
# A note printed after a name: "市发改委（各部门按职责分工负责、下同）",
# "各区人民政府〈含开发区、风景区管委会，以下工作任务均需各区人民政府落实，不再列出〉".
_TRAILING_NOTE = re.compile(
    r"[（(〈<][^（）()〈〉<>]*(?:负责|下同|落实|不再列出)[^（）()〈〉<>]*[）)〉>]$"
)
_NOT_A_NAME = re.compile(r"等|有关|部门|单位|下同|以下同")


@dataclass(frozen=True, slots=True)
class Located:
    """One printed attribution: `text[start:end]` is the bracket (or the labelled line)."""

    start: int
    end: int
    body: str  # without the outer brackets


def bracket_groups(text: str, offset: int = 0) -> list[tuple[int, int]]:
    """(start, end) of every top-level bracketed group. A bracket never spans a paragraph break; a
    bracket left open at the line end is text, and the groups after it are read again as top level
    ("推进。（牵头单位：甲推进。（牵头单位：乙；配合单位：丙）" holds one group, the second)."""
    groups: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        groups.extend(_line_groups(line, offset + pos))
        pos += len(line) + 1
    return groups


def _line_groups(line: str, offset: int) -> list[tuple[int, int]]:
    groups: list[tuple[int, int]] = []
    stack: list[int] = []
    for i, ch in enumerate(line):
        if ch in OPEN:
            stack.append(i)
        elif ch in CLOSE and stack:
            start = stack.pop()
            if not stack:
                groups.append((offset + start, offset + i + 1))
    if stack:  # the first unclosed bracket is text; what follows it is read on its own
        first = stack[0]
        return groups + _line_groups(line[first + 1 :], offset + first + 1)
    return groups


def _at_sentence_boundary(text: str, start: int, end: int) -> bool:
    before = text[:start].rstrip(" ")
    after = text[end:].lstrip(" ")
    return (
        not before
        or before[-1] in _SENTENCE_END + "\n"
        or not after
        or after[0] in _SENTENCE_END + "\n，,"
    )


_ORG_NAME = re.compile(
    r"[\u4e00-\u9fff（）()〈〉]{1,24}(部|委|局|厅|办|办公室|处|中心|政府|公司|银行|党校|学院|支队|集团"
    r"|协会|小组|管委会|总局|分局|监管局)"
)


def names_only(body: str) -> bool:
    """A bracket that lists units and nothing else ("上海市交通委、市发展改革委；江苏省交通运输厅")."""
    parts = [x.strip() for x in top_level_split(body, "、；;，,") if x.strip()]
    return bool(parts) and all(_ORG_NAME.fullmatch(x) for x in parts)


def is_attribution(text: str, start: int, end: int) -> bool:
    body = text[start + 1 : end - 1]
    if not ROLE_WORD_RE.search(body):
        # a bare list of units after a sentence ("…全覆盖。（上海市交通委、市发展改革委）"), never a
        # name's own bracket ("省发展改革委（能源局）")
        before = text[:start].rstrip(" ")
        return names_only(body) and (not before or before[-1] in _SENTENCE_END + "\n")
    return bool(LABEL_RE.match(body.lstrip())) or _at_sentence_boundary(text, start, end)


def locate(text: str) -> list[Located]:
    """Every attribution printed in `text`, in order."""
    groups = bracket_groups(text)
    found = [Located(s, e, text[s + 1 : e - 1]) for s, e in groups if is_attribution(text, s, e)]
    starts: set[int] = set()
    for m in re.finditer(r"(?:^|(?<=[。；]))[ \t]*(?=" + LABEL_RE.pattern + ")", text, re.M):
        pos = m.end()
        if pos in starts or any(s <= pos < e for s, e in groups):
            continue
        starts.add(pos)
        # A labelled line runs to the line end, or to the bracket that follows it on the line.
        line_end = text.find("\n", pos)
        line_end = len(text) if line_end < 0 else line_end
        end = min([s for s, _ in groups if pos < s < line_end] or [line_end])
        body = text[pos:end].rstrip(" 。；;，,")
        found.append(Located(pos, pos + len(body), body))
    return sorted(found, key=lambda x: x.start)


def outside_brackets(text: str) -> str:
    """`text` without its bracketed parts (those that may sit inside names too)."""
    out: list[str] = []
    depth = 0
    for ch in text:
        if ch in NAME_OPEN:
            depth += 1
        elif ch in NAME_CLOSE and depth:
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def top_level_split(text: str, separators: str) -> list[str]:
    """Split at `separators` outside brackets."""
    parts: list[str] = []
    depth, last = 0, 0
    for i, ch in enumerate(text):
        if ch in NAME_OPEN:
            depth += 1
        elif ch in NAME_CLOSE and depth:
            depth -= 1
        elif ch in separators and depth == 0:
            parts.append(text[last:i])
            last = i + 1
    parts.append(text[last:])
    return parts


def clean_name(name: str) -> str:
    name = _LEADING.sub("", name.strip(" 。，、；;,：:"))
    if not name.startswith(("各", "市各", "省各")):
        name = _GENERIC_TAIL.sub("", name)  # "省文旅厅等行业主管部门" → 省文旅厅
    else:
        name = re.sub("等$", "", name)  # "各有关单位等" → 各有关单位
    return name.strip(" 。，、；;,：:")


def _shares_government(name: str, after: list[str]) -> bool:
    """A bare place before places' government ("广州、深圳市政府", "南京、无锡、常州市人民政府")."""
    if not _BARE_PLACE.match(name) or _BODY_CHAR.search(name):
        return False
    for nxt in after:
        if _PLACE_GOVERNMENT.match(nxt):
            return True
        if not (_BARE_PLACE.match(nxt) and not _BODY_CHAR.search(nxt)):
            return False
    return False


def split_names(text: str) -> tuple[str, ...]:
    """ "市发改委、市住建局等部门" → names as printed. Brackets inside a name stay (省发展改革委（能源局）);
    a level printed alone joins the next part ("市、区机管局", "各市、州、县人民政府"); 和 splits only
    between two bodies."""
    text = _TRAILING_NOTE.sub("", text.strip())
    pieces: list[str] = []
    for part in top_level_split(text, _SPLIT_AT):
        pieces.extend(_AND_BEFORE_BODY.split(part))
    names: list[str] = []
    pending = ""
    cleaned = [clean_name(piece) for piece in pieces]
    for i, piece in enumerate(cleaned):
        if _BARE_LEVEL.match(piece) or _shares_government(piece, cleaned[i + 1 :]):
            pending += piece + "、"
            continue
        name = pending + piece if piece else pending.rstrip("、")
        pending = ""
        if name and name not in names and not _NOT_A_NAME.fullmatch(name):
            names.append(name)
    if pending and pending.rstrip("、") not in names:
        names.append(pending.rstrip("、"))
    return tuple(names)
