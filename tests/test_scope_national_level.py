"""A document named by its level ("中央那份意见", "国家层面的意见", "按中共中央国务院的意见"): the state's
own documents of the kind said, when the question's other words would pick a local document whose
title shares them ("十四五", "煤炭"), and the central issuers' own when they are said. Found on the
national opinion's bank with all 46 documents indexed ("中央双碳意见…" answered from a provincial
energy-saving opinion); tested on documents written for the test."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from assistant.understand.scope import document_scope
from tests.fakes import keyword_library

CENTRAL = """中共中央 国务院关于推进绿色转型发展的意见
（2023年5月1日）
一、总体要求
（一）主要目标。到2025年，绿色转型取得积极进展。
二、重点任务
（二）严控煤炭消费。“十四五”时期严格合理控制煤炭消费增长，“十五五”时期逐步减少。
三、组织实施
（三）加强统筹。国家发展改革委要加强统筹，组织落实各项任务。
（四）加强督查。各地区各有关部门贯彻落实情况每年向党中央、国务院报告。
"""
MINISTRY = """交通运输部关于推进交通运输绿色转型发展的实施意见
一、重点任务
（一）推广新能源车辆。加快城市公交、出租车新能源替代。
（二）控制运输领域煤炭消费。推动港口装卸机械电动化。
"""
CITY = """东岭市人民政府关于印发东岭市“十四五”煤炭消费控制实施意见的通知
一、重点任务
（一）控制煤炭消费。“十四五”期间全市煤炭消费总量下降5%。
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    documents = {"central-opinion": CENTRAL, "ministry-opinion": MINISTRY, "city-coal": CITY}
    return keyword_library(tmp_path_factory, documents, ["煤炭消费", "新能源", "统筹"])


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        ("中央那份意见对“十四五”煤炭消费怎么说？", "central-opinion"),
        ("按中共中央国务院的意见，煤炭消费在十五五有什么要求？", "central-opinion"),
        ("国家层面的意见里，由哪个部门加强统筹？", "central-opinion"),
        ("交通运输部的实施意见对新能源车辆有什么要求？", "ministry-opinion"),
        ("东岭市的十四五煤炭消费控制意见定了多少目标？", "city-coal"),
        # a place named: its document; the state's is another subject of the question
        ("东岭市的煤炭消费控制意见是依据哪份中央文件制定的？", "city-coal"),
    ],
)
def test_the_level_said_names_the_states_documents(
    qa: PolicyQA, question: str, doc_id: str
) -> None:
    assert document_scope(question, qa.corpus).doc_ids == (doc_id,)


def test_a_title_word_said_apart_from_the_name_is_the_topic(qa: PolicyQA) -> None:
    # "贯彻" and "落实" are words of a title and of the question's topic, said after the name
    question = "按中共中央国务院《意见》，各地区的贯彻落实情况多久报告一次？"
    assert not {"贯彻", "落实"} & set(document_scope(question, qa.corpus).words)
    answer = qa.ask(question, doc_id="central-opinion")
    assert not answer.refused and "每年向党中央、国务院报告" in answer.text


def test_a_body_asked_about_is_not_the_issuer_that_names_the_document(qa: PolicyQA) -> None:
    # round 8: "十四五节能减排综合工作方案里，生态环境部牵头哪些工作？" was read as the plan that
    # 生态环境部 issued; asked here of a ministry that issued another document
    assert document_scope(
        "推进绿色转型发展的意见里，交通运输部负责哪些工作？", qa.corpus
    ).doc_ids == ("central-opinion",)
    assert document_scope("交通运输部的实施意见对新能源车辆有什么要求？", qa.corpus).doc_ids == (
        "ministry-opinion",
    )
