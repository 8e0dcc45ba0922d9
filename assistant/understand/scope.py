"""Which documents a question is about, from what it names: a place (江苏、广东), a document number
(苏委发〔2022〕7号) or words of a title (十四五节能意见)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from assistant.index.corpus import CorpusView
from assistant.understand.abbreviation import KIND_RE, named_by_short_title
from assistant.understand.intent import PLACES
from assistant.understand.synonyms import expand
from assistant.understand.terms import content_tokens, quoted_phrases
from ingest.model import Level

DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号")
GENERIC_TITLE_WORDS = frozenset({"实施", "意见", "方案", "通知", "关于", "工作", "计划", "行动"})


@dataclass(frozen=True, slots=True)
class Scope:
    doc_ids: tuple[str, ...] = ()  # () = every document
    words: tuple[str, ...] = ()  # the question's words that named the documents


SEVERAL_RE = re.compile(
    r"分别|各自|各(?:有|是|提|怎么|要求|规定|说|写)|都(?:怎么|有|提|出现|要求)"
    r"|对比|比较|区别|异同|有何不同|有什么不同"
)
CONJUNCTION_RE = re.compile(r"以及|和|与|及|、|，|,|；|;|：|:")
MAX_PER_PART = 3  # a part of the question that fits more documents names none of them
# A ministry or bureau printed whole names the documents it signed; a government or a party
# committee names its place, which places and levels handle.
GOVERNMENT_RE = re.compile(r"政府|党委|省委|市委|县委|区委|国务院|中共中央")


def document_scope(question: str, corpus: CorpusView) -> Scope:
    """The documents the question names; an empty scope when it names none."""
    several = _several_named(question, corpus)
    if several is not None:  # each part has named its own documents, by level and year too
        return several
    scope = _named_documents(question, corpus)
    doc_ids = _of_asked_year(question, scope.doc_ids, corpus)
    doc_ids = _of_level(question, _at_national_level(question, doc_ids, corpus), corpus)
    doc_ids = _printing_quoted(question, doc_ids, corpus)
    if len(doc_ids) > 1:
        # "四川省级层面的这份意见": of several, those of the kind said, then the level's own
        doc_ids = tuple(_of_kind(question, list(doc_ids), corpus)) or doc_ids
        doc_ids = _of_level_phrase(question, doc_ids, corpus)
    if not doc_ids:
        return scope
    # "国家的双碳意见", "中央那份意见", "湖南省级层面的…": the level named the documents too
    level = [w for w in LEVEL_WORDS if w in question] if NATIONAL_RE.search(question) else []
    level += level_phrases(question)
    # a place that none of the named documents is of is what the question asks about ("四川的
    # 双碳实施意见对成都提了哪几项支持？"), not a word that named them
    words = [w for w in scope.words if not _foreign_to(w, doc_ids, corpus)]
    words += signer_words(question, doc_ids, corpus)
    return Scope(
        doc_ids,
        tuple(dict.fromkeys((*words, *level, *title_words(question, doc_ids, corpus)))),
    )


def signer_words(question: str, doc_ids: Sequence[str], corpus: CorpusView) -> list[str]:
    """The question's words that every named document's issuers print, said as its name
    ("石家庄市委市政府的双碳实施方案": 市委 and 政府 of 中共石家庄市委、石家庄市人民政府): who
    signed it, not what is asked."""
    signers = [
        "".join(corpus.document_by_id[d].issuers) for d in doc_ids if d in corpus.document_by_id
    ]
    if not signers:
        return []
    return [
        t for t in content_tokens(question) if all(t in s for s in signers) and _naming(question, t)
    ]


def _foreign_to(word: str, doc_ids: Sequence[str], corpus: CorpusView) -> bool:
    """Whether `word` is a place that no document of `doc_ids` is of."""
    return word in (*PLACES, *LOCAL_PLACES) and not any(
        word in corpus.scope_text(d) for d in doc_ids
    )


def _several_named(question: str, corpus: CorpusView) -> Scope | None:
    """ "苏州实施意见和江苏省委省政府实施意见…分别…": each part of the question between
    conjunctions names its own document; None unless two parts or more name documents."""
    if not SEVERAL_RE.search(question) or len(corpus.documents) < 2:
        return None
    named: list[str] = []
    words: list[str] = []
    parts = 0
    for part in CONJUNCTION_RE.split(question):
        if len(part) < 2 or not _names_a_document(part):  # "苏州和江苏省的…"
            continue
        found = _named_documents(part, corpus)
        doc_ids = _of_level(part, _of_asked_year(part, found.doc_ids, corpus), corpus)
        if doc_ids and len(doc_ids) <= MAX_PER_PART:
            parts += 1
            named.extend(doc_ids)
            words.extend(w for w in found.words if _naming(part, w))
    if parts < 2 or len(set(named)) < 2:
        return None
    return Scope(tuple(dict.fromkeys(named)), tuple(dict.fromkeys(words)))


def _names_a_document(part: str) -> bool:
    """A part of a question that says a kind of document, a place or a number ("山东行动计划"), not
    a topic ("公共机构节能")."""
    return bool(
        KIND_RE.search(part)
        or DOC_NUMBER_RE.search(part)
        or any(p in part for p in (*PLACES, *LOCAL_PLACES))
    )


def chosen_scope(question: str, doc_ids: tuple[str, ...], corpus: CorpusView) -> Scope:
    """The scope of a question asked with its documents chosen (the app's document list, `--doc`):
    those documents, and the question's words that name them anyway ("江苏生态环境厅22年计划里…")."""
    named = document_scope(question, corpus)
    words = named.words if set(named.doc_ids) & set(doc_ids) else ()
    # a place the chosen documents are of names them, whichever document it would pick alone
    places = [
        p
        for p in (*PLACES, *LOCAL_PLACES)
        if p in question and any(p in corpus.scope_text(d) for d in doc_ids)
    ]
    level = level_phrases(question)
    return Scope(
        doc_ids,
        tuple(dict.fromkeys((*words, *places, *level, *title_words(question, doc_ids, corpus)))),
    )


def title_words(question: str, doc_ids: Sequence[str], corpus: CorpusView) -> list[str]:
    """The question's words that every named document's title holds: they named the documents
    ("省生态环境厅2022年…工作计划") and tell none of their provisions apart."""
    titles = [corpus.doc_title(d) for d in doc_ids]
    asked = content_tokens(f"{question} {expand(question)}")  # "双碳" → 碳达峰 碳中和
    # a title word said apart from the name is the topic ("按中共中央国务院《意见》，…贯彻落实情况…")
    return [t for t in asked if all(t in title for title in titles) and _naming(question, t)]


YEAR_RE = re.compile(r"(?<![0-9])(20\d{2}|\d{2})(?=\s*年)")


NATIONAL_RE = re.compile(
    r"国务院(?!国资委|各部|有关部门|办公厅)|中央(?!企业)|全国性|国家(?=级|层面)"
    r"|国家(?!发展|发改|能源|统计|市场|税务|林|铁路|邮政|机关|金融|外汇|知识|标准|认证|乡村|医保|卫生"
    r"|粮食|数据|药品|烟草|广播|新闻|国防|航天|海洋|气象|矿山|文物|体育|移民|开发)"
    r"(?=[“”\"\u4e00-\u9fff]{0,12}?(?:方案|意见|计划|规划|文件|政策))"
)
CENTRAL_ISSUERS = frozenset({"中共中央", "国务院", "中共中央办公厅", "国务院办公厅"})


def _of_level(question: str, doc_ids: tuple[str, ...], corpus: CorpusView) -> tuple[str, ...]:
    """Of several documents, the national ones when the question says 国务院 / 国家… / 中央."""
    if len(doc_ids) < 2 or not NATIONAL_RE.search(question):
        return doc_ids
    national = tuple(d for d in doc_ids if corpus.document_by_id[d].level is Level.NATIONAL)
    # "国家的双碳意见": the state's own (中共中央, 国务院) before a ministry's that implements it
    central = tuple(d for d in national if set(corpus.document_by_id[d].issuers) & CENTRAL_ISSUERS)
    ministry = re.search(r"[部委局署](?!门)", question) is not None  # 部门 is no ministry
    return (central if central and not ministry else national) or doc_ids


PLACE_IN_TITLE_RE = re.compile(r"([\u4e00-\u9fff]{2})(?=省|市)")  # 东岭市 → 东岭
CENTRAL_SAID_RE = re.compile(r"中共中央|中央(?!企业)|国务院(?!国资委|各部|有关部门|办公厅)")


def _at_national_level(
    question: str, doc_ids: tuple[str, ...], corpus: CorpusView
) -> tuple[str, ...]:
    """ "中央双碳意见", "国家双碳意见", "按中共中央国务院《意见》": the state's documents of the kind said,
    when the words of the question picked none of them (a title that shares "十四五" or "碳中和"
    is not the state's) or, the central issuers said, none that they issued."""
    if not NATIONAL_RE.search(question) or not KIND_RE.search(question):
        return doc_ids
    documents = [corpus.document_by_id[d] for d in doc_ids]
    places = [*PLACES, *LOCAL_PLACES]
    places += [m.group(1) for d in doc_ids for m in PLACE_IN_TITLE_RE.finditer(corpus.doc_title(d))]
    if any(p in question for p in places):
        # "湖南的意见是根据哪份中央文件…": the place's; the state's is another subject
        return doc_ids
    national = [d for d in corpus.documents if d.level is Level.NATIONAL]
    if CENTRAL_SAID_RE.search(question):
        if any(set(d.issuers) & CENTRAL_ISSUERS for d in documents):
            return doc_ids
        national = [d for d in national if set(d.issuers) & CENTRAL_ISSUERS] or national
    elif any(d.level in (Level.NATIONAL, Level.UNKNOWN) for d in documents):
        return doc_ids  # a document of no known level may be the state's
    of_kind = _of_kind(question, [d.doc_id for d in national], corpus)
    if not of_kind:
        return doc_ids
    asked = content_tokens(f"{question} {expand(question)}")
    best, _ = _best_titles(of_kind, [t for t in asked if t not in LEVEL_WORDS], corpus)
    return tuple(best or of_kind)


def _printing_quoted(
    question: str, doc_ids: tuple[str, ...], corpus: CorpusView
) -> tuple[str, ...]:
    """A phrase the question quotes (“强化责任落实”) is printed in the document it is about: when
    none of the named documents prints it, the few documents that do."""
    phrases = quoted_phrases(question, 4)
    if not doc_ids or not phrases:
        return doc_ids
    phrase = phrases[0]

    def prints(d: str) -> bool:
        return any(phrase in p.text or phrase in p.title for p in corpus.in_scope([d]))

    printing = tuple(d for d in doc_ids if prints(d))
    if printing:
        return printing
    others = tuple(d.doc_id for d in corpus.documents if prints(d.doc_id))
    return others if 0 < len(others) <= 3 else doc_ids


def _of_asked_year(question: str, doc_ids: tuple[str, ...], corpus: CorpusView) -> tuple[str, ...]:
    """Of several documents named alike, those whose title has the year the question names
    ("生态环境厅2022年工作计划", "22年计划") when the others' titles give another year."""
    if len(doc_ids) < 2:
        return doc_ids
    asked = {y if len(y) == 4 else f"20{y}" for y in YEAR_RE.findall(question)}
    titled = {d: set(re.findall(r"20\d{2}", corpus.doc_title(d))) for d in doc_ids}
    if not asked or not all(titled.values()):
        return doc_ids
    of_year = tuple(d for d in doc_ids if titled[d] & asked)
    return of_year or doc_ids


def _named_documents(question: str, corpus: CorpusView) -> Scope:
    if len(corpus.documents) < 2:
        return Scope()
    number = DOC_NUMBER_RE.search(question)
    if number:
        named = [d.doc_id for d in corpus.documents if d.doc_number == number.group(0)]
        if named:
            return Scope(tuple(named), (number.group(0),))
    places = [p for p in (*PLACES, *LOCAL_PLACES) if p in question]
    signed = [] if places else _signed_by(question, corpus)
    by_short_title = _short_title_scope(question, places, signed, corpus)
    if by_short_title is not None:
        return by_short_title
    # "双碳意见" names the 碳达峰碳中和 documents
    asked = content_tokens(f"{question} {expand(question)}")
    terms = [
        t for t in dict.fromkeys(asked) if not any(p in t for p in places) and t not in LEVEL_WORDS
    ]
    chosen: list[str] = []
    words: list[str] = list(places)
    for place in places:
        of_place = [d.doc_id for d in corpus.documents if place in corpus.scope_text(d.doc_id)]
        # "四川省级层面的这份意见": the province's own, whatever title words the topic shares
        of_place = list(_of_level_phrase(question, tuple(of_place), corpus))
        # a title block that names the place counts it ("江苏双碳实施意见": the province's own
        # opinion, not Suzhou's that mentions 江苏 in its preamble)
        named = [*terms, place]
        best, common = _best_titles(of_place, named, corpus)
        if best and not _of_kind(question, best, corpus):
            # "江西省政府的碳达峰方案": of the place's documents, those of the kind it says
            best, common = _best_titles(_of_kind(question, of_place, corpus), named, corpus)
        chosen.extend(best or of_place)
        # a document named by its kind ("上饶那份循环经济实施方案"): a title word said apart from
        # that name is the topic ("绿色金融那条"); without a kind, the title words name it
        said_kind = bool(KIND_RE.search(question))
        titles = [corpus.doc_title(d) for d in (best or of_place)]
        words.extend(
            w
            for w in common
            if not said_kind or _naming(question, w) or _restates_title(question, w, titles)
        )
    if signed:
        # "交通运输部的双碳实施意见": an issuer printed whole names the documents it issued
        best, common = _best_titles(signed, terms, corpus)
        chosen = best or signed
        words.extend(i for d in chosen for i in corpus.document_by_id[d].issuers if i in question)
        words.extend(w for w in common if _naming(question, w))
    elif not places:
        # A question that names a kind of document ("…方案的…") is about documents of that kind.
        kinds = set(KIND_RE.findall(question))
        pool = [d.doc_id for d in corpus.documents]
        # Words of a provision's title that the question prints whole ("建立健全城乡空间低碳格局
        # 由谁牵头？") name that provision, not the document whose title shares them.
        printed = "".join(p.title for p in corpus.titled_in(question))
        terms = [t for t in terms if t not in printed]
        of_kind = [d for d in pool if kinds and any(k in corpus.doc_title(d) for k in kinds)]
        if of_kind:
            chosen, common = _best_titles(of_kind, terms, corpus, strict=True)
            words.extend(w for w in common if _naming(question, w))  # not a topic said apart
        # Without a place, a number or a kind of document ("…方案里"), words that a title shares
        # are the question's topic ("绿色低碳技术攻关"): in a library they name no document.
    if places:
        # "苏州和江苏的实施意见…": once a place names the documents, so do the generic title words.
        words.extend(w for w in GENERIC_TITLE_WORDS if w in question)
    return Scope(tuple(dict.fromkeys(chosen)), tuple(dict.fromkeys(words)))


def _short_title_scope(
    question: str, places: Sequence[str], signed: Sequence[str], corpus: CorpusView
) -> Scope | None:
    """ "江苏节能意见", "成渝联合行动方案": the documents a short title names (a place narrows
    them); None when the question abbreviates no title."""
    short = named_by_short_title(question, corpus.full_names)
    if short is None or _overruled(short.doc_ids, places, signed, corpus):
        return None
    if not places and _part_of_a_title(short.piece, question, corpus):
        # "科技支撑碳达峰碳中和实施方案由谁负责？": the question prints a provision's title (a
        # sub-plan of an annex) that holds the piece; it names that provision, not a document
        return None
    of_places = [d for d in short.doc_ids if any(p in corpus.scope_text(d) for p in places)]
    named = of_places or list(short.doc_ids)
    if len(named) > 1:
        # "国务院碳达峰方案": of the documents the short title fits, those whose title block
        # shares the most other words with the question (the issuer, a year, a topic)
        rest = [t for t in content_tokens(question) if t not in short.piece]
        best, common = _best_titles(named, rest, corpus)
        if best:
            return Scope(tuple(best), (short.piece, *places, *common))
    return Scope(tuple(named), (short.piece, *places))


def _part_of_a_title(piece: str, question: str, corpus: CorpusView) -> bool:
    """Whether a provision title that the question prints whole is longer than the piece and
    holds it."""
    return any(piece in p.title and len(p.title) > len(piece) for p in corpus.titled_in(question))


def _overruled(
    by_short_title: Sequence[str], places: Sequence[str], signed: Sequence[str], corpus: CorpusView
) -> bool:
    """A short title's documents give way to a place they are not of ("按江西碳达峰方案，各设区市
    的碳达峰行动方案…") and to an issuer printed whole that signed none of them ("交通运输部四部门的
    实施意见")."""
    if places:
        return not any(p in corpus.scope_text(d) for d in by_short_title for p in places)
    return bool(signed) and not set(by_short_title) & set(signed)


def _signed_by(question: str, corpus: CorpusView) -> list[str]:
    """Documents an issuer of which the question prints whole: a ministry ("交通运输部"), a
    bureau; not a government or a party committee (`GOVERNMENT_RE`), and not a body said as the
    one asked about ("十四五节能减排综合工作方案里，生态环境部牵头哪些工作？")."""
    return [
        d.doc_id
        for d in corpus.documents
        if any(
            len(name) >= 3 and _signs(question, name) and not GOVERNMENT_RE.search(name)
            for name in d.issuers
        )
    ]


# what follows a body that the question asks about, not one that issued the document
ASKED_ROLE_RE = re.compile(
    r"(?:要|还|都|也|又)?(?:牵头|负责|配合|参与|承担|是不是|是否|是牵头|有哪些|在哪些|作为|为牵头)"
)


def _signs(question: str, name: str) -> bool:
    """Whether `name` is printed in the question other than as the body asked about."""
    start = question.find(name)
    while start >= 0:
        if not ASKED_ROLE_RE.match(question, start + len(name)):
            return True
        start = question.find(name, start + 1)
    return False


NAMING_WINDOW = 12  # characters before a kind of document (意见, 方案…) that name the document


def _naming(question: str, word: str) -> bool:
    """Whether a word the question shares with a document's title block names the document: it
    stands just before the kind of document ("江苏省委省政府那份双碳意见"), or the question says it
    by another name (双碳 → 碳达峰); not a topic said apart from the name ("江苏的碳达峰政策体系在
    省委省政府实施意见里…": 碳达峰 is asked about)."""
    if word not in question or is_naming_word(word):
        return True
    kinds = [m.start() for m in KIND_RE.finditer(question)]
    for m in re.finditer(re.escape(word), question):
        if any(0 <= k - m.end() <= NAMING_WINDOW for k in kinds):
            return True
    return False


# characters of a title said again whole ("…部署建立健全绿色低碳循环发展经济体系")
RESTATED_TITLE = 8


def _restates_title(question: str, word: str, titles: Sequence[str]) -> bool:
    """Whether the word sits in a long run of the question that a title prints: the question says
    the title again, it does not ask about one of its words."""
    for m in re.finditer(re.escape(word), question):
        for title in titles:
            start, end = m.start(), m.end()
            while start > 0 and question[start - 1 : end] in title:
                start -= 1
            while end < len(question) and question[start : end + 1] in title:
                end += 1
            if end - start >= RESTATED_TITLE and question[start:end] in title:
                return True
    return False


def _of_kind(question: str, doc_ids: list[str], corpus: CorpusView) -> list[str]:
    """The documents of the kind the question says (方案, 意见…); all of them when it says none."""
    kinds = set(KIND_RE.findall(question))
    if not kinds:
        return doc_ids
    return [d for d in doc_ids if any(k in corpus.doc_title(d) for k in kinds)]


# words that say a document's level, which `_of_level` reads, not words of its title
LEVEL_WORDS = frozenset({"国家", "中央", "全国", "国家级"})
# "省级层面的", "市级的这份", "国家层面": the level of government a document is of, said to name it
LEVEL_PHRASE_RE = re.compile(
    r"(?:国家|中央|省|市|县|区)级?层面|(?:省|市|县|区)级(?=的|这|那|文件|意见|方案|计划|双碳)"
)


def _of_level_phrase(
    question: str, doc_ids: tuple[str, ...], corpus: CorpusView
) -> tuple[str, ...]:
    """ "省级层面的意见", "市级的方案": the documents that the party committee or the government of
    that level issued, before those of its departments or of a joint office; all of them when none
    is."""
    levels = {m.group(0)[0] for m in LEVEL_PHRASE_RE.finditer(question)} - {"国", "中"}
    own = [
        d
        for d in doc_ids
        if any(
            (m := ISSUER_LEVEL_RE.search(name)) and m.group(1) in levels
            for name in corpus.document_by_id[d].issuers
        )
    ]
    # "江苏省级层面的节能意见": the words just before the kind name it too; the level's own
    # documents count only if their titles print them
    before = "".join(
        question[max(0, m.start() - NAMING_WINDOW) : m.start()] for m in KIND_RE.finditer(question)
    )
    said = level_phrases(question)
    named = [
        t
        for t in content_tokens(before)
        if not any(p in t for p in (*PLACES, *LOCAL_PLACES))
        and t not in GENERIC_TITLE_WORDS
        and not any(t in phrase for phrase in said)  # 省级, 层面 of "省级层面"
    ]
    own = [d for d in own if all(_in_title(t, corpus.title_blocks[d]) for t in named)]
    return tuple(own) or doc_ids


def _in_title(word: str, block: str) -> bool:
    """A word printed in a title block, or said by another name (双碳 → 碳达峰 碳中和)."""
    words = expand(word).split()
    return word in block or (bool(words) and all(w in block for w in words))


def level_phrases(question: str) -> list[str]:
    """The phrases of `question` that say which level of government its documents are of."""
    return list(dict.fromkeys(m.group(0) for m in LEVEL_PHRASE_RE.finditer(question)))


# "中共江西省委" → 省委, "江西省人民政府" → 省政府: what a question calls a document's issuers
ISSUER_LEVEL_RE = re.compile(r"(省|市|区|县|州|盟)(委|人民政府)$")


def issuer_words(issuers: Sequence[str]) -> frozenset[str]:
    """The names a question gives a document's issuers: each printed whole, and a party committee
    or a government by its level ("江苏省委省政府那份意见")."""
    words: set[str] = set(issuers)
    for name in issuers:
        m = ISSUER_LEVEL_RE.search(name)
        if m:
            words.add(m.group(1) + ("委" if m.group(2) == "委" else "政府"))
        if name.endswith("政府"):
            words.add("政府")
    return frozenset(words)


def _best_titles(
    doc_ids: Sequence[str], terms: list[str], corpus: CorpusView, *, strict: bool = False
) -> tuple[list[str], list[str]]:
    """The documents whose title block shares the most (idf-weighted) specific words with the
    question — with `strict`, at least two words, so a question without a place names a title
    clearly — and those shared words."""
    scores: dict[str, tuple[float, list[str]]] = {}
    for doc_id in doc_ids:
        document = corpus.document_by_id[doc_id]
        words = _block_words(corpus.title_blocks[doc_id]) | issuer_words(document.issuers)
        common = [t for t in terms if t in words]
        specific = [t for t in common if t not in GENERIC_TITLE_WORDS]
        if specific and (not strict or (len(common) >= 2 and len(specific) >= 2)):
            scores[doc_id] = (corpus.weight(specific), common)
    if not scores:
        return [], []
    best = max(w for w, _ in scores.values())
    chosen = [d for d, (w, _) in scores.items() if w >= best - 1e-9]
    return chosen, sorted({t for d in chosen for t in scores[d][1]})


@lru_cache(maxsize=8192)
def _block_words(block: str) -> frozenset[str]:
    """Content words of a title block; cached by its text, so each document's block is tokenised once."""
    return frozenset(content_tokens(block))


# Cities and districts of the seed and the municipal documents, beside the provinces in PLACES.
LOCAL_PLACES = ("苏州", "成渝", "石家庄")


def document_place(text: str) -> str:
    """The place a document's title block names first (江苏, 苏州, 成渝), "" for none."""
    found = [(text.find(p), p) for p in (*PLACES, *LOCAL_PLACES) if p in text]
    return min(found)[1] if found else ""


def is_naming_word(word: str) -> bool:
    """A word that only names documents (a place, a document number, 实施/意见/方案…, a short
    title such as 江苏节能意见), never a topic."""
    return (
        word in GENERIC_TITLE_WORDS
        or word in PLACES
        or word in LOCAL_PLACES
        or "〔" in word
        or (len(word) >= 4 and bool(KIND_RE.search(word[-2:])))
    )
