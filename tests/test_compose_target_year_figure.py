"""A figure asked for the year a question sets ("到2030年…能耗下降多少") is looked for under that
year's targets only: the 2025 sentence's "能耗比2020年下降13.5%" does not answer it when the 2030
targets say only "能耗大幅下降". Found on round 5 (the national opinion, u7nd018); tested on the
Jilin implementation opinion, which no question bank was written on, with the real text."""

from __future__ import annotations

import pytest

from assistant.service import PolicyQA
from tests.conftest import EXTERNAL
from tests.fakes import keyword_library

DOC = "jilin-dual-carbon-implementation-opinions"


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    text = (EXTERNAL / f"{DOC}.txt").read_text("utf-8")
    vocab = ["能耗", "非化石能源", "消费比重", "二氧化碳", "森林覆盖率", "单位地区生产总值"]
    return keyword_library(tmp_path_factory, {DOC: text}, vocab)


def test_a_year_without_the_figure_is_refused_with_that_years_words(qa: PolicyQA) -> None:
    answer = qa.ask("到2030年单位地区生产总值能耗要比2020年下降多少？", doc_id=DOC)
    assert answer.refused
    assert "能耗大幅下降" in answer.text  # the closest: the 2030 sentence, not 2025's
    assert "降低率确保完成国家下达目标任务" not in answer.text


@pytest.mark.parametrize(
    ("question", "figure", "other_year"),
    [
        ("到2030年非化石能源消费比重要达到多少？", "20%左右", "15.5%"),
        ("到2025年非化石能源消费比重要达到多少？", "15.5%", "20%左右"),
        ("到2030年单位地区生产总值二氧化碳排放比2005年下降多少？", "65%以上", ""),
    ],
)
def test_the_figure_of_the_year_set_is_given(
    qa: PolicyQA, question: str, figure: str, other_year: str
) -> None:
    answer = qa.ask(question, doc_id=DOC)
    assert not answer.refused
    assert figure in answer.text
    if other_year:
        assert other_year not in answer.text
