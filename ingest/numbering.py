"""Heading numbering styles of Chinese policy texts and Chinese-numeral conversion."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum

CN_DIGITS = "零一二三四五六七八九"
_CN_VALUE = {c: i for i, c in enumerate(CN_DIGITS)} | {"〇": 0, "两": 2}
CN_NUM = "[零〇一二三四五六七八九十百两]+"


def cn_to_int(text: str) -> int:
    """一 → 1, 十一 → 11, 二十三 → 23, 一百零五 → 105; also plain digits."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch in _CN_VALUE:
            current = current * 10 + _CN_VALUE[ch] if current else _CN_VALUE[ch]
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + current


class Style(IntEnum):
    """Numbering styles, outermost first (the value is the nesting rank)."""

    ZHANG = 0  # 第一章
    JIE = 1  # 第一节
    CN = 2  # 一、
    PAREN_CN = 3  # （一）
    ARABIC = 4  # 1. / 1． / 1、
    PAREN_ARABIC = 5  # （1）
    TIAO = 6  # 第一条


_PATTERNS: tuple[tuple[Style, re.Pattern[str]], ...] = (
    (Style.ZHANG, re.compile(rf"^(第({CN_NUM}|\d+)章)\s*(.*)$")),
    (Style.JIE, re.compile(rf"^(第({CN_NUM}|\d+)节)\s*(.*)$")),
    (Style.TIAO, re.compile(rf"^(第({CN_NUM}|\d+)条)\s*(.*)$")),
    (Style.CN, re.compile(rf"^(({CN_NUM})、)\s*(.*)$")),
    (Style.PAREN_CN, re.compile(rf"^(（({CN_NUM})）)\s*(.*)$")),
    (Style.ARABIC, re.compile(r"^((\d{1,3})(?:[.．、](?!\d)))\s*(.*)$")),
    (Style.PAREN_ARABIC, re.compile(r"^(（(\d{1,2})）)\s*(.*)$")),
)
# "7.100个示范项目": an item number glued to a figure. Only the context tells it from a figure wrapped
# onto a new line ("达到\n1.5万吨"): see structure.py.
GLUED_ARABIC = re.compile(r"^((\d{1,3})[.．])(?=\d)(.*)$")


@dataclass(frozen=True, slots=True)
class Heading:
    style: Style
    printed: str  # "（三）", "28.", "第一条"
    number: int
    rest: str  # the text after the number on the same line


def match_heading(line: str) -> Heading | None:
    """The numbering at the start of `line`, if any."""
    for style, pattern in _PATTERNS:
        m = pattern.match(line)
        if m:
            try:
                number = cn_to_int(m.group(2))
            except ValueError:
                continue
            if number <= 0:
                continue
            return Heading(style, m.group(1), number, m.group(3))
    return None


def is_heading_only(line: str) -> bool:
    """A short heading line without a sentence after it (e.g. "（一）指导思想")."""
    heading = match_heading(line)
    if heading is None:
        return False
    return len(line) <= 40 and not re.search("[。，；！？]", heading.rest)


def int_to_cn(n: int) -> str:
    """1 → 一, 11 → 十一, 23 → 二十三 (up to 99; larger numbers as digits)."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else CN_DIGITS[tens] + "十")
    return head + ("" if ones == 0 else CN_DIGITS[ones])
