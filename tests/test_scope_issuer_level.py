"""A document named by its place and issuers' level ("江西省委省政府那份双碳意见"): the place's own
documents (issued or titled by it) come before documents that only mention it, the issuers count as
the question names them (中共江西省委 → 省委, 江西省人民政府 → 省政府), "双碳" reads as 碳达峰碳中和,
and the kind of document said (方案 / 意见) tells apart two of one place and topic. Found on round 6
(江苏省委省政府那份双碳意见 chose the province's energy-saving opinion, "江苏双碳实施意见" also Suzhou's);
tested on the Jiangxi and Sichuan documents, which no question bank names this way, with their real
text."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from assistant.understand.scope import document_scope
from tests.conftest import EXTERNAL, SEED
from tests.fakes import keyword_library

DOCS = (
    "jiangxi-dual-carbon-implementation-opinions",
    "jiangxi-carbon-peak-implementation-plan",
    "shangrao-green-low-carbon-circular-economy-plan",  # a city of 江西 citing 《江西省人民政府…》
    "sichuan-dual-carbon-implementation-opinions",
    "sichuan-county-green-low-carbon-construction-opinions",
    "chengyu-dual-carbon-joint-action-plan",  # 四川 and 重庆
    "jiangsu-14th-fyp-energy-saving-opinions",
)


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    texts = {d: (EXTERNAL / f"{d}.txt").read_text("utf-8") for d in DOCS}
    texts["suzhou-dual-carbon-opinions-2022"] = SEED.read_text("utf-8")
    return keyword_library(tmp_path_factory, texts, ["碳达峰", "煤电", "节能"])


@pytest.mark.parametrize(
    ("question", "doc_id"),
    [
        (
            "江西省委省政府那份双碳意见对煤电怎么规定？",
            "jiangxi-dual-carbon-implementation-opinions",
        ),
        (
            "江西省委、省政府的实施意见有哪些工作原则？",
            "jiangxi-dual-carbon-implementation-opinions",
        ),
        ("江西省政府的碳达峰方案有哪些重点任务？", "jiangxi-carbon-peak-implementation-plan"),
        ("四川省委省政府的双碳意见提了哪些目标？", "sichuan-dual-carbon-implementation-opinions"),
        ("上饶的实施方案有哪些任务？", "shangrao-green-low-carbon-circular-economy-plan"),
        ("江苏节能意见里谁牵头建筑节能？", "jiangsu-14th-fyp-energy-saving-opinions"),
        ("苏州的实施意见里绿色金融谁牵头？", "suzhou-dual-carbon-opinions-2022"),
    ],
)
def test_place_and_issuers_name_one_document(qa: PolicyQA, question: str, doc_id: str) -> None:
    assert document_scope(question, qa.corpus).doc_ids == (doc_id,)


def test_a_city_and_its_province_named_together_are_both_in_scope(qa: PolicyQA) -> None:
    scope = document_scope("苏州和江西的实施意见对煤电分别怎么规定？", qa.corpus)
    assert set(scope.doc_ids) == {
        "suzhou-dual-carbon-opinions-2022",
        "jiangxi-dual-carbon-implementation-opinions",
    }


def test_a_topic_said_apart_from_the_name_stays_a_topic(qa: PolicyQA) -> None:
    # two documents, each named in its own part: "碳达峰" is what is asked about, not a name
    scope = document_scope(
        "碳达峰政策体系在江西省委省政府的实施意见和上饶的实施方案里分别怎么表述？", qa.corpus
    )
    assert set(scope.doc_ids) == {
        "jiangxi-dual-carbon-implementation-opinions",
        "shangrao-green-low-carbon-circular-economy-plan",
    }
    assert "碳达峰" not in scope.words
    named = document_scope("江西省委省政府那份碳达峰意见和上饶的方案分别怎么规定煤电？", qa.corpus)
    assert any("碳达峰" in w for w in named.words)  # part of the name


@pytest.mark.parametrize(
    ("question", "doc_id", "items"),
    [
        # "省级层面" says the level of government the document is of; "提了 / 写了" say that a
        # document says something: neither is a word the provision must hold (round 7: "吉林省级层面的
        # 这份意见提了哪几条工作原则？" was refused; tested on the Sichuan opinion)
        ("四川省级层面的这份意见，完善政策机制提了哪几条？", "sichuan-dual-carbon-implementation-opinions",
         ["完善投资政策", "推进市场化机制"]),
        ("江西省级的这份实施意见里，绿色低碳科技创新写了哪几条？",
         "jiangxi-dual-carbon-implementation-opinions", ["科学编制碳中和"]),
    ],
)  # fmt: skip
def test_the_level_and_the_saying_verb_name_no_provision_words(
    qa: PolicyQA, question: str, doc_id: str, items: list[str]
) -> None:
    answer = qa.ask(question, doc_id=doc_id)
    assert not answer.refused
    assert all(item in answer.text for item in items)
    assert document_scope(question, qa.corpus).doc_ids == (doc_id,)
