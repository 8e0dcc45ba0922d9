"""A figure is given only where the clause naming what is measured states it: "用水量下降多少" is
not answered by a sentence whose figure belongs to another measure ("能耗下降12%，用水量下降
幅度完成省下达任务"). Found on round 5 (Guangxi, Neimenggu: "二氧化碳排放下降率确保完成国家下达
的目标"); tested on a document written for this test, with a qualitative restatement beside the
figure's own clause."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from tests.conftest import EXTERNAL
from tests.fakes import keyword_library

PLAN = """东岭市人民政府关于印发东岭市节能节水行动方案的通知
一、主要目标
到2025年，单位工业增加值能耗下降12%，单位工业增加值用水量下降幅度完成省下达任务；新建公共建筑屋顶光伏覆盖率达到50%。
二、重点任务
（一）加强园区管理。园区用能和用水得到有效控制，园区能源消费总量控制在80万吨标准煤以内，园区用水总量控制在900万吨以内。（市工信局负责）
（二）开展监测试点。开展重点园区碳排放监测试点，在全市园区选取12家企业开展在线监测。（市生态环境局负责）
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    vocab = ["用水量", "能耗", "光伏", "覆盖率", "用水总量", "能源消费总量", "监测"]
    return keyword_library(tmp_path_factory, {"dongling-energy-water-plan": PLAN}, vocab)


def test_a_figure_of_another_measure_does_not_answer(qa: PolicyQA) -> None:
    answer = qa.ask("东岭市节能节水行动方案要求到2025年单位工业增加值用水量下降多少？")
    assert answer.refused
    assert "完成省下达任务" in answer.text  # the closest provision is shown


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("东岭市节能节水行动方案要求到2025年单位工业增加值能耗下降多少？", "12%"),
        ("东岭市节能节水行动方案里新建公共建筑屋顶光伏覆盖率要达到多少？", "50%"),
        # the clause without a figure ("用水得到有效控制") stands beside the figure's clause
        ("东岭市节能节水行动方案里园区用水总量要控制在多少？", "900万吨"),
        # the next clause goes on about what is measured (监测), so its figure is the one asked
        ("东岭市节能节水行动方案里重点园区碳排放监测试点要选多少家企业？", "12家"),
    ],
)
def test_the_figure_of_the_measure_asked_is_given(qa: PolicyQA, question: str, figure: str) -> None:
    answer = qa.ask(question)
    assert not answer.refused
    assert figure in answer.text


@pytest.fixture(scope="module")
def jiangxi(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    doc = "jiangxi-dual-carbon-implementation-opinions"
    text = (EXTERNAL / f"{doc}.txt").read_text("utf-8")
    vocab = ["能耗", "二氧化碳", "非化石能源", "消费比重", "单位地区生产总值"]
    return keyword_library(tmp_path_factory, {doc: text}, vocab)


def test_a_clause_with_its_own_measure_is_no_figure_of_the_one_before(jiangxi: PolicyQA) -> None:
    # "…二氧化碳排放确保完成国家下达指标，非化石能源消费比重达到18.3％": the 18.3％ is the next
    # measure's (found on round 6, Hunan; tested on the Jiangxi opinion, which no bank is about)
    answer = jiangxi.ask("江西到2025年单位地区生产总值二氧化碳排放要下降多少？")
    assert answer.refused
    assert "确保完成国家下达指标" in answer.text
    given = jiangxi.ask("江西到2025年非化石能源消费比重要达到多少？")
    assert not given.refused and "18.3" in given.text
