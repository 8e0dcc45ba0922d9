"""Output contracts of `policyqa`: `--json` prints only JSON on stdout, the first run (which builds
the index) included; exit codes 0 ok, 1 failed files (named), 2 usage; usage errors and unknown
document ids in Chinese; a doc_id from a caller never reaches the file system."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, main, safe
from assistant.service import PolicyQA, UnknownDocumentError
from assistant.settings import Settings
from tests.conftest import SEED

pytestmark = pytest.mark.integration

DOC = SEED.stem


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("contracts")
    (root / "corpus").mkdir()
    (root / "corpus" / SEED.name).write_bytes(SEED.read_bytes())
    return root


@pytest.fixture(scope="module")
def first_run(workdir: Path) -> subprocess.CompletedProcess[str]:
    """`policyqa ask --json` in a folder with no index yet: it builds the index first."""
    env = {**os.environ, "POLICYQA_INDEX": str(workdir / ".policyqa")}
    command = [sys.executable, "-m", "assistant", "ask", "绿色金融由谁牵头？", "--json"]
    return subprocess.run(
        command, check=False, capture_output=True, text=True, env=env, cwd=workdir, timeout=900
    )


@pytest.fixture(autouse=True)
def _in_workdir(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(workdir)
    monkeypatch.setenv("POLICYQA_INDEX", str(workdir / ".policyqa"))


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_first_run_json_is_pure(first_run: subprocess.CompletedProcess[str]) -> None:
    assert first_run.returncode == EXIT_OK, first_run.stderr
    answer = json.loads(first_run.stdout)  # the whole of stdout is one JSON document
    assert answer["departments"]["lead"] == ["市碳达峰碳中和工作领导小组办公室"]
    assert "已导入" not in first_run.stdout
    # the build's progress and report went to stderr
    assert "正在建立索引" in first_run.stderr and f"已导入：{DOC}" in first_run.stderr
    assert "Traceback" not in first_run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ("docs", "--json"),
        ("provisions", "--json"),
        ("provisions", "--doc", DOC, "--json"),
        ("ask", "哪些任务没有牵头部门？", "--json"),
        ("ask", "能不能新建燃煤锅炉？", "--json", "--doc", DOC),
    ],
)
def test_every_json_command_prints_only_json(
    args: tuple[str, ...],
    capsys: pytest.CaptureFixture[str],
    first_run: subprocess.CompletedProcess[str],
) -> None:
    code, out, _ = run(capsys, *args)
    assert code == EXIT_OK
    json.loads(out)


def test_a_stale_index_is_rebuilt_with_json_still_pure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An empty index folder (a first run of `docs --json`): the build report is on stderr."""
    monkeypatch.setenv("POLICYQA_INDEX", str(tmp_path / "fresh"))
    code, out, err = run(capsys, "docs", "--json")
    assert code == EXIT_OK
    assert [d["doc_id"] for d in json.loads(out)] == [DOC]
    assert f"已导入：{DOC}" in err


def test_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], first_run: subprocess.CompletedProcess[str]
) -> None:
    good = tmp_path / "good.txt"
    good.write_text(
        "垃圾分类工作方案\n一、主要任务\n（一）推进分类投放。（牵头单位：市城管局）\n", "utf-8"
    )
    assert run(capsys, "ingest", str(good))[0] == EXIT_OK
    code, _, err = run(capsys, "ingest", str(good), str(tmp_path / "missing.txt"))
    assert code == EXIT_FAILED
    assert "missing.txt：文件不存在" in err and "共 1 个文件导入失败" in err
    PolicyQA(Settings()).delete("good")
    with pytest.raises(SystemExit) as info:
        main(["ask"])
    assert info.value.code == EXIT_USAGE
    err = capsys.readouterr().err
    assert "用法：policyqa ask" in err and "错误：缺少参数：question" in err
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == EXIT_USAGE
    assert "参数 命令 的值 'frobnicate' 无效" in capsys.readouterr().err


@pytest.mark.parametrize("doc_id", ["../manifest", "../../x", "no-such-doc", "a#b", "<b>x</b>"])
def test_unknown_doc_ids_are_refused_in_chinese(
    doc_id: str, capsys: pytest.CaptureFixture[str], first_run: subprocess.CompletedProcess[str]
) -> None:
    for args in (("ask", "绿色金融由谁牵头？", "--doc", doc_id), ("provisions", "--doc", doc_id)):
        code, out, err = run(capsys, *args)
        assert code == EXIT_USAGE
        assert out == ""
        assert "没有这个文件" in err


def test_delete_of_a_path_like_id_touches_nothing(
    workdir: Path, first_run: subprocess.CompletedProcess[str]
) -> None:
    """`../manifest` once removed the index's manifest; `../../x` a JSON file outside it."""
    index = workdir / ".policyqa"
    outside = workdir / "x.json"
    outside.write_text("{}", "utf-8")
    files = sorted(p for p in index.rglob("*") if p.is_file())
    qa = PolicyQA(Settings())
    for doc_id in ("../manifest", "../../x", "../x", "docs/../manifest", "", "."):
        with pytest.raises(UnknownDocumentError, match="没有这个文件"):
            qa.delete(doc_id)
        with pytest.raises(UnknownDocumentError):
            qa.ask("绿色金融由谁牵头？", doc_id=doc_id or "\x00")
    assert outside.is_file()
    assert sorted(p for p in index.rglob("*") if p.is_file()) == files
    assert [d.doc_id for d in PolicyQA(Settings()).documents()] == [DOC]


def test_terminal_output_shows_control_characters_inert() -> None:
    assert safe("a\x1b[31mred\x1b[0m\u202eb\nc\td") == "a\ufffd[31mred\ufffd[0m\ufffdb\nc\td"


def test_help_is_chinese(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(["-h"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：policyqa") and "显示帮助并退出" in out
    assert "usage" not in out and "show this help" not in out
