"""BM25 keyword index in SQLite: ranking, filters, persistence, equality with rank_bm25's BM25Okapi."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from assistant.index.keyword import KeywordIndex
from assistant.index.sqlite import Database
from ingest.chunk import chunk_provisions
from ingest.model import Chunk
from ingest.pipeline import parse_file
from tests.conftest import EXTERNAL, SEED

CHUNKS = [
    Chunk("c1", "a", "1", "积极发展绿色金融，创新绿色金融产品。"),
    Chunk("c2", "a", "2", "推进燃煤供热锅炉整合。"),
    Chunk("c3", "b", "1", "探索碳普惠机制，发展绿色出行。"),
]


def _write(index: KeywordIndex, doc_id: str, chunks: list[Chunk]) -> None:
    with index.db.transaction() as conn:
        index.write_doc(conn, doc_id, index.analyse(chunks))
        Database.bump_generation(conn)


def _remove(index: KeywordIndex, doc_id: str) -> None:
    with index.db.transaction() as conn:
        index.delete_doc(conn, doc_id)
        Database.bump_generation(conn)


def _index(folder: Path) -> KeywordIndex:
    index = KeywordIndex(Database(folder / "index.sqlite"))  # the real ingest tokenizer
    _write(index, "a", CHUNKS[:2])
    _write(index, "b", CHUNKS[2:])
    return index


def test_rank_filter_and_no_match(tmp_path: Path) -> None:
    index = _index(tmp_path)
    assert index.search("绿色金融", 5)[0].chunk_id == "c1"
    assert [h.chunk_id for h in index.search("锅炉", 5)] == ["c2"]  # no shared term: left out
    assert [h.chunk_id for h in index.search("绿色", 5, doc_ids={"b"})] == ["c3"]
    assert index.search("绿色", 5, doc_ids=[]) == []
    assert index.search("？！，。 ", 5) == []  # punctuation is no term
    assert index.search("锅炉", 0) == []
    assert index.search("不存在的词语", 5) == []
    _remove(index, "a")
    assert index.search("锅炉", 5) == [] and len(index) == 1
    assert index.doc_ids() == {"b"}


def test_replace_doc_and_reopen(tmp_path: Path) -> None:
    index = _index(tmp_path)
    before = index.search("燃煤供热锅炉", 3)
    reopened = KeywordIndex(Database(tmp_path / "index.sqlite"))
    assert reopened.doc_ids() == {"a", "b"} and len(reopened) == 3
    assert reopened.search("燃煤供热锅炉", 3) == before
    _write(reopened, "a", [Chunk("c4", "a", "1", "淘汰燃煤锅炉。")])  # a new version of "a"
    assert reopened.chunk_ids("a") == {"c4"} and len(reopened) == 2
    assert [h.chunk_id for h in reopened.search("锅炉", 5)] == ["c4"]
    assert reopened.committed(["c1", "c3", "c4", "zz"]) == {"c3", "c4"}
    conn = reopened.db.connection()
    df = dict(conn.execute("SELECT term, df FROM terms").fetchall())
    assert df["锅炉"] == 1 and "金融" not in df  # document frequencies follow the replacement


def _bm25_case(tmp_path: Path, chunks: list[Chunk]) -> tuple[KeywordIndex, BM25Okapi, list[Chunk]]:
    """Our index and BM25Okapi over the same chunks, in ingest order."""
    index = KeywordIndex(Database(tmp_path / "index.sqlite"))
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc_id, []).append(c)
    for doc_id, of_doc in by_doc.items():
        _write(index, doc_id, of_doc)
    ordered = [c for of_doc in by_doc.values() for c in of_doc]
    reference = BM25Okapi([index.terms(c.text) or [""] for c in ordered])
    return index, reference, ordered


@pytest.mark.parametrize(
    "query",
    ["绿色金融由谁牵头？", "燃煤供热锅炉", "碳普惠机制", "到2025年单位地区生产总值能耗下降"],
)
def test_scores_equal_bm25okapi(tmp_path: Path, query: str) -> None:
    """The same ranking and scores as the previous in-memory BM25Okapi, on real documents."""
    files = [SEED, *sorted(EXTERNAL.glob("*.txt"))[:3]]
    chunks = [c for f in files for c in chunk_provisions(parse_file(f).provisions)]
    index, reference, ordered = _bm25_case(tmp_path, chunks)
    terms = index.terms(query)
    scores = reference.get_scores(terms)
    shares = [set(terms) & set(index.terms(c.text)) for c in ordered]
    expected = [
        (ordered[i].chunk_id, scores[i]) for i in np.argsort(-scores, kind="stable") if shares[i]
    ][:20]
    got = index.search(query, 20)
    assert [h.chunk_id for h in got] == [cid for cid, _ in expected]
    assert [h.score for h in got] == pytest.approx([s for _, s in expected], rel=1e-9)
