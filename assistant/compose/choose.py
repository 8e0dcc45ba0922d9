"""Which task a responsibility question is about, and how sure that is.

Evidence, not phrases: a candidate's match is the mean of two shares — of the question's (idf-weighted)
words that the provision contains, and of the provision title's words that the question contains.
What tells two candidates apart is only what the question says: the share of its words each one's
text and title hold (`evidence`). Confidence is the match, scaled down when the runner-up that names
*other* departments has nearly the same evidence (a runner-up with the same departments changes
nothing the answer asserts). Below the threshold the
answer abstains and shows the candidates. Inside the chosen provision, the span whose sentences hold
the question's words best is the one the answer is about, when it stands out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from assistant.index.corpus import CorpusView
from assistant.index.support import support_score
from assistant.understand.intent import Query
from assistant.understand.terms import content_tokens, query_terms, quoted_phrases
from ingest.model import Provision, ProvisionKind, Span

RANK_PENALTY = 0.01  # per retrieval rank: ties go to what retrieval ranked first
SPAN_MARGIN = 0.15
MIN_PHRASE = 4  # characters of the question printed verbatim in a title
MIN_QUOTED = 3  # characters of a quoted phrase that a title prints
PHRASE_EVIDENCE = 0.5  # a span must lead the next one by this share of the question's weight


@dataclass(frozen=True, slots=True)
class Candidate:
    provision: Provision
    match: float  # 0..1, for ranking
    evidence: float  # 0..1, the question's words found in the text and the title
    # the question's longest phrase printed in the documents: in the text only (not the title)
    phrase_in_text_only: bool = False


@dataclass(frozen=True, slots=True)
class Choice:
    candidates: tuple[Candidate, ...]  # best first
    confidence: float  # 0..1

    @property
    def best(self) -> Provision | None:
        return self.candidates[0].provision if self.candidates else None


def title_overlap(corpus: CorpusView, p: Provision, terms: Sequence[str]) -> float:
    title_terms = content_tokens(p.title)
    whole = corpus.weight(title_terms)
    if not whole:  # no title, or only words every provision holds
        return 0.0
    hit = corpus.weight(x for x in title_terms if x in terms)
    return hit / whole


def asked_in_title(corpus: CorpusView, p: Provision, terms: Sequence[str]) -> float:
    """Share of the question's weight that the provision's title and the titles of the parts it
    sits in hold ("…（总体方案）" tells the overall plan from the sector plans)."""
    total = corpus.weight(terms)
    titles = " ".join((p.title, *p.path_titles))
    return corpus.weight(t for t in terms if t in titles) / total if total else 0.0


def rank_tasks(
    corpus: CorpusView, query: Query, provisions: Sequence[Provision]
) -> list[Candidate]:
    """Provisions that carry an attribution, by how well they match the question."""
    terms = query_terms(query, corpus.idf)
    # The question's longest run of characters printed in the documents ("企业减污降碳协同创新"):
    # a title that prints it is named by the question, words the term list may have dropped.
    phrase = corpus.longest_quoted(query.question, min_chars=MIN_PHRASE)
    # a phrase the question puts in quotes (“发展绿色产品”这一项) that a title prints names it
    quoted = quoted_phrases(query.question, MIN_QUOTED)
    # A phrase that a document's title prints names that document, not one of its tasks; across
    # documents it then credits no task ("绿色金融" of a green-finance plan does not make another
    # plan's "发展绿色金融" the one asked about).
    if phrase and any(phrase in corpus.doc_title(d) for d in {p.doc_id for p in provisions}):
        phrase = ""
    scored: list[Candidate] = []
    for rank, p in enumerate(dict.fromkeys(provisions)):
        if p.responsibility.is_empty or p.kind is ProvisionKind.META:
            continue
        s = support_score(corpus, p, terms)
        # a question may describe a task's content without its title's words: the title can raise
        # the match, never lower it below the support of the text
        match = (s + max(title_overlap(corpus, p, terms), s)) / 2 - RANK_PENALTY * rank
        evidence = (s + asked_in_title(corpus, p, terms)) / 2
        if (phrase and phrase in p.title) or any(q in p.title for q in quoted):
            evidence += PHRASE_EVIDENCE
        in_text_only = bool(phrase) and phrase in p.text and phrase not in p.title
        scored.append(Candidate(p, max(match, 0.0), evidence, in_text_only))
    return sorted(scored, key=lambda c: (-c.match, -c.evidence))


def _roles(p: Provision) -> tuple[frozenset[str], frozenset[str]]:
    """Who leads and who is named at all: tasks that swap the lead are told apart."""
    r = p.responsibility
    return frozenset(r.lead), frozenset(r.departments)


def confidence(candidates: Sequence[Candidate], min_margin: float) -> float:
    if not candidates:
        return 0.0
    best = candidates[0]
    mine = _roles(best.provision)
    rival = next((c for c in candidates[1:] if _roles(c.provision) != mine), None)
    margin = best.evidence - rival.evidence if rival else 1.0
    if rival is not None and rival.provision.doc_id != best.provision.doc_id and min_margin > 0:
        # another document's task with other departments, with no document named: the question
        # fits both unless one stands out clearly
        min_margin = max(min_margin, CROSS_DOCUMENT_MARGIN)
        tied = best.phrase_in_text_only and rival.phrase_in_text_only
        if tied and rival.match >= TIE_SHARE * best.match:
            # both match about as well and print the question's phrase ("公共建筑用能限额") in
            # their text, neither in a title: what is left between them (a common word of one
            # title) tells no document
            margin = 0.0
    if min_margin <= 0 or margin >= min_margin:
        return best.match
    return best.match * max(margin, 0.0) / min_margin


def choose_task(
    corpus: CorpusView, query: Query, provisions: Sequence[Provision], *, min_margin: float
) -> Choice:
    candidates = rank_tasks(corpus, query, provisions)
    return Choice(tuple(candidates), confidence(candidates, min_margin))


CROSS_DOCUMENT_MARGIN = 0.25  # evidence a task needs over another document's rival
TIE_SHARE = 0.8  # of the best match: a rival that prints the same phrase and matches this well ties
HEADING_SHARE = 0.8  # of the question's weight in an item's heading: it names the whole item


def choose_span(corpus: CorpusView, query: Query, p: Provision) -> Span | None:
    """The span of `p` the question is about, when one stands out; None for the whole provision."""
    spans = list(p.responsibility.spans)
    if spans and _has_words(p.text[spans[-1].end :]):
        # The text after the last attribution is covered by none ("（责任部门：自然处）配合省自然资源厅
        # 开展湿地保护修复…"): a span without departments, the answer when the question is about it.
        spans.append(Span(spans[-1].end, len(p.text)))
    if len(spans) < 2 or len({(*s.departments, s.deadline or "") for s in spans}) < 2:
        return None
    terms = query_terms(query, corpus.idf)
    total = corpus.weight(terms)
    if not total:
        return None
    # The item's heading ("推广应用先进绿色低碳技术。…") heads every span: a question that names the
    # item by it asks about the whole item, not about the span the heading happens to open.
    heading = p.title if p.title and len(p.title) >= 4 else ""
    if heading and corpus.weight(t for t in terms if t in heading) / total >= HEADING_SHARE:
        return None
    scores = []
    for s in spans:
        covered = (
            p.text[s.start : s.end].replace(heading, "") if heading else p.text[s.start : s.end]
        )
        scores.append(corpus.weight(t for t in terms if t in covered) / total)
    ranked = sorted(range(len(spans)), key=lambda i: -scores[i])
    first, second = ranked[0], ranked[1]
    if scores[first] - scores[second] >= SPAN_MARGIN:
        return spans[first]
    return None


def _has_words(text: str) -> bool:
    """Whether a stretch of text says something (more than punctuation and a few characters)."""
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff") >= 8
