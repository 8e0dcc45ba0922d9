"""Which enumerated structure a list question asks for, so the answer lists every item of it.

Three signals, each read off the document's structure:
- a chapter or section whose title explains most of the question ("城乡建设低碳转型包括哪几条任务？");
- a phrase of the question printed in a part's opening lines, when the part has numbered children
  ("碳达峰十大行动" is introduced in 重点任务's first paragraph: its ten sections are the actions);
- the noun the question counts ("哪几大工程", "哪几项机制") ending the titles of several siblings:
  those siblings are the list, whatever their parent is called.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.index.corpus import CorpusView
from assistant.understand.numerals import part_numbers
from assistant.understand.terms import TITLE_WORDS, content_tokens, quoted_phrases
from ingest.model import Provision, ProvisionKind

PART_KINDS = (ProvisionKind.CHAPTER, ProvisionKind.SECTION, ProvisionKind.ITEM)
COUNTED_NOUN = re.compile(
    r"(?:哪几大|哪几个|哪几项|哪几条|哪几种|哪几类|哪些|几大|几项|几个|几类|几种"
    r"|[一二三四五六七八九十两]{1,3}大)"  # "碳达峰十大行动"
    r"([\u4e00-\u9fff]{1,3}?)(?:[？?，,。”\"」]|具体|分别|有哪些|是什么|都|$)"
)
MIN_PHRASE = 4
MIN_PRINTED_TITLE = 4  # a part title this long, printed whole in a question, names the part


def named_part(corpus: CorpusView, question: str, doc_ids: Sequence[str]) -> Provision | None:
    """The chapter or section whose title the question prints whole ("…提出了哪几条工作原则？"),
    the longest; else the one whose title explains most of the question (≥ 60% of its weight).
    A phrase the question quotes names the part whose title holds it (“健全地方法规标准和统计监测
    体系” of "…体系，坚持分类指导和有序推进"), not a shorter title printed inside the quote."""
    parts = [
        p
        for p in corpus.in_scope(doc_ids)
        if p.kind in (ProvisionKind.CHAPTER, ProvisionKind.SECTION)
    ]
    for phrase in quoted_phrases(question, MIN_PRINTED_TITLE):
        holding = [p for p in parts if phrase in p.title]
        if holding:
            return min(holding, key=lambda p: len(p.title))
    printed = [p for p in parts if len(p.title) >= MIN_PRINTED_TITLE and p.title in question]
    if printed:
        return max(printed, key=lambda p: len(p.title))
    terms = content_tokens(question, keep=TITLE_WORDS)
    asked_weight = corpus.weight(terms)
    best: tuple[float, Provision] | None = None
    for p in corpus.in_scope(doc_ids):
        if p.kind not in (ProvisionKind.CHAPTER, ProvisionKind.SECTION):
            continue
        title_terms = content_tokens(p.title, keep=TITLE_WORDS)
        if not title_terms or not asked_weight:
            continue
        common = [x for x in title_terms if x in terms]
        asked = corpus.weight(common) / asked_weight
        share = corpus.weight(common) / corpus.weight(title_terms)
        score = asked + 0.1 * share
        # Words like 主要/任务 alone name no part ("一共有多少条任务？"), unless the title is mostly them.
        generic = all(x in TITLE_WORDS for x in common)
        # ("实施路径和主要任务" is named by the phrase "主要任务", "重点任务" is not by "任务" alone)
        enough = (len(common) >= 2 and "".join(common) in p.title) if generic else share >= 0.2
        if asked >= 0.6 and enough and (best is None or score > best[0]):
            best = (score, p)
    return best[1] if best else None


def numbered_part(corpus: CorpusView, question: str, doc_ids: Sequence[str]) -> Provision | None:
    """The top-level part a question names by its number ("第九部分讲的是啥？下面分哪几条？"), in
    the one document in scope."""
    numbers = part_numbers(question)
    if len(doc_ids) != 1 or not numbers:
        return None
    for p in corpus.in_scope(doc_ids):
        if p.key == str(numbers[0]) and p.kind in (ProvisionKind.CHAPTER, ProvisionKind.SECTION):
            return p
    return None


def introduced_part(corpus: CorpusView, question: str, doc_ids: Sequence[str]) -> Provision | None:
    """A part whose opening lines print the question's longest phrase and that has children."""
    phrase = corpus.longest_quoted(question, min_chars=MIN_PHRASE)
    if not phrase or len(content_tokens(phrase)) < 1:
        return None
    for p in corpus.in_scope(doc_ids):
        if p.kind not in PART_KINDS:
            continue
        opening = "\n".join(p.text.split("\n")[:2])
        if phrase in opening and len(corpus.children(p)) >= 2:
            return p
    return None


def counted_siblings(corpus: CorpusView, question: str, doc_ids: Sequence[str]) -> list[Provision]:
    """Siblings whose titles end with the noun the question counts ("哪几大工程" → …工程)."""
    m = COUNTED_NOUN.search(question)
    if not m or len(m.group(1)) < 2:
        return []
    noun = m.group(1)
    groups: dict[tuple[str, int], list[Provision]] = {}
    for p in corpus.in_scope(doc_ids):
        if p.kind not in PART_KINDS or not p.title.endswith(noun):
            continue
        parent = p.key.rsplit(".", 1)[0] if "." in p.key else ""
        groups.setdefault((f"{p.doc_id}#{parent}", p.key.count(".")), []).append(p)
    best = max(groups.values(), key=len, default=[])
    return best if len(best) >= 2 else []
