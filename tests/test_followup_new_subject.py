"""A follow-up that points back ("这条", "这些") but names its own subject, which another task of
the conversation's document holds, is about that task, not the one just answered; one whose words
are the answered task's, or only a department and a role, stays on it. Found on two unseen banks
(Beihai "那完善绿色标准…这条呢？", Wuzhou "那新能源汽车充换电、加氢这些配套设施建设归哪些部门？");
tested on a document written for this test."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from assistant.understand.followup import Turn
from tests.fakes import keyword_library

PLAN = """西岭市人民政府关于印发西岭市绿色交通发展实施方案的通知
西政发〔2025〕3号
一、重点任务
（一）打造绿色物流。推广城市绿色货运配送，发展多式联运，提高铁路货运比例。（市交通运输局、市商务局按职责分工负责）
（二）完善充换电基础设施。加快新能源汽车充换电站建设，布局加氢站，推动配套设施进小区。（市住房城乡建设局牵头，市发展改革委、市供电公司配合）
（三）推进公交电动化。新增和更新公交车全部使用新能源车辆。（市公交集团负责）
"""

ASKED = "西岭绿色交通方案里，打造绿色物流由哪些部门负责？"


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    vocab = ["物流", "货运", "充换电", "加氢", "公交", "配套设施"]
    return keyword_library(tmp_path_factory, {"xiling-green-transport-plan": PLAN}, vocab)


@pytest.fixture(scope="module")
def history(qa: PolicyQA) -> list[Turn]:
    first = qa.ask(ASKED)
    assert set(first.departments.co) == {"市交通运输局", "市商务局"}
    return [{"role": "user", "content": ASKED}, {"role": "assistant", "content": first.text}]


def test_these_before_the_question_words_point_at_them(qa: PolicyQA, history: list[Turn]) -> None:
    answer = qa.ask("那新能源汽车充换电、加氢这些配套设施建设归哪些部门？", history=history)
    assert answer.departments.lead == ("市住房城乡建设局",)
    assert "市交通运输局" not in answer.text
    assert answer.citations[0].key == "1.2"


def test_another_task_named_with_this_is_the_earlier_question_about_it(
    qa: PolicyQA, history: list[Turn]
) -> None:
    answer = qa.ask("那推进公交电动化这条呢？", history=history)
    assert answer.departments.responsible == ("市公交集团",)
    assert answer.citations[0].key == "1.3"


def test_a_department_and_a_role_stay_on_the_task_just_answered(
    qa: PolicyQA, history: list[Turn]
) -> None:
    answer = qa.ask("这条里市商务局是什么角色？", history=history)
    assert answer.citations[0].key == "1.1"
    answer = qa.ask("那这条的多式联运、铁路货运这些呢？", history=history)
    assert answer.citations[0].key == "1.1"
