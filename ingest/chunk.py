"""Chunks to embed and search: one per provision, plus sentence windows of long provisions."""

from __future__ import annotations

import re
from collections.abc import Iterable

from ingest.model import Chunk, Provision, stable_id

WINDOW_SENTENCES = 3
_SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?[）)]*|\n")


def split_sentences(text: str) -> list[str]:
    """Sentences ending in 。！？； (a closing attribution bracket stays with its sentence)."""
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def chunk_prefix(provision: Provision) -> str:
    """Ancestors' titles, then label and title: "实施路径… > … > 第28条 积极发展绿色金融"."""
    head = " ".join(part for part in (provision.label, provision.title) if part)
    return " > ".join((*provision.path_titles, head)) if head else " > ".join(provision.path_titles)


def _chunk(provision: Provision, body: str) -> Chunk:
    prefix = chunk_prefix(provision)
    text = f"{prefix}\n{body}" if prefix else body
    return Chunk(
        chunk_id=stable_id(provision.doc_id, provision.key, text),
        doc_id=provision.doc_id,
        key=provision.key,
        text=text,
        departments=provision.responsibility.departments,
    )


def windows(sentences: list[str], size: int = WINDOW_SENTENCES) -> list[list[str]]:
    """Windows of `size` sentences overlapping by one (the last window may be shorter, ≥ 2)."""
    if len(sentences) <= size:
        return [sentences]
    step = max(size - 1, 1)
    out = [sentences[i : i + size] for i in range(0, len(sentences) - 1, step)]
    return [w for w in out if len(w) >= 2 or len(out) == 1]


def chunk_provisions(provisions: Iterable[Provision], window_chars: int = 360) -> list[Chunk]:
    """One chunk per provision; provisions longer than `window_chars` also get sentence windows.
    A window holding every sentence of its provision would repeat the provision's chunk: none."""
    chunks: list[Chunk] = []
    for provision in provisions:
        if not provision.text.strip():
            continue
        chunks.append(_chunk(provision, provision.text))
        if len(provision.text) > window_chars:
            sentences = split_sentences(provision.text)
            chunks += [
                _chunk(provision, "".join(w)) for w in windows(sentences) if len(w) < len(sentences)
            ]
    return list({c.chunk_id: c for c in chunks}.values())
