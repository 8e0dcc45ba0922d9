"""Questions about a document's front matter: the date as a document prints it, the addressees
line, and the documents it implements (quoted from its preamble, never its own title). Also:
a question that names two documents in two parts ("A和B分别…") is asked of both. Documents
written for this test."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from tests.fakes import keyword_library

NOTICE = """临江市人民政府关于印发临江市新型储能发展实施方案的通知
临政发〔2025〕8号
各区县人民政府，市政府各部门，各直属机构：
现将《临江市新型储能发展实施方案》印发给你们，请认真贯彻执行。
临江市人民政府
2025年4月9日
为贯彻落实《国家发展改革委 国家能源局关于加快推动新型储能发展的指导意见》和《河西省新型储能发展规划》精神，结合我市实际，制定本方案。
一、重点任务
（一）推进电源侧储能建设。新建风电、光伏项目按比例配建储能。（市发改委牵头，市能源局配合）
"""

PLAN = """南岭市人民政府关于印发南岭市新型储能发展行动计划的通知
南政发〔2025〕2号
一、重点任务
（一）推进电源侧储能建设。鼓励存量新能源项目配建储能。（市能源局牵头）
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    documents = {"linjiang-storage-plan": NOTICE, "nanling-storage-action-plan": PLAN}
    return keyword_library(tmp_path_factory, documents, ["储能", "风电", "光伏"])


def test_the_date_is_written_as_the_document_prints_it(qa: PolicyQA) -> None:
    answer = qa.ask("临江市新型储能发展实施方案是哪天印发的？")
    assert "2025年4月9日" in answer.text
    assert "2025-04-09" not in answer.text


def test_the_addressees_are_quoted_from_the_title_block(qa: PolicyQA) -> None:
    answer = qa.ask("临江市新型储能发展实施方案发给了哪些单位？")
    assert "各区县人民政府，市政府各部门，各直属机构" in answer.text
    assert any("各直属机构" in c.quote for c in answer.citations)


def test_the_documents_implemented_are_quoted_from_the_preamble(qa: PolicyQA) -> None:
    answer = qa.ask("临江市新型储能发展实施方案是根据哪些上级文件制定的？")
    assert "《河西省新型储能发展规划》" in answer.text
    assert "关于加快推动新型储能发展的指导意见" in answer.text


def test_two_documents_named_in_two_parts_are_both_asked(qa: PolicyQA) -> None:
    answer = qa.ask("电源侧储能建设，临江储能实施方案和南岭储能行动计划分别由谁牵头？")
    assert {c.doc_id for c in answer.citations} == {
        "linjiang-storage-plan",
        "nanling-storage-action-plan",
    }
    assert "市发改委" in answer.text and "市能源局" in answer.text
