"""LLM rephrasing of question stems: only the stem changes, and only when the rephrased stem keeps
every key term and gives nothing away. The check with a scripted model (each refusal for its own
reason), then the real bundled model (Qwen2.5-Coder-1.5B through xllamacpp on 127.0.0.1), as
tests/test_llm_local.py runs it: no skip, without the model parts it fails with the install hint."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.quiz import ItemType, Quiz
from assistant.quiz.rephrase import check, key_terms, rephrase_quiz
from assistant.service import PolicyQA
from tests.fakes import ScriptedChatModel
from tests.quiz_fixtures import SEED_DOC, quiz_service

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def qa() -> PolicyQA:
    return quiz_service()


@pytest.fixture(scope="module")
def quiz(qa: PolicyQA) -> Quiz:
    return qa.quiz([SEED_DOC], n=24, seed=2, types="single,judge")


def _names(qa: PolicyQA) -> tuple[str, ...]:
    return tuple(sorted({d for p in qa.corpus.provisions for d in p.responsibility.departments}))


def test_key_terms_and_the_check(qa: PolicyQA, quiz: Quiz) -> None:
    role = next(i for i in quiz.items if i.question.endswith("的牵头部门是？"))
    terms = key_terms(role, _names(qa))
    quoted = role.question[role.question.index("「") : role.question.index("」") + 1]
    assert quoted.strip("「」") in terms
    assert check(role, role.question.replace("是？", "是哪个部门？"), _names(qa)) == ""
    assert "关键词" in check(role, role.question.replace(quoted, "「这项任务」"), _names(qa))
    assert check(role, role.question.replace(quoted, quoted.strip("「」")), _names(qa)) == ""
    right = role.options[["A", "B", "C", "D"].index(role.answer[0])]
    assert "泄露" in check(role, role.question.rstrip("？") + f"，是{right}吗？", _names(qa))
    assert check(role, "", _names(qa))
    judge = next(i for i in quiz.items if i.type is ItemType.JUDGE)
    assert "陈述句" in check(judge, judge.question.rstrip("。") + "吗？", _names(qa))


def test_only_accepted_stems_change(qa: PolicyQA, quiz: Quiz) -> None:
    items = quiz.items[:3]
    first = items[0].question
    replies = [
        "请问：" + first,  # keeps every key term: accepted
        "这道题问的是什么？",  # drops the key terms: refused, the stem is kept
        items[2].question,  # unchanged
    ]
    model = ScriptedChatModel.of(*replies)
    out = rephrase_quiz(
        Quiz(items, quiz.doc_ids, quiz.titles, quiz.seed), model.factory(), _names(qa)
    )
    assert (out.rephrased, out.rephrase_rejected) == (1, 1)
    assert out.items[0].question == "请问：" + first and out.items[0].original_question == first
    assert out.items[1].question == items[1].question and out.items[1].original_question == ""
    for before, after in zip(items, out.items, strict=True):
        assert (after.options, after.answer, after.explanation, after.quote) == (
            before.options,
            before.answer,
            before.explanation,
            before.quote,
        )
    assert all(items[i].question in model.prompts[i] for i in range(3))


@pytest.fixture(scope="module")
def local_model(qa: PolicyQA) -> Iterator[object]:
    from assistant.llm.chain import local_factory
    from assistant.llm.local_server import stop_shared_server

    yield local_factory(qa.settings)
    stop_shared_server()


@pytest.mark.slow
def test_the_local_model_rephrases_stems(qa: PolicyQA, quiz: Quiz, local_model: object) -> None:
    items = quiz.items[::6][:3]
    source = Quiz(items, quiz.doc_ids, quiz.titles, quiz.seed)
    out = rephrase_quiz(source, local_model, _names(qa))  # type: ignore[arg-type]
    assert out.rephrased + out.rephrase_rejected >= 1, "模型没有改写任何题干"
    for before, after in zip(items, out.items, strict=True):
        assert (after.options, after.answer, after.claim) == (
            before.options,
            before.answer,
            before.claim,
        )
        if after.original_question:
            assert after.original_question == before.question != after.question
            assert check(before, after.question, _names(qa)) == ""
            assert all(t in after.question for t in key_terms(before, _names(qa)))
        else:
            assert after.question == before.question
    print(
        f"\n[rephrase] accepted {out.rephrased}, refused {out.rephrase_rejected}: "
        + " | ".join(i.question for i in out.items)
    )
