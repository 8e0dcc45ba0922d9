"""Attributions at the level the document prints them: spans, roles as printed, document conventions,
brackets that are not attributions, wrapped figures and glued item numbers.

The inline texts are new phrasings (not copied from the gold documents); the file-based checks use
documents of ../shared/corpus-external that have no gold attributions in eval/gold/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.clean import clean
from ingest.pipeline import parse_file, parse_text
from ingest.responsibility import extract_responsibility, split_names
from ingest.structure import parse_structure

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "corpus-external"


def _covered(text: str, span_index: int) -> str:
    s = extract_responsibility(text).spans[span_index]
    return text[s.start : s.end]


def test_three_brackets_are_three_spans_each_with_its_deadline() -> None:
    text = (
        "修订排污许可技术规范。（责任部门：排污许可处，完成期限：2021年四季度）。"
        "开展碳排放核查。（责任部门：应对气候变化处，完成期限：9月底）"
        "建立监测网络。（责任部门：监测处、省监测中心，完成时间：2022年底）"
    )
    r = extract_responsibility(text)
    assert [s.responsible for s in r.spans] == [
        ("排污许可处",),
        ("应对气候变化处",),
        ("监测处", "省监测中心"),
    ]
    assert [s.deadline for s in r.spans] == ["2021年四季度", "9月底", "2022年底"]
    assert _covered(text, 1).startswith("。开展碳排放核查") and _covered(text, 1).endswith(
        "9月底）"
    )
    assert "建立监测网络" in _covered(text, 2) and "开展碳排放核查" not in _covered(text, 2)
    assert r.lead == () and r.responsible == (
        "排污许可处",
        "应对气候变化处",
        "监测处",
        "省监测中心",
    )


def test_roles_written_inside_a_label() -> None:
    r = extract_responsibility(
        "（责任部门：法规处、宣教中心牵头，执法局配合；完成时限：2023年6月）"
    )
    assert (r.lead, r.co, r.responsible) == (("法规处", "宣教中心"), ("执法局",), ())
    assert r.deadline == "2023年6月"


def test_a_lead_label_makes_the_unit_list_co_owners() -> None:
    r = extract_responsibility("（牵头单位：区商务局；责任单位：区财政局、区税务局）")
    assert (r.lead, r.co, r.responsible) == (("区商务局",), ("区财政局", "区税务局"), ())


def test_a_bracket_that_holds_sentences() -> None:
    r = extract_responsibility(
        "推进示范工程。（县发展改革局牵头，县财政局配合。各乡镇人民政府负责落实。）"
    )
    assert (r.lead, r.co, r.implementers) == (("县发展改革局",), ("县财政局",), ("各乡镇人民政府",))


def test_brackets_inside_names_stay_in_the_name() -> None:
    assert split_names("省发展改革委（能源局）、市委党校（行政学院）、市、区教育局") == (
        "省发展改革委（能源局）",
        "市委党校（行政学院）",
        "市、区教育局",
    )
    r = extract_responsibility("加强培训。（责任单位：区委党校（行政学院）、区人社局）")
    assert r.responsible == ("区委党校（行政学院）", "区人社局")


def test_places_printed_before_their_shared_government_are_one_name() -> None:
    # written for this test: "甲州、乙州市政府" prints 市政府 once for two places (the Guangdong
    # green-finance plan's "广州、深圳市政府"); a department list is still split
    r = extract_responsibility(
        "建设示范区。（省财政厅牵头，人民银行甲州分行、甲州、乙州市政府，省科技厅配合）"
    )
    assert r.lead == ("省财政厅",)
    assert r.co == ("人民银行甲州分行", "甲州、乙州市政府", "省科技厅")
    assert split_names("丙县、丁县、戊县人民政府") == ("丙县、丁县、戊县人民政府",)
    assert split_names("省发展改革委、财政厅、科技厅") == ("省发展改革委", "财政厅", "科技厅")


@pytest.mark.parametrize(
    "text",
    [
        "可再生能源占比（原则上不低于50%）逐年提高。",
        "推广区域供冷（热）和分布式能源。",
        "建立由政府负责（含园区）的协调机制并推进。",
    ],
)
def test_brackets_in_mid_sentence_are_text(text: str) -> None:
    assert extract_responsibility(text).spans == ()


def test_a_document_convention_on_first_listed_units() -> None:
    text = (
        "一、重点任务\n"
        "1.共建储能基地。（责任单位：甲市能源局、甲市科技局；乙省能源局、乙省财政厅；"
        "两地列首位的为牵头单位，下同）\n"
        "2.共建充电网络。（责任单位：甲市交通局、甲市能源局；乙省交通厅）\n"
    )
    items = {p.key: p for p in parse_structure("x", text)}
    first, second = items["1.1"].responsibility, items["1.2"].responsibility
    assert first.lead == ("甲市能源局", "乙省能源局")
    assert first.responsible == ("甲市能源局", "甲市科技局", "乙省能源局", "乙省财政厅")
    assert second.lead == (
        "甲市交通局",
        "乙省交通厅",
    )  # 下同: the convention holds for what follows
    assert "两地列首位" not in "".join(first.responsible)


def test_without_the_convention_a_unit_list_has_no_lead() -> None:
    text = "一、重点任务\n1.共建充电网络。（责任单位：甲市交通局、甲市能源局；乙省交通厅）\n"
    r = {p.key: p for p in parse_structure("x", text)}["1.1"].responsibility
    assert r.lead == () and r.responsible == ("甲市交通局", "甲市能源局", "乙省交通厅")


def test_a_wrapped_figure_is_joined_and_a_glued_item_number_is_an_item() -> None:
    text = (
        "一、主要任务\n"
        "5.扩大示范。全县新增光伏装机达到\n1.5万千瓦，建成示范村。\n"
        "6.推进改造。改造老旧小区。\n"
        "7.100个示范项目纳入储备库。（县发展改革局负责）\n"
    )
    items = {p.key: p for p in parse_structure("x", clean(text))}
    assert "达到1.5万千瓦" in items["1.5"].text
    assert items["1.7"].text.startswith("100个示范项目")
    assert items["1.7"].responsibility.responsible == ("县发展改革局",)


def test_paragraph_tasks_get_their_own_keys() -> None:
    text = (
        "二、主要任务\n（一）完善机制\n围绕协同增效，健全制度。\n"
        "健全考核办法。实行年度考核。（责任单位：区生态环境局）\n"
        "建立数据平台。统一排放清单。（责任单位：区统计局，区发展改革委）推进共享。\n"
        "打通监测网络。建设站点。（责任单位：区生态环境局）\n"
    )
    provisions = {p.key: p for p in parse_structure("x", text)}
    assert provisions["2.1"].text == "完善机制\n围绕协同增效，健全制度。"
    assert [provisions[f"2.1.{n}"].title for n in (1, 2, 3)] == [
        "健全考核办法",
        "建立数据平台",
        "打通监测网络",
    ]
    assert provisions["2.1.2"].responsibility.responsible == ("区统计局", "区发展改革委")
    assert provisions["2.1.2"].text.endswith("推进共享。")


def test_parenthesised_arabic_items_nest_under_numbered_items() -> None:
    text = (
        "二、任务\n（三）编制报告\n1.专项报告。\n（1）能源领域。编制报告。（牵头单位：甲局；责任单位：乙局）\n"
        "（2）工业领域。编制报告。（牵头单位：丙局）\n2.政策措施。制定措施。\n"
    )
    provisions = {p.key: p for p in parse_structure("x", text)}
    assert provisions["2.3.1.1"].responsibility.lead == ("甲局",)
    assert provisions["2.3.1.1"].responsibility.co == ("乙局",)
    assert provisions["2.3.1.2"].title == "工业领域"
    assert provisions["2.3.2"].title == "政策措施"


@pytest.mark.skipif(not EXTERNAL.is_dir(), reason=f"{EXTERNAL} is absent")
def test_work_plan_items_carry_one_span_per_bracket() -> None:
    """jiangsu-eco-env 2021 prints 完成期限 per sentence group: each question cites its own span."""
    provisions = {
        p.key: p
        for p in parse_file(
            EXTERNAL / "jiangsu-eco-env-dept-dual-carbon-work-plan-2021.txt"
        ).provisions
    }
    spans = provisions["1.1"].responsibility.spans
    assert len(spans) == 3
    assert [s.deadline for s in spans] == ["6月底", "7月底", "12月底"]
    text = provisions["1.1"].text
    assert text[spans[0].start : spans[0].end].startswith("推动制订全省碳达峰行动方案")
    assert all(s.raw in text for s in spans)


@pytest.mark.skipif(not EXTERNAL.is_dir(), reason=f"{EXTERNAL} is absent")
@pytest.mark.parametrize(
    ("stem", "key", "responsible"),
    [
        ("wuhan-carbon-reduction-low-carbon-industry-work-plan", None, True),
        ("shanghai-green-low-carbon-circular-economy-plan", None, True),
        ("tianjin-green-low-carbon-circular-economy-plan", None, False),
    ],
)
def test_unit_lists_are_never_shown_as_leads(stem: str, key: str | None, responsible: bool) -> None:
    """责任单位 lists without a stated lead: every unit responsible, no lead anywhere."""
    provisions = parse_file(EXTERNAL / f"{stem}.txt").provisions
    attributed = [p for p in provisions if p.responsibility.spans]
    assert len(attributed) >= 10
    if responsible:
        assert all(p.responsibility.lead == () for p in attributed)
        assert all(p.responsibility.responsible for p in attributed)
    else:  # 按职责分工负责 only: co-owners, no lead
        assert all(p.responsibility.co for p in attributed)


def test_deadline_labels_and_spans_round_trip_through_parse_text() -> None:
    parsed = parse_text(
        "t",
        "关于印发工作要点的通知\n一、重点工作\n（一）完善制度。修订办法。"
        "（责任处室：法规处，完成时限：6月底）。开展评估。（责任处室：评估处，完成时间：12月）\n",
    )
    section = next(p for p in parsed.provisions if p.key == "1.1")
    assert [(s.responsible, s.deadline) for s in section.responsibility.spans] == [
        (("法规处",), "6月底"),
        (("评估处",), "12月"),
    ]
