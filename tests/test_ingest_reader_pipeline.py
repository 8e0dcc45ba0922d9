"""Reading files: encodings, formats and the errors a user sees."""

from __future__ import annotations

from pathlib import Path

import docx as python_docx
import pytest

from ingest.errors import IngestError
from ingest.model import ProvisionKind
from ingest.pipeline import parse_file, parse_text
from ingest.reader import GB18030_NOTE, read_text
from ingest.structure import NO_STRUCTURE_WARNING

SEED = Path(__file__).parents[1] / "corpus" / "suzhou-dual-carbon-opinions-2022.txt"


def test_gb18030_and_bom_give_identical_provisions(tmp_path: Path) -> None:
    text = SEED.read_text("utf-8")
    reference = parse_file(SEED).provisions
    gb = tmp_path / "seed-gb.txt"
    gb.write_bytes(text.encode("gb18030"))
    bom = tmp_path / "seed-bom.txt"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    parsed_gb = parse_file(gb)
    assert GB18030_NOTE in parsed_gb.warnings
    assert [(p.key, p.text, p.responsibility) for p in parsed_gb.provisions] == [
        (p.key, p.text, p.responsibility) for p in reference
    ]
    assert [(p.key, p.text) for p in parse_file(bom).provisions] == [
        (p.key, p.text) for p in reference
    ]
    assert read_text(bom).encoding == "utf-8-sig"


def test_empty_and_binary_files_name_the_file(tmp_path: Path) -> None:
    empty = tmp_path / "空文件.txt"
    empty.write_bytes(b"")
    with pytest.raises(IngestError, match=r"空文件\.txt.*文件为空"):
        parse_file(empty)
    blank = tmp_path / "blank.txt"
    blank.write_bytes(b" \n\n ")
    with pytest.raises(IngestError, match="文件为空"):
        parse_file(blank)
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(IngestError, match=r"image\.txt.*不是文本文件") as info:
        parse_file(binary)
    assert info.value.path.endswith("image.txt")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Ærøskøbing façade".encode("latin-1"))
    with pytest.raises(IngestError, match="不是文本文件"):
        parse_file(latin)


def test_text_without_numbering_becomes_paragraphs_with_a_warning() -> None:
    parsed = parse_text("plain", "第一段文字，没有编号。\n\n第二段文字。\n第三段。")
    assert [p.key for p in parsed.provisions] == ["p1", "p2", "p3"]
    assert all(p.kind is ProvisionKind.PARAGRAPH for p in parsed.provisions)
    assert NO_STRUCTURE_WARNING in parsed.warnings


def test_markdown_html_and_docx(tmp_path: Path) -> None:
    md = tmp_path / "a.md"
    md.write_text("# 关于测试的意见\n\n## 一、总体要求\n\n1. 做好工作。（市发改委牵头）\n", "utf-8")
    keys = {p.key: p for p in parse_file(md).provisions}
    assert keys["1.1"].responsibility.lead == ("市发改委",)
    html = tmp_path / "a.html"
    html.write_text(
        "<html><head><style>p{}</style><script>var x='一、假';</script></head><body>"
        "<p>一、总体要求</p><p>1. 做好工作。（市住建局牵头）</p></body></html>",
        "utf-8",
    )
    provisions = parse_file(html).provisions
    assert [p.key for p in provisions] == ["1", "1.1"]
    assert provisions[1].responsibility.lead == ("市住建局",)
    docx = tmp_path / "a.docx"
    document = python_docx.Document()
    for text in ("一、总体要求", "1. 做好。"):
        document.add_paragraph(text)
    document.save(str(docx))
    assert [p.key for p in parse_file(docx).provisions] == ["1", "1.1"]
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(IngestError, match=r"bad\.docx"):
        parse_file(bad)


def test_source_comment_line_is_dropped(tmp_path: Path) -> None:
    f = tmp_path / "ext.txt"
    f.write_text("# source: somewhere\n关于测试的通知\n一、总体要求\n（一）做好工作。\n", "utf-8")
    parsed = parse_file(f)
    assert "source" not in " ".join(p.text for p in parsed.provisions)
    assert parsed.document.title == "关于测试的通知"
