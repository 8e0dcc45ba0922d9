"""Responsibility questions as civil servants type them, on a document written for the test: the
full name of a body the document prints short (卫生健康委员会 for 卫健委, 规划和自然资源局 for 规划资源局),
"X是不是牵头单位？" with the body before the verb, "…也有份？一共哪些单位？" (which units, not how many),
"写明由X牵头的有几处", tasks without a lead that are sections with their own bracket beside numbered
items elsewhere, and "那另外还有哪些配合单位？" after a lead question. Found on the round-7 department
bank (Hubei, Shanghai, Shangrao, Wuhan, Shanxi, Chengyu); none of those documents is used here."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from tests.fakes import keyword_library

DOC = "beilin-low-carbon-work-plan"
BEILIN = """北林市人民政府关于印发北林市低碳发展实施方案的通知
一、工作任务
（一）开展排放核算。核算全市能源活动二氧化碳排放数据。（牵头单位：市发改委、市统计局；配合单位：市经信局、市卫健委）
（二）编制专项报告
1.建筑领域。评估建筑领域排放趋势，提出建筑节能措施。（牵头单位：市城建局；配合单位：市规划资源局、市房管局）
2.交通领域。评估交通领域排放趋势，提出绿色出行措施。（牵头单位：市交通运输局；配合单位：市发改委）
（三）编制区级报告。各区开展区级评估并提交区级评估报告。（责任单位：各区人民政府）
（四）强化法治保障。加强生态环境司法保护，依法查处破坏生态环境行为。（市司法局、市中级人民法院、市检察院、市公安局按职责分工负责）
（五）推进健康城市建设。开展爱国卫生运动，倡导绿色健康生活方式。（牵头单位：市卫健委；配合单位：市体育局）
（六）引导民营企业低碳转型。支持民营企业开展节能降碳改造，参与绿色低碳技术攻关。（牵头单位：市工商联；配合单位：市经信局）
（七）组织开展低碳试点。选择条件较好的区开展低碳试点，总结推广试点经验。（市生态环境局、市住建局按职责分工负责）
二、组织实施
建立工作专班，统筹推进各项任务，定期调度进展。（市发改委牵头，各区人民政府、各有关部门按职责分工负责）
三、工作步骤
（一）2024年6月底前，完成全市排放数据收集。
（二）2024年12月底前，各区完成区级报告编制工作，报市发改委汇总。
"""


NANJIANG = """南江省人民政府关于印发南江省节能降碳行动计划的通知
一、重点任务
（一）加强能耗统计监测。完善能源消费统计制度，提高数据质量。（牵头单位：省统计局；配合单位：省发展改革委）
（二）推进工业节能。实施重点行业节能改造。（牵头单位：省工业和信息化厅；配合单位：省统计局）
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    vocab = ["排放核算", "建筑领域", "交通领域", "法治保障", "健康城市", "区级评估", "统计"]
    documents = {DOC: BEILIN, "nanjiang-energy-saving-plan": NANJIANG}
    return keyword_library(tmp_path_factory, documents, vocab)


def test_a_body_asked_at_one_level_is_not_another_documents_body_of_another(
    qa: PolicyQA,
) -> None:
    # "市统计局" asked of the whole library: the city's bureau, not a province's 省统计局 (a
    # document that prints "统计局" once gave 市统计局 its tasks; found on the seed bank, s096)
    answer = qa.ask("市统计局牵头哪些任务？")
    assert "开展排放核算" in answer.text
    assert "省统计局" not in answer.text and "加强能耗统计监测" not in answer.text


@pytest.mark.parametrize(
    ("question", "tasks", "not_listed"),
    [
        (
            "北林市卫生健康委员会在这份实施方案里承担哪些任务？",
            ["开展排放核算", "推进健康城市建设"],
            "建筑领域",
        ),
        ("北林市规划和自然资源局参与了哪些任务？", ["建筑领域"], "交通领域"),
    ],
)
def test_a_body_typed_by_its_full_name_is_the_one_printed_short(
    qa: PolicyQA, question: str, tasks: list[str], not_listed: str
) -> None:
    answer = qa.ask(question, doc_id=DOC)
    assert not answer.refused
    assert all(task in answer.text for task in tasks)
    assert not_listed not in answer.text


def test_a_body_named_before_is_it_the_lead_gets_the_verdict(qa: PolicyQA) -> None:
    answer = qa.ask("交通领域的排放评估，市发改委是不是牵头单位？", doc_id=DOC)
    assert answer.text.startswith("不是牵头单位：该条列市发改委为配合单位")
    assert answer.departments.lead == ("市交通运输局",)


def test_which_units_in_all_is_not_a_count(qa: PolicyQA) -> None:
    answer = qa.ask("强化法治保障这块，法院、检察院是不是也有份？一共哪些单位？", doc_id=DOC)
    assert answer.intent == "who_leads"
    assert set(answer.departments.co) == {"市司法局", "市中级人民法院", "市检察院", "市公安局"}


def test_how_many_places_a_body_leads(qa: PolicyQA) -> None:
    answer = qa.ask("写明由市卫健委牵头负责的有几处？", doc_id=DOC)
    assert not answer.refused
    assert "推进健康城市建设" in answer.text
    assert "开展排放核算" not in answer.text.split("配合")[0]  # it is co there, not lead


def test_tasks_without_a_lead_include_sections_with_their_own_bracket(qa: PolicyQA) -> None:
    answer = qa.ask("哪项任务没有写牵头单位？", doc_id=DOC)
    assert answer.text.startswith("共有 3 项任务没有明确牵头部门")
    assert "编制区级报告" in answer.text and "强化法治保障" in answer.text
    assert "开展排放核算" not in answer.text


def test_the_other_units_after_a_lead_question(qa: PolicyQA) -> None:
    history = [
        {"role": "user", "content": "北林市的低碳发展实施方案里，建筑领域的评估由谁牵头？"},
        {"role": "assistant", "content": "二（二）1 建筑领域由市城建局牵头。"},
    ]
    answer = qa.ask("那另外还有哪些配合单位？", history=history, doc_id=DOC)
    assert set(answer.departments.co) == {"市规划资源局", "市房管局"}


def test_the_words_of_the_attribution_and_a_title_word_said_again(qa: PolicyQA) -> None:
    # "实施" named the document in "…实施方案" and is the topic in "组织实施"; "抓总", "按职责分工负责"
    # are the attribution's words, not the task's (round 7, the Jiangxi plan's 五、组织实施)
    answer = qa.ask("北林市低碳发展实施方案的组织实施由谁抓总？其他哪些方面按职责分工负责？")
    assert not answer.abstained
    assert answer.departments.lead == ("市发改委",)
    assert set(answer.departments.co) == {"各区人民政府", "各有关部门"}


def test_an_abbreviation_no_document_prints_stands_for_the_word_it_abbreviates(
    qa: PolicyQA,
) -> None:
    # "国企" for 国有企业 on the Shanghai opinion (round 7); here "民企" for 民营企业
    answer = qa.ask("对民企有什么要求？", doc_id=DOC)
    assert not answer.refused
    assert "民营企业" in answer.text


def test_a_deadline_printed_in_the_steps_chapter_answers_when_the_task_gives_none(
    qa: PolicyQA,
) -> None:
    # round 7 (Wuhan): the task's bracket gives no 完成时限, the 工作步骤 chapter dates it
    history = [
        {"role": "user", "content": "北林市低碳发展实施方案里，区级报告由谁来编？"},
        {"role": "assistant", "content": "一（三）编制区级报告的责任单位是各区人民政府。"},
    ]
    answer = qa.ask("这件事什么时候完成？", history=history, doc_id=DOC)
    assert not answer.refused
    assert "2024年12月底前，各区完成区级报告编制工作" in answer.text
    assert [c.key for c in answer.citations] == ["3.2"]
    undated = qa.ask("推进健康城市建设什么时候完成？", doc_id=DOC)
    assert undated.refused and "没有写明这项工作的完成期限" in undated.text
