"""Chunks to embed and search: one per provision, plus sentence windows of long provisions.

A long provision's own vector is pooled from its windows' (as the engine itself pools a text
longer than its 512 tokens), so its text is not embedded a second time as a whole.
"""

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


def _chunk(provision: Provision, body: str, pooled_from: tuple[str, ...] = ()) -> Chunk:
    prefix = chunk_prefix(provision)
    text = f"{prefix}\n{body}" if prefix else body
    return Chunk(
        chunk_id=stable_id(provision.doc_id, provision.key, text),
        doc_id=provision.doc_id,
        key=provision.key,
        text=text,
        departments=provision.responsibility.departments,
        pooled_from=pooled_from,
    )


def windows(sentences: list[str], size: int = WINDOW_SENTENCES) -> list[list[str]]:
    """Windows of `size` sentences overlapping by one (the last window may be shorter, ≥ 2)."""
    if len(sentences) <= size:
        return [sentences]
    step = max(size - 1, 1)
    out = [sentences[i : i + size] for i in range(0, len(sentences) - 1, step)]
    return [w for w in out if len(w) >= 2 or len(out) == 1]


def chunk_provisions(provisions: Iterable[Provision], window_chars: int = 360) -> list[Chunk]:
    """One chunk per provision; a provision longer than `window_chars` also gets sentence
    windows, and its chunk's vector is pooled from theirs. A provision of one window is
    embedded whole."""
    chunks: list[Chunk] = []
    for provision in provisions:
        if not provision.text.strip():
            continue
        parts: list[Chunk] = []
        if len(provision.text) > window_chars:
            sentences = split_sentences(provision.text)
            groups = windows(sentences)
            if len(groups) > 1:
                parts = [_chunk(provision, "".join(w)) for w in groups]
        pooled = tuple(dict.fromkeys(c.text for c in parts))
        chunks.append(_chunk(provision, provision.text, pooled))
        chunks += parts
    return list({c.chunk_id: c for c in chunks}.values())


def embedded_texts(chunks: Iterable[Chunk]) -> list[str]:
    """The distinct texts the embedding model is run on: every chunk's own text, except a pooled
    chunk's (its windows are chunks too)."""
    return list(dict.fromkeys(c.text for c in chunks if not c.pooled_from))
