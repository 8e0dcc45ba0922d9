"""The verdict a rule's own words give, for yes/no questions ("能不能新建燃煤锅炉？").

The verdict is read off the quoted provision, never guessed: 禁止 / 不得 → 不可以; 严格控制 /
等量或减量置换 → 受严格限制 (with the conditions the sentence states); 鼓励 / 支持 / 优先保障 →
可以，且受鼓励. The words are data (seen in the seed and the external plans); a sentence with none of
them gets no verdict, only the quote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

YES_NO_RE = re.compile(
    r"能不能|能否|可不可以|可否|是否(可以|允许|能)|允不允许|让不让|行不行|还能|还可以|还允许|允许.{0,12}吗"
    r"|可以.{0,12}吗|能.{0,12}吗|准不准|有没有(限制|要求|禁止)|会不会(被)?(限制|禁止)"
)

# Most binding first: a sentence that bans something and encourages something else is a ban.
FORBIDDEN_RE = re.compile(
    r"禁止|严禁|不得|一律不|不再(新建|审批|新增|核准|备案|布局|建设|扩建)|不予|停止(审批|新建)"
)
RESTRICTED_RE = re.compile(
    r"严格控制|严控|从严|严格(实施|执行|落实|审批|准入|限制)|限制|等量(或|和)?减量|减量(置换|替代)|等量置换"
    r"|控制(在|规模)|有序(发展|退出)|逐步(淘汰|退出)|淘汰"
)
ENCOURAGED_RE = re.compile(r"鼓励|支持|优先保障|优先|积极(推广|发展|推进)|大力(发展|推广)|引导")


@dataclass(frozen=True, slots=True)
class Verdict:
    word: str  # the word in the provision that decides it, verbatim
    text: str  # what the answer opens with


def asks_yes_no(question: str) -> bool:
    return bool(YES_NO_RE.search(question))


def verdict(sentence: str) -> Verdict | None:
    """The verdict of one quoted sentence (verbatim from a provision)."""
    for pattern, text in (
        (FORBIDDEN_RE, "不可以"),
        (RESTRICTED_RE, "受严格限制，须满足文件规定的条件"),
        (ENCOURAGED_RE, "可以，且受鼓励"),
    ):
        m = pattern.search(sentence)
        if m:
            return Verdict(m.group(0), text)
    return None


def verdict_line(sentences: list[str]) -> str | None:
    """ "结论：不可以（文件写明“禁止”）。" from the first quoted sentence that carries a verdict."""
    for sentence in sentences:
        v = verdict(sentence)
        if v is not None:
            return f"**结论：{v.text}**（文件写明“{v.word}”，见下方原文）。"
    return None
