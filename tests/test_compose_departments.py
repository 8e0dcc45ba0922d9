"""Answer or abstain, spans, roles as printed, documents named by short titles, verdicts, targets by
year and follow-ups — on small documents and phrasings written for these tests (none of the rules
was written against them). A keyword embedder keeps them fast; the seed tests use the real one."""

from __future__ import annotations

import pytest

from assistant.answer import Answer
from assistant.compose import templates
from assistant.service import PolicyQA
from assistant.understand.followup import Turn
from tests.fakes import keyword_library

CITY = """关于印发临江市绿色交通行动方案的通知
临政发〔2024〕3号
一、重点任务
（一）优化运输结构
1.推进公交电动化。新增公交车全部采用新能源车辆。（市交通局牵头，市财政局配合）
2.推进出租车电动化。新增出租车优先采用新能源车辆。（市交通局牵头，市商务局配合）
3.建设充电设施。完善城区公共充电桩布局。（市住建局牵头，市发展改革委、国网临江供电公司配合）
（二）严控高排放车辆
4.淘汰老旧柴油货车。禁止新增国四及以下柴油货车。（市公安局牵头，市生态环境局配合）
二、目标
（一）主要目标。到2025年，新能源公交车占比达到80%。到2030年，城市绿色出行比例达到75%，公交全部电动化。
"""

PROVINCE = """关于做好节能降碳工作的实施意见
一、重点任务
（一）严控两高项目。严格控制钢铁、水泥新增产能。新建项目实行产能等量或减量置换。（责任单位：省发展改革委、省工业和信息化厅）
（二）推进园区循环化改造。省级园区全部实施循环化改造。（责任单位：省发展改革委；省生态环境厅）
（三）开展节能诊断。组织重点企业节能诊断。（责任部门：节能处，完成期限：6月底）建立能效标杆。（责任部门：标准处，完成期限：10月底）
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    documents = {"linjiang-green-transport-plan": CITY, "province-energy-saving-opinions": PROVINCE}
    vocab = ["公交", "出租车", "充电", "柴油", "两高", "园区", "节能诊断", "能效标杆", "新能源"]
    return keyword_library(tmp_path_factory, documents, vocab)


def ask(qa: PolicyQA, question: str, history: list[Turn] | None = None) -> Answer:
    return qa.ask(question, history=history or [])


def test_a_clear_question_asserts_its_task(qa: PolicyQA) -> None:
    a = ask(qa, "临江绿色交通行动方案里，充电桩布局谁牵头？")
    assert not a.abstained and a.citations[0].key == "1.1.3"
    assert a.departments.lead == ("市住建局",)
    assert a.confidence >= qa.settings.answer.min_confidence


def test_a_vague_question_abstains_and_shows_candidates(qa: PolicyQA) -> None:
    a = ask(qa, "临江绿色交通行动方案里，车辆电动化由谁牵头、谁配合？")
    # 公交 and 出租车 both match; their co departments differ, so the answer must not pick one.
    assert a.abstained and not a.refused
    assert a.departments.lead == a.departments.co == ()
    assert templates.ABSTAIN in a.text
    assert {"1.1.1", "1.1.2"} <= {c.key for c in a.citations}
    assert "市财政局" in a.text and "市商务局" in a.text


def test_unit_lists_are_responsible_never_lead(qa: PolicyQA) -> None:
    a = ask(qa, "节能降碳实施意见中严控两高项目由哪个部门牵头？")
    assert a.departments.lead == ()
    assert a.departments.responsible == ("省发展改革委", "省工业和信息化厅")
    assert templates.NO_LEAD_NOTE in a.text and "责任单位" in a.text


def test_a_question_about_one_span_gets_that_spans_units_and_deadline(qa: PolicyQA) -> None:
    a = ask(qa, "节能降碳实施意见里，建立能效标杆的完成期限是什么时候，哪个处负责？")
    assert a.departments.responsible == ("标准处",)
    assert "10月底" in a.text and "6月底" not in a.text
    assert a.citations[0].quote == "建立能效标杆。"


def test_a_department_named_across_documents_is_listed_per_document(qa: PolicyQA) -> None:
    a = ask(qa, "发展改革委负责哪些任务？")
    assert "《关于印发临江市绿色交通行动方案的通知》" in a.text
    assert "《关于做好节能降碳工作的实施意见》" in a.text
    # Each document's own name for it, never one document's name for the other's body.
    assert "市发展改革委按职责分工参与" in a.text and "省发展改革委列为责任单位" in a.text
    assert {c.key for c in a.citations} == {"1.1.3", "1.1", "1.2"}


def test_a_yes_no_rule_opens_with_the_verdict_of_its_words(qa: PolicyQA) -> None:
    a = ask(qa, "临江的方案里，还能不能新增国四柴油货车？")
    assert a.text.startswith("**结论：不可以**")
    assert "禁止新增国四及以下柴油货车" in a.text
    b = ask(qa, "节能降碳实施意见对钢铁新增产能有没有限制？")
    assert b.text.startswith("**结论：受严格限制")


def test_targets_are_grouped_by_year_and_never_mixed(qa: PolicyQA) -> None:
    a = ask(qa, "临江绿色交通行动方案到2030年的目标是什么？")
    assert "绿色出行比例达到75%" in a.text
    assert "80%" not in a.text  # the 2025 sentence stays out
    both = ask(qa, "临江绿色交通行动方案的主要目标是什么？")
    assert both.text.index("2025年") < both.text.index("2030年")


def test_a_complete_question_after_a_department_question_stands_alone(qa: PolicyQA) -> None:
    history: list[Turn] = [
        {"role": "user", "content": "临江绿色交通行动方案里市交通局牵头哪些任务？"},
        {"role": "assistant", "content": "市交通局牵头的任务（2项）：第1条、第2条"},
    ]
    a = ask(qa, "临江绿色交通行动方案一共有多少项任务？", history)
    assert "共列出 4 项任务" in a.text and not a.resolved_question


def test_this_article_is_the_one_the_reply_named(qa: PolicyQA) -> None:
    history: list[Turn] = [
        {"role": "user", "content": "临江方案里禁止新增什么柴油货车？"},
        {"role": "assistant", "content": "第4条 淘汰老旧柴油货车：禁止新增国四及以下柴油货车。"},
    ]
    a = ask(qa, "这条谁牵头？", history)
    assert a.citations[0].key == "1.2.4" and a.departments.lead == ("市公安局",)
    assert a.resolved_question and a.text.startswith("按上文理解为：")
