"""After a crash: make the vector store agree with the committed tables, and check that it does.

The tables and the keyword index commit together (one SQLite transaction), so they always agree;
the vector store is the one that can hold a killed ingest's extra chunks, or miss some."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from assistant.index.chroma import VectorStore
from assistant.index.keyword import KeywordIndex
from assistant.index.tables import Tables
from ingest.chunk import chunk_provisions
from ingest.model import Chunk

Vectors = Callable[[Sequence[Chunk]], list[list[float]]]


def reconcile(
    doc_id: str,
    *,
    tables: Tables,
    keyword: KeywordIndex,
    store: VectorStore,
    vectors: Vectors,
    index_id: str,
    window_chars: int,
) -> str:
    """Vector store ⇐ tables for one document: stray chunks deleted, missing ones re-added
    (vectors from the cache, else embedded). Returns what was done, in Chinese."""
    committed = keyword.chunk_ids(doc_id)
    stray = store.doc_chunk_ids(doc_id) - committed
    store.delete(stray)
    stored = tables.load([doc_id]).get(doc_id)
    missing: list[Chunk] = []
    if stored is not None and stored.entry.index_id == index_id:
        chunks = chunk_provisions(stored.parsed.provisions, window_chars=window_chars)
        present = store.doc_chunk_ids(doc_id)
        missing = [c for c in chunks if c.chunk_id in committed and c.chunk_id not in present]
        if missing:
            store.upsert(missing, vectors(missing))
    kept = "保留上次完整导入的版本" if stored else "该文件不在索引中（删除或首次导入未完成）"
    return (
        f"索引上次处理文件 {doc_id} 时中断，已修复：{kept}"
        f"（清除 {len(stray)} 个未提交的片段，补回 {len(missing)} 个）"
    )


def verify(
    *, tables: Tables, keyword: KeywordIndex, store: VectorStore, index_id: str, window_chars: int
) -> dict[str, str]:
    """Disagreements between the stores, per document (empty when consistent)."""
    problems: dict[str, str] = {}
    manifest = tables.manifest()
    for doc_id in sorted({*manifest, *keyword.doc_ids()}):
        stored = tables.load([doc_id]).get(doc_id)
        if stored is None:
            problems[doc_id] = "keyword index holds a document the tables do not"
            continue
        if stored.entry.index_id != index_id:
            continue
        chunks = chunk_provisions(stored.parsed.provisions, window_chars=window_chars)
        expected = {c.chunk_id for c in chunks}
        in_store = store.doc_chunk_ids(doc_id)
        if keyword.chunk_ids(doc_id) != expected:
            problems[doc_id] = "keyword index and tables hold different versions"
        elif in_store != expected:
            problems[doc_id] = (
                f"vector store: {len(in_store - expected)} stray, {len(expected - in_store)} missing"
            )
    return problems
