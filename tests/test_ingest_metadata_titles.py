"""Title blocks as web pages and conversions leave them: the title wrapped over two lines, printed
twice with its number and addressees glued on, quoted at the start of the text, a source note above
it, and the number of a cited document in the preamble. The rules were written on other documents
of the corpus (the Jiangsu office plans, the State Council's 2030 plan, the Anhui plan); these are
checked on documents and texts they were not written for."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.understand.abbreviation import short_title
from ingest.clean import clean
from ingest.metadata import extract_metadata, own_number, trim_title

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "corpus-external"


def metadata_of(stem: str) -> tuple[str, tuple[str, ...], str | None]:
    path = EXTERNAL / f"{stem}.txt"
    if not path.is_file():
        pytest.fail(f"{path} is missing: the external corpus is part of the test setup")
    d = extract_metadata(stem, clean(path.read_text("utf-8")))
    return d.title, d.issuers, d.doc_number


def test_a_title_printed_twice_with_its_number_and_addressees() -> None:
    title, issuers, number = metadata_of("national-14th-fyp-energy-saving-emission-reduction-plan")
    assert title == "关于印发“十四五”节能减排综合工作方案的通知"
    assert issuers == ("国务院",) and number == "国发〔2021〕33号"


def test_a_repeated_title_with_joint_issuers() -> None:
    title, issuers, _ = metadata_of("jiangxi-dual-carbon-implementation-opinions")
    assert title == "关于完整准确全面贯彻新发展理念做好碳达峰碳中和工作的实施意见"
    assert issuers == ("中共江西省委", "江西省人民政府")


def test_a_title_quoted_at_the_start_of_the_text() -> None:
    title, issuers, _ = metadata_of("shijiazhuang-dual-carbon-implementation-plan")
    assert title == "关于完整准确全面贯彻新发展理念认真做好碳达峰碳中和工作的实施方案"
    assert issuers == ("中共石家庄市委", "石家庄市人民政府")


@pytest.mark.parametrize(
    "stem",
    [
        "shanghai-green-low-carbon-circular-economy-plan",
        "wuzhou-green-low-carbon-circular-economy-plan",
    ],
)
def test_the_number_of_a_cited_document_is_not_the_documents_own(stem: str) -> None:
    _, _, number = metadata_of(stem)
    assert (
        number is None
    )  # both cite 《国务院关于…的指导意见》（国发〔2021〕4号） and print none of their own


def test_title_pieces_on_texts_written_here() -> None:
    assert trim_title(
        "市政府关于印发某某方案的通知市政府关于印发某某方案的通知（某政发〔2024〕1号）"
    ) == ("市政府关于印发某某方案的通知")
    assert (
        trim_title("关于推进某项工作的意见各县（市、区）人民政府，市各有关部门：")
        == "关于推进某项工作的意见"
    )
    assert trim_title("某市三年行动计划（2024—2026年）") == "某市三年行动计划（2024—2026年）"
    assert own_number("某政办发〔2024〕12号") == "某政办发〔2024〕12号"
    assert own_number("根据《某省关于推进的意见》（某政发〔2023〕3号），结合实际") is None
    wrapped = extract_metadata(
        "w", "# source: a note\n某县住房和城乡建设局2025年村镇建设工\n作要点\n一、总体要求\n内容。"
    )
    assert wrapped.title == "某县住房和城乡建设局2025年村镇建设工作要点"


SIGNED = """水利部办公厅贯彻落实《国务院关于加强节约用水工作的意见》的实施意见
各省、自治区、直辖市水利（水务）厅（局）：
一、总体要求
（一）主要目标。到2027年，用水效率明显提升。
（二）重点任务。推进农业节水增效。
（三）推进工业节水减排。
（四）推进城镇节水降损。
（五）推进非常规水源利用。
二、保障措施
（六）加强组织领导。
（七）强化资金保障。
（八）加强监督考核。
（九）加强宣传。结合世界水日开展宣传。
（十）加强人才培养。
水利部国家发展改革委
住房城乡建设部
2025年3月22日
"""


def test_issuers_signed_above_the_closing_date_glued_two_to_a_line() -> None:
    # written for this test: the title names no issuer before 关于, the signature names them
    doc = extract_metadata("water-saving", clean(SIGNED))
    assert doc.issuers == ("水利部", "国家发展改革委", "住房城乡建设部")
    assert doc.date == "2025-03-22"


def test_a_body_sentence_before_the_date_is_no_signature() -> None:
    text = SIGNED.replace("水利部国家发展改革委\n住房城乡建设部\n", "各地要认真落实。\n")
    assert extract_metadata("water-saving", clean(text)).issuers == ()


def test_a_cited_document_does_not_name_the_one_that_implements_it() -> None:
    cited = "某省交通厅贯彻落实《国务院关于推进绿色出行的意见》的实施意见"
    assert short_title(cited) == "绿色出行实施意见"
    # a notice that publishes the quoted document is named by it
    assert short_title("关于印发《城市绿色出行行动方案》的通知") == "城市绿色出行行动方案"


@pytest.mark.parametrize(
    ("head", "title", "issuers"),
    [
        # written for this test: a title over three lines, its years and 的通知 on the last
        (
            "某市人民政府关于\n印发以绿色转型为引领\n推动县域经济发展行动计划\n（2024—2027年）的通知\n某府发〔2024〕3号\n",
            "关于印发以绿色转型为引领推动县域经济发展行动计划（2024—2027年）的通知",
            ("某市人民政府",),
        ),
        (
            "某市人民政府关于印发某市加快\n推进城乡节水\n型社会建设实施方案的通知\n各区人民政府：\n",
            "关于印发某市加快推进城乡节水型社会建设实施方案的通知",
            ("某市人民政府",),
        ),
        # a web headline quoting the title, over two lines, and one that issues it on one line
        (
            "某省委省政府出台《关于推进绿色低碳\n发展的实施意见》\n日前，某省出台了意见。\n",
            "关于推进绿色低碳发展的实施意见",
            (),
        ),
        (
            "某市人民政府印发关于推进节水型城市建设的实施方案的通知\n各县（市、区）人民政府：\n",
            "关于推进节水型城市建设的实施方案的通知",
            ("某市人民政府",),
        ),
    ],
)
def test_a_title_wrapped_or_quoted_in_a_headline(
    head: str, title: str, issuers: tuple[str, ...]
) -> None:
    doc = extract_metadata("t", clean(f"{head}一、总体要求\n内容。\n"))
    assert (doc.title, doc.issuers) == (title, issuers)


def test_real_titles_over_three_lines() -> None:
    title, issuers, number = metadata_of("chongqing-manufacturing-green-development-action-plan")
    assert title.startswith("关于印发以实现碳达峰碳中和目标为引领") and title.endswith(
        "行动计划（2022—2025年）的通知"
    )
    assert issuers == ("重庆市人民政府",) and number == "渝府发〔2022〕34号"
    title, _, _ = metadata_of("tianjin-green-low-carbon-circular-economy-plan")
    assert title == "关于印发天津市加快建立健全绿色低碳循环发展经济体系实施方案的通知"


@pytest.mark.parametrize(
    ("issuer_line", "issuers"),
    [
        # written for this test: a party committee and a government glued on one line
        ("中共云南省委云南省人民政府", ("中共云南省委", "云南省人民政府")),
        (
            "中共宁夏回族自治区委员会宁夏回族自治区人民政府",
            ("中共宁夏回族自治区委员会", "宁夏回族自治区人民政府"),
        ),
        # one name that ends in 办公厅 is one issuer, not 生态环境部 + 办公厅
        ("生态环境部办公厅", ("生态环境部办公厅",)),
    ],
)
def test_issuers_glued_on_the_line_above_the_title(
    issuer_line: str, issuers: tuple[str, ...]
) -> None:
    head = f"{issuer_line}\n关于推进绿色低碳发展的实施意见\n（2024年5月6日）\n"
    doc = extract_metadata("t", clean(f"{head}一、总体要求\n内容。\n"))
    assert doc.issuers == issuers


def test_real_issuers_glued_on_one_line() -> None:
    # the Guangxi and Sichuan opinions print "中共…委员会…人民政府" as one line above the title
    _, issuers, _ = metadata_of("guangxi-dual-carbon-implementation-opinions")
    assert issuers == ("中共广西壮族自治区委员会", "广西壮族自治区人民政府")
    _, issuers, _ = metadata_of("sichuan-dual-carbon-implementation-opinions")
    assert issuers == ("中共四川省委", "四川省人民政府")


def test_short_titles_keep_whole_words() -> None:
    # written for this test: a joint departmental issuer, a years note, 省委省政府 before 关于
    assert short_title("某省住房城乡建设厅等9部门关于推进县城节水建设的实施意见", "某省") == (
        "某省县城节水建设的实施意见"
    )
    assert short_title("某市节水型社会建设三年行动计划（2024-2026年）", "某市") == (
        "某市节水型社会建设三年行动计划"
    )
    assert short_title("甲省委省政府关于推进绿色出行的实施意见", "甲省") == "甲省绿色出行的实施意见"
