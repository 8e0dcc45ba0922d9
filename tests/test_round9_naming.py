"""How users name a document in a library (round 9, found on the Shanghai public-institutions plan
and the Shangrao circular-economy plan), tested on documents written for the test: the body that
issued a document ("…联席会议办公室发的那份方案") and the piece that names it ("海南那份循环发展实施
方案") are not the task's words; a title word said apart from that name is ("绿色金融那条"); a title
that prints the question's phrase ranks above a text that holds its words apart."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from assistant.understand.intent import Intent
from assistant.understand.terms import query_terms
from tests.fakes import keyword_library

CIRCULAR = """海南省人民政府关于印发海南省绿色低碳循环发展实施方案的通知
（2024年3月1日）
一、重点任务
（一）推动服务业绿色升级。发展绿色服务，构建“技术攻关+科技金融+人才支撑”创新生态链。（省商务厅、省工信厅按职责分工负责）
（二）大力发展绿色金融。鼓励发行绿色债券。（省金融局、省发展改革委按职责分工负责）
"""
OFFICES = """海南省公共机构节能联席会议办公室关于印发海南省公共机构绿色行动方案的通知
一、重点任务
（一）推动公物仓建设。（责任单位：省机管局、省财政局）
（二）开展能源审计。审计计划报省公共机构节能联席会议审定。（责任单位：省机管局、省住建厅）
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    documents = {"hainan-circular": CIRCULAR, "hainan-offices": OFFICES}
    return keyword_library(tmp_path_factory, documents, ["绿色金融", "公物仓", "能源审计"])


def test_a_title_word_said_apart_from_the_documents_name_is_the_topic(qa: PolicyQA) -> None:
    answer = qa.ask("海南那份循环发展实施方案，绿色金融那条写了哪些负责单位？")
    assert not answer.abstained
    assert [c.key for c in answer.citations] == ["1.2"]
    assert set(answer.departments.co) == {"省金融局", "省发展改革委"}


def test_the_body_that_issued_the_document_is_not_the_tasks_words(qa: PolicyQA) -> None:
    answer = qa.ask("海南省公共机构节能联席会议办公室发的那份行动方案里，公物仓建设谁负责？")
    assert not answer.abstained
    assert set(answer.departments.responsible) == {"省机管局", "省财政局"}
    # several bodies that issued it jointly ("交通运输部、国铁局、民航局、邮政局四家联合发的")
    q = qa.understand(
        "省机关事务局、省公共机构节能联席会议办公室两家联合发的方案里审计计划报谁审定？"
    )
    assert not {"机关", "事务", "联席", "会议", "两家", "联合"} & set(query_terms(q))


def test_which_day_it_was_issued_asks_the_date(qa: PolicyQA) -> None:
    q = qa.understand("海南那份循环发展实施方案是哪天发的？")
    assert q.intent is Intent.METADATA
    assert "2024年3月1日" in qa.ask("海南那份循环发展实施方案是哪天发的？").text


ACTIONS = """海南省节水行动方案
一、总体要求
到2027年，全省用水效率明显提升。
二、重点任务
重点实施“节水五大行动”。
（一）农业节水增效行动。推广喷灌滴灌。
（二）工业节水减排行动。推进企业节水改造。
（三）城镇节水降损行动。更新老旧管网。
（四）非常规水利用行动。推广再生水利用。
（五）全民节水宣传行动。开展节水进社区。
"""


def test_a_numbered_set_whose_noun_also_names_the_document(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    # round 9: "国发〔2021〕23号提的“碳达峰十大行动”分别是什么？" (行动 also names the 行动方案)
    qa = keyword_library(
        tmp_path_factory, {"hainan-water-actions": ACTIONS, "hainan-circular": CIRCULAR}, ["节水"]
    )
    answer = qa.ask("海南节水行动方案提的“节水五大行动”分别是什么？")
    assert answer.text.startswith("共 5 项")
    assert [c.key for c in answer.citations] == ["2.1", "2.2", "2.3", "2.4", "2.5"]
