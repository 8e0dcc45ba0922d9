"""VectorStore contract: embedded chroma and a real `chroma run` server pass the same tests."""

from __future__ import annotations

import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import chromadb
import pytest
from chromadb.config import Settings as ChromaSettings

from assistant.index.chroma import ChromaStore, make_client
from assistant.settings import Settings
from ingest.model import Chunk

CHROMA = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "chroma"

StoreFactory = Callable[[], ChromaStore]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    port = _free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:  # the client itself connects on construction
                chromadb.HttpClient(
                    host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False)
                ).heartbeat()
                break
            except Exception:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("chroma server did not start")
                time.sleep(0.2)
        yield "127.0.0.1", port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(params=["embedded", "server"])
def new_store(request: pytest.FixtureRequest, tmp_path: Path) -> StoreFactory:
    if request.param == "embedded":
        settings = Settings(index=tmp_path / "index")
    else:
        host, port = request.getfixturevalue("chroma_server")
        settings = Settings(index=tmp_path / "index", chroma_host=host, chroma_port=port)
    client = make_client(settings)
    name = f"policyqa-test-{uuid.uuid4().hex[:8]}"
    return lambda: ChromaStore(client, name)


def _chunk(doc_id: str, key: str, n: int = 0, departments: tuple[str, ...] = ()) -> Chunk:
    return Chunk(f"{doc_id}-{key}-{n}", doc_id, key, f"{doc_id} {key} 第{n}段", departments)


A1, A2, B1 = (
    _chunk("a", "1", departments=("市发改委", "市财政局")),
    _chunk("a", "2"),
    _chunk("b", "1"),
)
VECTORS = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.8, 0.6, 0.0]]


def test_upsert_search_count(new_store: StoreFactory) -> None:
    store = new_store()
    assert store.count() == 0
    assert store.search([1.0, 0.0, 0.0], 5) == []
    store.upsert([A1, A2, B1], VECTORS)
    assert store.count() == 3
    hits = store.search([1.0, 0.0, 0.0], 5)
    assert [h.chunk_id for h in hits] == [A1.chunk_id, B1.chunk_id, A2.chunk_id]
    assert hits[0].doc_id == "a" and hits[0].key == "1"
    assert hits[0].score == pytest.approx(1.0, abs=1e-5)
    assert hits[1].score == pytest.approx(0.8, abs=1e-5)  # cosine similarity
    assert [h.chunk_id for h in store.search([1.0, 0.0, 0.0], 1)] == [A1.chunk_id]


def test_upsert_is_idempotent(new_store: StoreFactory) -> None:
    store = new_store()
    store.upsert([A1, A2, B1], VECTORS)
    store.upsert([A1, A2, B1], VECTORS)
    assert store.count() == 3
    store.upsert([A1], [[0.0, 0.0, 1.0]])  # same id, new vector: replaced
    assert store.count() == 3
    assert store.search([0.0, 0.0, 1.0], 1)[0].chunk_id == A1.chunk_id


def test_filter_by_documents(new_store: StoreFactory) -> None:
    store = new_store()
    store.upsert([A1, A2, B1], VECTORS)
    assert {h.doc_id for h in store.search([1.0, 0.0, 0.0], 5, doc_ids={"b"})} == {"b"}
    assert len(store.search([1.0, 0.0, 0.0], 5, doc_ids=["a", "b"])) == 3
    assert store.search([1.0, 0.0, 0.0], 5, doc_ids=[]) == []
    assert store.search([1.0, 0.0, 0.0], 5, doc_ids=["zzz"]) == []


def test_delete_doc_and_ids(new_store: StoreFactory) -> None:
    store = new_store()
    store.upsert([A1, A2, B1], VECTORS)
    assert store.doc_chunk_ids("a") == {A1.chunk_id, A2.chunk_id}
    store.delete_doc("a")
    assert store.count() == 1
    assert store.doc_chunk_ids("a") == set()
    assert [h.doc_id for h in store.search([1.0, 0.0, 0.0], 5)] == ["b"]
    assert store.vectors([B1.chunk_id, "nope"]) == {B1.chunk_id: pytest.approx(VECTORS[2])}
    assert store.vectors([]) == {}
    store.delete({B1.chunk_id})
    store.delete(set())
    assert store.count() == 0


def test_metadata_and_langchain_adapter(new_store: StoreFactory) -> None:
    from assistant.index.embeddings import KeywordEmbeddings

    store = new_store()
    store.upsert([A1, A2, B1], VECTORS)
    got = store._collection.get(ids=[A1.chunk_id], include=["metadatas", "documents"])
    assert got["metadatas"] == [{"doc_id": "a", "key": "1", "departments": "市发改委、市财政局"}]
    assert got["documents"] == [A1.text]
    store.embeddings = KeywordEmbeddings(["x", "y"])
    lc = store.langchain_vectorstore()
    docs = lc.similarity_search("x", k=1)
    assert docs[0].metadata["key"] == "1" and docs[0].page_content == A1.text


def test_reopen_embedded_persists(tmp_path: Path) -> None:
    settings = Settings(index=tmp_path / "index")
    ChromaStore(make_client(settings), "policyqa-persist").upsert([A1], [VECTORS[0]])
    assert ChromaStore(make_client(settings), "policyqa-persist").count() == 1
    assert ChromaStore(make_client(settings), "policyqa-other").count() == 0
