"""Small formatting helpers shared by the answer builders: headings, citations, department lists."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answer import Citation
from assistant.index.corpus import CorpusView, sentences
from ingest.model import Provision, Span


def join(names: Sequence[str]) -> str:
    return "、".join(names)


def doc_name(corpus: CorpusView, doc_id: str) -> str:
    """《title》 as an answer names a document; followed by its issuers (or its date) when another
    indexed document prints the same title."""
    doc = corpus.document_by_id.get(doc_id)
    if doc is None:
        return f"《{doc_id}》"
    if doc.title not in corpus.shared_titles:
        return f"《{doc.title}》"
    who = "、".join(doc.issuers) or (chinese_date(doc.date) if doc.date else "")
    return f"《{doc.title}》（{who}）" if who else f"《{doc.title}》"


def heading(corpus: CorpusView, p: Provision) -> str:
    """`第28条 积极发展绿色金融（2.9.28）`, prefixed by the document title when several are indexed."""
    scope = "" if len(corpus.documents) == 1 else doc_name(corpus, p.doc_id)
    return f"{scope}{p.label} {p.title}（{p.key}）".strip()


def who(p: Provision) -> str:
    r = p.responsibility
    if r.lead:
        return f"（牵头：{join(r.lead)}）"
    if r.co:
        return f"（按职责分工负责：{join(r.co)}）"
    if r.responsible:
        return f"（责任单位：{join(r.responsible)}）"
    return ""


def attribution_sentence(p: Provision) -> str:
    """The attribution as printed (verbatim in the text), else the last sentence."""
    raw = p.responsibility.raw
    if raw and raw in p.text:
        return raw
    spans = p.responsibility.spans
    if spans and spans[-1].raw in p.text:
        return spans[-1].raw
    parts = sentences(p.text)
    return parts[-1] if parts else p.title


def span_quote(p: Provision, span: Span) -> str:
    """The first sentence a span covers (verbatim), its attribution when it covers no other."""
    covered = p.text[span.start : span.end]
    body = covered[: len(covered) - len(span.raw)] if covered.endswith(span.raw) else covered
    parts = [s for s in sentences(body.lstrip("。；，、 \n")) if len(s) > 1]
    return parts[0] if parts else span.raw


def span_lines(p: Provision) -> list[str]:
    """Every span of a provision: its first sentence and the units it names, as the table shows it."""
    lines: list[str] = []
    for i, s in enumerate(p.responsibility.spans, 1):
        roles = "；".join(
            part
            for part in (
                f"牵头：{join(s.lead)}" if s.lead else "",
                f"配合：{join(s.co)}" if s.co else "",
                f"责任单位：{join(s.responsible)}" if s.responsible else "",
                f"完成期限：{s.deadline}" if s.deadline else "",
            )
            if part
        )
        lines.append(f"{i}. {span_quote(p, s)} —— {roles}")
    return lines


def cite(p: Provision, quote: str, span: Span | None = None) -> Citation:
    roles = span or p.responsibility
    return Citation(
        doc_id=p.doc_id,
        key=p.key,
        label=p.label,
        title=p.title,
        quote=quote,
        lead=roles.lead,
        co=roles.co,
        responsible=roles.responsible,
    )


def chinese_date(iso: str) -> str:
    """2022-06-24 → 2022年6月24日, as a document prints its date (anything else as it is)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso)
    return f"{m.group(1)}年{int(m.group(2))}月{int(m.group(3))}日" if m else iso
