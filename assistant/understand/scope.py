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
from assistant.understand.terms import content_tokens

DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,8}〔\d{4}〕\d+号")
GENERIC_TITLE_WORDS = frozenset({"实施", "意见", "方案", "通知", "关于", "工作", "计划", "行动"})


@dataclass(frozen=True, slots=True)
class Scope:
    doc_ids: tuple[str, ...] = ()  # () = every document
    words: tuple[str, ...] = ()  # the question's words that named the documents


def document_scope(question: str, corpus: CorpusView) -> Scope:
    """The documents the question names; an empty scope when it names none."""
    if len(corpus.documents) < 2:
        return Scope()
    number = DOC_NUMBER_RE.search(question)
    if number:
        named = [d.doc_id for d in corpus.documents if d.doc_number == number.group(0)]
        if named:
            return Scope(tuple(named), (number.group(0),))
    places = [p for p in (*PLACES, *LOCAL_PLACES) if p in question]
    short = named_by_short_title(question, corpus.title_blocks)
    if short is not None:
        # "江苏节能意见", "成渝联合行动方案": a short title names the document; a place narrows it.
        of_places = [d for d in short.doc_ids if any(p in corpus.scope_text(d) for p in places)]
        return Scope(tuple(of_places or short.doc_ids), (short.piece, *places))
    terms = [t for t in content_tokens(question) if not any(p in t for p in places)]
    chosen: list[str] = []
    words: list[str] = list(places)
    for place in places:
        of_place = [d.doc_id for d in corpus.documents if place in corpus.scope_text(d.doc_id)]
        best, common = _best_titles(of_place, terms, corpus)
        chosen.extend(best or of_place)
        words.extend(common)
    if not places:
        chosen, common = _best_titles(
            [d.doc_id for d in corpus.documents], terms, corpus, strict=True
        )
        words.extend(common)
    if places:
        # "苏州和江苏的实施意见…": once a place names the documents, so do the generic title words.
        words.extend(w for w in GENERIC_TITLE_WORDS if w in question)
    return Scope(tuple(dict.fromkeys(chosen)), tuple(dict.fromkeys(words)))


def _best_titles(
    doc_ids: Sequence[str], terms: list[str], corpus: CorpusView, *, strict: bool = False
) -> tuple[list[str], list[str]]:
    """The documents whose title block shares the most (idf-weighted) specific words with the
    question — with `strict`, at least two words, so a question without a place names a title
    clearly — and those shared words."""
    scores: dict[str, tuple[float, list[str]]] = {}
    for doc_id in doc_ids:
        words = _block_words(corpus.title_blocks[doc_id])
        common = [t for t in terms if t in words]
        specific = [t for t in common if t not in GENERIC_TITLE_WORDS]
        if specific and (not strict or len(common) >= 2):
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
