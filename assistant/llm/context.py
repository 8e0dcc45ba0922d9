"""What the LLM reads: the best 1–3 sentences of the best few provisions, under short opaque
ids (`[p1] 第28条 积极发展绿色金融（牵头：…；配合：…）…`), sized for a 2-core CPU
(about 700 prompt tokens)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.compose.render import doc_name
from assistant.index.corpus import CorpusView, sentences
from assistant.index.retrieve import Hit
from assistant.index.support import support, support_score
from assistant.understand.terms import content_tokens
from ingest.model import Provision, ProvisionKind

# Implementers (各县级市（区）人民政府 …) are shown only when the question is about them.
LOCAL_RE = re.compile(r"县|区|落实|基层|地方")


@dataclass(frozen=True, slots=True)
class Source:
    id: str  # "p1": the only handle the model gets
    provision: Provision
    sentences: tuple[str, ...]  # verbatim sentences shown, best first


@dataclass(frozen=True, slots=True)
class Context:
    sources: tuple[Source, ...]
    text: str

    def get(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    @property
    def refs(self) -> frozenset[tuple[str, str]]:
        return frozenset((s.provision.doc_id, s.provision.key) for s in self.sources)


def select_provisions(
    corpus: CorpusView, question: str, hits: Sequence[Hit], *, k: int = 3, min_share: float = 0.5
) -> list[Provision]:
    """The k retrieved provisions that best support the question (support score, then rank)."""
    terms = content_tokens(question)
    scored = [
        (_score(corpus, h.provision, terms, rank), -rank, h.provision)
        for rank, h in enumerate(hits)
        if h.provision.kind is not ProvisionKind.META
    ]
    if not scored:
        return []
    scored.sort(key=lambda x: (x[0], x[1]), reverse=True)
    best = scored[0][0]
    return [p for score, _, p in scored[:k] if score >= best * min_share]


def _score(corpus: CorpusView, p: Provision, terms: list[str], rank: int) -> float:
    """Support, a little for retrieval rank, a little more for tasks over chapter intros."""
    task = 0.1 if p.kind in (ProvisionKind.ITEM, ProvisionKind.ANNEX) else 0.0
    return support_score(corpus, p, terms) + task - 0.02 * rank


def build_context(
    corpus: CorpusView,
    question: str,
    provisions: Sequence[Provision],
    *,
    max_sentences: int = 3,
    budget_chars: int = 720,
) -> Context:
    """Render `provisions` (best first) with their best sentences, within `budget_chars`."""
    terms = content_tokens(question)
    many_docs = len({p.doc_id for p in provisions}) > 1
    sources: list[Source] = []
    blocks: list[str] = []
    used = 0
    for n, p in enumerate(provisions, 1):
        picked = _best_sentences(corpus, p, terms, max_sentences)
        head = _head(corpus, p, many_docs, with_implementers=bool(LOCAL_RE.search(question)))
        room = max(budget_chars - used - len(head), 0)
        shown = _fit(picked, room if sources else max(room, 120))
        source = Source(f"p{n}", p, shown)
        block = f"[{source.id}] {head}{''.join(shown)}"
        sources.append(source)
        blocks.append(block)
        used += len(block)
        if used >= budget_chars:
            break
    return Context(tuple(sources), "\n".join(blocks))


def _best_sentences(
    corpus: CorpusView, p: Provision, terms: list[str], limit: int
) -> tuple[str, ...]:
    """Up to `limit` supporting sentences in document order, without the title and attribution."""
    skip = {p.title, p.title + "。", p.responsibility.raw}
    ranked = [s for s in support(corpus, p, terms, limit + 2).sentences if s not in skip]
    if not ranked:
        ranked = [s for s in sentences(p.text) if s not in skip and not _is_attribution(p, s)]
    chosen = [s for s in ranked if not _is_attribution(p, s)][:limit]
    order = {s: i for i, s in enumerate(sentences(p.text))}
    return tuple(sorted(chosen, key=lambda s: order.get(s, 0)))


def _is_attribution(p: Provision, sentence: str) -> bool:
    raw = p.responsibility.raw
    return bool(raw) and (raw in sentence or sentence in raw)


def _fit(parts: Sequence[str], room: int) -> tuple[str, ...]:
    out: list[str] = []
    for s in parts:
        if len(s) > room:
            break
        out.append(s)
        room -= len(s)
    return tuple(out) or tuple(s[:room] for s in parts[:1] if room > 0)


def _head(corpus: CorpusView, p: Provision, many_docs: bool, *, with_implementers: bool) -> str:
    scope = doc_name(corpus, p.doc_id) if many_docs else ""
    r = p.responsibility
    facts: list[str] = []
    if r.lead:
        facts.append("牵头：" + "、".join(r.lead))
    if r.co:
        facts.append(("配合：" if r.lead else "按职责分工负责（未设牵头）：") + "、".join(r.co))
    if r.implementers and with_implementers:
        facts.append("落实：" + "、".join(r.implementers))
    who = f"（{'；'.join(facts)}）" if facts else ""
    return f"{scope}{p.label} {p.title}{who} "
