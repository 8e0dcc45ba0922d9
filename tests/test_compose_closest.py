"""A figure the named document does not give is refused with the provision that comes closest,
even when that provision shares few of the question's words; a question about something no
provision is near is refused plainly. Found on the seed and on unseen banks ("…违规上马两高项目
要罚款多少？"); tested on a document written for this test."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from tests.fakes import keyword_library

PLAN = """南岗区人民政府关于印发南岗区工业节能监察工作方案的通知
一、监察重点
（一）严格用能监管。对年综合能耗5000吨标准煤以上的重点用能单位开展节能监察，依法查处违规用能行为，监察结果向社会公开。（区工信局负责）
（二）推进节能改造。支持企业实施电机系统节能改造。（区发改局负责）
"""


OTHER = """北湖县农业农村局关于做好秸秆综合利用工作的通知
一、工作任务
（一）推进秸秆还田。推广秸秆机械化还田技术。（县农机站负责）
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    vocab = ["节能监察", "用能", "电机", "改造", "秸秆"]
    documents = {"nangang-energy-inspection-plan": PLAN, "beihu-straw-notice": OTHER}
    return keyword_library(tmp_path_factory, documents, vocab)


@pytest.mark.parametrize(
    "question",
    [
        "南岗区节能监察工作方案里，违规企业罚款多少？",  # the provision shares few of its words
        "南岗区节能监察工作方案里，企业违规一次罚多少？",  # a sum of money, not the 5000吨 printed
        "南岗区节能监察工作方案里，监察结果公开要多少天内完成？",  # days, not tonnes
    ],
)
def test_a_missing_figure_is_refused_with_the_closest_provision(
    qa: PolicyQA, question: str
) -> None:
    answer = qa.ask(question)
    assert answer.refused
    assert "依法查处违规用能行为" in answer.text


def test_a_question_nothing_comes_near_is_refused_plainly(qa: PolicyQA) -> None:
    answer = qa.ask("南岗区节能监察工作方案里，个人所得税起征点是多少？")
    assert answer.refused
    assert "查处" not in answer.text and "改造" not in answer.text


def test_a_sum_asked_after_many_words_is_asked_in_yuan(qa: PolicyQA) -> None:
    # "多少改造资金": money, which the plan does not give (it prints only 5000吨)
    answer = qa.ask("南岗区节能监察工作方案里，企业搞电机节能改造能拿到多少改造资金？")
    assert answer.refused
    assert "支持企业实施电机系统节能改造" in answer.text
