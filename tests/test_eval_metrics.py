"""Metrics of eval/ on tiny inputs whose answers are known by hand."""

from __future__ import annotations

import math

import pytest

from eval import metrics
from eval.baselines import chunk_keys
from eval.questions import Question, parse_question
from eval.scoring import declined, score_answer, summarise
from ingest.model import Provision

D = "doc"


def test_ranked_refs_cites_first_without_repeats() -> None:
    assert metrics.ranked_refs(["d#2", "d#1"], ["d#1", "d#3", "d#2"]) == ["d#2", "d#1", "d#3"]


def test_hit_mrr_ndcg() -> None:
    ranking = ["d#a", "d#b", "d#c"]
    assert metrics.hit_at(ranking, {"d#b"}, 1) == 0.0
    assert metrics.hit_at(ranking, {"d#b"}, 5) == 1.0
    assert metrics.mrr(ranking, {"d#c"}) == pytest.approx(1 / 3)
    assert metrics.mrr(ranking, {"d#z"}) == 0.0
    # gold at rank 2 of two gold: dcg = 1/log2(3), ideal = 1 + 1/log2(3)
    expected = (1 / math.log2(3)) / (1 + 1 / math.log2(3))
    assert metrics.ndcg_at(ranking, {"d#b", "d#z"}, 10) == pytest.approx(expected)
    assert metrics.ndcg_at(ranking, {"d#a"}, 10) == 1.0


def test_bare_gold_key_matches_any_document() -> None:
    assert metrics.hit_at(["x#1.2"], {"1.2"}, 1) == 1.0
    assert metrics.hit_at(["x#1.2"], {"y#1.2"}, 1) == 0.0


def test_citation_precision_recall() -> None:
    assert metrics.citation_precision(["d#a", "d#b"], {"d#a"}) == 0.5
    assert metrics.citation_recall(["d#a", "d#b"], {"d#a", "d#c"}) == 0.5
    assert metrics.citation_precision([], {"d#a"}) is None
    assert metrics.citation_recall(["d#a"], set()) is None


def test_department_scores_use_canonical_names() -> None:
    canon = {"领导小组办公室": "市碳达峰碳中和工作领导小组办公室"}.get
    same = lambda name: canon(name) or name  # noqa: E731
    assert metrics.department_scores(
        ["领导小组办公室"], ["市碳达峰碳中和工作领导小组办公室"], same
    ) == (
        True,
        1.0,
    )
    exact, f1 = metrics.department_scores(["市财政局", "市工信局"], ["市财政局"], same)
    assert not exact
    assert f1 == pytest.approx(2 / 3)
    assert metrics.department_scores([], [], same) == (True, 1.0)
    assert metrics.department_scores(["市财政局"], [], same) == (False, 0.0)


def test_answer_coverage_ignores_whitespace_and_width() -> None:
    answer = "牵头部门：市 发改委（市能源局）"
    assert metrics.answer_coverage(answer, ["市发改委", "(市能源局)", "市财政局"]) == pytest.approx(
        2 / 3
    )
    assert metrics.answer_coverage(answer, []) is None


def test_quote_verbatim() -> None:
    text = "积极发展绿色金融。引导金融机构完善绿色金融体系。"
    assert metrics.quote_verbatim("引导金融机构完善绿色金融体系。", text)
    assert metrics.quote_verbatim("引导金融机构\n完善绿色金融体系", text)
    assert not metrics.quote_verbatim("引导银行完善绿色金融体系", text)
    assert not metrics.quote_verbatim("", text)
    assert not metrics.quote_verbatim("引导", None)


def _chars(text: str) -> list[str]:
    return [c for c in text if c.strip() and c not in "，。"]


def test_sentence_support_rule() -> None:
    cited = ["甲乙丙丁戊"]
    # first sentence: 4 of 4 tokens in the provision; second: 1 of 4; third: too short to count
    answer = "甲乙丙丁。甲子丑寅。好。"
    assert metrics.sentence_support(answer, cited, _chars) == 0.5
    assert metrics.sentence_support(answer, [], _chars) == 0.0
    assert metrics.sentence_support("好。", cited, _chars) is None


def test_refusal_scores() -> None:
    pairs = [(True, False), (True, True), (False, False), (False, True)]  # (refused, answerable)
    assert metrics.refusal_scores(pairs) == {
        "refusal_precision": 0.5,
        "refusal_recall": 0.5,
        "refusal_accuracy": 0.5,
    }
    assert metrics.refusal_scores([(False, True)])["refusal_precision"] is None


def test_percentile_and_mean() -> None:
    assert metrics.percentile([1.0, 2.0, 3.0, 4.0, 5.0], 50) == 3.0
    assert metrics.percentile([0.0, 10.0], 95) == pytest.approx(9.5)
    assert metrics.percentile([], 50) is None
    assert metrics.mean([1.0, None, 0.0]) == 0.5
    assert metrics.mean([None]) is None


def _answer(**kw: object) -> dict[str, object]:
    base: dict[str, object] = {
        "question": "q",
        "answer": "牵头部门：市发改委。",
        "refused": False,
        "departments": {"lead": ["市发改委"], "co": []},
        "citations": [{"doc_id": D, "key": "1", "quote": "市发改委牵头"}],
        "retrieved": [{"doc_id": D, "key": "2", "score": 1.0}],
        "timings_ms": {"retrieve": 10.0, "answer": 1.0, "total": 11.0},
    }
    return {**base, **kw}


def test_score_answer_and_summary() -> None:
    q = parse_question(
        {
            "id": "q1",
            "question": "谁牵头？",
            "type": "who_leads",
            "doc_id": D,
            "gold_articles": ["1"],
            "gold_lead": ["市发改委"],
            "gold_co": ["市财政局"],
            "answer_points": ["市发改委"],
        }
    )
    unanswerable = parse_question(
        {"id": "q2", "question": "天气？", "type": "out_of_scope", "answerable": False}
    )

    def text(doc_id: str, key: str) -> str | None:
        return "（市发改委牵头）" if key == "1" else None

    kw = {"canon": str, "provision_text": text, "tokenize": _chars, "llm": False}
    s1 = score_answer(q, _answer(), **kw)  # type: ignore[arg-type]
    assert s1.values["hit@1"] == 1.0
    assert s1.values["lead_exact"] == 1.0
    assert s1.values["co_exact"] == 0.0
    assert s1.values["quote_verbatim"] == 1.0
    assert s1.failures == ("co",)
    s2 = score_answer(unanswerable, _answer(), **kw)  # type: ignore[arg-type]
    assert s2.values["hit@5"] is None
    assert s2.failures == ("refusal",)
    summary = summarise([s1, s2])
    assert summary["n"] == 2
    assert summary["hit@5"] == 1.0
    assert summary["refusal_accuracy"] == 0.5
    assert summary["latency_total_p50_ms"] == 11.0


def _provision(key: str, text: str) -> Provision:
    return Provision(D, key, key, key, key, text, ())


def test_chunk_keys_maps_by_shared_shingles() -> None:
    a = _provision("1", "一二三四五六七八九十" * 5)
    b = _provision("2", "甲乙丙丁戊己庚辛壬癸" * 5)
    c = _provision("3", "短条款标题")
    chunk = "一二三四五六七八九十" * 5 + "\n\n短条款标题\n甲乙丙丁戊己庚辛壬癸甲乙"
    assert chunk_keys(chunk, [a, b, c]) == ["doc#1", "doc#3"]


def test_department_contradiction() -> None:
    def find(text: str) -> list[str]:
        return [d for d in ("市发改委", "市财政局", "市教育局") if d in text]

    attributed = {"市发改委", "市财政局"}
    assert metrics.department_contradiction("绿色金融由市教育局牵头。", attributed, find) == 1.0
    assert metrics.department_contradiction("市发改委牵头，市财政局配合。", attributed, find) == 0.0
    assert (
        metrics.department_contradiction("文件没有点名市教育局牵头的任务。", attributed, find)
        is None
    )
    assert metrics.department_contradiction("绿色金融很重要。", attributed, find) is None


def test_wrong_department_counts_only_asserted_sets() -> None:
    from eval.metrics import wrong_department

    gold = {"lead": ("甲局",), "co": ("乙局", "丙局")}
    assert wrong_department({"lead": ["甲局"], "co": ["乙局", "丙局"]}, gold, str) == 0.0
    assert wrong_department({"lead": ["甲局"], "co": []}, gold, str) == 0.0  # co left unsaid
    assert wrong_department({"lead": ["乙局"], "co": []}, gold, str) == 1.0
    assert wrong_department({}, gold, str) == 0.0  # abstained or refused: nothing asserted
    # A 责任单位 list shown as 牵头 is a wrong lead.
    no_lead = {"lead": (), "responsible": ("甲局", "乙局")}
    assert wrong_department({"lead": ["甲局", "乙局"]}, no_lead, str) == 1.0
    assert wrong_department({"responsible": ["甲局", "乙局"]}, no_lead, str) == 0.0


def test_a_false_premise_is_declined_by_denying_it_not_only_by_refusing() -> None:
    false_premise = Question(id="f", question="推动旅游业绿色发展，市交通运输局是不是牵头单位？",
                             type="unanswerable_detail", answerable=False)  # fmt: skip
    confirm = Question(id="c", question="是不是市机管局牵头？", type="who_leads")
    denial = {"answer": "不是：该条的分工中没有列出市交通运输局。", "refused": False}
    assert declined(denial, false_premise)
    assert not declined(denial, confirm)  # an answerable question denied is answered, not declined
    assert declined({"answer": "已收录的文件中没有…", "refused": True}, confirm)
    asserted = {"answer": "是。该条列市交通运输局为牵头单位。", "refused": False}
    assert not declined(asserted, false_premise)
