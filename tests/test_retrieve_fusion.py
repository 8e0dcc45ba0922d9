"""Reciprocal-rank fusion with rankings known in advance; the langchain retriever."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from assistant.index.embeddings import KeywordEmbeddings
from assistant.index.retrieve import Hit, PolicyRetriever, fuse, hybrid_search
from assistant.index.store import Index, Scored
from assistant.settings import Settings
from ingest.model import Document, ParsedDocument, Provision, Responsibility


def _p(key: str, text: str = "", lead: tuple[str, ...] = (), co: tuple[str, ...] = ()) -> Provision:
    return Provision(
        doc_id="d",
        key=key,
        label=f"第{key}条",
        number=key,
        title=f"标题{key}",
        text=text or f"条款{key}",
        path_titles=(),
        responsibility=Responsibility(lead=lead, co=co),
    )


def test_fuse_sums_reciprocal_ranks() -> None:
    a, b, c, d = _p("a"), _p("b"), _p("c"), _p("d")
    rankings = {
        "bm25": [Scored(a, 9.0), Scored(b, 5.0), Scored(c, 1.0)],
        "dense": [Scored(b, 0.9), Scored(d, 0.8), Scored(c, 0.7)],
    }
    fused = fuse(rankings, k=10, rrf_k=60)
    assert [p.key for p, _, _ in fused] == ["b", "c", "a", "d"]
    scores = {p.key: s for p, s, _ in fused}
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["c"] == pytest.approx(2 / 63)
    assert fused[0][2] == {"bm25": 2, "dense": 1}
    assert fused[2][2] == {"bm25": 1}
    assert [p.key for p, _, _ in fuse(rankings, k=2)] == ["b", "c"]
    assert fuse({}, k=3) == []


VOCAB = ["金融", "锅炉", "光伏", "碳普惠"]
DOC = ParsedDocument(
    Document(doc_id="d", title="测试文件"),
    (
        _p("1", "发展绿色金融，金融机构创新产品。", lead=("市财政局",), co=("市发改委", "人行")),
        _p("2", "淘汰燃煤锅炉。"),
        _p("3", "推广屋顶光伏。"),
        _p("4", "探索碳普惠。锅炉能效提升。"),
    ),
)


@pytest.fixture
def index(tmp_path: Path) -> Index:
    idx = Index(Settings(index=tmp_path / "index"), embeddings=KeywordEmbeddings(VOCAB))
    idx.add(DOC)
    return idx


def test_hybrid_search_ranks_and_provenance(index: Index, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="assistant.index.retrieve"):
        hits = hybrid_search(index, "锅炉", k=3)
    assert all(isinstance(h, Hit) for h in hits)
    assert [h.provision.key for h in hits][:2] == ["2", "4"]
    assert hits[0].bm25_rank == 1 and hits[0].dense_rank == 1
    assert hits[0].score == pytest.approx(2 / 61)
    assert "d#2" in caplog.text
    assert hybrid_search(index, "  ", k=3) == []
    assert hybrid_search(index, "锅炉", k=3, doc_ids=["other"]) == []
    assert hybrid_search(index, "光伏", k=1)[0].provision.key == "3"


def test_policy_retriever(index: Index) -> None:
    retriever = PolicyRetriever(index=index, k=2)
    docs = retriever.invoke("金融")
    assert len(docs) <= 2
    top = docs[0]
    assert top.page_content == "发展绿色金融，金融机构创新产品。"
    assert top.metadata["doc_id"] == "d" and top.metadata["key"] == "1"
    assert top.metadata["label"] == "第1条" and top.metadata["title"] == "标题1"
    assert top.metadata["lead"] == "市财政局" and top.metadata["co"] == "市发改委、人行"
    assert PolicyRetriever.from_index(index).k == index.settings.retrieval.top_k
    assert PolicyRetriever.from_index(index, doc_ids=["zzz"]).invoke("金融") == []
