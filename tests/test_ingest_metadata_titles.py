"""Title blocks as web pages and conversions leave them: the title wrapped over two lines, printed
twice with its number and addressees glued on, quoted at the start of the text, a source note above
it, and the number of a cited document in the preamble. The rules were written on other documents
of the corpus (the Jiangsu office plans, the State Council's 2030 plan, the Anhui plan); these are
checked on documents and texts they were not written for."""

from __future__ import annotations

from pathlib import Path

import pytest

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
