"""Small formatting helpers shared by the answer builders: headings, citations, department lists."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.answer import Citation
from assistant.index.corpus import CorpusView, sentences
from ingest.model import Provision


def join(names: Sequence[str]) -> str:
    return "、".join(names)


def heading(corpus: CorpusView, p: Provision) -> str:
    """`第28条 积极发展绿色金融（2.9.28）`, prefixed by the document title when several are indexed."""
    scope = "" if len(corpus.documents) == 1 else f"《{corpus.doc_title(p.doc_id)}》"
    return f"{scope}{p.label} {p.title}（{p.key}）".strip()


def who(p: Provision) -> str:
    r = p.responsibility
    if r.lead:
        return f"（牵头：{join(r.lead)}）"
    if r.co:
        return f"（按职责分工负责：{join(r.co)}）"
    return ""


def attribution_sentence(p: Provision) -> str:
    """The attribution as printed (verbatim in the text), else the last sentence."""
    raw = p.responsibility.raw
    if raw and raw in p.text:
        return raw
    parts = sentences(p.text)
    return parts[-1] if parts else p.title


def cite(p: Provision, quote: str) -> Citation:
    return Citation(
        doc_id=p.doc_id,
        key=p.key,
        label=p.label,
        title=p.title,
        quote=quote,
        lead=p.responsibility.lead,
        co=p.responsibility.co,
    )
