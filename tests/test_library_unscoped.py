"""Questions that name no document, asked of a library of several (as typed in the chat): a
provision's title printed whole names that provision, not the document whose title shares its
words; "这条" after a reply that named 第N条 with its title is that provision, not every
document's 第N条; a task that two documents assign to different departments is not asserted for
one of them. Documents written for this test."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from assistant.understand.followup import Turn
from tests.fakes import keyword_library

CIRCULAR = """青湾市人民政府关于加快建立健全绿色低碳循环发展经济体系的实施意见
青政发〔2024〕3号
一、健全绿色低碳循环发展的生产体系
1. 推进工业绿色升级。加快实施钢铁、化工等行业绿色化改造。（市工信局牵头，市发改委配合）
2. 加快农业绿色发展。鼓励发展生态种植、生态养殖。（市农业农村局牵头）
3. 提升公共建筑能效水平。开展公共建筑能耗限额管理。（市住建局牵头，市机关事务局配合）
"""

PEAK = """西坪市碳达峰实施方案
一、重点任务
1. 优化城市空间布局。合理控制城市开发强度。（市规划局牵头）
2. 建立健全绿色低碳产品认证体系。推行绿色低碳产品认证和标识制度。（市市场监管局牵头，市发改委配合）
3. 提升公共建筑能效水平。推行公共建筑能耗限额和能效公示。（市机关事务局牵头，市住建局配合）
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    documents = {"qingwan-circular-economy-opinions": CIRCULAR, "xiping-carbon-peak-plan": PEAK}
    vocab = ["认证", "工业", "农业", "公共建筑", "空间布局", "能耗限额"]
    return keyword_library(tmp_path_factory, documents, vocab)


def test_a_printed_provision_title_names_the_provision_not_a_document(qa: PolicyQA) -> None:
    answer = qa.ask("建立健全绿色低碳产品认证体系由谁牵头？")
    assert answer.departments.lead == ("市市场监管局",)
    assert [c.doc_id for c in answer.citations] == ["xiping-carbon-peak-plan"]


def test_this_article_is_the_one_the_reply_named_with_its_title(qa: PolicyQA) -> None:
    history: list[Turn] = [
        {"role": "user", "content": "第2条讲什么？"},
        {
            "role": "assistant",
            "content": "第2条 建立健全绿色低碳产品认证体系：推行认证和标识制度。",
        },
    ]
    answer = qa.ask("这条谁牵头？", history=history)
    assert [(c.doc_id, c.key) for c in answer.citations][:1] == [("xiping-carbon-peak-plan", "1.2")]
    assert answer.departments.lead == ("市市场监管局",)


def test_a_task_of_two_documents_with_other_departments_is_not_asserted(qa: PolicyQA) -> None:
    answer = qa.ask("公共建筑能效水平提升谁牵头？")
    assert answer.abstained
    assert answer.departments.lead == ()
    assert {c.doc_id for c in answer.citations} == {
        "qingwan-circular-economy-opinions",
        "xiping-carbon-peak-plan",
    }
    # named, the document answers
    answer = qa.ask("西坪市碳达峰实施方案中，公共建筑能效水平提升谁牵头？")
    assert answer.departments.lead == ("市机关事务局",)


def test_topic_words_a_title_shares_name_no_document(qa: PolicyQA) -> None:
    """No place, number or kind of document: "绿色低碳循环发展" is the topic, not the Qingwan title."""
    question = "绿色低碳循环发展产品认证和标识谁牵头？"
    assert qa.understand(question, [], None).doc_ids == ()
    answer = qa.ask(question)
    assert answer.departments.lead == ("市市场监管局",)
    assert [c.doc_id for c in answer.citations] == ["xiping-carbon-peak-plan"]
    # with the kind of document said, the title names it
    assert qa.understand("循环发展实施意见里，工业绿色升级谁牵头？", [], None).doc_ids == (
        "qingwan-circular-economy-opinions",
    )
