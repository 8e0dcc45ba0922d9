"""The words a question is about: jieba tokens less the words that only say what kind of question it is,
and less the words that only named the documents."""

from __future__ import annotations

import re
from collections.abc import Container, Sequence
from functools import lru_cache
from typing import Protocol, runtime_checkable

import jieba.posseg

from assistant.understand.intent import PLACES, Query
from assistant.understand.synonyms import colloquial_words, expand
from ingest.segment import tokenize, tokenizer

QUOTED_RE = re.compile(r"[“\"「]([^”\"」]{2,30})[”\"」]")
NUMBER_RE = re.compile(r"[0-9０-９]+(?:\.[0-9]+)?")
COUNTED = re.compile(r"^[一二三四五六七八九十两几\d]*[条项个点类种大块]{1,2}$|^大块$")

# Words that say what kind of question it is, not what it is about.
QUESTION_WORDS = frozenset(
    "哪个 哪些 哪家 哪里 哪儿 哪一条 哪条 什么 怎么 怎样 如何 是否 能否 能不能 可不可以 可以 行不行 行吗 "
    "吗 呢 吧 啊 呀 请问 请 我们 我 你 你们 他们 它 想 要 需要 有没有 有 没有 多少 几 部门 单位 牵头 "
    "负责 配合 谁 由 文件 规定 要求 提到 提及 说 讲 里 中 上 下 问题 一下 告诉 是 的 了 和 与 及 "
    "在 对 把 被 让 给 这个 那个 这 那 那么 还 都 也 就 又 再 啥 干 做 搞 咋 呗 厂 公司 企业 单位 "
    "条 项 条款 内容 相关 有关 方面 主要 具体 一共 总共 属于 情况 工作 任务 政策 意见 苏州 苏州市 市 "
    "不行 怎么样 怎么办 时候 上个 受到 会 得 咱们 咱 俺们 工厂 厂里 我们厂 我厂 本厂 打算 准备 现在 "
    "今后 以后 能够 应该 应当 必须 允许 用不用 要不要 有啥 什么样 哪方面 几个 哪几 几条 几项 几类 "
    "部分 一部 一部分 分成 分为 包括 包含 那一 板块 几大 下面 里面 其中 讲什么 是什么 哪几个 几个部分 "
    "时间 节点 时间节点 哪一年 哪年 分别 各是 这两个 两个 角色 优待 照顾 有没有 会不会 被 "
    "这条 该条 这一条 此条 本条 这项 这一项 这个 那个 这些 那些 上一条 下一条 归谁 归 "
    "这块 这事 这件事 涉及 部署 那条 那项 抓 管 活 活儿 这份 那份 哪份 该份 本文件 该文件 摊到 摊 那边 这边 "
    "跟着 一起 一块 这一块 还要 还有 东西 指 常说 给我 我列 列一下 "
    # the stance or wording asked for in everyday words ("…是什么态度？", "有没有说法？", "怎么表述")
    "态度 说法 看法 立场 口径 表态 是不是 表述 提法 哪项 哪一项 "
    # saying that a document says something ("提了哪几条", "写明由…牵头的有几处")
    "提了 提出了 写了 写明 写明了 讲了 说了 列了 几处 哪几处 多少处 层面 "
    # the words of the attribution itself ("由谁抓总？其他哪些方面按职责分工负责？")
    "其他 其余 职责 分工 分工负责 按职责 抓总 主责 "
    # the level whose body is asked for ("由自治区哪个厅牵头", "按市里的方案")
    "自治区 自治 省里 市里 区里 县里 本省 本市".split()
)
ASKING_RE = re.compile(
    r"由谁|是谁|归谁|谁来|谁|由哪个|由哪些|哪个|哪些|哪家|什么|怎么|如何|是否|能否|能不能|可不可以|多少"
    r"|要不要|会不会|是不是|用不用|有没有|让不让|还让不让"
)
LONG_NAMING_WORD = 4  # a naming word this long is cut from the text before segmenting
DEADLINE_WORDS = frozenset({"完成", "月底", "期限", "完成期限", "时限", "完成时限", "截止", "几月"})
ISSUED_BY_RE = re.compile(
    r"[\u4e00-\u9fff、]{2,30}?(?:办公室|委员会|人民政府|政府|办公厅|厅|局|部|委|办)"
    r"(?:等?[一二三四五六七八九十两0-9]+(?:家|个部门|部门))?(?:联合|共同)?"
    r"(?:发|印发|出台|制定|发布)的"
)
# jieba's part-of-speech classes that carry no topic: pronouns, conjunctions, prepositions,
# particles, modal particles, interjections, onomatopoeia, measure words
FUNCTION_TAGS = ("r", "c", "p", "u", "y", "e", "o", "q")
# Kept when matching a question to chapter and section titles ("主要任务分成哪几个方面？").
TITLE_WORDS = frozenset({"主要", "任务", "工作", "政策"})


def content_tokens(question: str, keep: frozenset[str] = frozenset()) -> list[str]:
    """The words a question is about: jieba search tokens less question words and single characters.

    jieba's search mode yields a compound and its parts ("燃煤锅炉", "燃煤", "锅炉"); a compound whose
    parts are all there is dropped, so a phrasing the documents do not use is not counted as missing.
    """
    # Question words cut apart first, so jieba does not glue them to a content word ("电动化由谁" →
    # "电动", "化由").
    question = ASKING_RE.sub("，", question)
    # A colloquial word gives way to the documents' words, unless it is one of them ("上市" →
    # "上市融资": 上市 stays).
    document_words = frozenset(tokenize(expand(question)))
    tokens = [
        t
        for t in dict.fromkeys(tokenize(question))
        if (t in keep or t not in QUESTION_WORDS)
        and len(t) > 1
        and (t not in colloquial_words() or t in document_words)
        and not COUNTED.match(t)
    ]
    kept = []
    for t in tokens:
        parts = [p for p in tokens if p != t and p in t]
        if parts and sum(len(p) for p in parts) >= len(t):
            continue
        kept.append(t)
    return kept


@runtime_checkable
class SpellsOut(Protocol):
    """A vocabulary that knows what word an abbreviation it does not hold stands for."""

    def spelled_out(self, term: str) -> str | None: ...


def in_vocabulary(term: str, vocabulary: Container[str]) -> str:
    """`term` as the documents' vocabulary has it: a word that jieba glued to one character of
    its neighbour, that no document holds ("岸电有" of "岸电有什么要求"), is the word without that
    character ("岸电"). Any other unknown word stays as it is (it weighs as a missing word: an
    unknown "个人所得税" must not become a known "个人")."""
    if isinstance(vocabulary, SpellsOut) and (spelled := vocabulary.spelled_out(term)):
        return spelled  # "国企" for 国有企业, which the documents print
    if term in vocabulary or len(term) < 3 or term[0].isdigit():
        return term  # a number is not the number with a digit less ("6000" is not "600")
    for piece in (term[:-1], term[1:]):
        if piece in vocabulary:
            return piece
    return term


@lru_cache(maxsize=1)
def _tagger() -> jieba.posseg.POSTokenizer:
    return jieba.posseg.POSTokenizer(tokenizer())


@lru_cache(maxsize=4096)
def function_words(text: str) -> frozenset[str]:
    """The words of a text that jieba tags as function words (这么, 接着, 有个) or as a count
    without a digit (一家, 一台): the asker's way of speaking, not what the question is about."""
    return frozenset(
        w.word
        for w in _tagger().cut(text)
        if w.flag.startswith(FUNCTION_TAGS)
        or (w.flag.startswith("m") and not any(ch.isdigit() for ch in w.word))
    )


def vocabulary_terms(text: str, vocabulary: Container[str] = frozenset()) -> list[str]:
    """`content_tokens` of a text, each in the documents' vocabulary when one is given. A
    function word that no document prints ("一家新能源企业", "这么做") is the asker's phrasing: it
    would weigh as the heaviest missing word and sink every provision below the support floor."""
    found = content_tokens(text)
    if vocabulary:
        spoken = function_words(text)
        found = [t for t in found if t in vocabulary or t not in spoken]
        found = list(dict.fromkeys(in_vocabulary(t, vocabulary) for t in found))
        # a number no document prints is the asker's own figure ("一年综合能耗6000吨"): the
        # provision states its threshold instead, so the number is no word it should hold
        found = [t for t in found if not (NUMBER_RE.fullmatch(t) and t not in vocabulary)]
    return found


def query_terms(query: Query, vocabulary: Container[str] = frozenset()) -> list[str]:
    """What a query asks about: its content words less the words that only named the documents,
    each in the documents' vocabulary when one is given (`in_vocabulary`). A long naming word is
    cut from the text before segmenting, so no token straddles it ("交通运输部等…" → no "部等")."""

    # the body that issued the document is who wrote it, not the topic ("…联席会议办公室发的那份方案")
    cut = ISSUED_BY_RE.sub("，", query.text)
    long_words = [w for w in query.scope_words if len(w) >= LONG_NAMING_WORD and w in cut]
    for word in long_words:
        cut = cut.replace(word, "，")
    # A term that holds a naming word, or sits inside a short title ("节能" in 江苏节能意见), named
    # the document; a short naming word that a long one held is already cut with it, and the same
    # word said again is the topic ("江西省碳达峰实施方案的组织实施": 实施).
    # A place said again is still the document's place, not a topic ("石家庄市委市政府的实施方案
    # 里，石家庄打算哪一年前实现碳达峰？").
    naming = [
        w for w in query.scope_words if w in PLACES or not any(w in long for long in long_words)
    ]
    asked = [
        t
        for t in vocabulary_terms(cut, vocabulary)
        if not any(w in t or (len(w) >= 4 and t in w) for w in naming)
        and not _straddles(t, cut, naming)
    ]
    if query.asks_deadline:
        # "…是哪个处室负责、几月底完成？": the words of the deadline asked, not of the task
        asked = [t for t in asked if t not in DEADLINE_WORDS]
    # "广东和苏州的绿色金融任务分别由谁牵头？": the title words are also the subject.
    return asked or vocabulary_terms(query.text, vocabulary)


def _spans(word: str, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.start() + len(word)) for m in re.finditer(re.escape(word), text)]


def _straddles(term: str, text: str, naming: Sequence[str]) -> bool:
    """Whether every place `text` prints `term` overlaps a naming word: a piece jieba cut across
    the name ("市政" of "石家庄市委市政府的…方案", where 市委 and 政府 named it), no topic."""
    places = _spans(term, text)
    named = [span for w in naming if len(w) >= 2 for span in _spans(w, text)]
    return bool(places) and all(any(a < e and s < b for s, e in named) for a, b in places)


def quoted_phrases(text: str, min_chars: int = 2) -> list[str]:
    """The phrases a question puts in quotes (“发展绿色产品”, 「持续推进」), at least `min_chars` long."""
    return [q for q in QUOTED_RE.findall(text) if len(q.strip()) >= min_chars]


def without_scope(query: Query) -> str:
    """The query's text less the words that named its documents ("青岛协同控制三年行动计划的实施保障有几条"
    → "的实施保障有几条"): what is left names a part of them."""
    text = query.text
    for word in sorted(query.scope_words, key=len, reverse=True):
        if len(word) >= 2:
            text = text.replace(word, " ")
    return text
