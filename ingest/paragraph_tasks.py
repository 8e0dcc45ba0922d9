"""Tasks printed as unnumbered paragraphs: a section whose paragraphs each open with a short title
sentence and close with their own attribution (qingdao's 协同控制 plan prints every task so) holds one
task per paragraph. They get the keys a reader counts: `2.1.1`, `2.1.2` … under section `2.1`.

The structure decides, not words: at least two paragraphs of the section carry an attribution. Inside
such a section, a short title sentence right after an attribution bracket, followed by an attribution of
its own, starts a new task (a lost paragraph break: "…（责任单位：…）继续实施煤炭消费压减行动。…（…）").
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.attribution import locate
from ingest.model import Provision, ProvisionKind
from ingest.responsibility import extract_responsibility

TITLE_MAX = 24
_TITLE_SENTENCE = re.compile(rf"^[^。，、；：:（）()]{{4,{TITLE_MAX}}}。")


def _paragraph_breaks(paragraph: str) -> list[str]:
    """A paragraph cut where a title sentence follows an attribution and carries its own."""
    parts: list[str] = []
    start = 0
    for located in locate(paragraph):
        rest = paragraph[located.end :]
        if rest and _TITLE_SENTENCE.match(rest) and locate(rest):
            parts.append(paragraph[start : located.end])
            start = located.end
    parts.append(paragraph[start:])
    return [p for p in parts if p.strip()]


def is_titled_task(paragraph: str) -> bool:
    """A paragraph that opens with a short title sentence and carries its own attribution."""
    return bool(_TITLE_SENTENCE.match(paragraph)) and bool(locate(paragraph))


def split_paragraph_tasks(section: Provision, first_leads: int | None) -> list[Provision]:
    """[section] unchanged, or the section's heading and intro followed by one ITEM per task."""
    if section.kind not in (ProvisionKind.SECTION, ProvisionKind.CHAPTER):
        return [section]
    paragraphs = section.text.split("\n")
    if sum(1 for p in paragraphs[1:] if is_titled_task(p)) < 2:
        return [section]
    intro: list[str] = [paragraphs[0]]
    tasks: list[str] = []
    for paragraph in paragraphs[1:]:
        for piece in _paragraph_breaks(paragraph):
            if _TITLE_SENTENCE.match(piece) or locate(piece):
                tasks.append(piece)
            elif tasks:
                tasks[-1] += "\n" + piece  # an untitled paragraph continues the task before it
            else:
                intro.append(piece)
    head = "\n".join(intro)
    out = [replace(section, text=head, responsibility=extract_responsibility(head, first_leads))]
    for n, text in enumerate(tasks, 1):
        title = _TITLE_SENTENCE.match(text)
        out.append(
            Provision(
                doc_id=section.doc_id,
                key=f"{section.key}.{n}",
                label=f"{section.label}第{n}项",
                number=str(n),
                title=title.group(0).rstrip("。") if title else text[:TITLE_MAX],
                text=text,
                path_titles=(*section.path_titles, section.title),
                responsibility=extract_responsibility(text, first_leads),
                kind=ProvisionKind.ITEM,
            )
        )
    return out
