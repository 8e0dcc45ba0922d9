"""A synthetic policy library of any size, recombined from the real provisions of the corpus.

Document i takes a real document of the corpus as its template (the five documents reserved for
the independent check are never used) and becomes a new municipal document of a fictional city:

- a new title block (title, issuer, document number, date) naming the city;
- a random subset of the template's chapters, each kept whole (its sections and items verbatim,
  with their printed numbers, titles and attributions);
- one department renamed throughout the document to another department name of the corpus of
  the same length ("市工信局" → "市商务局"), in the text and in the extracted attribution alike,
  so that attributions differ between documents made from one template.

So every answer about a synthetic document is checkable against its own tables, and questions are
generated from those tables. What a chunk embeds is its provision's text under its chapter and
section titles; provisions kept verbatim repeat a template's chunk text, and their vectors come
from the vector cache (the same text embedded once, as in any library that repeats itself). New
texts — title blocks, provisions with a renamed department — are embedded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.understand.intent import PLACES
from ingest.model import (
    Document,
    Level,
    ParsedDocument,
    Provision,
    ProvisionKind,
    Responsibility,
    Span,
)
from ingest.pipeline import parse_file

RESERVED = frozenset(
    {
        "shanghai-carbon-peak-implementation-plan",
        "guangzhou-talent-agglomeration-project-opinions-2012",
        "heilongjiang-eco-env-dept-dual-carbon-rolling-plan-2021-2023",
        "tianjin-14th-fyp-energy-saving-emission-reduction-plan",
        "national-industry-carbon-peak-plan-2022",
    }
)
FIRST = "安宁平清远永和泰长兴华新明德丰嘉瑞云晋临昭益汉怀崇桐鹤柏枫澄曜沐榕杉蓝翠锦霞岚碧松竹梅兰菊"
SECOND = "州阳川原陵昌城江峰溪源岭港湾泽塘屿浦滨"
NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    doc_id: str
    key: str
    gold_lead: tuple[str, ...]
    form: str  # how the question names its document: "number" or "title"
    renamed: bool  # the provision's attribution carries the renamed department


def sources(files: Iterable[Path]) -> list[ParsedDocument]:
    """The real documents recombined (the reserved ones left out), parsed by today's parser."""
    parsed = [parse_file(f) for f in files if f.stem not in RESERVED]
    return [p for p in parsed if _chapters(p)]


def places(count: int, avoid: Sequence[str]) -> list[str]:
    """Fictional city names (two or three characters and 市), printed in no real document."""
    text = "\n".join(avoid)
    names = [f"{a}{b}" for a in FIRST for b in SECOND]
    random.Random(7).shuffle(names)
    more = [f"{a}{m}{b}" for a in FIRST for m in "山水石" for b in SECOND]
    random.Random(8).shuffle(more)
    names += more
    usable = [n for n in names if n not in text and not any(p in n for p in PLACES)]
    if len(usable) < count:
        raise ValueError(f"only {len(usable)} place names for {count} documents")
    return [f"{n}市" for n in usable[:count]]


def _chapters(parsed: ParsedDocument) -> list[str]:
    return [p.key for p in parsed.provisions if p.kind is ProvisionKind.CHAPTER]


def _topic(title: str) -> str:
    """A template's title without its issuer, place, 关于/印发/通知 and quotes."""
    topic = re.sub(r"[《》“”\"]|（[^）]*）|\(.*?\)", "", title)
    topic = re.sub(r"^.*?关于", "", topic)
    topic = re.sub(r"^(印发|加快)?", "", topic)
    topic = re.sub(r"的?通知.*$", "", topic)
    topic = re.sub(r"[\u4e00-\u9fff]{2,3}(省|市|自治区)(人民政府)?", "", topic)
    topic = topic.strip("，、的 ")
    if len(topic) < 6:
        topic = "推进绿色低碳发展"
    if not topic.endswith(("意见", "方案", "计划", "规划")):
        topic += "的实施意见"
    return topic[:40]


def _rename(text: str, old: str, new: str) -> str:
    return text.replace(old, new)


def _renamed_responsibility(r: Responsibility, old: str, new: str) -> Responsibility:
    def names(values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_rename(v, old, new) for v in values)

    def span(s: Span) -> Span:
        return dataclasses.replace(
            s,
            lead=names(s.lead),
            co=names(s.co),
            responsible=names(s.responsible),
            implementers=names(s.implementers),
            raw=_rename(s.raw, old, new),
        )

    return dataclasses.replace(
        r,
        lead=names(r.lead),
        co=names(r.co),
        responsible=names(r.responsible),
        implementers=names(r.implementers),
        raw=_rename(r.raw, old, new),
        spans=tuple(span(s) for s in r.spans),
    )


def _rename_department(
    provisions: list[Provision], pool: Sequence[str], rng: random.Random
) -> tuple[list[Provision], str, str]:
    """Rename one department that the document names in attributions to a same-length name."""
    named = sorted({d for p in provisions for d in p.responsibility.departments})
    rng.shuffle(named)
    present = "\n".join(p.text for p in provisions)
    for old in named:
        same = [d for d in pool if len(d) == len(old) and d != old and d not in present]
        if not same or not 1 <= sum(old in p.text for p in provisions) <= 4:
            continue
        new = rng.choice(same)
        out = [
            dataclasses.replace(
                p,
                title=_rename(p.title, old, new),
                text=_rename(p.text, old, new),
                responsibility=_renamed_responsibility(p.responsibility, old, new),
            )
            if old in p.text
            else p
            for p in provisions
        ]
        return out, old, new
    return provisions, "", ""


def synthesize(
    templates: Sequence[ParsedDocument], count: int, seed: int = 12
) -> list[ParsedDocument]:
    """`count` documents; document i is built from template i mod len(templates)."""
    pool = sorted(
        {d for t in templates for p in t.provisions for d in p.responsibility.departments}
    )
    pool = [d for d in pool if d.startswith("市")]
    cities = places(count, ["\n".join(p.text for p in t.provisions) for t in templates])
    out: list[ParsedDocument] = []
    for i in range(count):
        rng = random.Random(f"{seed}-{i}")
        template = templates[i % len(templates)]
        city = cities[i]
        chapters = _chapters(template)
        kept = [c for c in chapters if rng.random() < 0.75] or chapters[:1]
        body = [
            dataclasses.replace(p, doc_id="")
            for p in template.provisions
            if p.kind is ProvisionKind.PREAMBLE or p.key.split(".")[0] in kept
        ]
        body, old, new = _rename_department(body, pool, rng)
        year = 2020 + i % 5
        short = city[0]
        number = f"{short}政发〔{year}〕{i % 97 + 1}号"
        title = f"{city}人民政府关于{_topic(template.document.title)}"
        doc_id = f"syn-{i:04d}-{hashlib.sha256(city.encode()).hexdigest()[:6]}"
        date = f"{year}-{i % 12 + 1:02d}-{i % 27 + 1:02d}"
        meta_text = (
            f"{city}人民政府文件\n{number}\n{title}\n各区县人民政府，市各委办局：\n"
            f"现将《{title}》印发给你们，请认真贯彻执行。\n{city}人民政府\n{date}"
        )
        meta = Provision(
            doc_id=doc_id,
            key="meta",
            label="",
            number="",
            title=title,
            text=meta_text,
            path_titles=(),
            kind=ProvisionKind.META,
        )
        provisions = (meta, *(dataclasses.replace(p, doc_id=doc_id) for p in body))
        text = "\n".join(p.text for p in provisions)
        document = Document(
            doc_id=doc_id,
            title=title,
            issuers=(f"{city}人民政府",),
            doc_number=number,
            date=date,
            level=Level.MUNICIPAL,
            source_path=f"synthetic:{template.document.doc_id}",
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        )
        note = f"synthetic from {template.document.doc_id}" + (f"; {old} → {new}" if old else "")
        out.append(ParsedDocument(document, provisions, (note,)))
    return out


def questions(library: Sequence[ParsedDocument], count: int, seed: int = 5) -> list[Question]:
    """Who-leads questions about provisions with a printed lead, half naming the document by its
    number and half by its title; half of them about provisions whose lead was renamed."""
    rng = random.Random(seed)
    renamed: list[tuple[ParsedDocument, Provision]] = []
    plain: list[tuple[ParsedDocument, Provision]] = []
    for parsed in library:
        new = parsed.warnings[0].split(" → ")[-1] if " → " in parsed.warnings[0] else ""
        for p in parsed.provisions:
            if p.responsibility.lead and p.title and len(p.title) <= 40:
                (renamed if new and new in p.responsibility.lead else plain).append((parsed, p))
    picked = rng.sample(renamed, min(len(renamed), count // 2))
    picked += rng.sample(plain, min(len(plain), count - len(picked)))
    out: list[Question] = []
    for n, (parsed, p) in enumerate(picked):
        doc = parsed.document
        form = "number" if n % 2 == 0 else "title"
        named = doc.doc_number if form == "number" else f"《{doc.title}》"
        out.append(
            Question(
                id=f"s{n:03d}",
                question=f"{named}中，“{p.title}”由哪个部门牵头？",
                doc_id=doc.doc_id,
                key=p.key,
                gold_lead=p.responsibility.lead,
                form=form,
                renamed=(parsed, p) in renamed,
            )
        )
    return out
