"""Department registry, tokenizer and chunking."""

from __future__ import annotations

from pathlib import Path

from ingest.chunk import chunk_provisions, split_sentences
from ingest.departments import DepartmentRegistry
from ingest.model import stable_id
from ingest.pipeline import parse_file
from ingest.segment import cut, domain_terms, tokenize

SEED = Path(__file__).parents[1] / "corpus" / "suzhou-dual-carbon-opinions-2022.txt"


def test_canonical_names() -> None:
    registry = DepartmentRegistry.default()
    for name in ("市住建局", "苏州市住房和城乡建设局", "住建局"):
        assert registry.canonical(name) == "市住建局"
    assert registry.canonical("各县级市(区)人民政府") == "各县级市〔区〕人民政府"
    assert registry.canonical("某某局") == "某某局"
    assert registry.same("市发改委", "苏州市发展和改革委员会")
    assert "中国人民银行苏州市中心支行" in registry.aliases("人行苏州中支")


def test_find_mentions() -> None:
    registry = DepartmentRegistry.default()
    assert registry.find_mentions("领导小组办公室负责哪些任务") == [
        "市碳达峰碳中和工作领导小组办公室"
    ]
    assert registry.find_mentions("市住房和城乡建设局负责什么") == ["市住建局"]
    assert registry.find_mentions("住建局和发改委一起做") == ["市住建局", "市发改委"]
    assert registry.find_mentions("今天天气很好") == []


def test_registry_extended_with_document_names() -> None:
    registry = DepartmentRegistry.default().with_names(["省发展改革委", "省工业和信息化厅"])
    assert registry.find_mentions("省发改委牵头的任务") == ["省发展改革委"]
    assert registry.canonical("工业和信息化厅") == "省工业和信息化厅"
    assert registry.canonical("市发改委") == "市发改委"


def test_the_full_name_a_user_types_finds_the_short_name_printed() -> None:
    # printed short (市科技局, 省市场监管局, 市卫生健康委), typed in full: found round 7 on 卫健委 and
    # 规划资源局, tested on other bodies
    registry = DepartmentRegistry.default().with_names(
        ["市科技局", "省市场监管局", "市卫生健康委", "省工信厅"]
    )
    assert registry.find_mentions("南塘市科学技术局负责哪些任务") == ["市科技局"]
    assert registry.find_mentions("省市场监督管理局参与了什么") == ["省市场监管局"]
    assert registry.find_mentions("市卫生健康委员会有哪些任务") == ["市卫生健康委"]
    assert registry.find_mentions("省工业和信息化厅牵头哪些") == ["省工信厅"]
    assert registry.find_mentions("省委宣传部负责什么") == []  # 省委 is not a 委员会


def test_every_seed_department_is_known() -> None:
    registry = DepartmentRegistry.default()
    for p in parse_file(SEED).provisions:
        for name in p.responsibility.lead + p.responsibility.co:
            assert name in registry.aliases_of or registry.canonical(name) != name, name


def test_domain_terms_are_single_tokens() -> None:
    for term in domain_terms():
        sentence = f"我们要推进{term}工作"
        assert term in cut(sentence), term
    assert "光伏+" in tokenize("推进“光伏+”综合利用")


def test_tokenize_drops_punctuation_and_stopwords() -> None:
    tokens = tokenize("住建局负责哪些任务？LNG 接收站的建设")
    assert "住建局" in tokens and "lng" in tokens
    assert not {"哪些", "的", "？", " "} & set(tokens)


def test_chunks() -> None:
    provisions = parse_file(SEED).provisions
    chunks = chunk_provisions(provisions, window_chars=360)
    by_key = {p.key: p for p in provisions}
    task28 = [c for c in chunks if c.key == "2.9.28"]
    assert task28[0].text.startswith(
        "实施路径和主要任务 > 持续增强绿色低碳转型配套新动力 > 第28条 积极发展绿色金融\n"
    )
    assert task28[0].departments == by_key["2.9.28"].responsibility.departments
    assert task28[0].chunk_id == stable_id(
        "suzhou-dual-carbon-opinions-2022", "2.9.28", task28[0].text
    )
    long_one = [c for c in chunks if c.key == "1.2"]
    assert len(long_one) > 1  # 工作原则 is longer than the window: sentence windows too
    # 指导思想 is longer than the window but has two sentences: a window would repeat it whole
    assert [c.key for c in chunks].count("1.1") == 1
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    assert chunks == chunk_provisions(provisions, window_chars=360)


def test_split_sentences_keeps_attribution_with_sentence() -> None:
    assert split_sentences("做好工作。推进改革。（市发改委牵头）") == [
        "做好工作。",
        "推进改革。",
        "（市发改委牵头）",
    ]


def test_a_name_that_starts_with_shi_chang_is_not_a_level() -> None:
    """A list that prints 市 once ("市市政管理局、商务局、市场监管局") : 市市场监管局 is the 市场监管局
    it printed, and 市场监管局 is not read as 市 + 场监管局 (found on the round-3 Beihai bank)."""
    registry = DepartmentRegistry.for_document(["市市政管理局", "商务局", "市场监管局"], "海滨市")
    assert registry.same("市市场监管局", "市场监管局")
    assert registry.same("市商务局", "商务局")
    both = DepartmentRegistry.for_document(["市市场监管局", "市场监管局", "市财政局"], "海滨市")
    assert both.same("市场监管局", "市市场监管局")
    assert not both.same("市场监管局", "市财政局")
