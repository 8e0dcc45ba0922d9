"""How users name a document in a library (round 9, found on the Shanghai public-institutions plan
and the Shangrao circular-economy plan), tested on documents written for the test: the body that
issued a document ("…联席会议办公室发的那份方案") and the piece that names it ("海南那份循环发展实施
方案") are not the task's words; a title word said apart from that name is ("绿色金融那条"); a title
that prints the question's phrase ranks above a text that holds its words apart."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from assistant.understand.intent import Intent
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


def test_which_day_it_was_issued_asks_the_date(qa: PolicyQA) -> None:
    q = qa.understand("海南那份循环发展实施方案是哪天发的？")
    assert q.intent is Intent.METADATA
    assert "2024年3月1日" in qa.ask("海南那份循环发展实施方案是哪天发的？").text
