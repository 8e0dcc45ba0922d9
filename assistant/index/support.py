"""How well a provision or a sentence supports a question's terms: idf-weighted overlap of jieba tokens."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from assistant.index.corpus import CorpusView, sentences
from ingest.model import Provision
from ingest.segment import tokenize


@dataclass(frozen=True, slots=True)
class Support:
    provision: Provision
    score: float  # share of the question's weight found in the provision, 0..1
    sentences: tuple[str, ...]  # best sentences, verbatim, best first


@lru_cache(maxsize=50_000)
def token_set(text: str) -> frozenset[str]:
    """Tokens of a sentence or paragraph; provisions are few and questions repeat them, so cached."""
    return frozenset(tokenize(text))


def support_score(corpus: CorpusView, provision: Provision, terms: list[str]) -> float:
    """Share of the question's weight found in the provision (its stored tokens: no segmenting)."""
    if not terms:
        return 0.0
    have = corpus.tokens.get((provision.doc_id, provision.key), frozenset())
    total = corpus.weight(terms)
    return corpus.weight(t for t in terms if t in have) / total if total else 0.0


def support(
    corpus: CorpusView, provision: Provision, terms: list[str], max_sentences: int
) -> Support:
    if not terms:
        return Support(provision, 0.0, ())
    score = support_score(corpus, provision, terms)
    ranked: list[tuple[float, float, int, str]] = []
    i = 0
    for paragraph in provision.text.split("\n"):
        # Paragraphs first, then sentences: "到2025年，…。单位地区生产总值能耗…完成省下达目标任务" answers a
        # question about 2025 although the year sits in the sentence before.
        ptoks = token_set(paragraph)
        pw = corpus.weight(t for t in terms if t in ptoks)
        for sentence in sentences(paragraph):
            toks = token_set(sentence)
            w = corpus.weight(t for t in terms if t in toks)
            if w > 0:
                ranked.append((-pw, -w, i, sentence))
            i += 1
    ranked.sort()
    return Support(provision, score, tuple(s for *_, s in ranked[:max_sentences]))
