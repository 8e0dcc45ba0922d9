"""Every item is checked against the index before it is shown; an item that fails is dropped.

The checks read the index again rather than trusting the generator: the provision and its quote,
the options (no repeats, no alias of a right answer), and per topic the fact itself: the parsed
attribution *and* the attribution as printed agree on every department offered, a figure or rule
word is printed where the stem says and a distractor is not, counts are counted again.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable

from assistant.index.corpus import CorpusView
from assistant.quiz.model import BLANK, JUDGE_OPTIONS, LETTERS, ItemType, QuizItem, Topic
from assistant.quiz.roles import (
    CONVENTION,
    Aliases,
    PrintedRoles,
    document_convention,
    has_role,
    holders,
    is_department,
    raw_of,
    spans_of,
)
from ingest.model import Provision, ProvisionKind, Span

_ROLE_WORDS = re.compile("牵头|负责|配合|责任|参与|按照?职责分工|落实|协同|协助")
_DEADLINE = re.compile(r"(?:完成期限|完成时限|完成时间)[:：]")


class Failed(Exception):
    """Why an item cannot be shown."""


def _require(condition: object, reason: str) -> None:
    if not condition:
        raise Failed(reason)


class Verifier:
    def __init__(self, corpus: CorpusView) -> None:
        self.corpus = corpus
        self.registry = corpus.registry
        self.aliases = Aliases(corpus.registry)
        self._printed: dict[str, PrintedRoles] = {}
        self._text: dict[str, str] = {}

    def check(self, item: QuizItem) -> str:
        """ "" when the item is right; otherwise the reason it is dropped."""
        try:
            self._generic(item)
            CHECKS[item.topic](self, item)
        except Failed as exc:
            return str(exc)
        return ""

    # -- shared ---------------------------------------------------------------------------------
    def provision(self, item: QuizItem, key: str | None = None) -> Provision:
        p = self.corpus.by_ref.get((item.doc_id, key or item.key))
        _require(p is not None, f"索引中没有条款 {item.doc_id}#{key or item.key}")
        assert p is not None
        return p

    def doc_text(self, doc_id: str) -> str:
        if doc_id not in self._text:
            self._text[doc_id] = "\n".join(p.text for p in self.corpus.in_scope([doc_id]))
        return self._text[doc_id]

    def printed(self, doc_id: str) -> PrintedRoles:
        if doc_id not in self._printed:
            convention = document_convention(self.corpus.in_scope([doc_id]))
            self._printed[doc_id] = PrintedRoles(convention=convention)
        return self._printed[doc_id]

    def _generic(self, item: QuizItem) -> None:
        p = self.provision(item)
        _require(item.quote and item.quote in p.text, "引文不在所引条款原文中")
        _require(item.quote in item.explanation, "解析没有引用原文")
        _require(item.label == (p.label or p.key), "出处标签与条款不符")
        _require(item.question.strip() and item.question[-1] in "？。", "题干不完整")
        _require(1 <= item.difficulty <= 3, "难度超出 1–3")
        claim = item.claim
        if item.type in (ItemType.SINGLE, ItemType.MULTI):
            _require(len(item.options) == len(claim.values) >= 3, "选项少于 3 个")
            shown = [_norm(o) for o in item.options]
            _require(len(set(shown)) == len(shown), "选项重复")
            _require(len(set(claim.values)) == len(claim.values), "选项所指重复")
            letters = [LETTERS[i] for i, v in enumerate(claim.values) if v in claim.right]
            _require(list(item.answer) == letters and letters, "答案字母与正确选项不符")
            if item.type is ItemType.SINGLE:
                _require(len(letters) == 1, "单选题须恰有一个正确选项")
            else:
                _require(
                    2 <= len(letters) < len(item.options), "多选题须有至少两个正确选项和一个干扰项"
                )
            for i, option in enumerate(item.options):
                if claim.values[i] in claim.right:
                    _require(_norm(option) not in _norm(item.question), "题干泄露了答案")
        elif item.type is ItemType.JUDGE:
            _require(item.options == JUDGE_OPTIONS, "判断题选项应为 正确 / 错误")
            _require(len(claim.values) == 1, "判断题只陈述一件事")
            expected = JUDGE_OPTIONS[0] if claim.right else JUDGE_OPTIONS[1]
            _require(item.answer == (expected,), "判断题答案与陈述不符")
        else:
            _require(item.question.count(BLANK) == 1, "填空题须有一处空白")
            _require(item.answer and all(a.strip() for a in item.answer), "填空题缺答案")
            _require(
                not any(_leaks(a, item.question.replace(BLANK, "")) for a in item.answer),
                "题干泄露了答案",
            )


def _leaks(answer: str, stem: str) -> bool:
    """The answer printed in the stem (a number only as a whole number: 30 is not in 2030)."""
    if re.fullmatch(r"[\d.]+", answer):
        return bool(re.search(rf"(?<![\d.]){re.escape(answer)}(?![\d.])", stem))
    return len(answer) >= 2 and _norm(answer) in _norm(stem)


def _norm(text: str) -> str:
    return re.sub(r"[\s「」“”\"'。？，、]", "", text).replace("％", "%")


# -- responsibilities -----------------------------------------------------------------------------
def _unit(v: Verifier, item: QuizItem) -> tuple[Provision, Span | Provision]:
    p = v.provision(item)
    if item.claim.span is None:
        return p, p
    span = next((s for s in spans_of(p) if (s.start, s.end) == item.claim.span), None)
    _require(span is not None, "条款中没有该段责任分工")
    assert span is not None
    return p, span


def _printed_roles(
    v: Verifier, p: Provision, unit: Span | Provision, names: Iterable[str]
) -> frozenset[str] | None:
    """The roles any form of the department is printed with; None when the attribution prints no
    role at all (a table cell under a 责任部门 column)."""
    raw = raw_of(unit)
    if p.kind is ProvisionKind.ANNEX:
        _require(raw, "附件行没有责任部门")
        return None  # a table cell: the role is its column's, which the index does not keep
    _require(_ROLE_WORDS.search(raw), "责任分工原文没有写明角色")
    found: set[str] = set()
    for name in names:
        found |= v.printed(p.doc_id).roles(raw, name)
    return frozenset(found)


def _forms(v: Verifier, p: Provision, name: str) -> tuple[str, ...]:
    """The ways the department may be printed in the provision's attribution: its aliases, and the
    document's names that denote it (重庆市财政局 printed where a later list says 市财政局)."""
    raw = p.responsibility.raw
    named = [n for n in p.responsibility.departments if v.aliases.similar(n, name)]
    return tuple(
        dict.fromkeys(f for f in (name, *v.registry.aliases(name), *named) if f in raw or f == name)
    )


def _holds(v: Verifier, p: Provision, unit: Span | Provision, name: str, role: str) -> bool:
    """The index and the printed attribution agree on whether `name` holds `role`; an item that
    rests on a disagreement is dropped."""
    parsed = has_role(unit, name, role, v.registry) or any(
        v.aliases.similar(name, held) for held in holders(unit, role)
    )
    printed = _printed_roles(v, p, unit, _forms(v, p, name))
    if printed is not None:
        _require(
            (role in printed) == parsed,
            f"“{name}”在原文中的角色与解析出的责任分工不一致（{p.key}）",
        )
    return parsed


def check_role(v: Verifier, item: QuizItem) -> None:
    p, unit = _unit(v, item)
    claim = item.claim
    _require(claim.role in ("lead", "co", "responsible"), "未知角色")
    text = v.doc_text(item.doc_id)
    for held in holders(unit, claim.role):  # the unit's own attribution must read as parsed
        if is_department(held, v.registry):
            _holds(v, p, unit, held, claim.role)
    if item.type is ItemType.BLANK:
        name = claim.right[0]
        _require(_holds(v, p, unit, name, claim.role), f"“{name}”不承担该角色")
        _require(len(holders(unit, claim.role)) == 1, "填空题的答案须唯一")
        return
    right = []
    for name in claim.values:
        _require(name in text, f"“{name}”不在该文件中")
        if _holds(v, p, unit, name, claim.role):
            right.append(name)
        elif claim.role == "co":
            involved = [h for r in ("lead", "co", "responsible") for h in holders(unit, r)]
            _require(
                not any(v.aliases.similar(name, h) for h in involved), f"干扰项“{name}”参与该任务"
            )
    _require(
        tuple(right) == tuple(x for x in claim.values if x in claim.right), "答案与责任分工不符"
    )
    for wrong in (x for x in claim.values if x not in claim.right):
        for good in claim.right:
            _require(not v.aliases.similar(wrong, good), f"干扰项“{wrong}”是“{good}”的别称")


def check_department_tasks(v: Verifier, item: QuizItem) -> None:
    claim = item.claim
    if claim.asks == "task_total":
        tasks = [
            p
            for p in v.corpus.tasks([item.doc_id])
            if p.kind is not ProvisionKind.ANNEX and p.responsibility.raw
        ]
        held = [p.key for p in tasks if _holds(v, p, p, claim.subject, claim.role)]
        _require(
            claim.right == (str(len(held)),) and tuple(held) == claim.keys, "任务数与责任分工不符"
        )
        return
    right = []
    for key in claim.values:
        p = v.provision(item, key)
        if _holds(v, p, p, claim.subject, claim.role):
            right.append(key)
    _require(
        tuple(right) == tuple(k for k in claim.values if k in claim.right), "答案与责任分工不符"
    )


def check_no_lead(v: Verifier, item: QuizItem) -> None:
    for key in item.claim.values:
        p = v.provision(item, key)
        r = p.responsibility
        raw = r.raw
        _require(raw, f"{p.key} 没有责任分工")
        printed_lead = "牵头" in raw and not CONVENTION.search(raw)
        without = not r.lead and not r.responsible
        _require(without != printed_lead, f"{p.key} 是否有牵头部门，原文与解析不一致")
        _require(without == (key in item.claim.right), f"{p.key} 的答案与责任分工不符")
        _require(not v.printed(p.doc_id).convention, "文件约定列首位的为牵头单位")


def check_deadline(v: Verifier, item: QuizItem) -> None:
    p, unit = _unit(v, item)
    _require(isinstance(unit, Span), "期限题须对应一段责任分工")
    assert isinstance(unit, Span)
    deadline = item.claim.right[0]
    _require(unit.deadline == deadline, "期限与解析不符")
    at = unit.raw.find(deadline)
    _require(at >= 0 and _DEADLINE.search(unit.raw[:at]), "原文没有印出该完成期限")
    own = {s.deadline for s in spans_of(p)}
    for wrong in (x for x in item.claim.values if x != deadline):
        _require(wrong not in own, f"干扰项“{wrong}”也是该条的期限")


# -- text ----------------------------------------------------------------------------------------
def check_printed_piece(v: Verifier, item: QuizItem) -> None:
    """FIGURE and RULE: the stem's fragment is printed once, with the piece the key names."""
    claim = item.claim
    p = v.provision(item)
    text = v.doc_text(item.doc_id)
    filled, piece = claim.filled, claim.subject
    _require(filled in p.text and text.count(filled) == 1, "题干所依据的原文不唯一或不存在")
    _require(piece in filled, "答案不在原文片段中")
    _require(filled in item.quote, "引文没有包含题干依据的原文")
    if item.type is ItemType.BLANK:
        _require(piece.startswith(claim.right[0]), "填空答案与原文不符")
        _require(filled in item.question.replace(BLANK, claim.right[0]), "填空后与原文不符")
        return
    if item.type is ItemType.SINGLE:
        _require(claim.right == (piece,), "答案与原文不符")
    for value in claim.values:
        if value == piece:
            continue
        _require(filled.replace(piece, value) not in text, f"干扰项“{value}”也见于原文")
    if item.type is ItemType.JUDGE:
        value = claim.values[0]
        _require(bool(claim.right) == (value == piece), "判断与原文不符")
        _require(filled.replace(piece, value) in item.question, "判断题陈述不是原文片段")


def check_principle(v: Verifier, item: QuizItem) -> None:
    claim = item.claim
    section = v.provision(item, claim.subject)
    texts = [section.text, *(c.text for c in v.corpus.children(section))]
    hint = claim.filled
    name = (
        claim.values[0]
        if item.type is ItemType.BLANK
        else next(x for x in claim.values if x in claim.right)
    )
    if item.type is ItemType.BLANK:
        name = claim.values[1]
    owner = [
        t for t in texts if re.search(rf"(?:^|\n){re.escape(name)}。[^。]*{re.escape(hint)}", t)
    ]
    _require(owner, f"原则“{name}”与所引要求不对应")
    for value in claim.values:
        if value in claim.right or item.type is ItemType.BLANK:
            continue
        _require(
            any(re.search(rf"(?:^|\n){re.escape(value)}。", t) for t in texts),
            f"干扰项“{value}”不是文件的原则",
        )
        _require(
            not any(
                re.search(rf"(?:^|\n){re.escape(value)}。[^。]*{re.escape(hint)}", t) for t in texts
            ),
            f"干扰项“{value}”也符合题意",
        )


def check_structure(v: Verifier, item: QuizItem) -> None:
    claim = item.claim
    if claim.asks == "part_title":
        asked = v.provision(item, claim.subject)
        _require(asked.kind is ProvisionKind.CHAPTER, "所问的不是文件的一个部分")
        numerals = "一二三四五六七八九十"
        _require(f"第{numerals[int(asked.key) - 1]}部分" in item.question, "部分序号与题干不符")
        _require(claim.right == (asked.key,), "答案不是所问的部分")
        for key in claim.values:
            _require(v.provision(item, key).kind is ProvisionKind.CHAPTER, "选项不是文件的部分")
    elif claim.asks == "task_count":
        numbered = [p for p in v.corpus.items([item.doc_id]) if p.kind is ProvisionKind.ITEM]
        _require(claim.right == (str(len(numbered)),), "任务条数与答案不符")
    elif claim.asks == "part_count":
        chapter = v.provision(item, claim.subject)
        parts = [p for p in v.corpus.children(chapter) if p.kind is ProvisionKind.SECTION]
        _require(claim.right == (str(len(parts)),), "方面数与答案不符")
    elif claim.asks == "placement":
        task = v.provision(item, claim.subject)
        for key in claim.values:
            section = v.provision(item, key)
            _require(section.kind is ProvisionKind.SECTION, "选项不是文件的一个方面")
            inside = task.key.startswith(key + ".")
            _require(inside == (key in claim.right), "任务所属部分与答案不符")
    else:
        raise Failed(f"未知的结构题：{claim.asks}")


def check_system(v: Verifier, item: QuizItem) -> None:
    claim = item.claim
    rows = [
        p
        for p in v.corpus.in_scope([item.doc_id])
        if p.kind is ProvisionKind.ANNEX and p.path_titles
    ]
    count = Counter(p.path_titles[-1] for p in rows)
    if claim.asks == "plan_count":
        _require(claim.right == (str(count[claim.subject]),), "附件所列项数与答案不符")
        return
    _require(claim.asks == "number_meaning", f"未知的政策体系题：{claim.asks}")
    n = int(claim.subject)
    _require(
        re.search(rf"(?<![\d])\+?{n}\+?(?![\d])", item.quote) is not None, "政策体系原文没有该数字"
    )
    for name in claim.values:
        _require(name in count, f"“{name}”不是附件中的一类方案")
        _require((count[name] == n) == (name in claim.right), "方案类别与数目不符")


CHECKS: dict[Topic, Callable[[Verifier, QuizItem], None]] = {
    Topic.ROLE: check_role,
    Topic.DEPT_TASKS: check_department_tasks,
    Topic.NO_LEAD: check_no_lead,
    Topic.DEADLINE: check_deadline,
    Topic.FIGURE: check_printed_piece,
    Topic.RULE: check_printed_piece,
    Topic.PRINCIPLE: check_principle,
    Topic.STRUCTURE: check_structure,
    Topic.SYSTEM: check_system,
}
