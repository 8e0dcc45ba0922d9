"""A year said right after a place, before a plan's words ("山东省2023年…的重点任务"), names the plan
of that year; when the library holds that place's plan of another year only, the answer says so
instead of answering from it. A target year said the same way is still a target. Found on round 8
(Shandong's 2022 plan); tested on documents written for the test."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from tests.fakes import keyword_library

PLAN = """宁夏回族自治区2024年节水减排工作计划
一、重点任务
（一）推进节水改造。完成十家企业节水改造。（自治区水利厅牵头）
（二）控制能耗。到2025年，单位地区生产总值能耗下降13%。（自治区发展改革委牵头）
"""


OTHER = """海南省节水行动方案
一、重点任务
（一）推广节水器具。公共机构全面使用节水器具。（省水务厅牵头）
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    documents = {"ningxia-water-2024": PLAN, "hainan-water": OTHER}
    return keyword_library(tmp_path_factory, documents, ["节水", "能耗"])


def test_a_plan_of_a_year_the_library_lacks_is_refused(qa: PolicyQA) -> None:
    answer = qa.ask("宁夏2026年节水减排的重点任务有哪些？")
    assert answer.refused and "没有宁夏2026年的这份文件" in answer.text
    assert "《宁夏回族自治区2024年节水减排工作计划》" in answer.text


@pytest.mark.parametrize(
    "question", ["宁夏2024年节水减排的重点任务有哪些？", "宁夏2025年单位地区生产总值能耗下降多少？"]
)
def test_the_plans_own_year_or_a_target_year_is_answered(qa: PolicyQA, question: str) -> None:
    assert not qa.ask(question).refused
