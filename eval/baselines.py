"""Retrieval baselines on the same questions, ranked as provision references `<doc_id>#<key>`.

- `langchain`: the plain LangChain recipe: `RecursiveCharacterTextSplitter(chunk_size=500,
  chunk_overlap=50)` over each document's raw text, an ephemeral Chroma collection with our
  embeddings, dense top-k chunks. Each chunk is mapped to provisions by the rule of `chunk_keys`.
- `bm25`: our BM25 over our chunks only (`Index.search_bm25`).
- `dense`: our dense search over our chunks only (`Index.search_dense`).
- the full system (hybrid retrieval + answer) is ranked from its answers in `eval.run`.

Every baseline is asked the question text as written (no follow-up resolution, no document filter).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import chromadb
from langchain_chroma import Chroma
from langchain_core.documents import Document as LCDocument
from langchain_text_splitters import RecursiveCharacterTextSplitter

from eval.metrics import normalise_text
from eval.questions import Question
from ingest.reader import read_text

if TYPE_CHECKING:
    from assistant.service import PolicyQA
    from ingest.model import Document, Provision

log = logging.getLogger(__name__)

SHINGLE = 12  # characters
MIN_SHARED = 20  # shingles shared with a provision (or all of a shorter provision's)
CHUNK_SIZE, CHUNK_OVERLAP = 500, 50
Rankings = dict[str, list[str]]  # question id → ranked references


def shingles(text: str, size: int = SHINGLE) -> set[str]:
    norm = normalise_text(text)
    if len(norm) <= size:
        return {norm} if norm else set()
    return {norm[i : i + size] for i in range(len(norm) - size + 1)}


def chunk_keys(chunk: str, provisions: Sequence[Provision]) -> list[str]:
    """The provisions a raw-text chunk overlaps, most overlapped first (ties: document order).

    Rule: both texts NFKC-normalised with whitespace removed (so page breaks and full-width
    brackets do not matter); a chunk covers a provision when they share at least
    `MIN_SHARED` 12-character shingles, or every shingle of a provision shorter than that (a
    provision of 12 characters or fewer: when it occurs whole in the chunk).
    """
    norm = normalise_text(chunk)
    mine = shingles(chunk)
    found: list[tuple[int, int, str]] = []
    for order, p in enumerate(provisions):
        theirs = shingles(p.text)
        shared = len(mine & theirs)
        if len(theirs) == 1 and len(next(iter(theirs))) < SHINGLE:
            shared = int(next(iter(theirs)) in norm)
        if shared and shared >= min(MIN_SHARED, len(theirs)):
            found.append((-shared, order, p.ref))
    return [ref for _, _, ref in sorted(found)]


def raw_text(doc: Document, provisions: Sequence[Provision]) -> str:
    """The document as read from its source file; the provisions joined when the file is gone."""
    path = Path(doc.source_path)
    if doc.source_path and path.is_file():
        return read_text(path).text
    log.warning("source of %s not found (%r): using its provision texts", doc.doc_id, path)
    return "\n\n".join(p.text for p in provisions)


def langchain_rankings(qa: PolicyQA, questions: Sequence[Question], k: int = 10) -> Rankings:
    """Rankings of the plain LangChain recipe (see module docstring)."""
    splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
    chunks: list[LCDocument] = []
    for doc in qa.documents():
        provisions = qa.provisions(doc.doc_id)
        for text in splitter.split_text(raw_text(doc, provisions)):
            keys = chunk_keys(text, provisions)
            chunks.append(LCDocument(page_content=text, metadata={"refs": "\n".join(keys)}))
    client = chromadb.EphemeralClient(settings=chromadb.config.Settings(anonymized_telemetry=False))
    store = Chroma(
        client=client,
        collection_name=f"baseline-{uuid.uuid4().hex[:8]}",
        embedding_function=qa.index.embeddings,
    )
    log.info("langchain baseline: %d chunks", len(chunks))
    store.add_documents(chunks)
    try:
        out: Rankings = {}
        for q in questions:
            hits = store.similarity_search(q.question, k=k)
            refs = [r for h in hits for r in str(h.metadata.get("refs", "")).split("\n") if r]
            out[q.id] = list(dict.fromkeys(refs))
        return out
    finally:
        store.delete_collection()


def index_rankings(qa: PolicyQA, questions: Sequence[Question], how: str, k: int = 10) -> Rankings:
    """Rankings of our own index searched one way only: `bm25` or `dense`."""
    search = qa.index.search_bm25 if how == "bm25" else qa.index.search_dense
    return {q.id: [s.provision.ref for s in search(q.question, k)] for q in questions}


def all_baselines(qa: PolicyQA, questions: Sequence[Question]) -> dict[str, Rankings]:
    return {
        "langchain": langchain_rankings(qa, questions),
        "bm25": index_rankings(qa, questions, "bm25"),
        "dense": index_rankings(qa, questions, "dense"),
    }
