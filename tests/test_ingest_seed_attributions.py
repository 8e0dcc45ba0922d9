"""The seed document against a table written by hand from reading 苏委发〔2022〕7号."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.model import ParsedDocument, Provision, ProvisionKind
from ingest.pipeline import parse_file

SEED = Path(__file__).parents[1] / "corpus" / "suzhou-dual-carbon-opinions-2022.txt"
OFFICE = "市碳达峰碳中和工作领导小组办公室"
COUNTIES = "各县级市〔区〕人民政府"

# key: (lead, co) exactly as printed
TASKS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "2.1.1": (("市发改委",), ("市有关部门",)),
    "2.1.2": (("市资源规划局",), ("市住建局",)),
    "2.1.3": (("市发改委", "市生态环境局"), ("市工信局", "市资源规划局", "市交通局", "市水务局")),
    "2.1.4": (("市发改委", "市生态环境局"), ("市文明办", "市教育局", "市交通局")),
    "2.2.5": (("市发改委", "市工信局"), ("市生态环境局", "市行政审批局")),
    "2.2.6": (("市工信局",), ("市发改委", "市科技局", "市生态环境局")),
    "2.2.7": (
        ("市发改委", "市工信局"),
        ("市发改委", "市科技局", "市生态环境局", "市农业农村局", "市市场监管局"),
    ),
    "2.2.8": (
        ("市发改委",),
        (
            "市工信局",
            "市资源规划局",
            "市生态环境局",
            "市住建局",
            "市城管局",
            "市农业农村局",
            "市供销合作总社",
        ),
    ),
    "2.3.9": (("市工信局", "市发改委", "市生态环境局"), ("市统计局",)),
    "2.3.10": (("市发改委",), ("市工信局", "市生态环境局", "市住建局", "市商务局")),
    "2.3.11": (
        ("市发改委",),
        ("市工信局", "市资源规划局", "市住建局", "市农业农村局", "苏州供电公司"),
    ),
    "2.3.12": (("市发改委",), ("苏州供电公司",)),
    "2.3.13": (
        ("市工信局",),
        ("市发改委", "市住建局", "市交通局", "市农业农村局", "市商务局", "市机关事务局"),
    ),
    "2.4.14": (("市住建局",), ("市资源规划局", "市园林绿化局", "市农业农村局")),
    "2.4.15": (("市住建局",), ("市资源规划局",)),
    "2.4.16": (("市住建局",), ("市农业农村局",)),
    "2.5.17": (
        ("市交通局",),
        ("市发改委", "市资源规划局", "市住建局", "市商务局", "市邮政管理局"),
    ),
    "2.5.18": (
        (),
        (
            "市发改委",
            "市工信局",
            "市公安局",
            "市资源规划局",
            "市生态环境局",
            "市住建局",
            "市城管局",
            "市交通局",
            "市农业农村局",
            "市商务局",
            "苏州供电公司",
        ),
    ),
    "2.5.19": (
        ("市交通局",),
        ("市发改委", "市工信局", "市公安局", "市生态环境局", "市住建局", "市城管局"),
    ),
    "2.6.20": (("市科技局",), ("市发改委", "市工信局", "市生态环境局")),
    "2.6.21": (("市科技局",), ("市发改委", "市工信局")),
    "2.6.22": ((), ("市委人才办", "市教育局", "市科技局", "市人社局")),
    "2.7.23": (("市商务局",), ("市发改委", "市工信局", "苏州海关")),
    "2.7.24": (
        (),
        ("市发改委", "市科技局", "市工信局", "市生态环境局", "市商务局", "市市场监管局"),
    ),
    "2.8.25": (
        ("市资源规划局", "市生态环境局"),
        ("市发改委", "市工信局", "市园林绿化局", "市农业农村局", "市行政审批局"),
    ),
    "2.8.26": (
        ("市园林绿化局",),
        ("市发改委", "市资源规划局", "市生态环境局", "市水务局", "市农业农村局"),
    ),
    "2.9.27": ((OFFICE,), ("市财政局", "市工信局", "市金融监管局")),
    "2.9.28": (
        (OFFICE,),
        ("市财政局", "市工信局", "市科技局", "市金融监管局", "人行苏州中支", "苏州银保监分局"),
    ),
    "3.29": ((OFFICE,), ("市各有关部门",)),
    "3.30": ((OFFICE,), ("各有关部门",)),
    "3.31": (
        (),
        (
            "市发改委",
            "市教育局",
            "市科技局",
            "市工信局",
            "市生态环境局",
            "市住建局",
            "市商务局",
            "市机关事务局",
        ),
    ),
    "3.32": ((OFFICE,), ("市各有关部门",)),
}

# key: (title, lead)
ANNEX: dict[str, tuple[str, tuple[str, ...]]] = {
    "annex.1.1": ("碳达峰实施方案", ("市发改委",)),
    "annex.2.1": ("能源领域碳达峰实施方案", ("市发改委",)),
    "annex.2.2": ("工业领域及重点行业碳达峰实施方案", ("市工信局",)),
    "annex.2.3": ("交通运输领域碳达峰实施方案", ("市交通局",)),
    "annex.2.4": ("城乡建设领域碳达峰实施方案", ("市住建局",)),
    "annex.2.5": ("农业农村领域碳达峰实施方案", ("市农业农村局",)),
    "annex.2.6": ("重点园区碳达峰试点实施方案", ("市发改委", "市生态环境局")),
    "annex.3.1": ("科技支撑碳达峰碳中和实施方案", ("市科技局",)),
    "annex.3.2": ("加强全社会节约用能促进碳达峰实施方案", ("市工信局",)),
    "annex.3.3": ("氢能及燃料电池产业发展规划", ("市工信局", "市发改委")),
    "annex.3.4": ("减污降碳协同增效实施方案", ("市生态环境局",)),
    "annex.3.5": ("数据中心和5G等新型基础设施绿色高质量发展实施方案", ("市发改委", "市工信局")),
    "annex.3.6": ("公共机构绿色低碳循环发展实施方案", ("市机关事务局", "市住建局")),
    "annex.3.7": ("生态系统碳汇能力巩固提升实施方案", ("市资源规划局", "市园林绿化局")),
    "annex.3.8": ("财政金融政策（合并投资基金方案）", ("市财政局", "市金融监管局")),
    "annex.3.9": ("绿色低碳发展学校宣传教育实施方案", ("市教育局",)),
    "annex.3.10": ("领导干部碳达峰碳中和教育培训实施方案", ("领导小组办公室",)),
    "annex.3.11": ("绿色低碳社会行动示范创建方案", ("市发改委",)),
    "annex.3.12": ("碳达峰碳中和目标任务落实情况督察考核方案", ("领导小组办公室",)),
}


@pytest.fixture(scope="module")
def seed() -> ParsedDocument:
    return parse_file(SEED)


@pytest.fixture(scope="module")
def by_key(seed: ParsedDocument) -> dict[str, Provision]:
    return {p.key: p for p in seed.provisions}


def test_all_32_tasks_have_the_printed_lead_and_co(seed: ParsedDocument) -> None:
    items = {
        p.key: (p.responsibility.lead, p.responsibility.co)
        for p in seed.provisions
        if p.kind is ProvisionKind.ITEM
    }
    assert items == TASKS


def test_all_19_annex_rows(seed: ParsedDocument) -> None:
    # The annex column is headed 责任部门: the units are responsible, the table names no lead.
    rows = {
        p.key: (p.title, p.responsibility.responsible)
        for p in seed.provisions
        if p.kind is ProvisionKind.ANNEX
    }
    assert rows == ANNEX
    annex = [p for p in seed.provisions if p.kind is ProvisionKind.ANNEX]
    assert all(p.responsibility.co == () == p.responsibility.lead for p in annex)


def test_annex_row_details(by_key: dict[str, Provision]) -> None:
    row = by_key["annex.3.3"]
    assert row.label == "附件 关键环节专项保障方案3"
    assert row.path_titles[-1] == "关键环节专项保障方案"
    assert by_key["annex.1.1"].responsibility.raw == "市发改委（各部门按职责分工负责、下同）"


def test_lead_free_tasks_and_a_department_in_both_roles(by_key: dict[str, Provision]) -> None:
    for n in ("2.5.18", "2.6.22", "2.7.24", "3.31"):
        assert by_key[n].responsibility.lead == ()
        assert by_key[n].responsibility.co
    task7 = by_key["2.2.7"].responsibility
    assert "市发改委" in task7.lead and "市发改委" in task7.co


def test_document_wide_implementer_note(by_key: dict[str, Provision]) -> None:
    assert by_key["2.1.1"].responsibility.co == ("市有关部门",)
    assert COUNTIES in by_key["2.1.1"].responsibility.implementers
    for key in TASKS:
        assert COUNTIES in by_key[key].responsibility.implementers, key


def test_keys_labels_and_chapters(seed: ParsedDocument, by_key: dict[str, Provision]) -> None:
    for key in ("meta", "preamble", "1", "2", "3", "1.1", "1.2", "1.3"):
        assert key in by_key
    assert [by_key[k].title for k in ("1.1", "1.2", "1.3")] == ["指导思想", "工作原则", "主要目标"]
    assert by_key["1"].kind is ProvisionKind.CHAPTER
    assert by_key["1.2"].kind is ProvisionKind.SECTION
    assert "坚持防范风险" in by_key["1.2"].text and "到2060年" in by_key["1.3"].text
    task11 = by_key["2.3.11"]
    assert (task11.label, task11.number) == ("第11条", "11.")
    assert task11.path_titles == ("实施路径和主要任务", "积极构建能源结构清洁低碳新格局")
    assert (by_key["2.9.28"].title, by_key["3.30"].label) == ("积极发展绿色金融", "第30条")
    assert len({p.key for p in seed.provisions}) == len(seed.provisions)


def test_page_breaks_repaired(seed: ParsedDocument, by_key: dict[str, Provision]) -> None:
    assert "碳达峰、碳中和的金融财税政策" in by_key["2.9.27"].text
    assert "碳达峰峰" not in by_key["2.9.27"].text
    task10 = by_key["2.3.10"].text
    assert "坚决禁止新建燃煤供热锅炉" in task10 and "沿江LNG接收站" in task10
    assert task10.endswith(
        "（市发改委牵头，市工信局、市生态环境局、市住建局、市商务局等部门按职责分工负责）"
    )
    assert "全面贯彻落实党的十九大" in by_key["1.1"].text
    assert by_key["3.31"].text.endswith("市商务局、市机关事务局等部门按职责分工负责）")
    assert all("\n\n" not in p.text for p in seed.provisions)


def test_metadata(seed: ParsedDocument) -> None:
    doc = seed.document
    assert doc.title == "关于加快转变发展方式做好碳达峰碳中和工作的实施意见"
    assert doc.issuers == ("中共苏州市委", "苏州市人民政府")
    assert (doc.doc_number, doc.date, doc.level.value) == (
        "苏委发〔2022〕7号",
        "2022-03-17",
        "municipal",
    )
    assert doc.doc_id == SEED.stem and len(doc.sha256) == 64


def test_meta_keeps_the_closing_lines(by_key: dict[str, Provision]) -> None:
    meta = by_key["meta"]
    assert "苏委发〔2022〕7号" in meta.text
    assert "附件：碳达峰碳中和政策体系与任务分工" in meta.text
    assert "发：各县级市（区）党委和人民政府" in meta.text
    assert meta.text.endswith("2022年3月17日印发")
