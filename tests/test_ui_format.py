"""Fast tests of the UI's formatting helpers: escaping, highlighting, tables, uploads, feedback."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from assistant.answer import Answer, Citation
from ingest.departments import DepartmentRegistry
from ingest.model import Document, Provision, ProvisionKind, Responsibility
from ui.app import auth_pair
from ui.feedback import FeedbackStore
from ui.format import highlight, md_escape, provision_html, question_terms
from ui.tables import department_tasks, matrix, matrix_html, resolve_department
from ui.uploads import check_and_store, sanitise

EVIL = "停车<script>alert(1)</script>共享<img src=x onerror=alert(2)>。"


def provision(key: str, lead: tuple[str, ...], co: tuple[str, ...], text: str = EVIL) -> Provision:
    return Provision(
        doc_id="d<b>",
        key=key,
        label=f"第{key}条",
        number=f"{key}.",
        title="建设<i>平台</i>",
        text=text,
        path_titles=("主要<任务>",),
        responsibility=Responsibility(lead=lead, co=co),
        kind=ProvisionKind.ITEM,
    )


def test_highlight_escapes_every_run() -> None:
    out = highlight(EVIL, quotes=["共享<img"], terms=["停车"])
    assert "<script" not in out and "<img" not in out
    assert "&lt;script&gt;" in out
    assert '<mark class="quote">共享&lt;img</mark>' in out
    assert '<mark class="term">停车</mark>' in out


def test_provision_html_is_inert() -> None:
    doc = Document(doc_id="d<b>", title="<script>alert(9)</script>")
    out = provision_html(
        provision("1", ("市城管局<x>",), ()), doc, quotes=["共享"], question="停车"
    )
    for raw in ("<script", "<img", "<b>", "<i>", "<x>", "<任务>"):
        assert raw not in out
    assert "&lt;script&gt;alert(9)" in out and "牵头：市城管局&lt;x&gt;" in out


def test_md_escape_keeps_markdown() -> None:
    assert md_escape("**粗体** <img src=x> & > 引用") == "**粗体** &lt;img src=x> &amp; > 引用"


def test_question_terms() -> None:
    assert question_terms("哪个部门牵头绿色金融？", "积极发展绿色金融。（市财政局牵头）") == [
        "牵头",
        "绿色金融",
    ]


def test_departments_by_alias_and_matrix() -> None:
    registry = DepartmentRegistry.default().with_names(["市住建局", "市城管局"])
    ps = [provision("1", ("市住建局",), ("市城管局",)), provision("2", (), ("市住建局",))]
    known = ["市城管局", "市住建局"]
    for name in ("市住建局", "苏州市住房和城乡建设局", "住建局"):
        assert resolve_department(name, known, registry) == ["市住建局"], name
    rows = department_tasks(["市住建局"], ps, [], registry)
    assert [(r[2], r[5]) for r in rows] == [("1", "牵头"), ("2", "配合")]
    m = matrix(ps, registry)
    assert m.departments == ["市住建局", "市城管局"]
    html = matrix_html(m)
    assert html.count('<td class="mx-lead"') == 1 and "<i>" not in html


def test_uploads_are_checked_and_sanitised(tmp_path: Path) -> None:
    files = {
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02abc",
        "tool.exe": b"MZ....",
        "big.txt": "很长".encode() * 100,
        "fake.pdf": b"not a pdf",
        "../../政策 <文件>.txt": "一、总则\n内容。".encode(),
    }
    sources = []
    for i, (name, data) in enumerate(files.items()):
        folder = tmp_path / f"in{i}"
        folder.mkdir()
        path = folder / Path(name).name
        path.write_bytes(data)
        sources.append(path)
    checked = check_and_store(sources, tmp_path / "uploads", max_bytes=300)
    problems = [c.problem for c in checked]
    assert problems[0] == "文件是空的"
    assert problems[1] is not None and "二进制" in problems[1]
    assert problems[2] is not None and "不支持的文件类型" in problems[2]
    assert problems[3] is not None and "文件过大" in problems[3]
    assert problems[4] == "不是有效的 PDF 文件"
    stored = checked[5].stored
    assert stored is not None and stored.parent == tmp_path / "uploads"
    assert stored.name == "政策-文件.txt"
    assert sanitise("<>.txt", b"x").startswith("upload-")


def test_feedback_roundtrip(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    cited = (Citation("doc", "2.9.28", "第28条", "绿色金融", "引文"),)
    store.add(Answer(question="问", text="答", citations=cited), 1, "很好", doc_scope="doc")
    store.add(Answer(question="问2", text="答2"), -1)
    with open(store.export_csv(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["时间", "评价", "问题"]
    assert rows[1][1:5] == ["👍", "问", "答", "doc#2.9.28"] and rows[1][-1] == "很好"
    assert rows[2][1] == "👎"


def test_auth_pair() -> None:
    assert auth_pair(None) is None
    assert auth_pair("admin:p:w") == ("admin", "p:w")
    with pytest.raises(ValueError, match="用户名:密码"):
        auth_pair("admin")
