"""Several documents in one index (the seed and real external documents read from ../shared): the
question's own words choose the document, cross-document questions get every document's answer,
and the other attribution styles (牵头单位/配合单位, 责任处室/完成期限) answer exactly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.answer import Answer
from assistant.service import PolicyQA
from assistant.settings import Settings
from tests.conftest import EXTERNAL, SEED

SEED_DOC = "suzhou-dual-carbon-opinions-2022"
GUANGDONG = "guangdong-green-finance-carbon-peak-plan"
ECO_ENV = "jiangsu-eco-env-dept-dual-carbon-work-plan-2021"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyQA]:
    assert EXTERNAL.is_dir(), f"the external corpus is expected at {EXTERNAL}"
    root = tmp_path_factory.mktemp("multi")
    service = PolicyQA(Settings(index=root / "index", corpus=root / "none"))
    report = service.ingest([SEED, EXTERNAL / f"{GUANGDONG}.txt", EXTERNAL / f"{ECO_ENV}.txt"])
    assert not report.failed
    yield service


def refs(answer: Answer) -> list[tuple[str, str]]:
    return [(c.doc_id, c.key) for c in answer.citations]


def test_the_place_named_chooses_the_document(qa: PolicyQA) -> None:
    suzhou = qa.ask("苏州的绿色金融由谁牵头？")
    assert refs(suzhou)[0] == (SEED_DOC, "2.9.28")
    guangdong = qa.ask("广东省绿色金融方案里，完善广东碳金融市场功能由谁牵头？")
    assert refs(guangdong)[0] == (GUANGDONG, "2.4.1")
    assert guangdong.departments.lead == ("省生态环境厅",)


def test_cross_document_question_answers_each_document(qa: PolicyQA) -> None:
    a = qa.ask("广东和苏州的绿色金融任务分别由谁牵头？")
    assert {doc for doc, _ in refs(a)} == {GUANGDONG, SEED_DOC}
    mentions = qa.ask("哪些文件提到了碳普惠？")
    assert {(SEED_DOC, "2.1.4"), (GUANGDONG, "2.4.2")} <= set(refs(mentions))


def test_department_work_plan_with_deadlines(qa: PolicyQA) -> None:
    a = qa.ask("江苏生态环境厅2021年工作计划，大力推进可再生能源发展是哪个处室负责的？")
    assert refs(a)[0] == (ECO_ENV, "2.5")
    # 责任处室 does not say who leads: the units are shown as responsible, never as 牵头
    assert a.departments.responsible == ("气候处", "海洋处") and a.departments.lead == ()
    deadline = qa.ask(
        "江苏生态环境厅2021年工作计划里，大力推进可再生能源发展的完成期限是什么时候？"
    )
    assert "7月底" in deadline.text
    none = qa.ask("苏州的绿色金融任务完成期限是什么时候？")
    assert none.refused


def test_lists_that_print_the_level_once_resolve_to_one_department(qa: PolicyQA) -> None:
    """ "省发展改革委、财政厅、…" prints 省 once; 财政厅 there is 省财政厅."""
    registry = qa.corpus.registry
    assert registry.same("地方金融监管局", "省地方金融监管局")
    assert not registry.same("市发改委", "省发展改革委")
