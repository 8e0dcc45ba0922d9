"""The verifier drops what it cannot confirm: an item whose key, quote or options are wrong, and any
responsibility item where the parsed attribution and the attribution as printed disagree. Small
inline documents (parsed in memory, no index): each case fails for one reason."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.index.corpus import CorpusView
from assistant.quiz import ItemType, QuizItem, QuizRequest, Topic, generate
from assistant.quiz.build import Context
from assistant.quiz.gen_roles import role_items
from assistant.quiz.model import LETTERS, Claim
from assistant.quiz.roles import PrintedRoles, is_department
from assistant.quiz.verify import Verifier
from ingest.departments import DepartmentRegistry
from ingest.model import Document, Provision, ProvisionKind, Responsibility, Span

DOC = "quiz-unit"
NAMES = ("气候处", "综合处", "大气处", "监测处", "海洋处", "法规处")


def _item(key: str, title: str, text: str, r: Responsibility) -> Provision:
    return Provision(
        DOC,
        key,
        f"第{key.rsplit('.', 1)[-1]}条",
        key.rsplit(".", 1)[-1] + ".",
        title,
        text,
        ("重点任务",),
        r,
    )


def _span(text: str, raw: str, **roles: tuple[str, ...]) -> Span:
    end = text.index(raw) + len(raw)
    return Span(0, end, raw=raw, **roles)  # type: ignore[arg-type]


def corpus(responsibilities: list[tuple[str, Responsibility | None]]) -> CorpusView:
    provisions = [
        Provision(DOC, "1", "一", "一、", "重点任务", "重点任务", (), kind=ProvisionKind.CHAPTER)
    ]
    for n, (raw, given) in enumerate(responsibilities, 1):
        title = f"开展第{n}项重点工作"
        text = f"{title}。组织开展相关研究，形成工作方案。{raw}"
        r = given or Responsibility()
        spans = tuple(replace(s, start=0, end=len(text)) for s in r.spans)
        provisions.append(_item(f"1.{n}", title, text, replace(r, raw=raw, spans=spans)))
    names = sorted({d for p in provisions for d in p.responsibility.departments})
    registry = DepartmentRegistry.default().with_names(names)
    return CorpusView((Document(DOC, "关于开展重点工作的通知"),), tuple(provisions), registry)


def responsible(*names: str, raw: str) -> Responsibility:
    return Responsibility(responsible=names, spans=(Span(0, 0, responsible=names, raw=raw),))


def led(lead: tuple[str, ...], co: tuple[str, ...], raw: str) -> Responsibility:
    return Responsibility(lead=lead, co=co, spans=(Span(0, 0, lead=lead, co=co, raw=raw),))


def five_tasks(first: tuple[str, Responsibility]) -> CorpusView:
    rows = [first]
    for a, b in zip(NAMES[1:], NAMES[2:] + NAMES[:1], strict=True):
        rows.append((f"（{a}牵头，{b}配合）", led((a,), (b,), f"（{a}牵头，{b}配合）")))
    return corpus(rows)


def test_a_responsible_list_parsed_as_lead_is_dropped() -> None:
    """责任部门：气候处 stored as lead (an older parser): every item asking 气候处 as 牵头 is dropped."""
    raw = "（责任部门：气候处，完成期限：6月底）"
    view = five_tasks((raw, led(("气候处",), (), raw)))
    quiz = generate(view, QuizRequest((DOC,), n=40, seed=1))
    about = [d for d in quiz.dropped if d.item.key == "1.1" and d.item.topic is Topic.ROLE]
    assert about and all("不一致" in d.reason for d in about)
    assert not [i for i in quiz.items if i.key == "1.1" and i.topic is Topic.ROLE]


def test_a_responsible_list_is_asked_as_responsible_units() -> None:
    raw = "（责任部门：气候处、综合处，完成期限：6月底）"
    view = five_tasks((raw, responsible("气候处", "综合处", raw=raw)))
    quiz = generate(view, QuizRequest((DOC,), n=40, seed=1))
    asked = [i for i in quiz.items if i.key == "1.1" and i.topic is Topic.ROLE]
    assert asked
    assert all("责任单位" in i.question and "牵头" not in i.question for i in asked)
    assert not quiz.dropped


def test_the_first_listed_convention() -> None:
    """ "两省市列首位的为牵头单位": the first of each list leads, the others are responsible units."""
    printed = PrintedRoles(convention=True)
    raw = "（责任单位：重庆市能源局、市经济信息委；四川省能源局、经济和信息化厅；两省市列首位的为牵头单位，下同）"
    assert "lead" in printed.roles(raw, "四川省能源局")
    assert printed.roles(raw, "市经济信息委") == {"responsible"}
    assert PrintedRoles().roles(raw, "四川省能源局") == {"responsible"}
    raw = "（省发展改革委、生态环境厅，人民银行广州分行、深圳证监局配合）"
    assert printed.roles(raw, "生态环境厅") == {"co"}  # the role word after the last group
    raw = "（牵头单位：市地方金融局；责任单位：市发改委、市财政局，人行武汉分行营业管理部）"
    assert PrintedRoles().roles(raw, "人行武汉分行营业管理部") == {"co"}  # beside a lead: co-owners
    assert PrintedRoles().roles("（生态环境部负责）", "生态环境部") == {"responsible"}


def test_remnants_are_not_departments() -> None:
    registry = DepartmentRegistry.default()
    assert is_department("四川省能源局", registry)
    for name in (
        "下同",
        "两省市列首位的为牵头单位",
        "市有关部门",
        "各县级市〔区〕人民政府",
        "广州",
    ):
        assert not is_department(name, registry), name


@pytest.fixture(scope="module")
def good() -> tuple[CorpusView, list[QuizItem]]:
    raw = "（气候处牵头，综合处配合）"
    view = five_tasks((raw, led(("气候处",), ("综合处",), raw)))
    items = list(role_items(Context(view, DOC, 3)))
    verifier = Verifier(view)
    assert items and all(verifier.check(i) == "" for i in items)
    return view, items


def _single(items: list[QuizItem]) -> QuizItem:
    return next(i for i in items if i.type is ItemType.SINGLE)


def test_a_wrong_key_is_dropped(good: tuple[CorpusView, list[QuizItem]]) -> None:
    view, items = good
    item = _single(items)
    wrong = next(letter for letter in LETTERS[: len(item.options)] if letter not in item.answer)
    right = (item.claim.values[LETTERS.index(wrong)],)
    bad = replace(item, answer=(wrong,), claim=replace(item.claim, right=right))
    assert "不符" in Verifier(view).check(bad)


def test_a_quote_that_is_not_verbatim_is_dropped(good: tuple[CorpusView, list[QuizItem]]) -> None:
    view, items = good
    item = _single(items)
    bad = replace(item, quote=item.quote.replace("牵头", "负责"))
    assert "引文" in Verifier(view).check(bad)


def test_an_alias_of_the_answer_as_distractor_is_dropped(
    good: tuple[CorpusView, list[QuizItem]],
) -> None:
    view, items = good
    item = _single(items)
    (answer,) = item.claim.right
    i = next(n for n, v in enumerate(item.claim.values) if v != answer)
    values = list(item.claim.values)
    values[i] = "省" + answer  # 省气候处: a longer form of the same name
    options = list(item.options)
    options[i] = values[i]
    bad = replace(item, options=tuple(options), claim=replace(item.claim, values=tuple(values)))
    assert Verifier(view).check(bad)


def test_a_judge_with_the_wrong_verdict_is_dropped(good: tuple[CorpusView, list[QuizItem]]) -> None:
    view, items = good
    item = next(i for i in items if i.type is ItemType.JUDGE)
    flipped = Claim(
        **{
            **{f: getattr(item.claim, f) for f in Claim.__slots__},
            "right": () if item.claim.right else item.claim.values,
        }
    )
    bad = replace(item, claim=flipped, answer=("错误",) if item.answer == ("正确",) else ("正确",))
    assert "不符" in Verifier(view).check(bad) or "不一致" in Verifier(view).check(bad)
