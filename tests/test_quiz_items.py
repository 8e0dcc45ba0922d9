"""Quiz items from the index: 60 for the seed and 30 for each of five external documents of
different attribution styles, every item checked here against the index with this file's own
reading of it (not the generator's verifier): the key is right (for responsibility items, against
the parsed attribution), the quote is verbatim in the cited provision, no option repeats or is an
alias of the answer, no two items ask the same question. Also: a seed gives the same quiz, the
quiz is balanced, and an item the verifier cannot confirm is dropped, never shown."""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from assistant.quiz import ItemType, Quiz, QuizItem, Topic
from assistant.quiz.grade import is_right, score
from assistant.quiz.model import BLANK, JUDGE_OPTIONS, LETTERS
from assistant.service import PolicyQA
from ingest.model import Provision, Span
from tests.quiz_fixtures import EXTERNAL_DOCS, SEED_DOC, quiz_service

pytestmark = pytest.mark.integration

ARTIFACTS = Path(__file__).parent / "artifacts" / "quiz"
COUNTS = {SEED_DOC: 60, **dict.fromkeys(EXTERNAL_DOCS, 30)}
FIGURES: dict[str, dict[str, float]] = {}


@pytest.fixture(scope="module")
def qa() -> PolicyQA:
    return quiz_service()


@pytest.fixture(scope="module")
def quizzes(qa: PolicyQA) -> dict[str, Quiz]:
    out = {}
    for doc_id, n in COUNTS.items():
        start = time.perf_counter()
        out[doc_id] = qa.quiz([doc_id], n=n, seed=7)
        FIGURES[doc_id] = {
            "items": len(out[doc_id].items),
            "candidates": out[doc_id].candidates,
            "dropped_by_verification": len(out[doc_id].dropped),
            "ms": round((time.perf_counter() - start) * 1000, 1),
        }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "figures.json").write_text(json.dumps(FIGURES, ensure_ascii=False, indent=2))
    return out


# -- this file's own reading of the index ------------------------------------------------------
def provision(qa: PolicyQA, item: QuizItem, key: str | None = None) -> Provision:
    found = qa.corpus.by_ref.get((item.doc_id, key or item.key))
    assert found is not None, f"{item.id}: 索引中没有 {key or item.key}"
    return found


def unit(qa: PolicyQA, item: QuizItem) -> Span | Provision:
    p = provision(qa, item)
    if item.claim.span is None:
        return p
    (span,) = [s for s in p.responsibility.spans if (s.start, s.end) == item.claim.span]
    return span


def holds(qa: PolicyQA, source: Span | Provision, name: str, role: str) -> bool:
    held = getattr(source.responsibility if isinstance(source, Provision) else source, role)
    return any(
        qa.corpus.registry.same(name, h) or h.endswith(name) or name.endswith(h) for h in held
    )


def truth_of(qa: PolicyQA, item: QuizItem, value: str) -> bool:  # noqa: PLR0912 - one case per topic
    """Whether the option standing for `value` is right, read from the index."""
    c = item.claim
    if c.topic is Topic.ROLE:
        return holds(qa, unit(qa, item), value, c.role)
    if c.topic is Topic.DEPT_TASKS and c.asks == "task_total":
        tasks = [p for p in qa.corpus.tasks([item.doc_id]) if not p.key.startswith("annex.")]
        return int(value) == sum(1 for p in tasks if holds(qa, p, c.subject, c.role))
    if c.topic is Topic.DEPT_TASKS:
        return holds(qa, provision(qa, item, value), c.subject, c.role)
    if c.topic is Topic.NO_LEAD:
        r = provision(qa, item, value).responsibility
        return not r.lead and not r.responsible and bool(r.co)
    if c.topic is Topic.DEADLINE:
        s = unit(qa, item)
        return isinstance(s, Span) and s.deadline == value
    if c.topic in (Topic.FIGURE, Topic.RULE):
        return c.filled.replace(c.subject, value) in provision(qa, item).text
    if c.topic is Topic.PRINCIPLE:
        texts = [p.text for p in qa.corpus.in_scope([item.doc_id])]
        return any(
            re.search(rf"(?:^|\n){re.escape(value)}。[^。]*{re.escape(c.filled)}", t) for t in texts
        )
    if c.topic is Topic.STRUCTURE and c.asks == "part_title":
        numerals = "一二三四五六七八九十"
        return value == str(numerals.index(item.question.split("第")[1][0]) + 1)
    if c.topic is Topic.STRUCTURE and c.asks == "placement":
        return provision(qa, item, c.subject).key.startswith(value + ".")
    if c.topic is Topic.STRUCTURE and c.asks == "part_count":
        chapter = provision(qa, item, c.subject)
        return int(value) == sum(
            1 for p in qa.corpus.children(chapter) if p.kind.value == "section"
        )
    if c.topic is Topic.STRUCTURE and c.asks == "task_count":
        return int(value) == sum(
            1 for p in qa.corpus.items([item.doc_id]) if p.kind.value == "item"
        )
    if c.topic is Topic.SYSTEM:
        rows = Counter(
            p.path_titles[-1]
            for p in qa.corpus.in_scope([item.doc_id])
            if p.key.startswith("annex.")
        )
        if c.asks == "number_meaning":
            return rows[value] == int(c.subject)
        return rows[c.subject] == int(value)
    raise AssertionError(f"未知题目类别 {c.topic}")


def key_is_right(qa: PolicyQA, item: QuizItem) -> bool:
    c = item.claim
    if item.type is ItemType.BLANK:
        answer = item.answer[0]
        if c.topic in (Topic.FIGURE, Topic.RULE):
            filled = item.question.replace(BLANK, answer)
            return (
                c.subject.startswith(answer)
                and c.filled in filled
                and c.filled in provision(qa, item).text
            )
        if c.topic is Topic.PRINCIPLE:  # the blank is the name without 坚持; values[1] the name
            return c.values[1].endswith(answer) and truth_of(qa, item, c.values[1])
        return truth_of(qa, item, answer)
    if item.type is ItemType.JUDGE:
        (value,) = c.values
        return (item.answer == (JUDGE_OPTIONS[0],)) == truth_of(qa, item, value)
    right = {LETTERS[i] for i, v in enumerate(c.values) if truth_of(qa, item, v)}
    return right == set(item.answer)


def _norm(text: str) -> str:
    return re.sub(r"[\s「」“”。？，、（）()]", "", text)


def aliases(qa: PolicyQA, a: str, b: str) -> bool:
    return qa.corpus.registry.same(a, b) or a.endswith(b) or b.endswith(a)


# -- the checks ------------------------------------------------------------------------------
@pytest.mark.parametrize("doc_id", list(COUNTS))
def test_every_item_checks_against_the_index(
    qa: PolicyQA, quizzes: dict[str, Quiz], doc_id: str
) -> None:
    quiz = quizzes[doc_id]
    assert len(quiz.items) == COUNTS[doc_id]
    assert {i.doc_id for i in quiz.items} == {doc_id}
    questions = [_norm(i.question) for i in quiz.items]
    assert len(set(questions)) == len(questions), "两道题问的是同一个问题"
    for item in quiz.items:
        p = provision(qa, item)
        assert item.quote and item.quote in p.text, f"{item.id}: 引文不在 {item.key} 原文中"
        assert item.quote in item.explanation
        assert item.label == p.label and item.key == p.key
        assert 1 <= item.difficulty <= 3
        assert key_is_right(qa, item), (
            f"{item.id}: 答案与索引不符：{item.question} {item.options} {item.answer}"
        )
        shown = [_norm(o) for o in item.options]
        assert len(set(shown)) == len(shown), f"{item.id}: 选项重复"
        if item.type in (ItemType.SINGLE, ItemType.MULTI):
            right = [item.options[LETTERS.index(a)] for a in item.answer]
            wrong = [o for o in item.options if o not in right]
            assert wrong, f"{item.id}: 没有干扰项"
            if item.claim.topic is Topic.ROLE:
                assert not any(aliases(qa, w, r) for w in wrong for r in right), (
                    f"{item.id}: 干扰项是答案的别称"
                )
            assert len(item.answer) == 1 if item.type is ItemType.SINGLE else len(item.answer) >= 2
        if item.type is ItemType.JUDGE:
            assert item.options == JUDGE_OPTIONS
        if item.type is ItemType.BLANK:
            assert item.question.count(BLANK) == 1


@pytest.mark.parametrize("doc_id", list(COUNTS))
def test_balanced_across_types_and_chapters(quizzes: dict[str, Quiz], doc_id: str) -> None:
    quiz = quizzes[doc_id]
    types = Counter(i.type for i in quiz.items)
    assert set(types) == set(ItemType)
    assert max(types.values()) - min(types.values()) <= len(quiz.items) // 4, types
    assert len({i.chapter for i in quiz.items}) >= 2
    assert len({i.topic for i in quiz.items}) >= 4


def test_responsibility_items_ask_the_role_as_parsed(
    qa: PolicyQA, quizzes: dict[str, Quiz]
) -> None:
    """责任单位 lists are asked as 责任单位, never as 牵头 (Jiangsu 2021 prints 责任部门 only)."""
    jiangsu = quizzes["jiangsu-eco-env-dept-dual-carbon-work-plan-2021"]
    roles = [i for i in jiangsu.items if i.topic is Topic.ROLE]
    assert roles
    for item in roles:
        assert "牵头" not in item.question
        assert item.claim.role == "responsible"
    assert any(i.topic is Topic.DEADLINE for i in jiangsu.items)


def test_the_figures(quizzes: dict[str, Quiz], capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        print(f"\n[quiz figures] {json.dumps(FIGURES, ensure_ascii=False)}")
    assert set(FIGURES) == set(COUNTS)


def test_same_seed_same_quiz(qa: PolicyQA) -> None:
    a = qa.quiz([SEED_DOC], n=20, seed=11)
    b = qa.quiz([SEED_DOC], n=20, seed=11)
    c = qa.quiz([SEED_DOC], n=20, seed=12)
    assert a.to_json() == b.to_json()
    assert a.to_json() != c.to_json()


def test_filters_and_several_documents(qa: PolicyQA) -> None:
    judges = qa.quiz([SEED_DOC], n=10, types="judge", difficulty="1")
    assert {i.type for i in judges.items} == {ItemType.JUDGE}
    assert {i.difficulty for i in judges.items} == {1}
    both = qa.quiz([SEED_DOC, EXTERNAL_DOCS[0]], n=20, seed=3)
    assert set(both.per_doc.values()) == {10}
    with pytest.raises(ValueError, match="没有这个文件"):
        qa.quiz(["no-such-doc"])
    with pytest.raises(ValueError, match="未知的题型"):
        qa.quiz([SEED_DOC], types="essay")
    with pytest.raises(ValueError, match="难度"):
        qa.quiz([SEED_DOC], difficulty="5")


def test_grading(quizzes: dict[str, Quiz]) -> None:
    quiz = quizzes[SEED_DOC]
    key = {i.id: list(i.answer) for i in quiz.items}
    full = score(quiz, key)
    assert full.score == full.total and not full.wrong
    none = score(quiz, {})
    assert none.score == 0 and len(none.wrong) == len(quiz.items)
    single = next(i for i in quiz.items if i.type is ItemType.SINGLE)
    wrong_letter = next(
        letter for letter in LETTERS[: len(single.options)] if letter not in single.answer
    )
    assert not is_right(single, wrong_letter)
    assert is_right(single, single.options[LETTERS.index(single.answer[0])])
    blank = next(i for i in quiz.items if i.type is ItemType.BLANK)
    assert is_right(blank, f" {blank.answer[0]} ")
