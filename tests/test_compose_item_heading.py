"""An item that carries several attributions, asked about by its heading, is answered whole (every
span with its departments), not with the span the heading happens to open; asked about by the
words of one span, with that span. Documents written for this test (found on the synthetic
library of benchmarks/scale.py, whose questions name items by their titles)."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from tests.fakes import keyword_library

PLAN = """青湾市人民政府办公室关于印发青湾市数字乡村建设行动方案的通知
青政办发〔2025〕4号
一、重点任务
（一）完善乡村信息基础设施。推进行政村千兆光网覆盖，实施农村电网巩固提升工程。（市通信管理办、市工信局按职责分工负责）建设县级农产品冷链物流数据平台，推动冷库和冷藏车联网监测。（市农业农村局牵头负责）开展村级综合服务站点信息化改造，推动政务服务事项就近办理。（市政务服务局牵头负责）
（二）发展智慧农业。建设数字农田示范区。（市农业农村局牵头，市科技局配合）
"""

OTHER = """白沙县农业农村局2025年乡村振兴工作要点
一、产业发展
（一）培育农产品品牌。组织品牌评选活动。（责任部门：市场股）
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    documents = {"qingwan-digital-village-plan": PLAN, "baisha-rural-work-points": OTHER}
    vocab = ["光网", "冷链", "政务服务", "信息基础设施", "智慧农业", "品牌"]
    return keyword_library(tmp_path_factory, documents, vocab)


def test_an_item_named_by_its_heading_is_answered_whole(qa: PolicyQA) -> None:
    answer = qa.ask("青湾市数字乡村建设行动方案中，“完善乡村信息基础设施”由哪个部门牵头？")
    assert not answer.abstained and not answer.refused
    assert set(answer.departments.lead) == {"市农业农村局", "市政务服务局"}
    # every part of the item is shown with its own departments
    for name in ("市通信管理办", "市工信局", "市农业农村局", "市政务服务局"):
        assert name in answer.text
    assert "未明确牵头部门" not in answer.text.split("\n")[1]


def test_the_words_of_one_span_still_choose_that_span(qa: PolicyQA) -> None:
    answer = qa.ask("青湾市数字乡村建设行动方案中，冷链物流数据平台由哪个部门牵头？")
    assert answer.departments.lead == ("市农业农村局",)
    assert "市政务服务局" not in answer.text
    answer = qa.ask("青湾市数字乡村建设行动方案中，村级综合服务站点信息化改造谁牵头？")
    assert answer.departments.lead == ("市政务服务局",)


def test_a_department_printed_by_one_document_is_found_with_none_in_scope(qa: PolicyQA) -> None:
    corpus = qa.corpus
    assert corpus.mentions("市场股负责哪些工作？") == ["市场股"]
    assert corpus.mentions("市政务服务局和市场股分别负责什么？") == ["市政务服务局", "市场股"]
    # the same names as when every document is named
    every = [d.doc_id for d in qa.documents()]
    question = "市通信管理办、市工信局和市场股负责哪些工作？"
    assert corpus.mentions(question) == corpus.mentions(question, every)
