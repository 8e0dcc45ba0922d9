"""A study guide for one document: its structure with each task's key sentence, the responsibility
table, key numbers and dates, the rules that bind enterprises, and the principles; every line
carries the provision it comes from."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.index.corpus import CorpusView, sentences
from assistant.quiz.build import Context, cite, clean_title
from assistant.quiz.gen_facts import principles
from assistant.quiz.paper import _date
from assistant.quiz.words import FIGURE, RULE_WORD, TARGET_WORDS, TARGET_YEAR
from ingest.model import Provision, ProvisionKind

KEY_SENTENCE_CHARS = 90


@dataclass(frozen=True, slots=True)
class Line:
    title: str  # task title, figure, rule word …
    sentence: str  # verbatim (a long sentence is cut at a comma and marked ……)
    label: str  # 第28条
    key: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    title: str
    label: str
    tasks: tuple[Line, ...]
    summary: str = ""


@dataclass(frozen=True, slots=True)
class Part:
    title: str
    label: str
    summary: str
    sections: tuple[Section, ...]


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    title: str
    lead: str
    co: str
    responsible: str
    deadline: str
    key: str = ""


@dataclass(frozen=True, slots=True)
class Guide:
    doc_id: str
    title: str  # 《…》
    heading: str  # 《…》学习提纲
    about: tuple[str, ...]
    parts: tuple[Part, ...]
    responsibilities: tuple[Row, ...]
    figures: tuple[Line, ...]
    rules: tuple[Line, ...]
    principles_title: str = ""
    principles: tuple[Line, ...] = field(default_factory=tuple)


def _cut(sentence: str) -> str:
    if len(sentence) <= KEY_SENTENCE_CHARS:
        return sentence
    head = sentence[:KEY_SENTENCE_CHARS]
    comma = max(head.rfind("，"), head.rfind("；"))
    return (head[:comma] if comma > 20 else head) + "……"


def body_sentences(p: Provision) -> list[str]:
    """The provision's sentences after its heading, verbatim, line by line."""
    text = p.text
    title = clean_title(p.title)
    if title and text.startswith(title):
        text = text[len(title) :].lstrip("。：:；\n ")
    return [s for line in text.split("\n") for s in sentences(line)]


def key_sentence(p: Provision) -> str:
    """The first sentence after the heading that is not the attribution, verbatim (cut when long)."""
    raws = {s.raw for s in p.responsibility.spans} | {p.responsibility.raw}
    for s in body_sentences(p):
        body = s.rstrip("。；")
        if not body or body.startswith(("（", "(")) or any(r and body in r for r in raws):
            continue
        return _cut(s)
    return ""


def _names(names: tuple[str, ...]) -> str:
    return "、".join(names)


def build_guide(corpus: CorpusView, doc_id: str) -> Guide:
    ctx = Context(corpus, doc_id, 0)
    doc = corpus.document_by_id.get(doc_id)
    if doc is None:
        raise ValueError(f"没有这个文件：{doc_id}（用 policyqa docs 查看已导入的文件）")
    about = []
    if doc.doc_number or doc.date:
        about.append("文号与日期：" + "，".join(x for x in (doc.doc_number, _date(doc.date)) if x))
    if doc.issuers:
        about.append("发文机关：" + "、".join(doc.issuers))
    tasks = corpus.tasks([doc_id])
    items = {p.key for p in corpus.items([doc_id])}
    principle_section, found = principles(ctx)
    parts = []
    for chapter in (p for p in ctx.provisions if p.kind is ProvisionKind.CHAPTER):
        sections: list[Section] = []
        direct = [p for p in corpus.children(chapter) if p.key in items]
        if direct:
            sections.append(Section("", cite(chapter), tuple(_task_line(p) for p in direct)))
        for section in corpus.children(chapter):
            if section.kind is not ProvisionKind.SECTION:
                continue
            below = [p for p in corpus.descendants(section, ProvisionKind.ITEM) if p.key in items]
            if section.key in items:
                sections.append(Section("", cite(chapter), (_task_line(section),)))
            elif below:
                sections.append(
                    Section(
                        clean_title(section.title),
                        cite(section),
                        tuple(_task_line(p) for p in below),
                    )
                )
            else:
                is_principles = section is principle_section
                summary = (
                    "、".join(x.name for x in found) if is_principles else key_sentence(section)
                )
                sections.append(Section(clean_title(section.title), cite(section), (), summary))
        parts.append(
            Part(
                clean_title(chapter.title),
                cite(chapter),
                key_sentence(chapter),
                tuple(_merge(sections)),
            )
        )
    rows = tuple(
        Row(
            cite(p),
            clean_title(p.title),
            _names(p.responsibility.lead),
            _names(p.responsibility.co),
            _names(p.responsibility.responsible),
            p.responsibility.deadline or "",
            p.key,
        )
        for p in tasks
        if not p.responsibility.is_empty
    )
    return Guide(
        doc_id=doc_id,
        title=f"《{doc.title}》",
        heading=f"《{doc.title}》学习提纲",
        about=tuple(about),
        parts=tuple(parts),
        responsibilities=rows,
        figures=tuple(_figures(ctx)),
        rules=tuple(_rules(ctx)),
        principles_title=clean_title(principle_section.title) if principle_section else "",
        principles=tuple(
            Line(x.name, x.description, cite(x.provision), x.provision.key) for x in found
        ),
    )


def _merge(sections: list[Section]) -> list[Section]:
    """Consecutive untitled sections (tasks straight under a chapter) as one."""
    out: list[Section] = []
    for s in sections:
        if out and not s.title and not out[-1].title:
            out[-1] = Section("", out[-1].label, out[-1].tasks + s.tasks)
        else:
            out.append(s)
    return out


def _task_line(p: Provision) -> Line:
    return Line(clean_title(p.title), key_sentence(p), cite(p), p.key)


def _figures(ctx: Context) -> list[Line]:
    out: list[Line] = []
    seen: set[str] = set()
    for p in ctx.provisions:
        if p.kind in (ProvisionKind.META, ProvisionKind.ANNEX):
            continue
        for s in body_sentences(p):
            years = TARGET_YEAR.findall(s)
            figures = [m.group(0) for m in FIGURE.finditer(s) if TARGET_WORDS.search(s)]
            if not (years or figures) or s in seen:
                continue
            seen.add(s)
            shown = "、".join(dict.fromkeys([f"{y}年" for y in years] + figures))
            out.append(Line(shown, s, cite(p), p.key))
    return out


def _rules(ctx: Context) -> list[Line]:
    out: list[Line] = []
    for p in ctx.provisions:
        if p.kind in (ProvisionKind.META, ProvisionKind.ANNEX):
            continue
        for s in body_sentences(p):
            words = list(dict.fromkeys(m.group(0) for m in RULE_WORD.finditer(s)))
            if words and s.strip():
                out.append(Line("、".join(words), s.strip(), cite(p), p.key))
    return out
