"""The document's stance asked in everyday words ("…是什么态度？", "有没有说法？"): those words say
what kind of question it is, so they do not count as words the documents lack. In a library of
many documents a word no provision holds weighs as the rarest word, and one such word refused an
answerable question (u6hz006, u8js005). Tested on the Jilin opinion, which no bank names, in a
library of every external document but the five reserved ones; an out-of-scope stance question
is still refused."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from tests.conftest import EXTERNAL
from tests.fakes import keyword_library

DOC = "jilin-dual-carbon-implementation-opinions"
RESERVED = (
    "shanghai-carbon-peak-implementation-plan",
    "guangzhou-talent-agglomeration-project-opinions-2012",
    "heilongjiang-eco-env-dept-dual-carbon-rolling-plan-2021-2023",
    "tianjin-14th-fyp-energy-saving-emission-reduction-plan",
    "national-industry-carbon-peak-plan-2022",
)


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    docs = {
        f.stem: f.read_text("utf-8")
        for f in sorted(EXTERNAL.glob("*.txt"))
        if f.stem not in RESERVED
    }
    assert DOC in docs and len(docs) >= 40
    return keyword_library(tmp_path_factory, docs, ["氢能", "农房", "煤电", "光伏"])


@pytest.mark.parametrize("question", ["氢能是什么态度？", "吉林对氢能有没有说法？"])
def test_a_stance_asked_in_everyday_words_is_answered(qa: PolicyQA, question: str) -> None:
    answer = qa.ask(question, doc_id=DOC)
    assert not answer.refused
    assert "氢能开发利用工程" in answer.text


@pytest.mark.parametrize("question", ["炒股是什么态度？", "对虚拟货币挖矿是什么态度？"])
def test_a_stance_on_what_the_document_does_not_cover_is_refused(
    qa: PolicyQA, question: str
) -> None:
    assert qa.ask(question, doc_id=DOC).refused


@pytest.mark.parametrize(
    "question",
    [
        "吉林双碳实施意见对差别化电价、分时电价是什么态度？",
        "吉林省委省政府的双碳意见对电价优惠怎么规定？",
    ],
)
def test_the_words_that_named_the_document_do_not_steer_retrieval(
    qa: PolicyQA, question: str
) -> None:
    # "双碳实施意见" names the document (碳达峰碳中和 is in every 组织实施 provision of it): the
    # question's own words find the provision (found on round 6, u8js005: "江苏双碳实施意见对
    # 惩罚性电价…"); asked as typed, without choosing the document
    answer = qa.ask(question)
    assert not answer.refused
    assert [(c.doc_id, c.key) for c in answer.citations][:1] == [(DOC, "11.27")]
