"""Nine provinces print the same title (《关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的实施意见》):
an answer over a library names each cited document by its title and, when another document prints
the same title, by who issued it, so that a reader can tell the provinces apart. Tested on documents
written for the test."""

from __future__ import annotations

import pytest

from assistant.compose.render import doc_name
from assistant.service import PolicyQA
from tests.fakes import keyword_library

TITLE = "关于推进绿色低碳发展的实施意见"
NORTH = f"""中共北岭省委北岭省人民政府
{TITLE}
（2023年3月1日）
一、重点任务
（一）推广梨园模式。深入总结推广“梨园模式”，加强黑土地保护。
"""
SOUTH = f"""中共南岭省委 南岭省人民政府
{TITLE}
一、重点任务
（一）建设湿地公园。构建“一环两廊”生态空间格局。
"""
CITY = """西岭市人民政府关于印发西岭市节水行动方案的通知
一、重点任务
（一）推广节水器具。公共机构全面使用节水器具。
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    documents = {"north-opinion": NORTH, "south-opinion": SOUTH, "city-water": CITY}
    return keyword_library(tmp_path_factory, documents, ["梨园模式", "生态空间格局", "节水器具"])


def test_a_shared_title_is_named_with_its_issuers(qa: PolicyQA) -> None:
    assert doc_name(qa.corpus, "north-opinion") == f"《{TITLE}》（中共北岭省委、北岭省人民政府）"
    assert doc_name(qa.corpus, "south-opinion") == f"《{TITLE}》（中共南岭省委、南岭省人民政府）"
    assert doc_name(qa.corpus, "city-water") == "《关于印发西岭市节水行动方案的通知》"


@pytest.mark.parametrize(
    ("question", "issuer"),
    [("“梨园模式”是在哪一条里讲的？", "北岭省"), ("“一环两廊”生态空间格局在哪一条？", "南岭省")],
)
def test_an_answer_tells_documents_of_one_title_apart(
    qa: PolicyQA, question: str, issuer: str
) -> None:
    answer = qa.ask(question)
    assert not answer.refused
    assert f"《{TITLE}》（中共{issuer}委" in answer.text


def test_the_library_lists_short_names_with_their_place(qa: PolicyQA) -> None:
    assert qa.short_name("north-opinion") == "北岭省绿色低碳发展的实施意见"
