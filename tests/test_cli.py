"""The `policyqa` command line, as a user runs it: the README's examples, the JSON contracts, and bad
input that loses nothing."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from assistant.cli import main
from tests.conftest import REPO, SEED

DOC = "suzhou-dual-carbon-opinions-2022"

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    (root / "corpus").mkdir()
    (root / "corpus" / SEED.name).write_bytes(SEED.read_bytes())
    return root


@pytest.fixture(autouse=True)
def _in_workdir(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("POLICYQA_INDEX", str(workdir / ".policyqa"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ingest_is_idempotent(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "ingest")
    code, out, _ = run(capsys, "ingest")
    assert code == 0
    assert f"未变化，跳过：{DOC}" in out


def test_docs_and_provisions_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "docs", "--json")
    assert code == 0
    (doc,) = json.loads(out)
    assert doc["doc_number"] == "苏委发〔2022〕7号"
    code, out, _ = run(capsys, "provisions", "--doc", DOC, "--json")
    provisions = {p["key"]: p for p in json.loads(out)}
    tasks = [k for k, p in provisions.items() if p["kind"] == "item"]
    annex = [k for k in provisions if k.startswith("annex.")]
    assert len(tasks) == 32
    assert len(annex) == 19
    assert {"1", "1.1", "1.2", "1.3", "2", "3", "meta", "preamble"} <= set(provisions)
    assert provisions["2.9.28"]["label"] == "第28条"
    assert provisions["2.9.28"]["responsibility"]["lead"] == ["市碳达峰碳中和工作领导小组办公室"]


def test_ask_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "绿色金融由谁牵头？", "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["intent"] == "who_leads"
    assert answer["departments"]["lead"] == ["市碳达峰碳中和工作领导小组办公室"]
    assert answer["citations"][0]["key"] == "2.9.28"
    assert answer["backend"] == "composer"
    assert not answer["refused"]


def test_unknown_doc_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "provisions", "--doc", "no-such-doc")
    assert code == 2
    assert "没有这个文件：no-such-doc" in err


def test_bad_files_are_named_and_lose_nothing(
    capsys: pytest.CaptureFixture[str], workdir: Path
) -> None:
    bad = workdir / "bad"
    bad.mkdir()
    (bad / f"{DOC}.txt").write_bytes(b"")  # same doc_id as the indexed seed, but empty
    (bad / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (bad / "plain.txt").write_text(
        "这是一段没有编号的说明文字。\n\n第二段也没有编号。", encoding="utf-8"
    )
    code, out, err = run(capsys, "ingest", str(bad))
    assert code == 1
    assert f"{DOC}.txt" in err
    # refused before it is read: its doc_id belongs to the indexed seed in corpus/ (both named)
    assert f"与已导入的文件 corpus/{DOC}.txt 同名" in err
    assert "binary.txt" in err
    assert "未识别到编号结构，已按段落导入" in err
    assert "已导入：plain" in out
    code, out, _ = run(capsys, "ask", "绿色金融由谁牵头？", "--json", "--doc", DOC)
    assert json.loads(out)["citations"][0]["key"] == "2.9.28"


def test_readme_examples_run(capsys: pytest.CaptureFixture[str]) -> None:
    """Every `.venv/bin/policyqa …` line of the README's Use section runs and exits 0 (chat and eval,
    which need input or take minutes, are exercised by their own tests)."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    use = readme.split("\n## Use\n", 1)[1].split("\n## ", 1)[0]  # Deployment names a server's paths
    commands = re.findall(r"^\.venv/bin/policyqa (.+?)\s*(?:#.*)?$", use, flags=re.MULTILINE)
    runnable = [c for c in commands if c.split()[0] not in ("chat", "eval", "serve")]
    assert len(runnable) >= 4
    for command in runnable:
        code, out, _ = run(capsys, *shlex.split(command))
        assert code == 0, command
        assert out.strip(), command
