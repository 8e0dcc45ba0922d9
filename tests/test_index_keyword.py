"""BM25 keyword index: ranking, filters, persistence (tokens as JSON)."""

from __future__ import annotations

from pathlib import Path

from assistant.index.keyword import KeywordIndex
from ingest.model import Chunk

CHUNKS = [
    Chunk("c1", "a", "1", "积极发展绿色金融，创新绿色金融产品。"),
    Chunk("c2", "a", "2", "推进燃煤供热锅炉整合。"),
    Chunk("c3", "b", "1", "探索碳普惠机制，发展绿色出行。"),
]


def _index() -> KeywordIndex:
    index = KeywordIndex()  # the real ingest tokenizer
    index.set_doc("a", CHUNKS[:2])
    index.set_doc("b", CHUNKS[2:])
    return index


def test_rank_filter_and_no_match() -> None:
    index = _index()
    assert index.search("绿色金融", 5)[0].chunk_id == "c1"
    assert [h.chunk_id for h in index.search("锅炉", 5)] == ["c2"]  # no shared term: left out
    assert [h.chunk_id for h in index.search("绿色", 5, doc_ids={"b"})] == ["c3"]
    assert index.search("？！，。 ", 5) == []  # punctuation is no term
    assert index.search("锅炉", 0) == []
    index.remove_doc("a")
    assert index.search("锅炉", 5) == [] and len(index) == 1


def test_save_load_round_trip(tmp_path: Path) -> None:
    index = _index()
    path = tmp_path / "kw" / "x.json"
    index.save(path)
    loaded = KeywordIndex.load(path)
    assert loaded.doc_ids() == {"a", "b"} and len(loaded) == 3
    assert loaded.search("燃煤供热锅炉", 3) == index.search("燃煤供热锅炉", 3)
    assert len(KeywordIndex.load(tmp_path / "missing.json")) == 0
