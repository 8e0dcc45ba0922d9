"""Repair PDF-extraction artifacts without changing a word.

- paragraphs cut at a page break (blank lines in the middle of a sentence) are joined;
- a character printed twice across a page join ("碳达峰\\n\\n峰、碳中和") is printed once;
- an attribution that stands in its own paragraph is joined to the sentence it closes;
- half-width brackets next to Chinese text become full-width "（ ）"; 〔〕 are kept as printed;
- spaces between Chinese and digits/Latin ("到 2060 年") are removed; tabs (table cells) are kept.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass

from ingest.numbering import is_heading_only, match_heading

logger = logging.getLogger(__name__)

_HAN = r"\u3400-\u9fff\uf900-\ufaff"
_WIDE_PUNCT = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65“”‘’—…·"
_SPACES = re.compile(r"[ \u00a0\u3000\u2002\u2003\u2009]+")
# a space run with wide punctuation on one side, or Han on one side and digits/Latin on the other
_SPACE_RUN = re.compile(
    rf"(?<=[{_WIDE_PUNCT}]) +(?=[{_HAN}{_WIDE_PUNCT}A-Za-z0-9])"
    rf"|(?<=[{_HAN}A-Za-z0-9%]) +(?=[{_WIDE_PUNCT}])"
    rf"|(?<=[{_HAN}]) +(?=[A-Za-z0-9])"
    rf"|(?<=[A-Za-z0-9%]) +(?=[{_HAN}])"
)
_PAIR = re.compile(r"\(([^()\n]*)\)")
_HAN_RE = re.compile(f"[{_HAN}]")
_TERMINAL = set("。；：！？!?;:）)")
_CLOSE_QUOTES = set("”’」』")
_BODY_PUNCT = re.compile("[，。；、：]")
_ATTRIBUTION_HINT = re.compile("牵头|负责|责任单位|责任部门|配合单位|牵头单位|完成期限|配合）")
_NOT_CONTINUED = re.compile(r"^(附件|注[:：]|发[:：]|抄送|[\d]{4}年\d{1,2}月\d{1,2}日)")
_DATE_LINE = re.compile(r"^[（(]?\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[）)]?$")
_JOIN_PUNCT = set("、，。；：")
# doubled characters that are words in their own right: never merged across a page join
REDUPLICATIONS = frozenset(
    [
        "常常",
        "人人",
        "天天",
        "年年",
        "个个",
        "层层",
        "件件",
        "处处",
        "步步",
        "事事",
        "家家",
        "户户",
        "时时",
        "多多",
        "重重",
        "渐渐",
        "稳稳",
        "紧紧",
        "牢牢",
        "实实",
        "切切",
        "深深",
        "久久",
        "刚刚",
        "仅仅",
        "往往",
        "纷纷",
        "默默",
        "点点",
        "滴滴",
        "条条",
        "项项",
        "样样",
        "代代",
        "世世",
        "村村",
        "区区",
        "节节",
        "一一",
        "看看",
        "谢谢",
        "哈哈",
        "亭亭",
        "冉冉",
        "蒸蒸",
        "欣欣",
        "循循",
    ]
)


@dataclass(frozen=True, slots=True)
class CleanedText:
    text: str
    dropped_duplicates: tuple[str, ...] = ()  # "峰峰、": the doubled char and what followed


def fingerprint(text: str) -> str:
    """Text without whitespace and with one bracket style: for word-preservation checks."""
    return re.sub(r"\s+", "", text).replace("(", "（").replace(")", "）")


def _normalise_brackets(line: str) -> str:
    def pair(m: re.Match[str]) -> str:
        inner = m.group(1)
        before = line[m.start() - 1] if m.start() else ""
        after = line[m.end()] if m.end() < len(line) else ""
        if _HAN_RE.search(inner) or _HAN_RE.match(before or " ") or _HAN_RE.match(after or " "):
            return f"（{inner}）"
        return m.group(0)

    line = _PAIR.sub(pair, line)
    line = re.sub(rf"\((?=\s*[{_HAN}])", "（", line)
    return re.sub(rf"(?<=[{_HAN}{_WIDE_PUNCT}])\)", "）", line)


def normalise_line(line: str) -> str:
    """Brackets and spaces of one line; tabs are kept."""
    line = _SPACES.sub(" ", line).strip(" ")
    line = _normalise_brackets(line)
    return _SPACE_RUN.sub("", line)


# A figure wrapped onto the next line inside a sentence ("达到\n1.5万吨", "13.67万吨、\n0.69万吨"): the
# line before does not end a sentence and the number is no heading.
_WRAPPED_FIGURE = re.compile(
    r"^\d+(?:[.．]\d+)?\s*(?:%|％|万|亿|吨|千瓦|个|家|项|公里|平方|立方|元|倍|年)"
)


def _ends_sentence(text: str) -> bool:
    last = text[-1]
    if last in _TERMINAL:
        return True
    return last in _CLOSE_QUOTES and len(text) > 1 and text[-2] in "。！？"


def _continues(prev: str, nxt: str) -> bool:
    """Does paragraph `nxt` continue the sentence cut at the end of `prev`?"""
    if "\t" in prev or "\t" in nxt or _ends_sentence(prev):
        return False
    if not _BODY_PUNCT.search(prev) or is_heading_only(prev) or _DATE_LINE.match(prev):
        return False
    if match_heading(nxt) is not None or _NOT_CONTINUED.match(nxt) or _DATE_LINE.match(nxt):
        return False
    return not prev.startswith(("附件", "注：", "发："))


def _is_attribution(prev: str, para: str) -> bool:
    if not para.startswith("（") or match_heading(para) is not None or "\t" in prev:
        return False
    if not _ends_sentence(prev) or is_heading_only(prev) or len(para) > 400:
        return False
    return bool(_ATTRIBUTION_HINT.search(para)) and not prev.startswith(("附件", "注：", "发："))


def _join(prev: str, nxt: str, dropped: list[str]) -> str:
    a, b = prev[-1], nxt[0]
    if (
        a == b
        and _HAN_RE.match(a)
        and len(nxt) > 1
        and nxt[1] in _JOIN_PUNCT
        and a + b not in REDUPLICATIONS
    ):
        dropped.append(a + nxt[:2])
        logger.debug("dropped a character doubled across a page join: %s", a + nxt[:2])
        nxt = nxt[1:]
    return prev + nxt


def clean_report(text: str) -> CleanedText:
    """Clean `text` and report the doubled characters removed at page joins."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    merged: list[str] = []
    dropped: list[str] = []
    gap = False
    for raw in text.split("\n"):
        para = normalise_line(raw)
        if not para.strip():
            gap = True
            continue
        wrapped = merged and not gap and _WRAPPED_FIGURE.match(para)
        if merged and (gap or wrapped) and _continues(merged[-1], para):
            merged[-1] = _join(merged[-1], para, dropped)
        elif merged and _is_attribution(merged[-1], para):
            merged[-1] += para
        else:
            merged.append(para)
        gap = False
    return CleanedText("\n".join(merged), tuple(dropped))


def clean(text: str) -> str:
    """Clean text: one paragraph a line, no blank lines; see the module docstring."""
    return clean_report(text).text
