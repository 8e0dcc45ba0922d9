"""`policyqa quiz` and `policyqa guide` as a user runs them (the real index of the seed): the JSON
contract of DESIGN.md, pure JSON on stdout, the md / docx / xlsx outputs, and bad input answered in
Chinese with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook

from assistant.cli import main
from tests.conftest import SEED

DOC = SEED.stem
FIELDS = {
    "id",
    "type",
    "question",
    "options",
    "answer",
    "explanation",
    "doc_id",
    "key",
    "quote",
    "difficulty",
}

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("quiz-cli")
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


def test_quiz_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "quiz", "--doc", DOC, "--n", "8", "--seed", "3")
    assert code == 0
    items = json.loads(out)  # stdout is the JSON and nothing else
    assert len(items) == 8 and "共 8 题" in err
    for item in items:
        assert set(item) >= FIELDS
        assert item["doc_id"] == DOC and 1 <= item["difficulty"] <= 3
        if item["type"] in ("single", "multi"):
            assert all(o[:3] == f"{'ABCDEFGH'[i]}. " for i, o in enumerate(item["options"]))
            assert set(item["answer"]) <= {o[0] for o in item["options"]}
        elif item["type"] == "judge":
            assert item["options"] == ["正确", "错误"] and item["answer"][0] in ("正确", "错误")
        else:
            assert item["options"] == [] and item["answer"]
    code, again, _ = run(capsys, "quiz", "--doc", DOC, "--n", "8", "--seed", "3")
    assert again == out


def test_quiz_types_difficulty_and_files(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    code, out, _ = run(
        capsys, "quiz", "--doc", DOC, "--n", "5", "--types", "judge,blank", "--difficulty", "1-2"
    )
    items = json.loads(out)
    assert {i["type"] for i in items} <= {"judge", "blank"} and all(
        i["difficulty"] <= 2 for i in items
    )
    code, out, _ = run(capsys, "quiz", "--doc", DOC, "--n", "6", "--format", "md")
    assert code == 0 and "# 答案与解析" in out and "学习测试卷" in out
    code, out, _ = run(
        capsys, "quiz", "--doc", DOC, "--n", "6", "--format", "docx", "--out", "paper.docx"
    )
    assert code == 0 and out.strip() == "paper.docx"
    assert "答案与解析" in [p.text for p in read_docx(str(workdir / "paper.docx")).paragraphs]
    code, out, _ = run(capsys, "quiz", "--doc", DOC, "--n", "6", "--seed", "2", "--format", "xlsx")
    assert code == 0 and out.strip() == f"quiz-{DOC}-s2.xlsx"
    assert load_workbook(workdir / out.strip()).sheetnames == ["试题", "答案"]


def test_guide(capsys: pytest.CaptureFixture[str], workdir: Path) -> None:
    code, out, _ = run(capsys, "guide", "--doc", DOC)
    assert code == 0
    assert (
        "## 二、责任分工" in out
        and "| 第28条 | 积极发展绿色金融 | 市碳达峰碳中和工作领导小组办公室 |" in out
    )
    code, out, _ = run(capsys, "guide", "--doc", DOC, "--format", "docx", "--out", "guide.docx")
    assert code == 0 and (workdir / "guide.docx").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("quiz", "--doc", "no-such-doc"), "没有这个文件"),
        (("quiz", "--doc", DOC, "--types", "essay"), "未知的题型"),
        (("quiz", "--doc", DOC, "--difficulty", "7"), "难度"),
        (("quiz", "--doc", DOC, "--n", "0"), "题目数量"),
        (("guide", "--doc", "no-such-doc"), "没有这个文件"),
    ],
)
def test_bad_input(capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and message in err
