"""Chinese numerals ↔ integers, and article references such as 第二十条 / 第20条."""

from __future__ import annotations

import re

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNITS = {"十": 10, "百": 100, "千": 1000}

ARTICLE_RE = re.compile(r"第\s*([0-9０-９]+|[零〇一二两三四五六七八九十百千]+)\s*[条项]")
PART_RE = re.compile(r"第\s*([0-9０-９]+|[一二三四五六七八九十]+)\s*(?:大)?(?:部分|章|板块)")


def chinese_to_int(text: str) -> int | None:
    """`二十八` → 28, `十` → 10, `105` → 105; None when it is not a number."""
    text = text.strip().translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    if not text or any(ch not in _DIGITS and ch not in _UNITS for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        else:
            total += (current or 1) * _UNITS[ch]
            current = 0
    return total + current


def _referenced(pattern: re.Pattern[str], text: str) -> list[int]:
    found = (chinese_to_int(m.group(1)) for m in pattern.finditer(text))
    return [n for n in found if n is not None]


def article_numbers(text: str) -> list[int]:
    """Numbers of every 第N条 reference in a text, in order."""
    return _referenced(ARTICLE_RE, text)


def part_numbers(text: str) -> list[int]:
    """Numbers of every 第N部分 / 第N章 reference in a text ("第九部分讲的是啥？"), in order."""
    return _referenced(PART_RE, text)
