"""Metrics: pure functions over rankings, citations, departments, answer text and timings.

References are `<doc_id>#<key>`. A gold entry without `#` (a question with no document) matches
any reference whose key part is equal.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

Canon = Callable[[str], str]

_SPACE_RE = re.compile(r"\s+")
_SENTENCE_RE = re.compile(r"[^。！？；!?;\n]+")
_MARKUP_RE = re.compile(r"[*#>`|_\-]+|\[[^\]]*\]\([^)]*\)")


def is_gold(ref: str, gold: Collection[str]) -> bool:
    return ref in gold or ref.rpartition("#")[2] in {g for g in gold if "#" not in g}


def ranked_refs(cited: Iterable[str], retrieved: Iterable[str]) -> list[str]:
    """The system's ranking: cited references first, then retrieved ones, without repeats."""
    return list(dict.fromkeys([*cited, *retrieved]))


def hit_at(ranking: Sequence[str], gold: Collection[str], k: int) -> float:
    """1.0 when any gold reference is among the first k."""
    return float(any(is_gold(r, gold) for r in ranking[:k]))


def mrr(ranking: Sequence[str], gold: Collection[str]) -> float:
    """Reciprocal rank of the first gold reference (0.0 when none is ranked)."""
    for rank, ref in enumerate(ranking, start=1):
        if is_gold(ref, gold):
            return 1.0 / rank
    return 0.0


def ndcg_at(ranking: Sequence[str], gold: Collection[str], k: int = 10) -> float:
    """nDCG@k with binary relevance; the ideal ranking puts every gold reference first."""
    dcg = sum(
        1.0 / math.log2(rank + 1)
        for rank, ref in enumerate(ranking[:k], start=1)
        if is_gold(ref, gold)
    )
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(gold), k) + 1))
    return dcg / ideal if ideal else 0.0


def citation_precision(cited: Collection[str], gold: Collection[str]) -> float | None:
    """Share of cited references that are gold; None when nothing is cited."""
    cited = set(cited)
    return sum(is_gold(c, gold) for c in cited) / len(cited) if cited else None


def citation_recall(cited: Collection[str], gold: Collection[str]) -> float | None:
    """Share of gold references that are cited; None when there is no gold."""
    if not gold:
        return None
    return sum(any(is_gold(c, {g}) for c in cited) for g in set(gold)) / len(set(gold))


def department_scores(
    given: Iterable[str], gold: Iterable[str], canon: Canon
) -> tuple[bool, float]:
    """(exact set match, F1) after mapping every name to its canonical form.

    Both empty counts as an exact match with F1 1.0 ("this task names no lead department").
    """
    g, t = {canon(x) for x in given}, {canon(x) for x in gold}
    if not g and not t:
        return True, 1.0
    common = len(g & t)
    f1 = 2 * common / (len(g) + len(t)) if common else 0.0
    return g == t, f1


def normalise_text(text: str) -> str:
    """NFKC (full-width → half-width), all whitespace removed: for substring tests."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFKC", text))


def answer_coverage(answer: str, points: Sequence[str]) -> float | None:
    """Share of answer points that occur in the answer (NFKC, whitespace-insensitive)."""
    if not points:
        return None
    text = normalise_text(answer)
    return sum(normalise_text(p) in text for p in points) / len(points)


def quote_verbatim(quote: str, provision_text: str | None) -> bool:
    """A citation's quote occurs exactly in its provision's text (whitespace-insensitive).

    An empty quote, or a provision that does not exist, fails.
    """
    if provision_text is None or not quote.strip():
        return False
    return normalise_text(quote) in normalise_text(provision_text)


def answer_sentences(answer: str) -> list[str]:
    """Sentences of an answer, markdown marks and links removed, split on 。！？； and newlines."""
    text = _MARKUP_RE.sub(" ", answer)
    return [s.strip() for s in _SENTENCE_RE.findall(text) if s.strip()]


def sentence_support(
    answer: str,
    cited_texts: Sequence[str],
    tokenize: Callable[[str], Iterable[str]],
    *,
    min_overlap: float = 0.5,
    min_tokens: int = 3,
) -> float | None:
    """Share of the answer's sentences that a cited provision supports.

    Rule: a sentence's content tokens are its `tokenize` tokens (jieba search-style tokens with
    punctuation and stop words removed: `ingest.segment.tokenize`). A sentence with fewer than
    `min_tokens` distinct content tokens is not a claim (a heading, "出处：") and is skipped. A
    sentence is supported when at least `min_overlap` (50%) of its distinct content tokens occur in
    the tokens of ONE cited provision (its title, text and departments). None when no sentence
    is a claim. An answer that makes claims but cites nothing scores 0.0.
    """
    provision_tokens = [set(tokenize(t)) for t in cited_texts]
    claims = [set(tokenize(s)) for s in answer_sentences(answer)]
    claims = [c for c in claims if len(c) >= min_tokens]
    if not claims:
        return None
    supported = sum(
        any(len(c & p) >= min_overlap * len(c) for p in provision_tokens) for c in claims
    )
    return supported / len(claims)


def wrong_department(
    asserted: Mapping[str, Sequence[str]], gold: Mapping[str, Sequence[str]], canon: Canon
) -> float:
    """1.0 when the answer asserts a department set for a role (non-empty) that is not the gold set
    of that role; 0.0 when every asserted set is right, or nothing is asserted (an abstention, a
    refusal, a role left unsaid). The figure that must stay at zero: a wrong department costs a
    user's trust, an abstention a minute."""
    for role, names in gold.items():
        given = {canon(x) for x in asserted.get(role, [])}
        if given and given != {canon(x) for x in names}:
            return 1.0
    return 0.0


_ROLE_CLAIM_RE = re.compile(r"牵头|配合|负责|分工")
_NEGATION_RE = re.compile(r"没有|未|不是|并非|无|（0项）")


def department_contradiction(
    answer: str,
    attributed: Collection[str],
    find_departments: Callable[[str], Iterable[str]],
) -> float | None:
    """1.0 when the answer names a department as responsible (a sentence with 牵头/配合/负责/分工,
    not negated) that no cited provision's attribution names; 0.0 when every such claim is in an
    attribution; None when the answer makes no department claim. `attributed` and the names
    `find_departments` returns are canonical names."""
    claims = [
        name
        for sentence in answer_sentences(answer)
        if _ROLE_CLAIM_RE.search(sentence) and not _NEGATION_RE.search(sentence)
        for name in find_departments(sentence)
    ]
    if not claims:
        return None
    return float(any(name not in attributed for name in claims))


def refusal_scores(pairs: Iterable[tuple[bool, bool]]) -> dict[str, float | None]:
    """Precision, recall and accuracy of refusing, from (refused, answerable) pairs.

    The positive class is "refused"; a refusal is right when the question is not answerable.
    """
    items = list(pairs)
    tp = sum(r and not a for r, a in items)
    refused = sum(r for r, _ in items)
    unanswerable = sum(not a for _, a in items)
    return {
        "refusal_precision": tp / refused if refused else None,
        "refusal_recall": tp / unanswerable if unanswerable else None,
        "refusal_accuracy": (sum(r == (not a) for r, a in items) / len(items) if items else None),
    }


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100
    low, high = math.floor(pos), math.ceil(pos)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def mean(values: Iterable[float | None]) -> float | None:
    """Mean of the values that apply (None = not applicable); None when none apply."""
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None
