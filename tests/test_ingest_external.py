"""The external corpus (/work/shared/corpus-external): every file parses, hand-checked items."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.model import ParsedDocument, Provision, ProvisionKind
from ingest.pipeline import parse_file

EXTERNAL = Path(__file__).resolve().parents[2] / "shared" / "corpus-external"
FILES = sorted(EXTERNAL.glob("*.txt")) if EXTERNAL.is_dir() else []

pytestmark = pytest.mark.skipif(not EXTERNAL.is_dir(), reason=f"{EXTERNAL} is absent")


def _parse(stem: str) -> dict[str, Provision]:
    return {p.key: p for p in parse_file(EXTERNAL / f"{stem}.txt").provisions}


def test_corpus_is_there() -> None:
    assert len(FILES) >= 40


@pytest.mark.parametrize("path", FILES, ids=[f.stem for f in FILES])
def test_every_file_parses_with_unique_keys(path: Path) -> None:
    parsed: ParsedDocument = parse_file(path)
    keys = [p.key for p in parsed.provisions]
    assert keys and len(keys) == len(set(keys))
    assert parsed.document.doc_id == path.stem
    assert all(p.text.strip() for p in parsed.provisions if p.kind is not ProvisionKind.META)


def test_jiangsu_energy_saving_items_restart_per_section() -> None:
    provisions = _parse("jiangsu-14th-fyp-energy-saving-opinions")
    item = provisions["3.2.3"]
    assert (item.label, item.title) == ("三（二）3", "优化建筑用能结构")
    assert item.responsibility.lead == ("省住房城乡建设厅",)  # printed in 〔…〕
    assert item.responsibility.co[0] == "省发展改革委（能源局）"
    assert provisions["3.1.1"].responsibility.lead == ("省工业和信息化厅",)
    assert provisions["3.1.1"].responsibility.co == ("省发展改革委", "省自然资源厅", "省生态环境厅")
    assert provisions["4.1"].title == "加强组织领导"


def test_guangdong_lead_and_co() -> None:
    item = _parse("guangdong-green-finance-carbon-peak-plan")["2.1.1"]
    assert item.responsibility.lead == ("珠三角各地级以上市政府",)
    assert item.responsibility.co[:3] == ("省发展改革委", "生态环境厅", "地方金融监管局")
    assert item.responsibility.co[-1] == "广州期货交易所"


def test_shandong_lead_and_co_units() -> None:
    provisions = _parse("shandong-green-low-carbon-transition-action-plan-2022")
    first = provisions["2.1.1"]
    assert (first.label, first.title) == ("第1条", "加快淘汰落后低效产能")
    assert first.responsibility.lead == ("省工业和信息化厅",)
    assert first.responsibility.co == ("省发展改革委", "省生态环境厅")
    assert provisions["2.1.2"].responsibility.lead == ("省发展改革委", "省生态环境厅")


def test_jiangsu_eco_env_departments_and_deadlines() -> None:
    provisions = _parse("jiangsu-eco-env-dept-dual-carbon-work-plan-2021")
    # 责任部门 names the offices without saying who leads: responsible, never lead.
    assert provisions["1.2"].responsibility.responsible == ("气候处", "综合处")
    assert provisions["1.2"].responsibility.lead == ()
    assert provisions["1.2"].responsibility.deadline == "5月底"
    assert provisions["2.3"].responsibility.responsible == ("环评处", "省评估中心", "省环科院")


@pytest.mark.parametrize(
    "stem",
    [
        "guangdong-green-finance-carbon-peak-plan",
        "shandong-green-low-carbon-transition-action-plan-2022",
        "jiangsu-eco-env-dept-dual-carbon-work-plan-2021",
        "jiangsu-14th-fyp-energy-saving-opinions",
    ],
)
def test_most_tasks_have_departments(stem: str) -> None:
    items = [p for p in _parse(stem).values() if p.kind is ProvisionKind.ITEM]
    if not items:  # the work plan numbers its tasks as sections
        items = [p for p in _parse(stem).values() if p.kind is ProvisionKind.SECTION]
    attributed = [p for p in items if p.responsibility.departments]
    assert len(attributed) >= 0.6 * len(items)
