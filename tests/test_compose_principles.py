"""Principles asked for as a list: a section the question names by its printed title, even with
a verb around it ("…提出了哪几条基本原则？"), is listed item by item, also when the items run
together in one paragraph, each opening with the same word ("坚持…。坚持…。"). Found on unseen
national banks; documents written for this test."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from tests.fakes import keyword_library

PLAN = """东川市城市更新低碳行动方案
一、总体要求
（一）基本原则。坚持规划引领、有序推进，统筹存量与增量。坚持因地制宜，分区分类施策。坚持共建共享，发动居民参与。
（二）工作要求。
突出节能降碳。推行既有建筑节能改造。
强化安全底线。开展老旧管网排查。
二、重点任务
（三）推进老旧小区改造。完善小区配套设施。（市住建局牵头）
"""

OTHER = """北岭县乡村振兴工作要点
一、重点工作
（一）发展特色产业。培育特色农产品品牌。（县农业农村局牵头）
"""


# no attributions at all: its tasks are its （一）（二） sections
UNATTRIBUTED = """南湖市绿色出行实施意见
一、总体要求
（一）指导思想。以绿色低碳为导向。
二、重点任务
（二）优化公交线网。提高公交分担率。
（三）建设慢行系统。完善自行车道。
三、保障措施
（四）加强组织领导。建立协调机制。
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    documents = {
        "dongchuan-urban-renewal-plan": PLAN,
        "beiling-rural-work-points": OTHER,
        "nanhu-green-travel-opinions": UNATTRIBUTED,
    }
    return keyword_library(tmp_path_factory, documents, ["原则", "改造", "管网", "品牌"])


def test_principles_run_together_are_listed_one_by_one(qa: PolicyQA) -> None:
    answer = qa.ask("东川城市更新低碳行动方案提出了哪几条基本原则？")
    assert "共 3 点" in answer.text
    for point in ("坚持规划引领、有序推进", "坚持因地制宜", "坚持共建共享"):
        assert point in answer.text
    assert {c.key for c in answer.citations} == {"1.1"}


def test_items_on_their_own_lines_are_listed_by_their_first_sentence(qa: PolicyQA) -> None:
    answer = qa.ask("东川城市更新低碳行动方案的工作要求包括哪几点？")
    assert "共 2 点" in answer.text
    assert "突出节能降碳。" in answer.text and "强化安全底线。" in answer.text


def test_a_document_that_attributes_nothing_counts_its_sections(qa: PolicyQA) -> None:
    answer = qa.ask("南湖市绿色出行实施意见从（一）到最后一共多少条？")
    assert not answer.refused
    assert "共列出 4 项" in answer.text and "一（一）至三（四）" in answer.text


def test_counting_something_else_than_tasks_is_answered_from_the_provision(qa: PolicyQA) -> None:
    # "一共几个…" of what a provision names is not a count of the document's tasks
    answer = qa.ask("南湖市绿色出行实施意见哪一条提到自行车道？一共涉及几种交通方式？")
    assert "完善自行车道" in answer.text
    assert "共列出" not in answer.text
