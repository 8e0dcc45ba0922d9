"""Documents named by a short title. A Chinese short title keeps characters of the full one in their
order: "成渝联合行动方案" ← 成渝地区双城经济圈碳达峰碳中和联合行动方案, "国务院节能减排方案" ←
国务院关于印发"十四五"节能减排综合工作方案的通知, "江苏节能意见" ← 江苏省…"十四五"节能…意见.

So the question's piece that ends with a kind of document (意见 / 方案 / 计划 …) and reads as an
ordered selection of a title's characters names that document. The longest such piece wins; a piece
that many titles share (…实施意见) names none of them in particular.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

KIND_RE = re.compile(r"意见|方案|计划|规划|通知|办法|要点|纲要|决定|细则")
FILLER = frozenset("的之和与及里中上")
MIN_INFORMATIVE = 3  # characters of the piece besides the kind word and fillers
MAX_NAMED = 3  # a piece that this many documents share names no document
ISSUER_WORDS = re.compile(r"省委|市委|省政府|市政府|人民政府|政府|党委|省|市")


@dataclass(frozen=True, slots=True)
class Named:
    doc_ids: tuple[str, ...]
    piece: str  # the question's words that named them


def _cjk(text: str) -> str:
    return re.sub(r"[^\u4e00-\u9fff0-9]", "", text)


def _is_word_char(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "0" <= ch <= "9"


def _longest_piece(question: str, end: int, title: str) -> int:
    """Start of the longest question[start:end] that is a subsequence of `title`."""
    j = len(title)  # the title is read backwards: title[:j] is still free
    start = end
    for i in range(end - 1, -1, -1):
        ch = question[i]
        if not _is_word_char(ch):
            break
        k = title.rfind(ch, 0, j)
        if k < 0:
            if ch in FILLER:  # "安徽的节能减排方案": a particle the title does not print
                continue
            break
        start, j = i, k
    return start


_FOLDED: list[tuple[Mapping[str, str], dict[str, str]]] = []


def _folded(titles: Mapping[str, str]) -> dict[str, str]:
    """The titles without punctuation, kept for the last mapping seen (the library's titles are
    one mapping, read for every question)."""
    if _FOLDED and _FOLDED[0][0] is titles:
        return _FOLDED[0][1]
    folded = {doc_id: _cjk(t) for doc_id, t in titles.items()}
    _FOLDED[:] = [(titles, folded)]
    return folded


def named_by_short_title(question: str, titles: Mapping[str, str]) -> Named | None:
    """The documents whose title the question abbreviates; None when none stands out."""
    folded = _folded(titles)
    best: dict[str, tuple[int, str]] = {}
    for m in KIND_RE.finditer(question):
        end = m.end()
        for doc_id, title in folded.items():
            start = _longest_piece(question, end, title)
            piece = question[start:end]
            body = piece[: len(piece) - len(m.group(0))]
            # "省政府的实施意见" names an issuer and a kind, not a title
            informative = sum(1 for ch in ISSUER_WORDS.sub("", body) if ch not in FILLER)
            if informative >= MIN_INFORMATIVE and informative > best.get(doc_id, (0, ""))[0]:
                best[doc_id] = (informative, piece)
    if not best:
        return None
    top = max(score for score, _ in best.values())
    chosen = [d for d, (score, _) in best.items() if score == top]
    # Of titles that fit alike, those that print more of the piece as it is written
    # ("碳达峰行动方案" is printed in 2030年前碳达峰行动方案, not in …碳达峰碳中和联合行动方案)
    gaps = {d: _gaps(best[d][1], folded[d]) for d in chosen}
    fewest = min(gaps.values())
    chosen = [d for d in chosen if gaps[d] == fewest]
    if len(chosen) > MAX_NAMED:
        return None
    return Named(tuple(chosen), max((best[d][1] for d in chosen), key=len))


def _gaps(piece: str, title: str) -> int:
    """How many times the piece, read as a subsequence of the title from its end, jumps over
    characters the question did not say."""
    folded = _cjk(piece)
    j = len(title) - 1
    gaps = 0
    previous = -1
    for ch in reversed(folded):
        k = j
        while k >= 0 and title[k] != ch:
            k -= 1
        if k < 0:
            continue  # a particle the title does not print
        if previous >= 0 and k != previous - 1:
            gaps += 1
        previous, j = k, k - 1
    return gaps


# a title that publishes the document it quotes ("关于印发《…》的通知", "省政府出台《…》")
_PUBLISHES = re.compile(r"(印发|转发|发布|颁布|出台)$")
_OWN_KIND = re.compile(r"》的?(实施意见|实施方案|行动方案|工作方案|行动计划|意见|方案|计划)$")
_KIND_END = re.compile(r"的?(实施意见|实施方案|意见|方案|计划|通知)$")
_WRAPPER = re.compile(r"^.*?关于印发|的通知$|^关于|^印发")
_STOCK = re.compile(
    r"完整准确全面贯彻新发展理念|贯彻落实|认真|做好|加快|推动|推进|深入|进一步|关于|以实现|为引领"
    r"|高质量发展|转变发展方式"
)
_ISSUER = re.compile(
    r"^(?:中共)?[\u4e00-\u9fff]{2,8}?(?:省委|市委|区委|人民政府办公厅|人民政府|省政府|市政府|政府办公厅|办公厅)+\s*"
    # "四川省住房城乡建设厅等17部门关于…": the departments that issue it jointly
    r"|^[\u4e00-\u9fff]{2,16}?(?:厅|局|委|部)等\d+个?部门"
)


def leading_issuer(issuers: tuple[str, ...]) -> str:
    """What stands for the place in a short title when the title block names none: the first
    issuer (中共中央 → 中央, 中共某省委 → 某省, 国务院, 交通运输部), not a bare 省人民政府."""
    first = issuers[0] if issuers else ""
    if first.startswith("中共"):
        first = re.sub(r"(?<=[省市县区])(?:委员会|委)$", "", first.removeprefix("中共"))
    return "" if first[:1] in "省市区县" else first


def short_title(title: str, place: str = "") -> str:
    """A name a user would say for a document ("江苏省·十四五节能减排综合实施方案" → "江苏十四五节能减排
    综合实施方案"): the title inside 《》 or without 关于印发…的通知, issuers and stock phrases
    dropped, the place in front."""
    inner = re.search(r"《(.+?)》", title)
    core = inner.group(1) if inner else title
    kind = _OWN_KIND.search(title)
    if inner and inner.start() > 0 and not _PUBLISHES.search(title[: inner.start()]) and kind:
        # "…贯彻落实《中共中央国务院关于…的意见》的实施意见": the cited document gives the
        # subject, this title its kind; the cited document's name is not this one's
        cited = core[core.rfind("关于") + 2 :] if "关于" in core else core
        core = _KIND_END.sub("", cited) + kind.group(1)
    core = _WRAPPER.sub("", core.strip())
    core = _ISSUER.sub("", core)
    core = _STOCK.sub("", core)
    core = re.sub(r"[“”\"'《》\s]", "", core).strip("的")
    core = re.sub(r"[（(][^（）()]*\d{4}[^（）()]*[）)]$", "", core)  # "（2021-2023年）"
    if place and not core.startswith(place):
        core = place + core
    return core
