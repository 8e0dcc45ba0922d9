"""A ministry or bureau that signed a document at its end, printed whole in a question, names that
document in a library, before a short title another document happens to fit. Found on the round-4
bank of a national document signed by four ministries; documents written for this test."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from assistant.understand.terms import query_terms
from tests.fakes import keyword_library

# the title names no issuer; four bodies sign it above the date, two to a line
WATER = """贯彻落实《国务院关于加强节约用水工作的意见》的实施意见
各省、自治区、直辖市水利（水务）厅（局）：
一、总体要求
（一）主要目标。到2027年，万元工业增加值用水量明显下降。
二、重点任务
（二）推进农业节水增效。推广喷灌、微灌等高效节水灌溉。
（三）推进工业节水减排。开展节水型企业建设。
（四）推进城镇节水降损。加快供水管网漏损治理。
三、保障措施
（五）加强宣传教育。结合世界水日、中国水周开展节水宣传。
水利部国家发展改革委
住房城乡建设部工业和信息化部
2025年3月22日
"""

PROVINCE = """南江省人民政府关于四部门联合推进节约用水的实施意见
一、重点任务
（一）推进农业节水。推广水肥一体化。（省农业农村厅牵头）
（二）加强节水宣传。结合世界水日开展宣传。（省水利厅牵头）
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    documents = {
        "national-water-saving-opinions": WATER,
        "nanjiang-water-saving-opinions": PROVINCE,
    }
    vocab = ["节水", "宣传", "灌溉", "管网", "漏损"]
    return keyword_library(tmp_path_factory, documents, vocab)


def test_the_signed_issuers_are_the_documents_issuers(qa: PolicyQA) -> None:
    doc = qa.corpus.document_by_id["national-water-saving-opinions"]
    assert doc.issuers == ("水利部", "国家发展改革委", "住房城乡建设部", "工业和信息化部")


@pytest.mark.parametrize(
    "question",
    [
        "水利部四部门的实施意见在哪里提到结合世界水日开展节水宣传？",
        "住房城乡建设部等部门的节水实施意见对供水管网漏损有什么要求？",
    ],
)
def test_an_issuer_printed_whole_names_its_document(qa: PolicyQA, question: str) -> None:
    query = qa.understand(question)
    assert query.doc_ids == ("national-water-saving-opinions",)
    answer = qa.ask(question)
    assert not answer.refused
    assert {c.doc_id for c in answer.citations} == {"national-water-saving-opinions"}


def test_no_word_straddles_the_issuer_that_named_the_document(qa: PolicyQA) -> None:
    query = qa.understand("水利部等四部门的实施意见对供水管网漏损有什么要求？")
    terms = query_terms(query, qa.corpus.idf)
    assert "部等" not in terms and not any("水利" in t for t in terms)
