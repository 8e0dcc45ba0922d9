"""Bad input, generated here, fed to `policyqa ingest` as a user would: every file is refused with a
Chinese message that names it and says why, the command exits non-zero when the user named the file,
and the index keeps everything it had (the seed's provisions and its answers are unchanged).

Kinds: empty, blank, binary, undecodable, truncated .docx, .docx with XML entities, truncated .pdf,
encrypted .pdf, a .pdf without a text layer, a damaged .xlsx, 50 MB of text, a single 1 MB line,
a provision that swallowed a book, an unreadable file, a folder, a missing path, an unsupported type; then the ones
that are accepted with a notice (mixed encodings, no numbering, numbering with a gap), two files with
one name, and a folder that mixes good and bad files.
"""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import docx
import pytest
from pypdf import PdfWriter

from assistant.cli import main
from assistant.service import PolicyQA
from assistant.settings import Settings
from ingest.errors import IngestError
from ingest.limits import MAX_LINE_CHARS, MAX_PROVISION_CHARS
from ingest.pipeline import parse_file, parse_text
from ingest.reader import MIXED_NOTE
from ingest.structure import NO_STRUCTURE_WARNING
from tests.conftest import REPO, SEED

pytestmark = pytest.mark.integration

DOC = SEED.stem
QUESTION = "绿色金融由谁牵头？"  # unscoped: any document could answer it
# English a user may see in a message: format names and the file names themselves
ALLOWED_LATIN = {
    "PDF",
    "Word",
    "docx",
    "xlsx",
    "UTF",
    "GB",
    "OCR",
    "XML",
    "txt",
    "md",
    "html",
    "htm",
}
ALLOWED_LATIN |= {"pdf", "policyqa", "docs", "doc_id", "v"}


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("bad-input")
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


def snapshot() -> dict[str, Any]:
    """What the index holds and says: the documents, the seed's provisions, the unscoped answer."""

    def call(*args: str) -> str:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert main(list(args)) == 0, args
        return out.getvalue()

    answer = json.loads(call("ask", QUESTION, "--json"))
    return {
        "docs": sorted(d["doc_id"] for d in json.loads(call("docs", "--json"))),
        "provisions": json.loads(call("provisions", "--doc", DOC, "--json")),
        "answer": answer["answer"],
        "departments": answer["departments"],
        "citations": [(c["doc_id"], c["key"]) for c in answer["citations"]],
    }


@pytest.fixture(scope="module")
def before(workdir: Path) -> dict[str, Any]:
    """The index after the first ingest of the seed, and what it answers."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(workdir)
        mp.setenv("POLICYQA_INDEX", str(workdir / ".policyqa"))
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            assert main(["ingest"]) == 0
        return snapshot()


# -- the bad files -------------------------------------------------------------------------------


def _docx(path: Path, paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(str(path))
    return path.read_bytes()


def _pdf(path: Path, lines: list[str]) -> bytes:
    """A real PDF with a Chinese text layer (matplotlib, the WenQuanYi font that
    scripts/install-browser.sh installs, TrueType embedded so pypdf can extract the text)."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    assert "WenQuanYi Micro Hei" in names, "run `make install-test` (CJK fonts)"
    with plt.rc_context({"pdf.fonttype": 42, "font.family": "WenQuanYi Micro Hei"}):
        fig = plt.figure(figsize=(8.27, 11.69))
        for i, line in enumerate(lines):
            fig.text(0.08, 0.92 - 0.04 * i, line, fontsize=11)
        fig.savefig(path, format="pdf")
        plt.close(fig)
    return path.read_bytes()


def _scanned_pdf(path: Path) -> None:
    """A page that is only an image, as a scanner makes it: no text layer."""
    import matplotlib

    matplotlib.use("agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig = plt.figure(figsize=(4, 5))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.imshow(np.random.default_rng(0).random((60, 48)), cmap="gray")
    ax.axis("off")
    fig.savefig(path, format="pdf")
    plt.close(fig)


PDF_LINES = [
    "关于推进垃圾分类的实施方案",
    "一、主要任务",
    "（一）推进分类投放。（牵头单位：市城管局）",
]


def make_empty(d: Path) -> Path:
    (d / "空白.txt").write_bytes(b"")
    return d / "空白.txt"


def make_blank(d: Path) -> Path:
    (d / "blank.md").write_bytes(b" \r\n\t\n  ")
    return d / "blank.md"


def make_binary(d: Path) -> Path:
    (d / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    return d / "photo.txt"


def make_undecodable(d: Path) -> Path:
    (d / "latin.txt").write_bytes("Ærøskøbing façade déjà vu naïve".encode("latin-1") * 20)
    return d / "latin.txt"


def make_truncated_docx(d: Path) -> Path:
    data = _docx(d / "whole.docx", ["一、总体要求", "（一）推进分类投放。（牵头单位：市城管局）"])
    (d / "whole.docx").unlink()
    (d / "truncated.docx").write_bytes(data[: len(data) // 2])
    return d / "truncated.docx"


def make_entity_docx(d: Path) -> Path:
    """A .docx whose document.xml defines entities (the "billion laughs" shape)."""
    _docx(d / "laughs.docx", ["一、总体要求"])
    source = (d / "laughs.docx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "word/document.xml":
                entities = (
                    '<!DOCTYPE d [<!ENTITY a "哈哈哈哈哈哈哈哈"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
                )
                data = data.replace(b"?>", b"?>" + entities.encode(), 1)
            zout.writestr(item, data)
    (d / "laughs.docx").write_bytes(out.getvalue())
    return d / "laughs.docx"


def make_truncated_pdf(d: Path) -> Path:
    data = _pdf(d / "whole.pdf", PDF_LINES)
    (d / "whole.pdf").unlink()
    (d / "broken.pdf").write_bytes(data[: len(data) // 2])
    return d / "broken.pdf"


def make_encrypted_pdf(d: Path) -> Path:
    _pdf(d / "plain.pdf", PDF_LINES)
    writer = PdfWriter(clone_from=str(d / "plain.pdf"))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    with (d / "password.pdf").open("wb") as f:
        writer.write(f)
    (d / "plain.pdf").unlink()
    return d / "password.pdf"


def make_scanned_pdf(d: Path) -> Path:
    _scanned_pdf(d / "scan.pdf")
    return d / "scan.pdf"


def make_50mb(d: Path) -> Path:
    line = ("一、推进分类投放。" * 10 + "\n").encode("utf-8")
    with (d / "huge.txt").open("wb") as f:
        for _ in range(50_000_000 // len(line) + 1):
            f.write(line)
    return d / "huge.txt"


def make_1mb_line(d: Path) -> Path:
    """One line of 1 MB that mentions green finance and its lead on every clause (the file that
    once answered the unscoped question with 1 MB of text and ten merged leads)."""
    clause = "积极发展绿色金融，由市财政局牵头、市金融监管局配合推进，"
    text = "关于绿色金融的说明\n" + clause * (1_000_000 // len(clause.encode("utf-8")) + 1)
    (d / "one-line.txt").write_text(text, encoding="utf-8")
    return d / "one-line.txt"


def make_swallowed_book(d: Path) -> Path:
    """Normal lines, but one numbered item that goes on for longer than any article."""
    body = "\n".join(
        "推进绿色金融发展，完善绿色信贷政策体系，扩大绿色债券发行规模。" for _ in range(1200)
    )
    text = (
        f"关于绿色金融的说明\n一、主要任务\n（一）发展绿色金融。\n{body}\n（牵头单位：市财政局）\n"
    )
    (d / "book.txt").write_text(text, encoding="utf-8")
    return d / "book.txt"


def make_unreadable(d: Path) -> Path:
    path = d / "locked.txt"
    path.write_text("一、总则\n（一）推进分类投放。（牵头单位：市城管局）", encoding="utf-8")
    path.chmod(0)
    return path


def make_folder_named_txt(d: Path) -> Path:
    (d / "folder.txt").mkdir()
    (d / "folder.txt" / "inner.bin").write_bytes(b"\x00")
    return d / "folder.txt"


def make_missing(d: Path) -> Path:
    return d / "不存在的文件.txt"


def make_unsupported(d: Path) -> Path:
    (d / "slides.pptx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    return d / "slides.pptx"


def make_damaged_xlsx(d: Path) -> Path:
    (d / "table.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 64)
    return d / "table.xlsx"


# (maker, the cause the message must give)
BAD: dict[str, tuple[Callable[[Path], Path], str]] = {
    "empty": (make_empty, "文件为空"),
    "blank": (make_blank, "文件为空"),
    "binary": (make_binary, "不是文本文件"),
    "undecodable": (make_undecodable, "编码无法识别"),
    "truncated-docx": (make_truncated_docx, "不是有效的 .docx 文件（文件已损坏或不完整）"),
    "entity-docx": (make_entity_docx, "XML 实体"),
    "broken.pdf": (make_truncated_pdf, "PDF 文件已损坏或不完整"),
    "encrypted-pdf": (make_encrypted_pdf, "PDF 文件已加密"),
    "scanned-pdf": (make_scanned_pdf, "扫描件，需要文字层"),
    "50mb-text": (make_50mb, "上限"),
    "1mb-line": (make_1mb_line, "第 2 行过长"),
    "swallowed-book": (make_swallowed_book, f"单个条款上限 {MAX_PROVISION_CHARS:,} 字"),
    "unreadable": (make_unreadable, "没有读取权限"),
    "folder": (make_folder_named_txt, "文件夹中没有可导入的文件"),
    "missing": (make_missing, "文件不存在"),
    "unsupported": (make_unsupported, "不支持的文件类型（.pptx）"),
    "damaged-xlsx": (make_damaged_xlsx, "不是有效的 .xlsx 文件"),
}


@pytest.fixture
def unreadable_as_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """root reads a chmod-000 file anyway: as root, opening a file named locked.txt fails as it
    would for a user (the real PermissionError, raised by open)."""
    if os.geteuid() != 0:
        return
    real_open = Path.open

    def guarded(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if self.name == "locked.txt" and "r" in mode:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, mode, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)


def english_words(text: str, names: list[str]) -> list[str]:
    """Latin words left in `text` once the paths and file names it names are taken out."""
    for name in sorted(names, key=len, reverse=True):
        text = text.replace(name, "")
    words = re.findall(r"[A-Za-z][A-Za-z_]{1,}", text)
    return [w for w in words if w not in ALLOWED_LATIN]


@pytest.mark.parametrize("kind", list(BAD))
def test_bad_file_is_refused_by_name_and_loses_nothing(
    kind: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    before: dict[str, Any],
    unreadable_as_root: None,
) -> None:
    maker, cause = BAD[kind]
    path = maker(tmp_path)
    code, out, err = run(capsys, "ingest", str(path))
    assert code == 1, (kind, out, err)
    failures = [line for line in err.splitlines() if line.startswith("导入失败：")]
    assert len(failures) == 1, err
    assert path.name in failures[0] and cause in failures[0], failures[0]
    assert "Traceback" not in err
    assert english_words(failures[0], [str(path), path.name, path.suffix]) == []
    assert "已导入" not in out and "已更新" not in out
    assert snapshot() == before


# The real process, as root, refuses to open locked.txt as the OS would for a user.
WRAPPER = """
import errno, os, sys
from pathlib import Path
if os.geteuid() == 0:
    real_open = Path.open
    def guarded(self, mode="r", *args, **kwargs):
        if self.name == "locked.txt" and "r" in mode:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_open(self, mode, *args, **kwargs)
    Path.open = guarded
from assistant.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_all_bad_files_at_once_in_a_real_process(tmp_path: Path, before: dict[str, Any]) -> None:
    """One `policyqa ingest` process given every bad file: it exits 1 and prints, on stderr, one
    Chinese line per file with its cause; no traceback, no library log line, no English; stdout
    stays empty; the index is as it was."""
    paths = []
    for kind, (maker, _) in BAD.items():
        folder = tmp_path / kind
        folder.mkdir()
        paths.append(maker(folder))
    env = {**os.environ, "POLICYQA_INDEX": str(Path.cwd() / ".policyqa")}
    command = [sys.executable, "-c", WRAPPER, "ingest", *map(str, paths)]
    done = subprocess.run(
        command, check=False, capture_output=True, text=True, env=env, timeout=900, cwd=REPO
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.strip() == ""
    lines = [line.split("\r")[-1] for line in done.stderr.splitlines() if line.strip()]
    failures = [line for line in lines if line.startswith("导入失败：")]
    assert len(failures) == len(BAD), done.stderr
    for (kind, (_, cause)), path in zip(BAD.items(), paths, strict=True):
        line = next((f for f in failures if f"：{path}：" in f), None)
        assert line is not None, (kind, done.stderr)
        assert cause in line, (kind, line)
    others = [line for line in lines if not line.startswith(("导入失败：", "[", "共 "))]
    assert others == [], others
    assert "Traceback" not in done.stderr
    names = [str(p) for p in paths] + [p.name for p in paths] + [p.suffix for p in paths]
    assert english_words(done.stderr, names) == []
    assert snapshot() == before


# -- accepted, with a notice ---------------------------------------------------------------------


def test_mixed_encodings_are_read_line_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: dict[str, Any]
) -> None:
    """Half UTF-8, half GB18030 (two files pasted together): both halves read correctly."""
    first = "关于推进垃圾分类的实施方案\n一、主要任务\n（一）推进分类投放。（牵头单位：市城管局）\n"
    second = (
        "（二）完善分类收运。（牵头单位：市环卫处）\n（三）建设处理设施。（牵头单位：市住建局）\n"
    )
    path = tmp_path / "mixed-encodings.txt"
    path.write_bytes(first.encode("utf-8") + second.encode("gb18030"))
    parsed = parse_file(path)
    assert MIXED_NOTE in parsed.warnings
    leads = {p.key: p.responsibility.lead for p in parsed.provisions if p.responsibility.lead}
    assert leads == {"1.1": ("市城管局",), "1.2": ("市环卫处",), "1.3": ("市住建局",)}
    code, out, err = run(capsys, "ingest", str(path))
    assert code == 0 and "已导入：mixed-encodings" in out
    assert MIXED_NOTE in err
    code, out, _ = run(
        capsys, "ask", "完善分类收运由谁牵头？", "--json", "--doc", "mixed-encodings"
    )
    assert json.loads(out)["departments"]["lead"] == ["市环卫处"]
    _remove(capsys, "mixed-encodings")
    assert snapshot() == before


def test_text_without_numbering_is_imported_as_paragraphs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: dict[str, Any]
) -> None:
    path = tmp_path / "no-numbering.txt"
    path.write_text(
        "垃圾分类工作说明\n\n各单位要做好垃圾分类投放。\n\n做好宣传引导工作。\n", "utf-8"
    )
    code, out, err = run(capsys, "ingest", str(path))
    assert code == 0 and "已导入：no-numbering" in out
    assert NO_STRUCTURE_WARNING in err and "no-numbering.txt" in err
    _remove(capsys, "no-numbering")
    assert snapshot() == before


GAP = """关于推进垃圾分类的实施方案
一、主要任务
（八）推进分类投放。加强投放点建设。（牵头单位：市城管局）
（九）完善分类收运。建立收运体系。（牵头单位：市环卫处）
建设处理设施。提高焚烧处理能力。（牵头单位：市住建局）
（十一）加强宣传引导。开展进社区活动。（牵头单位：市委宣传部）
"""


def test_numbering_with_a_gap_keeps_items_apart_and_reports_the_gap() -> None:
    """ "（十）" is missing: the text after item 9 ends with its own attribution and item 11
    follows. Item 9 keeps its own text and lead, no provision merges the leads of two items, and
    the gap is reported (the parser belongs to ingest/structure.py)."""
    parsed = parse_text("gap", GAP)
    by_key = {p.key: p for p in parsed.provisions}
    assert by_key["1.9"].responsibility.lead == ("市环卫处",)
    assert "提高焚烧处理能力" not in by_key["1.9"].text
    for p in parsed.provisions:
        assert not {"市环卫处", "市住建局"} <= set(p.responsibility.lead), p.key
    assert any("（十）" in w or "缺少" in w for w in parsed.warnings), parsed.warnings


def test_a_clean_gap_is_reported() -> None:
    """Items 9 and 11 with nothing between them: both keep their text; the gap is a warning."""
    text = GAP.replace("建设处理设施。提高焚烧处理能力。（牵头单位：市住建局）\n", "")
    parsed = parse_text("gap", text)
    by_key = {p.key: p for p in parsed.provisions}
    assert by_key["1.9"].responsibility.lead == ("市环卫处",)
    assert by_key["1.11"].responsibility.lead == ("市委宣传部",)
    assert any("（十）" in w or "缺少" in w for w in parsed.warnings), parsed.warnings


def test_limits_sit_far_above_real_documents() -> None:
    """The seed's longest line and provision, against the limits that refuse a pathological file."""
    parsed = parse_file(SEED)
    text = SEED.read_text("utf-8")
    assert max(map(len, text.split("\n"))) * 10 < MAX_LINE_CHARS
    assert max(len(p.text) for p in parsed.provisions) * 10 < MAX_PROVISION_CHARS
    with pytest.raises(IngestError, match=r"x\.txt.*第 1 行过长"):
        parse_text("x", "字" * (MAX_LINE_CHARS + 1), source_path="x.txt")


# -- names, folders ------------------------------------------------------------------------------


def test_same_name_from_another_folder_is_refused_naming_both(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: dict[str, Any], workdir: Path
) -> None:
    """A file named like the indexed seed, from another folder: refused, both paths named, the
    seed untouched. The seed itself, re-ingested from its own place, is still an update."""
    other = tmp_path / "other"
    other.mkdir()
    impostor = other / SEED.name
    impostor.write_text("一、总则\n（一）市财政局牵头所有任务。（牵头单位：市财政局）\n", "utf-8")
    code, out, err = run(capsys, "ingest", str(impostor))
    assert code == 1 and "已更新" not in out
    line = next(line for line in err.splitlines() if line.startswith("导入失败："))
    assert str(impostor) in line and f"corpus/{SEED.name}" in line and "同名" in line
    assert snapshot() == before
    code, out, _ = run(capsys, "ingest", str(workdir / "corpus" / SEED.name))
    assert code == 0 and f"未变化，跳过：{DOC}" in out


def test_same_name_twice_in_one_batch_keeps_the_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: dict[str, Any]
) -> None:
    for folder, lead in (("a", "市城管局"), ("b", "市财政局")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "twin.txt").write_text(
            f"关于推进垃圾分类的实施方案\n一、主要任务\n（一）推进分类投放。（牵头单位：{lead}）\n",
            "utf-8",
        )
    code, out, err = run(capsys, "ingest", str(tmp_path / "a"), str(tmp_path / "b"))
    assert code == 1
    assert "已导入：twin" in out
    line = next(line for line in err.splitlines() if line.startswith("导入失败："))
    assert str(tmp_path / "b" / "twin.txt") in line and str(tmp_path / "a" / "twin.txt") in line
    code, out, _ = run(capsys, "provisions", "--doc", "twin", "--json")
    assert [p["responsibility"]["lead"] for p in json.loads(out) if p["key"] == "1.1"] == [
        ["市城管局"]
    ]
    # an edit of the same file is an update, reported as one
    (tmp_path / "a" / "twin.txt").write_text(
        "关于推进垃圾分类的实施方案\n一、主要任务\n（一）推进分类投放。（牵头单位：市商务局）\n",
        "utf-8",
    )
    code, out, _ = run(capsys, "ingest", str(tmp_path / "a" / "twin.txt"))
    assert code == 0 and "已更新：twin" in out
    _remove(capsys, "twin")
    assert snapshot() == before


def test_folder_mixing_good_and_bad_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], before: dict[str, Any]
) -> None:
    folder = tmp_path / "mixed-folder"
    folder.mkdir()
    for i, lead in enumerate(("市城管局", "市商务局"), start=1):
        (folder / f"good-{i}.txt").write_text(
            f"关于推进垃圾分类的实施方案（{i}）\n一、主要任务\n（一）推进分类投放。（牵头单位：{lead}）\n",
            "utf-8",
        )
    _docx(
        folder / "good-3.docx",
        [
            "关于推进垃圾分类的实施方案（3）",
            "一、主要任务",
            "（一）完善分类收运。（牵头单位：市环卫处）",
        ],
    )
    _pdf(folder / "good-4.pdf", PDF_LINES)
    bad = [
        make_empty(folder),
        make_binary(folder),
        make_truncated_pdf(folder),
        make_1mb_line(folder),
    ]
    code, out, err = run(capsys, "ingest", str(folder))
    assert code == 1
    assert {line for line in out.splitlines() if line.startswith("已导入：")} == {
        f"已导入：good-{i}" for i in range(1, 5)
    }
    failures = [line for line in err.splitlines() if line.startswith("导入失败：")]
    assert sorted(next(p.name for p in bad if f"：{p}：" in f) for f in failures) == sorted(
        p.name for p in bad
    )
    assert f"共 {len(bad)} 个文件导入失败" in err
    code, out, _ = run(capsys, "ask", "推进分类投放由谁牵头？", "--json", "--doc", "good-4")
    assert json.loads(out)["departments"]["lead"] == ["市城管局"]
    for i in range(1, 5):
        _remove(capsys, f"good-{i}")
    assert snapshot() == before


def _remove(capsys: pytest.CaptureFixture[str], doc_id: str) -> None:
    """Delete a document the test added, through the service (the CLI has no delete)."""

    PolicyQA(Settings()).delete(doc_id)
    capsys.readouterr()


def test_readme_names_the_exit_codes() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Reliability", 1)[1]
    for code in ("`0`", "`1`", "`2`"):
        assert code in section
