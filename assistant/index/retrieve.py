"""Hybrid retrieval: BM25 ∪ dense, fused by reciprocal rank; and a langchain retriever over it."""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document as LCDocument
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.index.store import Index, Scored
from ingest.model import Provision

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Hit:
    provision: Provision
    score: float  # Σ 1/(rrf_k + rank) over the rankings that found it
    bm25_rank: int | None  # 1-based
    dense_rank: int | None


def fuse(
    rankings: dict[str, list[Scored]], k: int, rrf_k: int = 60
) -> list[tuple[Provision, float, dict[str, int]]]:
    """Reciprocal-rank fusion of provision rankings; ties keep first-seen order."""
    scores: dict[tuple[str, str], float] = {}
    ranks: dict[tuple[str, str], dict[str, int]] = {}
    provisions: dict[tuple[str, str], Provision] = {}
    for name, ranking in rankings.items():
        for rank, scored in enumerate(ranking, start=1):
            ref = (scored.provision.doc_id, scored.provision.key)
            provisions.setdefault(ref, scored.provision)
            scores[ref] = scores.get(ref, 0.0) + 1.0 / (rrf_k + rank)
            ranks.setdefault(ref, {})[name] = rank
    order = sorted(scores, key=lambda ref: -scores[ref])[:k]
    return [(provisions[ref], scores[ref], ranks[ref]) for ref in order]


def hybrid_search(
    index: Index,
    query: str,
    k: int = 8,
    doc_ids: Collection[str] | None = None,
    *,
    candidates: int = 30,
    rrf_k: int = 60,
) -> list[Hit]:
    """The k best provisions for `query`: BM25 and dense candidates fused by reciprocal rank."""
    if not query.strip() or k <= 0:
        return []
    rankings = {
        "bm25": index.search_bm25(query, candidates, doc_ids),
        "dense": index.search_dense(query, candidates, doc_ids),
    }
    hits = [
        Hit(provision, score, ranks.get("bm25"), ranks.get("dense"))
        for provision, score, ranks in fuse(rankings, k, rrf_k)
    ]
    log.debug("retrieved for %r: %s", query, [h.provision.ref for h in hits])
    return hits


def to_langchain(hit: Hit) -> LCDocument:
    p = hit.provision
    r = p.responsibility
    metadata = {
        "doc_id": p.doc_id,
        "key": p.key,
        "label": p.label,
        "title": p.title,
        "lead": "、".join(r.lead),
        "co": "、".join(r.co),
        "score": hit.score,
    }
    return LCDocument(page_content=p.text, metadata=metadata, id=p.ref)


class PolicyRetriever(BaseRetriever):
    """langchain retriever over `hybrid_search`: one Document per provision."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Any  # assistant.index.Index (Any: pydantic cannot validate it)
    k: int = 8
    candidates: int = 30
    rrf_k: int = 60
    doc_ids: list[str] | None = None

    @classmethod
    def from_index(cls, index: Index, doc_ids: list[str] | None = None) -> PolicyRetriever:
        """A retriever with the index's retrieval settings (top_k, candidates, rrf_k)."""
        r = index.settings.retrieval
        return cls(index=index, k=r.top_k, candidates=r.candidates, rrf_k=r.rrf_k, doc_ids=doc_ids)

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[LCDocument]:
        hits = hybrid_search(
            self.index, query, self.k, self.doc_ids, candidates=self.candidates, rrf_k=self.rrf_k
        )
        return [to_langchain(h) for h in hits]
