"""verify(): code, not the model, decides citations, article numbers, quotes and departments."""

from __future__ import annotations

from assistant.answer import Answer
from assistant.compose.templates import REFUSAL
from assistant.llm import prompts
from assistant.llm.verify import verify
from tests.llm_fixtures import DOC, OFFICE, composer, context, hits, query, seed_corpus

BOILER = "能不能新建燃煤供热锅炉？"
GREEN = "绿色金融由谁牵头？"


def check(raw: str, question: str, *keys: str, retrieved: tuple[str, ...] = ()) -> Answer:
    corpus = seed_corpus()
    q = query(question)
    found = hits(*(retrieved or keys))
    return verify(
        raw,
        query=q,
        context=context(question, *keys),
        corpus=corpus,
        table=composer().answer(q, found),
        retrieved={(DOC, k) for k in (retrieved or keys)},
    )


def test_ids_become_citations_filled_from_the_index() -> None:
    a = check("不能，文件坚决禁止新建燃煤供热锅炉[p1]。", BOILER, "2.3.10", "2.3.9")
    assert [c.key for c in a.citations] == ["2.3.10"]
    c = a.citations[0]
    assert (c.label, c.title, c.lead) == ("第10条", "坚决控制化石能源消费", ("市发改委",))
    assert c.quote in provision_text("2.3.10")
    assert "[p1]" not in a.text and "（第10条）" in a.text
    assert a.notes == ()


def test_wrong_department_is_corrected_from_the_table() -> None:
    a = check("绿色金融由市发改委牵头[p1]。", GREEN, "2.9.28")
    assert a.departments.lead == (OFFICE,)
    assert "市发改委牵头" not in a.text
    assert prompts.CORRECTION in a.text and OFFICE in a.text
    assert any("市发改委" in n for n in a.notes)


def test_co_departments_of_another_task_are_corrected() -> None:
    # the 1.5B model's real mistake: task 27's co-departments given for task 28
    raw = "第28条由市碳达峰碳中和工作领导小组办公室牵头，市发改委、市住建局配合[p1]。"
    a = check(raw, GREEN, "2.9.28", "2.9.27")
    assert prompts.CORRECTION in a.text
    assert "市住建局配合" not in a.text
    assert a.departments.co == provision_co("2.9.28")


def test_missing_lead_is_added_from_the_table() -> None:
    a = check("绿色金融方面要引导金融机构完善绿色金融体系[p1]。", GREEN, "2.9.28")
    assert OFFICE in a.text
    assert prompts.NOTE_TABLE_ADDED in a.notes


def test_unknown_id_is_dropped() -> None:
    a = check("坚决禁止新建燃煤供热锅炉[p7]。", BOILER, "2.3.10")
    assert "[p7]" not in a.text and "p7" not in a.text
    assert prompts.NOTE_UNKNOWN_ID.format(id="[p7]") in a.notes
    assert [c.key for c in a.citations] == ["2.3.10"]  # cited by code from support, with a note
    assert prompts.NOTE_NO_CITATION in a.notes


def test_unretrieved_key_is_dropped() -> None:
    a = check(
        "坚决禁止新建燃煤供热锅炉[p1]。要积极发展绿色金融[p2]。",
        BOILER,
        "2.3.10",
        "2.9.28",
        retrieved=("2.3.10",),
    )
    assert [c.key for c in a.citations] == ["2.3.10"]
    assert prompts.NOTE_NOT_RETRIEVED.format(ref=f"{DOC}#2.9.28") in a.notes


def test_quote_must_be_verbatim() -> None:
    good = check("文件写明「坚决禁止新建燃煤供热锅炉」[p1]。", BOILER, "2.3.10")
    assert prompts.MARK_QUOTE not in good.text
    bad = check("文件写明「严禁新建任何燃煤锅炉」[p1]。", BOILER, "2.3.10")
    assert "「严禁新建任何燃煤锅炉」" + prompts.MARK_QUOTE in bad.text
    assert any("严禁新建任何燃煤锅炉" in n for n in bad.notes)


def test_unsupported_sentence_is_marked_not_kept_silently() -> None:
    raw = "坚决禁止新建燃煤供热锅炉[p1]。违规企业每台锅炉罚款五十万元并吊销营业执照[p1]。"
    a = check(raw, BOILER, "2.3.10")
    first, second = a.text.split("。")[:2]
    assert prompts.MARK_UNSUPPORTED not in first
    assert prompts.MARK_UNSUPPORTED in second
    assert any("罚款" in n for n in a.notes)


def test_article_number_comes_from_the_index() -> None:
    a = check("依据第9条，坚决禁止新建燃煤供热锅炉[p1]。", BOILER, "2.3.10")
    assert "第9条" not in a.text and "第10条" in a.text
    assert any("第9条" in n for n in a.notes)


def test_citation_after_the_full_stop_belongs_to_the_sentence() -> None:
    a = check("坚决禁止新建燃煤供热锅炉。[p1]", BOILER, "2.3.10")
    assert a.text == "坚决禁止新建燃煤供热锅炉（第10条）。"


def test_refusal_sentence_means_refused() -> None:
    a = check(REFUSAL, BOILER, "2.3.10")
    assert a.refused and a.text == REFUSAL and a.citations == ()


def provision_text(key: str) -> str:
    return seed_corpus().by_ref[(DOC, key)].text


def provision_co(key: str) -> tuple[str, ...]:
    return seed_corpus().by_ref[(DOC, key)].responsibility.co
