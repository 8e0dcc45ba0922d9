"""Scoring a trainee's answers against the key."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from assistant.quiz.model import JUDGE_OPTIONS, LETTERS, ItemType, Quiz, QuizItem
from assistant.quiz.paper import SCORES

Response = str | Sequence[str] | None


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s。，、；：:“”\"'「」]", "", text).replace("％", "%")


def _letters(response: Response, item: QuizItem) -> tuple[str, ...]:
    """A response as option letters: "B", ["A", "C"], "A. 市发改委" or the option text itself."""
    if response is None:
        return ()
    values = [response] if isinstance(response, str) else list(response)
    out: list[str] = []
    for raw in values:
        value = raw.strip()
        if value in item.options:
            out.append(LETTERS[item.options.index(value)])
        elif value[:1] in LETTERS[: len(item.options)] and (
            len(value) == 1 or value[1] in ".．、 "
        ):
            out.append(value[0])
    return tuple(sorted(set(out)))


def is_right(item: QuizItem, response: Response) -> bool:
    if item.type in (ItemType.SINGLE, ItemType.MULTI):
        return _letters(response, item) == tuple(sorted(item.answer))
    if item.type is ItemType.JUDGE:
        said = response if isinstance(response, str) else (response[0] if response else "")
        said = {
            "√": JUDGE_OPTIONS[0],
            "对": JUDGE_OPTIONS[0],
            "×": JUDGE_OPTIONS[1],
            "错": JUDGE_OPTIONS[1],
        }.get(said or "", said)
        return (said,) == item.answer
    text = response if isinstance(response, str) else "".join(response or ())
    accepted = {_norm(a) for a in (*item.answer, *item.claim.values)}
    return bool(text) and _norm(text) in accepted


@dataclass(frozen=True, slots=True)
class Result:
    score: int
    total: int
    right: tuple[str, ...]  # item ids
    wrong: tuple[QuizItem, ...]


def score(quiz: Quiz, responses: Mapping[str, Response]) -> Result:
    """Points per item type as printed on the paper; an unanswered item is wrong."""
    right: list[str] = []
    wrong: list[QuizItem] = []
    points = 0
    for item in quiz.items:
        if is_right(item, responses.get(item.id)):
            right.append(item.id)
            points += SCORES[item.type]
        else:
            wrong.append(item)
    total = sum(SCORES[i.type] for i in quiz.items)
    return Result(points, total, tuple(right), tuple(wrong))
