"""A question's words as the documents have them: a word jieba glued to one character of its
neighbour is read without it, and a colloquial word the documents also use is kept. Found on the
seed ("港口码头的船舶岸电有什么要求？" lost 岸电; "想去上市融资" lost 上市 and 融资); tested on a
document written for this test."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from assistant.understand.terms import content_tokens, in_vocabulary
from tests.fakes import keyword_library

PORT_PLAN = """东浦市人民政府关于印发东浦市港航绿色发展三年行动方案的通知
东政发〔2025〕9号
一、重点任务
（一）建设绿色港口。优化港区码头布局，推进港口集疏运体系建设，提升码头作业效率。（市港航局负责）
（二）推动船舶低碳转型。推广液化天然气动力船舶。加快推进内河船舶常态化使用岸电设施。（市交通局负责）
（三）拓宽融资渠道。大力支持港航企业上市融资，发行绿色债券。（市金融办负责）
（四）加强资金保障。统筹财政资金，加大对港口码头改造项目的投融资支持力度。（市财政局负责）
"""


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    vocab = ["码头", "岸电", "船舶", "上市", "融资", "投融资", "港口"]
    return keyword_library(tmp_path_factory, {"dongpu-port-green-plan": PORT_PLAN}, vocab)


def test_a_glued_character_is_dropped_only_when_the_rest_is_a_known_word() -> None:
    vocabulary = {"岸电", "码头", "个人"}
    assert in_vocabulary("岸电有", vocabulary) == "岸电"
    assert in_vocabulary("有岸电", vocabulary) == "岸电"
    assert in_vocabulary("码头", vocabulary) == "码头"
    # an unknown word is not turned into a known part of it
    assert in_vocabulary("个人所得税", vocabulary) == "个人所得税"
    assert in_vocabulary("说法", vocabulary) == "说法"


def test_a_colloquial_word_that_the_documents_use_is_kept() -> None:
    # "上市" expands to "上市融资": both words are the documents' own and stay
    words = content_tokens("想去上市融资，有没有支持？ 上市融资 投融资")
    assert "上市" in words and "融资" in words


def test_a_glued_word_still_finds_its_sentence(qa: PolicyQA) -> None:
    answer = qa.ask("东浦港航方案里，内河码头的船舶岸电有什么要求？")
    assert not answer.refused
    assert "常态化使用岸电设施" in answer.text
    assert answer.citations[0].key == "1.2"


def test_listing_on_the_stock_market_is_answered_from_its_task(qa: PolicyQA) -> None:
    answer = qa.ask("我们港航企业想去上市融资，东浦的方案有没有支持的说法？")
    assert not answer.refused
    assert "大力支持港航企业上市融资" in answer.text
    assert answer.citations[0].key == "1.3"
