"""Optional LLM rephrasing of a question stem (never an option, never the key). A rephrased stem is
kept only when it still carries every key term of the original and gives nothing away."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import replace

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage

from assistant.quiz.model import BLANK, ItemType, Quiz, QuizItem

log = logging.getLogger(__name__)

SYSTEM = (
    "你是干部培训考试的命题编辑，只负责润色题干的措辞，不回答题目。"
    "要求：保持原题的意思和问法（问“哪一项”仍问“哪一项”，问“哪些”仍问“哪些”，陈述句仍是陈述句）；"
    "「」“”《》中的文字、数字、部门名称和“______”原样保留；不写选项、答案或解释，不增加原题没有的信息；"
    "只输出改写后的题干，一句话。"
)
# Two worked examples before the stem: a small model copies the pattern instead of answering.
EXAMPLES = (
    (
        "「加快推动能源互联网建设」的牵头部门是？",
        "按照文件的分工，「加快推动能源互联网建设」的牵头部门是？",
    ),
    ("下列任务中，由市住建局牵头的有哪些？", "在下列任务中，由市住建局牵头的有哪些？"),
)
MAX_TOKENS = 96
_QUOTED = re.compile(r"「([^」]+)」|“([^”]+)”|《([^》]+)》")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Words that decide what is asked: dropping one changes the question ("没有" → its opposite,
# "哪些" → a single answer, "牵头" → another role).
_DECIDING = ("没有", "不", "哪些", "哪一", "哪个", "牵头", "配合", "责任单位", "负责", "之一", "几")


def key_terms(item: QuizItem, departments: tuple[str, ...] = ()) -> list[str]:
    """What a rephrased stem must keep verbatim."""
    stem = item.question
    quoted = [
        next(g for g in m.groups() if g) for m in _QUOTED.finditer(stem)
    ]  # the words, not the marks
    terms = quoted + _NUMBER.findall(stem)
    terms += [d for d in departments if d in stem]
    terms += [w for w in _DECIDING if w in stem]
    if BLANK in stem:
        terms.append(BLANK)
    return list(dict.fromkeys(terms))


def check(item: QuizItem, new: str, departments: tuple[str, ...] = ()) -> str:
    """ "" when `new` may replace the stem; otherwise why not."""
    original = item.question
    if not new or "\n" in new or len(new) > 2 * len(original) + 20:
        return "改写后的题干为空、多行或过长"
    missing = [t for t in key_terms(item, departments) if t not in new]
    if missing:
        return f"改写丢失了关键词：{'、'.join(missing)}"
    if item.type is ItemType.JUDGE and ("？" in new or "?" in new):
        return "判断题的题干应是陈述句"
    if item.type is not ItemType.JUDGE and new[-1] not in "？?。":
        return "题干结尾不完整"
    right = [
        o for o, v in zip(item.options, item.claim.values, strict=False) if v in item.claim.right
    ]
    leaked = [
        a
        for a in (*right, *(item.answer if item.type is ItemType.BLANK else ()))
        if a and a in new and a not in original
    ]
    if leaked:
        return "改写泄露了答案"
    return ""


def _messages(stem: str) -> list[BaseMessage]:
    messages: list[BaseMessage] = [SystemMessage(SYSTEM)]
    for before, after in EXAMPLES:
        messages += [HumanMessage(f"原题：{before}"), AIMessage(after)]
    return [*messages, HumanMessage(f"原题：{stem}")]


def _clean(text: str) -> str:
    text = text.strip().strip("`").strip()
    text = re.sub(r"^(?:改写后的题干|改写|题干|原题)[:：]\s*", "", text)
    text = re.sub(r"_{3,}", BLANK, text)
    return text.split("\n")[0].strip().strip("\"'")


def rephrase_quiz(
    quiz: Quiz,
    model_factory: Callable[[], BaseChatModel],
    departments: tuple[str, ...] = (),
    *,
    limit: int | None = None,
) -> Quiz:
    """Each stem (the first `limit`) rephrased by the model where the check accepts it."""
    model = model_factory()
    items: list[QuizItem] = []
    accepted = rejected = 0
    for n, item in enumerate(quiz.items):
        if limit is not None and n >= limit:
            items.append(item)
            continue
        reply = model.invoke(_messages(item.question), max_tokens=MAX_TOKENS)
        new = _clean(str(reply.content))
        reason = check(item, new, departments)
        if reason or new == item.question:
            rejected += bool(reason)
            log.debug("stem kept for %s (%s): %r", item.id, reason or "unchanged", new)
            items.append(item)
            continue
        accepted += 1
        items.append(replace(item, question=new, original_question=item.question))
    return replace(quiz, items=tuple(items), rephrased=accepted, rephrase_rejected=rejected)
