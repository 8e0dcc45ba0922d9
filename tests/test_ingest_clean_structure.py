"""Cleaning and structure on small texts, plus property tests."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import example, given, settings
from hypothesis import strategies as st

from ingest.clean import clean, clean_report, fingerprint
from ingest.model import Provision, ProvisionKind
from ingest.numbering import cn_to_int, int_to_cn
from ingest.pipeline import parse_text
from ingest.responsibility import extract_responsibility, split_names
from ingest.structure import parse_structure

SEED = Path(__file__).parents[1] / "corpus" / "suzhou-dual-carbon-opinions-2022.txt"


def _is_subsequence(small: str, big: str) -> bool:
    it = iter(big)
    return all(ch in it for ch in small)


def test_seed_keeps_every_word() -> None:
    source = SEED.read_text("utf-8")
    report = clean_report(source)
    assert report.dropped_duplicates == ("峰峰、",)
    assert fingerprint(report.text) == fingerprint(source).replace("碳达峰峰、", "碳达峰、")


def test_page_join_rules() -> None:
    assert clean("为此，落实好碳达峰\n\n峰、碳中和政策。") == "为此，落实好碳达峰、碳中和政策。"
    # a real reduplication is never merged, nor a doubling not followed by punctuation
    assert clean("各项工作要稳步推进，常\n\n常，检查。") == "各项工作要稳步推进，常常，检查。"
    assert clean("要求做好规划，人\n\n人参与。") == "要求做好规划，人人参与。"
    assert clean("为指导，全面贯彻落\n\n实党的精神。") == "为指导，全面贯彻落实党的精神。"
    # headings, title lines and dates are not joined to what follows
    assert (
        clean("一、总体要求\n\n（一）指导思想\n\n正文。") == "一、总体要求\n（一）指导思想\n正文。"
    )
    assert clean("中共苏州市委文件\n\n苏委发〔2022〕7号") == "中共苏州市委文件\n苏委发〔2022〕7号"
    # the next paragraph is a heading: the cut sentence stays as it is
    assert clean("做好工作，按职责分\n\n（七）下一节") == "做好工作，按职责分\n（七）下一节"


def test_brackets_and_spaces() -> None:
    assert clean("(一) 指导思想") == "（一）指导思想"
    assert (
        clean("到 2060 年，建设沿江 LNG 接收站和 5G 网络。")
        == "到2060年，建设沿江LNG接收站和5G网络。"
    )
    assert clean("做好工作。（市发改委牵头，\n\n市工信局等部门按职责分工负责)") == (
        "做好工作。（市发改委牵头，市工信局等部门按职责分工负责）"
    )
    assert clean("各县级市〔区〕人民政府") == "各县级市〔区〕人民政府"
    assert clean("\t具体事项\t责任部门\n总体方案\t1. 方案\t市发改委") == (
        "\t具体事项\t责任部门\n总体方案\t1. 方案\t市发改委"
    )
    assert clean("Net Zero 目标") == "Net Zero目标"


def test_attribution_paragraph_joins_its_sentence() -> None:
    assert clean("1. 做好工作。\n\n（市发改委牵头，市住建局等部门按职责分工负责）") == (
        "1. 做好工作。（市发改委牵头，市住建局等部门按职责分工负责）"
    )


def test_numerals() -> None:
    assert [cn_to_int(s) for s in ("一", "十", "十一", "二十三", "一百零五")] == [
        1,
        10,
        11,
        23,
        105,
    ]
    assert [int_to_cn(n) for n in (1, 10, 11, 20, 23)] == ["一", "十", "十一", "二十", "二十三"]


RESTARTING = """关于测试的实施意见
为了测试，制定本意见。
一、总体要求
二、主要目标
三、重点任务
（一）深入推进工业节能。
1.加快推动产业结构绿色转型。坚持生态优先。（省发展改革委牵头，省工业和信息化厅按职责分工负责）
2．坚决遏制“两高”项目。严禁新增产能。
（二）全面提升建筑能效水平。
1．提升新建建筑节能水平。发挥绿色设计引领作用。
2．提升既有建筑能效水平。深入开展改造。
3．优化建筑用能结构。拓展可再生能源。（省住房城乡建设厅牵头）
四、保障措施
（一）加强组织领导。各地各部门要加强领导。
"""


def test_items_restarting_per_section_get_section_labels() -> None:
    provisions = {p.key: p for p in parse_structure("js", RESTARTING)}
    assert provisions["3.2.3"].label == "三（二）3"
    assert provisions["3.2.3"].title == "优化建筑用能结构"
    assert provisions["3.2.3"].responsibility.lead == ("省住房城乡建设厅",)
    assert provisions["3.1.1"].responsibility.co == ("省工业和信息化厅",)
    assert provisions["4.1"].label == "四（一）" and provisions["4.1"].title == "加强组织领导"
    assert provisions["3.1"].path_titles == ("重点任务",)


def test_a_chapter_heading_printed_at_the_end_of_a_line_is_its_own() -> None:
    # a PDF put "三、…" after the last sentence of chapter 二, and left the 十 of "十一、" on the line
    # before (found on the Shanghai opinion, tested on a text written for the test)
    chapters = [f"{int_to_cn(n)}、第{n}章标题" for n in range(1, 13)]
    lines = [chapters[0], "（一）甲。正文一。", chapters[1], "（二）乙。正文二。" + chapters[2]]
    for n in range(3, 10):
        lines.append(f"（{int_to_cn(n + 1)}）条{n}。正文{n}。")
        lines.append(chapters[n])
    lines += ["（十一）条十。正文十。十", "一、第11章标题", "（十二）条十一。正文。", chapters[11]]
    lines.append("（十三）条十二。第三、四项另行规定。")
    keys = {p.key: p for p in parse_structure("glued", "\n".join(lines))}
    chapter_keys = [k for k in keys if k.isdigit()]
    assert chapter_keys == [str(n) for n in range(1, 13)]
    assert keys["3"].title == "第3章标题" and keys["2.2"].text == "乙。正文二。"
    assert keys["11"].title == "第11章标题" and keys["10.11"].text.endswith("正文十。")
    assert "第三、四项另行规定" in keys["12.13"].text  # a numeral inside a sentence stays text


def test_tiao_numbering() -> None:
    text = (
        "第一章 总则\n第一条 为了规范管理，制定本办法。\n第二章 附则\n第二条 本办法发布之日施行。"
    )
    provisions = {p.key: p for p in parse_structure("t", text)}
    assert provisions["2.2"].label == "第二条"
    assert provisions["1"].title == "总则"


def test_responsibility_forms() -> None:
    r = extract_responsibility(
        "（牵头单位：省发展改革委；配合单位：省工业和信息化厅、省生态环境厅等）"
    )
    assert (r.lead, r.co) == (("省发展改革委",), ("省工业和信息化厅", "省生态环境厅"))
    r = extract_responsibility("（责任部门：气候处、综合处，完成期限：5月底）")
    assert (r.lead, r.responsible, r.deadline) == ((), ("气候处", "综合处"), "5月底")
    r = extract_responsibility("（责任单位：省发展改革委、省工业和信息化厅等）")
    assert (r.lead, r.responsible) == ((), ("省发展改革委", "省工业和信息化厅"))
    r = extract_responsibility("（市发改委、市住建局按职责分工负责）")
    assert (r.lead, r.co) == ((), ("市发改委", "市住建局"))
    r = extract_responsibility("（省发展改革委牵头，省生态环境厅等按职责分工负责）")
    assert (r.lead, r.co) == (("省发展改革委",), ("省生态环境厅",))
    r = extract_responsibility(
        "（市碳达峰碳中和工作领导小组办公室牵头，各有关部门和各县级市〔区〕负责落实）"
    )
    assert (r.co, r.implementers) == (("各有关部门",), ("各县级市〔区〕",))
    assert extract_responsibility("没有归属的文字（以下简称“两高”）").is_empty


def test_split_names_and_he() -> None:
    assert split_names("市住房和城乡建设局和市发展和改革委员会等部门") == (
        "市住房和城乡建设局",
        "市发展和改革委员会",
    )
    assert split_names("省工业和信息化厅、省自然资源和规划厅，各市人民政府") == (
        "省工业和信息化厅",
        "省自然资源和规划厅",
        "各市人民政府",
    )
    assert split_names("市发改委（各部门按职责分工负责、下同）") == ("市发改委",)


_ALPHABET = st.sampled_from(
    list(
        "一二三四五十、（）()。，；：1234567890.． \n\t附件第章条节牵头负责市发改委住建局峰碳中和和"
    )
)


@settings(max_examples=150, deadline=None)
@given(st.text(_ALPHABET, max_size=300))
def test_parse_never_crashes_and_keys_are_unique(text: str) -> None:
    report = clean_report(text)
    assert _is_subsequence(fingerprint(report.text), fingerprint(text))
    assert len(fingerprint(text)) - len(fingerprint(report.text)) == len(report.dropped_duplicates)
    if not report.text.strip():
        return
    parsed = parse_text("h", text)
    keys = [p.key for p in parsed.provisions]
    assert len(keys) == len(set(keys))
    source = fingerprint(report.text)
    for p in parsed.provisions:
        assert _text_in_source(p, source)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(re.split(r"\n+", SEED.read_text("utf-8"))), max_size=25))
@example(
    [
        "中共苏州市委文件",
        "（二）工作原则",
        "附件：碳达峰碳中和政策体系与任务分工",
        "\t具体事项\t责任部门",
    ]
)
def test_shuffled_seed_paragraphs_parse(lines: list[str]) -> None:
    text = "\n\n".join(lines)
    if not clean(text).strip():
        return
    parsed = parse_text("s", text)
    keys = [p.key for p in parsed.provisions]
    assert len(keys) == len(set(keys))
    source = fingerprint(clean(text))
    assert all(_text_in_source(p, source) for p in parsed.provisions)


def _text_in_source(p: Provision, source: str) -> bool:
    """A provision's text is a piece of the source; the meta provision gathers the title block and
    the closing lines (附件, 注, 发, 印发), so each of its lines is."""
    if p.kind is ProvisionKind.META:
        return all(fingerprint(line) in source for line in p.text.split("\n"))
    return fingerprint(p.text) in source
