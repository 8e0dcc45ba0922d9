"""Shapes found on round 8's first run (Chongqing, Wuhan), tested on a document written for the
test: a quoted task title names its task although the question also spells out a long document
name; an amount in Chinese numerals ("覆盖千万级人群") is a figure the document gives."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from tests.fakes import keyword_library

PLAN = """东岭市人民政府关于印发以绿色转型为引领推进东岭市制造业高质量发展行动计划的通知
一、重点任务
（一）推广绿色产品。推行绿色产品认证，扩大绿色产品供给。（市工信局、市市场监管局牵头，市财政局配合）
（二）培育绿色企业。引导企业实施绿色发展战略，加强质量管理和市场监督，打造绿色发展标杆企业。（市工信局牵头，市国资委配合）
（三）建立普惠机制。形成覆盖百万级人群的碳普惠机制，年减排二十万吨二氧化碳。（市生态环境局牵头）
（四）推进督察整改。聚焦48项突出问题，按期完成整改销号。（市生态环境局牵头）
"""


WORK_PLAN = """东岭市生态环境局2024年度节水减排工作计划
一、重点工作
（一）开展节水宣传。组织节水进社区活动，开展节水宣传条例立法调研。（责任部门：宣教科，完成期限：长期坚持）
（二）建设监测网络。长期坚持监测先行，建成重点企业用水在线监测网络，长期坚持数据公开。（责任部门：监测科，完成期限：9月底）
（三）推进节水改造。长期坚持节水优先，完成十家企业节水改造，企业可通过市节水服务平台申请改造补贴。（责任部门：水环境科，完成期限：12月底）
（四）开展再生水立法调研。开展再生水利用立法调研。
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    vocab = ["绿色产品", "绿色企业", "普惠", "人群", "减排", "节水", "监测"]
    documents = {"dongling-manufacturing-plan": PLAN, "dongling-water-work-plan": WORK_PLAN}
    return keyword_library(tmp_path_factory, documents, vocab)


def test_a_quoted_task_title_names_the_task(qa: PolicyQA) -> None:
    answer = qa.ask(
        "东岭市以绿色转型为引领推进制造业高质量发展的行动计划中，“推广绿色产品”这一项"
        "东岭市市场监督管理局是牵头单位吗？",
        doc_id="dongling-manufacturing-plan",
    )
    assert not answer.abstained and answer.text.startswith("是")
    assert set(answer.departments.lead) == {"市工信局", "市市场监管局"}


@pytest.mark.parametrize(
    ("question", "figure"),
    [
        ("东岭的碳普惠机制要覆盖多大规模的人群？", "百万级人群"),
        ("普惠机制每年要减排多少二氧化碳？", "二十万吨"),
    ],
)
def test_an_amount_in_chinese_numerals_is_a_figure(
    qa: PolicyQA, question: str, figure: str
) -> None:
    answer = qa.ask(question, doc_id="dongling-manufacturing-plan")
    assert not answer.refused and figure in answer.text


def test_a_count_the_document_prints_is_quoted_not_the_tasks_counted(qa: PolicyQA) -> None:
    # round 8 (Shandong): "要整改的具体问题一共多少项？" counted the plan's tasks
    answer = qa.ask("要整改的突出问题一共多少项？", doc_id="dongling-manufacturing-plan")
    assert "48项突出问题" in answer.text and "共列出" not in answer.text
    tasks = qa.ask("这份计划一共有多少项任务？", doc_id="dongling-manufacturing-plan")
    assert "共列出 4 项任务" in tasks.text


def test_a_quoted_deadline_names_the_task_it_is_printed_for(qa: PolicyQA) -> None:
    # round 8 (the Jiangsu office's 2021 plan): "哪项工作的完成期限写的是“持续推进”？"
    answer = qa.ask("哪项工作的完成期限写的是“长期坚持”？", doc_id="dongling-water-work-plan")
    assert [c.key for c in answer.citations] == ["1.1"]
    assert "宣教科" in answer.text


def test_how_to_apply_is_answered_only_where_a_document_says_how(qa: PolicyQA) -> None:
    # round 8's typed out-of-scope questions ("碳普惠平台怎么注册？"), asked of other topics
    refused = qa.ask("碳普惠机制的平台怎么注册？", doc_id="dongling-manufacturing-plan")
    assert refused.refused and refused.text.startswith("文件没有写明办理的具体流程")
    answered = qa.ask("节水改造补贴怎么申请？", doc_id="dongling-water-work-plan")
    assert not answered.refused and "市节水服务平台申请改造补贴" in answered.text


def test_a_task_without_attribution_is_not_answered_with_anothers(qa: PolicyQA) -> None:
    # round 9 (the Jiangsu office's 2022 plan): "应对气候变化立法调研是哪个处室负责、几月底完成？"
    # was answered with another item that also prints 立法调研 and has an office
    answer = qa.ask("再生水立法调研是哪个科室负责、几月底完成？", doc_id="dongling-water-work-plan")
    assert not answer.departments.lead and not answer.departments.responsible
    assert "宣教科" not in answer.text and [c.key for c in answer.citations] == ["1.4"]
