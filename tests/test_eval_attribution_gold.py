"""The parser against every hand-written attribution gold file (eval/gold/*.attributions.jsonl, 21
documents of ../shared/corpus-external): each printed attribution is
read with the gold's departments, roles and deadline. Names compare through the document's registry,
as the question scorer compares them (a list that prints 省 once: 省发展改革委、生态环境厅)."""

from __future__ import annotations

from eval.attributions import GOLD_DIR, score_gold
from tests.conftest import EXTERNAL


def test_every_gold_attribution_is_parsed_with_its_departments_and_deadline() -> None:
    scores = score_gold(EXTERNAL, GOLD_DIR)
    assert len(scores) >= 21
    wrong = [
        f"{s.doc_id}: {s.spans_same}/{s.spans} spans, {s.provisions_same}/{s.provisions} provisions"
        for s in scores
        if s.spans_same != s.spans or s.provisions_same != s.provisions or s.keys_missing
    ]
    assert not wrong, wrong
    assert all(s.deadlines_exact == s.deadlines for s in scores)
