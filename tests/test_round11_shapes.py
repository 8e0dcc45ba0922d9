"""Shapes found on round 11's first run (Chongqing, Guangdong, Hubei, Wuhan, Sichuan county,
Jiangsu), tested on a document written for the test: a premise asked as "是X牵头的吧？", "牵头单位
是X吗？", "是X牵头编的吗？" or of a bank's branch ("…分行是不是牵头单位？") opens with the verdict
the attribution gives; a task whose text only says "各部门要…" names nobody responsible; "配合的是
哪几家？" after a lead question asks the same task's co-operating units."""

from __future__ import annotations

import pytest

from assistant.compose import templates as t
from assistant.service import PolicyQA
from assistant.understand.followup import Turn
from tests.fakes import keyword_library

PLAN = """东岭市人民政府关于印发东岭市绿色低碳发展行动方案的通知
一、重点任务
（一）推进园区循环化改造。推动工业园区实施循环化改造，建设资源综合利用基地。（市发展改革委牵头，市生态环境局、市工信局配合）
（二）推广绿色建材。扩大绿色建材在政府投资工程中的应用。（责任单位：市住建局、市市场监管局、市林业局）
（三）加强宣传引导。各区、各相关部门要充分利用传统媒体和网络平台，多角度宣传绿色低碳发展成效。
（四）编制交通专项报告。由市交通运输局牵头编制交通运输领域专项报告。（市交通运输局牵头，市发展改革委配合）
（五）建设绿色金融服务网点。引导银行机构设立绿色金融服务专营网点。（人民银行东岭分行牵头，市金融局配合）
（六）推进节能改造。实施重点用能单位节能改造。（市发展改革委牵头，市工信局配合）
"""

DOC = "dongling-green-low-carbon-plan"


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    vocab = ["园区", "建材", "宣传", "交通", "网点", "节能"]
    return keyword_library(tmp_path_factory, {DOC: PLAN}, vocab)


@pytest.mark.parametrize(
    ("question", "verdict"),
    [
        ("东岭行动方案里，园区循环化改造那条是市生态环境局牵头的吧？", "不是"),
        ("推广绿色建材这条，牵头单位是市林业局吗？", "不是"),
        ("交通运输领域专项报告是市发展改革委牵头编的吗？", "不是"),
        ("绿色金融服务网点建设，人民银行东岭分行是不是牵头单位？", "是"),
    ],
)
def test_a_premise_about_the_lead_opens_with_the_attributions_verdict(
    qa: PolicyQA, question: str, verdict: str
) -> None:
    answer = qa.ask(question, doc_id=DOC)
    first = answer.text.split("\n")[0]
    assert first.startswith(verdict) and (verdict == "不是" or not first.startswith("不是"))


def test_a_task_whose_text_says_only_every_department_names_nobody(qa: PolicyQA) -> None:
    answer = qa.ask("利用网络平台多角度宣传绿色低碳发展成效由哪个部门牵头？", doc_id=DOC)
    assert answer.refused and answer.text.startswith(t.NO_ATTRIBUTION_REFUSAL)
    assert not answer.departments.lead and not answer.departments.co
    # asked who does it, the bodies the text names are the document's word on it
    who = qa.ask("利用网络平台多角度宣传绿色低碳发展成效由谁来做？", doc_id=DOC)
    assert not who.refused and "各区、各相关部门要充分利用" in who.text


def test_which_co_operating_units_after_a_lead_question_is_the_same_task(qa: PolicyQA) -> None:
    history: list[Turn] = [
        {"role": "user", "content": "园区循环化改造谁牵头？"},
        {"role": "assistant", "content": "一（一）推进园区循环化改造：市发展改革委牵头。"},
    ]
    answer = qa.ask("配合的是哪几家？", history=history, doc_id=DOC)
    assert set(answer.departments.co) == {"市生态环境局", "市工信局"}
    assert [c.key for c in answer.citations][:1] == ["1.1"]


def test_these_bodies_are_the_departments_just_named_not_the_task(qa: PolicyQA) -> None:
    # round 11 (the State Council's 十四五 plan): "这几家里，工业和信息化部另外还牵头哪几项？"
    # listed the task just answered
    history: list[Turn] = [
        {"role": "user", "content": "园区循环化改造由谁牵头？"},
        {
            "role": "assistant",
            "content": "一（一）推进园区循环化改造：市发展改革委牵头，市生态环境局、市工信局配合。",
        },
    ]
    answer = qa.ask("这几家里，市发展改革委另外还牵头哪几项？", history=history, doc_id=DOC)
    assert [c.key for c in answer.citations] == ["1.6"]
