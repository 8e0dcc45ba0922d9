"""Index plumbing with a keyword embedder (rankings known in advance) and embedded chroma."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.api.types import DefaultEmbeddingFunction
from chromadb.utils.embedding_functions.onnx_mini_lm_l6_v2 import ONNXMiniLM_L6_V2

from assistant.index.corpus import CorpusView
from assistant.index.embeddings import KeywordEmbeddings, pooled_vector
from assistant.index.lock import IndexBusy
from assistant.index.store import Index, expand_paths
from assistant.settings import Settings
from ingest.chunk import chunk_provisions
from ingest.model import Document, ParsedDocument, Provision, Responsibility

VOCAB = ["金融", "锅炉", "碳普惠", "光伏"]

TEXT = """关于推进绿色低碳发展的实施意见

一、重点任务

（一）发展绿色金融

1.积极发展绿色金融。鼓励金融机构创新绿色金融产品，扩大绿色信贷规模。（市财政局牵头，市发改委按职责分工负责）

2.推进锅炉整合。加快燃煤供热锅炉整合，淘汰落后锅炉。（市发改委牵头，市生态环境局按职责分工负责）

（二）倡导绿色生活

3.建立碳普惠机制。探索碳普惠制度，引导公众绿色出行。（市生态环境局牵头）
"""


def _provision(doc_id: str, key: str, title: str, text: str, lead: str = "") -> Provision:
    return Provision(
        doc_id=doc_id,
        key=key,
        label=f"第{key}条",
        number=f"{key}.",
        title=title,
        text=text,
        path_titles=("重点任务",),
        responsibility=Responsibility(lead=(lead,) if lead else ()),
    )


HAND = ParsedDocument(
    Document(doc_id="hand", title="手工文件"),
    (
        _provision("hand", "1", "光伏", "推广光伏发电。" * 3, "市发改委"),
        _provision("hand", "2", "金融", "发展绿色金融。", "市财政局"),
    ),
)


def _index(folder: Path, vocab: list[str] = VOCAB) -> Index:
    return Index(Settings(index=folder), embeddings=KeywordEmbeddings(vocab))


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "green.txt").write_text(TEXT, encoding="utf-8")
    return folder


def test_ingest_folder_then_lookups(tmp_path: Path, corpus: Path) -> None:
    index = _index(tmp_path / "index")
    assert index.is_empty
    seen: list[tuple[str, float]] = []
    report = index.ingest([corpus], progress=lambda m, f: seen.append((m, f)))
    assert report.added == ("green",) and not report.failed
    assert seen[0] == ("green.txt", 0.0) and seen[-1][1] == 1.0
    assert not index.is_empty
    assert [d.doc_id for d in index.documents()] == ["green"]
    keys = [p.key for p in index.provisions("green")]
    assert {"1.1.1", "1.1.2", "1.2.3"} <= set(keys)
    p = index.provision("green", "1.1.2")
    assert p is not None and p.responsibility.lead == ("市发改委",)
    assert index.provision("green", "9.9") is None
    assert index.provisions("nope") == []
    assert index.search_bm25("燃煤供热锅炉", 3)[0].provision.key == "1.1.2"
    assert index.search_dense("锅炉", 3)[0].provision.key == "1.1.2"
    assert index.search_dense("碳普惠", 3)[0].provision.key == "1.2.3"


def test_idempotent_and_replace(tmp_path: Path, corpus: Path) -> None:
    index = _index(tmp_path / "index")
    index.ingest([corpus])
    count = index.store.count()
    again = index.ingest([corpus / "green.txt"])
    assert again.unchanged == ("green",) and not again.added and not again.replaced
    assert index.store.count() == count
    (corpus / "green.txt").write_text(TEXT.replace("扩大绿色信贷规模。", "扩大光伏贷款。"), "utf-8")
    changed = index.ingest([corpus])
    assert changed.replaced == ("green",)
    assert index.store.count() == count  # old chunks gone, no duplicates
    assert "光伏" in (index.provision("green", "1.1.1") or HAND.provisions[0]).text
    assert index.search_dense("光伏", 1)[0].provision.key == "1.1.1"


def test_replace_embeds_only_changed_chunks(tmp_path: Path, corpus: Path) -> None:
    embeddings = KeywordEmbeddings(VOCAB)
    index = Index(Settings(index=tmp_path / "index"), embeddings=embeddings)
    index.ingest([corpus])
    first = len(embeddings.embedded)
    (corpus / "green.txt").write_text(TEXT.replace("引导公众绿色出行", "鼓励光伏"), "utf-8")
    assert index.ingest([corpus]).replaced == ("green",)
    changed = embeddings.embedded[first:]
    assert changed and all("碳普惠" in t for t in changed)  # only 1.2.3's chunk(s)
    assert index.search_dense("光伏", 1)[0].provision.key == "1.2.3"


def test_bad_input_loses_nothing(tmp_path: Path, corpus: Path) -> None:
    index = _index(tmp_path / "index")
    index.ingest([corpus])
    count = index.store.count()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "green.txt").write_bytes(b"")
    (bad / "blob.txt").write_bytes(bytes(range(256)) * 8)
    report = index.ingest([bad / "green.txt", bad / "blob.txt", bad / "missing.txt"])
    assert [Path(p).name for p, _ in report.failed] == ["green.txt", "blob.txt", "missing.txt"]
    assert all("文件" in m for _, m in report.failed)
    assert not (report.added or report.replaced)
    assert index.store.count() == count
    assert index.search_bm25("锅炉", 1)[0].provision.key == "1.1.2"
    assert index.search_dense("锅炉", 1)[0].provision.key == "1.1.2"


def test_reopen_reads_tables_and_keywords(tmp_path: Path, corpus: Path) -> None:
    _index(tmp_path / "index").ingest([corpus])
    index = _index(tmp_path / "index")
    assert [d.doc_id for d in index.documents()] == ["green"]
    assert index.search_bm25("碳普惠", 1)[0].provision.key == "1.2.3"
    assert index.ingest([corpus]).unchanged == ("green",)
    other = _index(tmp_path / "index", ["锅炉"])  # another embedder: another collection
    assert other.index_id != index.index_id and other.is_empty
    assert other.ingest([corpus]).added == ("green",)


def test_add_parsed_and_delete(tmp_path: Path) -> None:
    index = _index(tmp_path / "index")
    assert index.add(HAND) == "added"
    assert index.add(HAND) == "replaced"
    assert index.search_bm25("光伏", 5)[0].provision.key == "1"
    hits = index.search_dense("光伏", 5)
    assert [s.provision.key for s in hits][:1] == ["1"]
    assert len({s.provision.key for s in hits}) == len(hits)  # aggregated per provision
    assert index.search_bm25("光伏", 5, doc_ids=["other"]) == []
    assert index.delete("hand")
    assert not index.delete("hand")
    assert index.is_empty and index.store.count() == 0
    assert index.search_bm25("光伏", 5) == [] and index.search_dense("光伏", 5) == []
    assert _index(tmp_path / "index").is_empty


def test_expand_paths(tmp_path: Path) -> None:
    for name in ["a.txt", "b.MD", "c.docx", "skip.json", ".hidden/d.txt", "sub/e.html"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    names = [p.relative_to(tmp_path).as_posix() for p in expand_paths([tmp_path])]
    assert names == ["a.txt", "b.MD", "c.docx", "sub/e.html"]


def test_chroma_default_embedding_never_used(tmp_path: Path, corpus: Path) -> None:
    boom = AssertionError("chromadb's default embedding function must never be used")
    with (
        mock.patch.object(DefaultEmbeddingFunction, "__init__", side_effect=boom),
        mock.patch.object(DefaultEmbeddingFunction, "__call__", side_effect=boom),
        mock.patch.object(ONNXMiniLM_L6_V2, "__init__", side_effect=boom),
        mock.patch.object(ONNXMiniLM_L6_V2, "__call__", side_effect=boom),
    ):
        index = _index(tmp_path / "index")
        assert index.ingest([corpus]).added == ("green",)
        assert index.search_dense("金融", 1)
        _index(tmp_path / "index").search_dense("锅炉", 1)


def test_vector_cache_survives_a_rebuilt_index(tmp_path: Path, corpus: Path) -> None:
    embeddings = KeywordEmbeddings(VOCAB)
    Index(Settings(index=tmp_path / "index"), embeddings=embeddings).ingest([corpus])
    embedded = len(embeddings.embedded)
    assert embedded and len(set(embeddings.embedded)) == embedded  # each text once
    for path in (tmp_path / "index").iterdir():  # everything but the vector cache
        if not path.name.startswith("vectors.sqlite"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    SharedSystemClient.clear_system_cache()  # chroma keeps one client per path in a process
    rebuilt = Index(Settings(index=tmp_path / "index"), embeddings=embeddings)
    assert rebuilt.is_empty and rebuilt.ingest([corpus]).added == ("green",)
    assert len(embeddings.embedded) == embedded  # nothing embedded again
    assert rebuilt.search_dense("碳普惠", 1)[0].provision.key == "1.2.3"
    assert rebuilt.verify() == {}


def test_another_index_object_sees_commits(tmp_path: Path, corpus: Path) -> None:
    """Two app processes over one index: what one commits, the other serves on its next read."""
    writer, reader = _index(tmp_path / "index"), _index(tmp_path / "index")
    assert reader.is_empty
    generation = reader.generation
    writer.ingest([corpus])
    assert reader.generation != generation
    assert [d.doc_id for d in reader.documents()] == ["green"]
    assert reader.search_bm25("碳普惠", 1)[0].provision.key == "1.2.3"
    assert reader.search_dense("碳普惠", 1)[0].provision.key == "1.2.3"
    assert writer.delete("green")
    assert reader.is_empty and reader.search_bm25("碳普惠", 1) == []


def test_a_second_writer_waits_then_gives_up(tmp_path: Path, corpus: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from assistant.index.lock import IngestLock\n"
            "with IngestLock(Path(sys.argv[1])).hold():\n"
            "    print('held', flush=True); time.sleep(60)",
            str(tmp_path / "index"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        settings = Settings(index=tmp_path / "index", ingest={"lock_timeout_s": 0.5})
        index = Index(settings, embeddings=KeywordEmbeddings(VOCAB))
        seen: list[str] = []
        with pytest.raises(IndexBusy, match=f"另一个进程（pid {holder.pid}）"):
            index.ingest([corpus], progress=lambda message, _: seen.append(message))
        assert seen and "等待其完成" in seen[0]
        assert index.is_empty
    finally:
        holder.kill()
        holder.wait()
    assert index.ingest([corpus]).added == ("green",)  # the lock died with its process


def test_legacy_json_index_is_reingested(tmp_path: Path, corpus: Path) -> None:
    folder = tmp_path / "index"
    (folder / "docs").mkdir(parents=True)
    (folder / "docs" / "green.json").write_text("{}", encoding="utf-8")
    source = str(corpus / "green.txt")
    manifest = {"docs": {"green": {"sha256": "x", "source_path": source, "index_id": "old"}}}
    (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    index = _index(folder)
    assert index.is_empty and index.stale_sources() == [corpus / "green.txt"]
    assert index.ingest(index.stale_sources()).added == ("green",)
    assert index.stale_sources() == [] and not (folder / "manifest.json").exists()
    assert not (folder / "docs").exists()


def test_embedded_store_sees_another_process(tmp_path: Path, corpus: Path) -> None:
    """`policyqa ingest` beside a running app, embedded chroma: the app serves the new document."""
    index = _index(tmp_path / "index")
    index.add(HAND)
    assert index.search_dense("光伏", 1)[0].provision.doc_id == "hand"  # vectors loaded
    child = (
        "import sys; from pathlib import Path\n"
        "from assistant.index.embeddings import KeywordEmbeddings\n"
        "from assistant.index.store import Index\n"
        "from assistant.settings import Settings\n"
        "index = Index(Settings(index=Path(sys.argv[1])), embeddings=KeywordEmbeddings(sys.argv[2:]))\n"
        "print(index.ingest([Path(sys.argv[1]).parent / 'corpus']).added)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", child, str(tmp_path / "index"), *VOCAB],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "green" in proc.stdout
    assert index.search_dense("碳普惠", 1)[0].provision.key == "1.2.3"
    assert index.search_bm25("碳普惠", 1)[0].provision.key == "1.2.3"
    assert {d.doc_id for d in index.documents()} == {"hand", "green"}


def test_stored_token_sets_and_counts_equal_computed_ones(tmp_path: Path, corpus: Path) -> None:
    """What the index stores for support scoring is what the corpus view would compute."""
    index = Index(Settings(index=tmp_path / "index"), embeddings=KeywordEmbeddings(VOCAB))
    index.ingest([corpus])
    index.add(HAND)
    docs, provisions = tuple(index.documents()), tuple(index.provisions())
    computed = CorpusView(docs, provisions)
    stored = CorpusView(
        docs,
        provisions,
        stored_tokens=index.provision_tokens(),
        stored_df=index.provision_df(),
    )
    assert dict(stored.tokens) == dict(computed.tokens) and len(stored.tokens) == len(provisions)
    assert stored.idf == computed.idf
    index.delete("hand")
    after = index.provision_df()
    assert after is not None and after[1] == len(index.provisions())


LONG_TASK = (
    "（三）推广屋顶光伏\n4.推广屋顶光伏。"
    + "".join(f"在第{i}片园区建设屋顶光伏示范项目，配套建设储能设施。" for i in range(1, 20))
    + "（市发改委牵头）\n"
)


def test_a_long_provision_is_embedded_as_its_windows_only(tmp_path: Path, corpus: Path) -> None:
    # A provision longer than the window: its windows are embedded, its own vector is their
    # pooled mean; its whole text never goes to the engine.
    (corpus / "green.txt").write_text(TEXT + LONG_TASK, "utf-8")
    embeddings = KeywordEmbeddings([*VOCAB, "储能"])
    index = Index(Settings(index=tmp_path / "index"), embeddings=embeddings)
    index.ingest([corpus])
    provision = index.provision("green", "1.3.4")
    assert provision is not None and len(provision.text) > 360
    chunks = [c for c in chunk_provisions([provision], 360) if c.key == "1.3.4"]
    whole = next(c for c in chunks if c.pooled_from)
    windows = [c for c in chunks if not c.pooled_from]
    assert len(windows) >= 2 and set(whole.pooled_from) == {c.text for c in windows}
    assert whole.text not in embeddings.embedded
    assert all(c.text in embeddings.embedded for c in windows)
    stored = index.store.vectors([c.chunk_id for c in chunks])
    expected = pooled_vector([(c.text, stored[c.chunk_id]) for c in windows])
    assert stored[whole.chunk_id] == pytest.approx(expected, abs=1e-6)
    # the provision is found by the words of its body
    assert index.search_dense("储能", 1)[0].provision.key == "1.3.4"


def test_pooled_vector_is_the_length_weighted_normalised_mean() -> None:
    pooled = pooled_vector([("甲" * 3, [1.0, 0.0]), ("乙", [0.0, 1.0])])
    assert pooled == pytest.approx([3 / 10**0.5, 1 / 10**0.5])
    assert pooled_vector([("甲", [0.6, 0.8])]) == pytest.approx([0.6, 0.8])
