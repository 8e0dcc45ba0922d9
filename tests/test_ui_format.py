"""Fast tests of the UI's helpers: inert markdown and HTML, citation markers, the ledger, tables,
exports, uploads, feedback, conversations, logins and metadata corrections."""

from __future__ import annotations

import csv
import dataclasses
import re
from pathlib import Path

import pytest
from docx import Document as read_docx
from openpyxl import load_workbook

from assistant.answer import Answer, Citation
from assistant.corrections import Corrections, validate
from ingest.departments import DepartmentRegistry
from ingest.model import Document, Level, Provision, ProvisionKind, Responsibility, Span
from ui.app import auth_pair
from ui.auth import FREE_FAILURES, Access, LoginLimiter
from ui.chat_session import (
    ChatSession,
    docx_export,
    markdown_export,
    print_html,
    shown_messages,
    thumbs,
)
from ui.citations import answer_html, numbered, panel_html, parse_marker, place_markers
from ui.conversations import ConversationStore, answer_from_json
from ui.exports import Sheet, csv_cell, write_csv, write_xlsx
from ui.feedback import FeedbackStore
from ui.format import (
    document_choices,
    highlight,
    inert_markdown,
    plain_text,
    printed_label,
    provision_html,
    question_terms,
)
from ui.ledger import department_ledger, ledger_sheet, summary_markdown
from ui.tables import library_html, matrix, matrix_html, resolve_department
from ui.uploads import check_and_store, sanitise

EVIL = "停车<script>alert(1)</script>共享<img src=x onerror=alert(2)>。"
HOSTILE_MD = (
    "见![像素](http://evil.example/p.png)和[点我](javascript:alert(1))，"
    "<https://evil.example/a>，https://evil.example/b，www.evil.example，a@evil.example，`code`。"
)


def provision(
    key: str,
    lead: tuple[str, ...] = (),
    co: tuple[str, ...] = (),
    text: str = EVIL,
    **kw: object,
) -> Provision:
    return Provision(
        doc_id="d<b>",
        key=key,
        label=kw.pop("label", f"第{key}条"),  # type: ignore[arg-type]
        number=f"{key}.",
        title=kw.pop("title", "建设<i>平台</i>"),  # type: ignore[arg-type]
        text=text,
        path_titles=("主要<任务>",),
        responsibility=Responsibility(lead=lead, co=co, **kw),  # type: ignore[arg-type]
        kind=ProvisionKind.ITEM,
    )


def cite(key: str, label: str, title: str, quote: str = "引文", doc: str = "doc") -> Citation:
    return Citation(doc, key, label, title, quote, lead=("市财政局",))


# -- markdown and HTML ------------------------------------------------------------------------
def test_inert_markdown_keeps_bold_and_lists_but_no_html_links_or_images() -> None:
    out = inert_markdown("**粗体**文字**（牵头：x）**\n1. 一\n另：" + EVIL + HOSTILE_MD)
    assert out.count("<strong>") == 2 and "<script" not in out and "<img" not in out
    assert "\\[" in out and "\\]" in out  # no link or image can be formed
    assert "http\\://" in out and "https\\://" in out and "www\\." in out and "\\@" in out
    assert "javascript&#58;" in out and "\\`code\\`" in out
    assert "1. 一\n\n另：" in out  # the note after a list is not folded into its last item
    assert inert_markdown("> 引用原句\n> 第二行").startswith("> 引用原句\n> ")


def test_plain_text() -> None:
    assert plain_text("**标题**\n> 引用") == "标题\n引用"


def test_highlight_escapes_every_run() -> None:
    out = highlight(EVIL, quotes=["共享<img"], terms=["停车"])
    assert "<script" not in out and "<img" not in out
    assert '<mark class="quote">共享&lt;img</mark>' in out
    assert '<mark class="term">停车</mark>' in out


def test_viewer_shows_title_and_printed_label_never_keys_and_spans() -> None:
    doc = Document(doc_id="d<b>", title="<script>alert(9)</script>")
    text = "第一句由甲负责。（市甲局牵头）第二句由乙负责。（市乙局牵头，市丙局配合）"
    spans = (
        Span(0, 15, lead=("市甲局",), raw="（市甲局牵头）"),
        Span(15, len(text), lead=("市乙局",), co=("市丙局",), deadline="2025年底"),
    )
    p = provision(
        "annex.3.3", ("市甲局", "市乙局"), ("市丙局",), text=text, spans=spans,
        label="附件 关键环节专项保障方案3", title="氢能",
    )  # fmt: skip
    out = provision_html(p, doc, quotes=["第二句由乙负责。"], question="乙负责什么", number=2)
    for raw in ("<script", "<任务>", "annex"):
        assert raw not in out
    assert "附件 关键环节专项保障方案 3" in out and "［2］" in out
    assert "&lt;script&gt;alert(9)" in out and out.count('class="pv-span"') == 2
    assert "牵头：市乙局" in out and "配合：市丙局" in out and "完成期限：2025年底" in out
    resp = provision("annex.1.1", text="方案", responsible=("市发改委",), label="附件 总体方案1")
    shown = provision_html(resp, doc)
    assert "责任单位：市发改委" in shown and "牵头" not in shown


def test_question_terms_and_labels() -> None:
    terms = question_terms("哪个部门牵头绿色金融？", "积极发展绿色金融。（市财政局牵头）")
    assert terms == ["牵头", "绿色金融"]
    assert printed_label("附件 重点领域专项实施方案4") == "附件 重点领域专项实施方案 4"
    assert printed_label("三（二）3") == "三（二）3"
    docs = [
        Document("a", "同名", doc_number="甲〔1〕1号"),
        Document("b", "同名"),
        Document("c", ""),
    ]
    assert document_choices(docs) == [
        ("同名（甲〔1〕1号）", "a"),
        ("同名", "b"),
        ("（未命名文件）", "c"),
    ]


# -- citation markers -------------------------------------------------------------------------
def test_markers_replace_keys_or_follow_headings() -> None:
    answer = Answer(
        question="q",
        text="**第28条 积极发展绿色金融（2.9.28）**\n- 第1条 建设平台（2.1；牵头：市城管局）\n另见 附件 方案3 氢能（annex.3.3）",
        citations=(
            cite("2.9.28", "第28条", "积极发展绿色金融"),
            cite("2.1", "第1条", "建设平台"),
            cite("annex.3.3", "附件 方案3", "氢能"),
            cite("2.9.28", "第28条", "积极发展绿色金融"),  # the same provision once
        ),
    )
    html = answer_html(answer, message=5)
    assert "2.9.28" not in html and "annex" not in html and "（2.1" not in html
    assert html.count('class="pqa-cite"') == 3
    assert 'href="#pqa-cite-5-1">［1］</a>' in html and "建设平台" in html
    assert "［2］</a>（牵头：市城管局）" in html
    # a text that names no key: the marker follows the heading; none found: listed after it
    text, unplaced = place_markers("第1条 建设平台：市城管局。", numbered(answer))
    assert "建设平台\ue0002\ue001" in text and unplaced == [1, 3]
    assert "依据：" in answer_html(
        Answer(question="q", text="结论。", citations=answer.citations[:1]), 1
    )


def test_panel_is_a_list_or_one_compact_table() -> None:
    few = Answer(question="q", text="t", citations=(cite("1.1", "第1条", "<b>甲</b>"),))
    html = panel_html(few, 3, {"doc": "《文件》"}, active=1)
    assert "pc-item pc-active" in html and "<b>" not in html and "#pqa-cite-3-1" in html
    many = Answer(
        question="q",
        text="t",
        citations=tuple(
            cite(f"2.{i}", f"第{i}条", f"任务{i}", doc=f"d{i % 2}") for i in range(1, 34)
        ),
    )
    table = panel_html(many, 1, {"d0": "《文件零》", "d1": "《文件一》"})
    assert "pc-table" in table and table.count("<tr") == 34 and "pc-item" not in table
    assert "文件零" in table and "引用条款（33）" in table
    assert "没有引用条款" in panel_html(Answer(question="q", text="t"), 1, {})
    assert parse_marker("3-12@1712") == (3, 12) and parse_marker("../x") is None


# -- the ledger, matrix and library ------------------------------------------------------------
def test_ledger_roles_counts_and_sheet() -> None:
    registry = DepartmentRegistry.default().with_names(["市住建局", "市城管局"])
    text = "甲任务。（市住建局牵头）乙任务。（市城管局牵头，市住建局配合）"
    spans = (
        Span(0, 12, lead=("市住建局",)),
        Span(12, len(text), lead=("市城管局",), co=("市住建局",)),
    )
    ps = [
        provision("1", ("市住建局", "市城管局"), ("市住建局",), text=text, spans=spans),
        provision("2", (), ("市住建局",), deadline="2025年"),
        provision("3", text='=HYPERLINK("http://evil")', responsible=("市住建局",)),
        provision("4", ("市城管局",), implementers=("市住建局",)),
        provision("5", ("市城管局",)),
    ]
    docs = [Document("d<b>", "文件<甲>")]
    found = department_ledger(["市住建局"], ps, docs, registry)
    assert [(t.provision.key, t.role) for t in found] == [
        ("1", "牵头"), ("2", "配合"), ("3", "责任单位"), ("4", "落实"),
    ]  # fmt: skip
    assert found[0].text == "甲任务。（市住建局牵头）……乙任务。（市城管局牵头，市住建局配合）"
    assert found[1].deadline == "2025年"
    summary = summary_markdown(found)
    assert "牵头 1 项，配合 1 项，责任单位 1 项，落实 1 项" in summary
    sheet = ledger_sheet(found)
    assert sheet.rows[2][6] == '=HYPERLINK("http://evil")' and sheet.header[-2:] == [
        "落实情况",
        "备注",
    ]
    assert resolve_department("住房和城乡建设局", ["市城管局", "市住建局"], registry) == [
        "市住建局"
    ]


def test_matrix_marks_roles_with_printed_labels() -> None:
    registry = DepartmentRegistry.default().with_names(["市住建局", "市城管局"])
    ps = [
        provision("1", ("市住建局",), ("市城管局",)),
        provision("annex.3.3", text="方案", responsible=("市城管局",), label="附件 保障方案3"),
    ]
    m = matrix(ps, registry)
    html = matrix_html(m)
    assert html.count('<td class="mx-lead"') == 1 and html.count('<td class="mx-resp"') == 1
    assert "附件 保障方案 3" in html and "annex" not in html and "<i>" not in html
    grid = m.grid_sheet("文件")
    assert grid.header[:3] == ["条款", "标题", "条款原文"] and grid.rows[0][2] == EVIL


def test_library_lists_titles_with_metadata() -> None:
    doc = Document(
        "x", "关于<b>的通知", issuers=("市政府",), doc_number="苏〔1〕1号", level=Level.MUNICIPAL
    )
    html = library_html([doc], [dataclasses.replace(provision("1", ("市住建局",)), doc_id="x")])
    assert "关于&lt;b&gt;的通知" in html and "苏〔1〕1号" in html and "市级" in html
    assert 'data-label="有分工的条款">1<' in html and ">x<" not in html


# -- exports ------------------------------------------------------------------------------------
def test_xlsx_keeps_formulas_as_text_and_prints_on_a4(tmp_path: Path) -> None:
    rows = [["=1+1", "+SUM(A1)", "-2", "@cmd", "正常"]]
    path = write_xlsx("表", [Sheet("表一", ["甲", "乙", "丙", "丁", "戊"], rows, heading="标题")])
    ws = load_workbook(path)["表一"]
    cells = [ws.cell(row=3, column=c) for c in range(1, 6)]
    assert [c.value for c in cells] == ["=1+1", "+SUM(A1)", "-2", "@cmd", "正常"]
    assert {c.data_type for c in cells} == {"s"}
    assert ws.freeze_panes == "A3" and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["E"].width >= 6
    with open(write_csv("表", ["甲"], [["=1+1"], ["\t=x"], ["文字"]]), encoding="utf-8-sig") as f:
        assert [r[0] for r in csv.reader(f)] == ["甲", "'=1+1", "'\t=x", "文字"]
    assert csv_cell(3) == 3


# -- uploads, feedback, conversations, logins, corrections --------------------------------------
def test_uploads_are_checked_and_sanitised(tmp_path: Path) -> None:
    files = {
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02abc",
        "tool.exe": b"MZ....",
        "big.txt": "很长".encode() * 100,
        "fake.pdf": b"not a pdf",
        "../../政策 <文件>.txt": "一、总则\n内容。".encode(),
        "任务表.xlsx": b"PK\x03\x04" + b"\x00" * 20,
        "renamed.xlsx": b"just text",
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
    assert checked[6].problem is None and checked[6].stored is not None  # a task table is welcome
    assert checked[7].problem == "不是有效的 Excel（.xlsx）文件"
    assert sanitise("<>.txt", b"x").startswith("upload-")
    assert sanitise("..\\..\\a\u202eb.txt", b"x") == "a-b.txt"


def test_feedback_one_rating_per_message(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.sqlite")
    answer = Answer(question="问", text="**答**", citations=(cite("2.9.28", "第28条", "绿色金融"),))
    store.rate("c1", 1, answer, 1, doc_scope="全部文件")
    store.rate("c1", 1, answer, -1)  # changed, not added
    assert store.comment("c1", 1, "数字不对")
    assert not store.comment("c1", 3, "没有评价的回答")
    store.rate("c1", 3, Answer(question="问2", text="答2"), 1)
    assert store.ratings("c1") == {1: -1, 3: 1} and store.counts() == (1, 1)
    with open(store.export_csv(), encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["时间", "评价", "问题", "回答", "引用条款", "回答方式", "文件范围", "意见"]
    assert rows[1][1:6] == ["没帮助", "问", "答", "第28条 绿色金融", "规则组合"]
    assert rows[1][-1] == "数字不对" and len(rows) == 3
    store.unrate("c1", 3)
    assert store.ratings("c1") == {1: -1}


def test_conversations_are_kept_per_owner(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "conversations.sqlite")
    answer = Answer(
        question="绿色金融由谁牵头？", text="答", citations=(cite("2.9.28", "第28条", "绿色金融"),)
    )
    cid = store.create("browser:a")
    assert store.summaries("browser:a") == []  # nothing asked yet: not listed
    store.append("browser:a", cid, "绿色金融由谁牵头？", answer)
    store.append("browser:a", cid, "那配合部门呢？", answer)
    listed = store.summaries("browser:a")
    assert [(s.id, s.title) for s in listed] == [(cid, "绿色金融由谁牵头？")]
    messages = store.messages("browser:a", cid)
    assert messages is not None and [m.role for m in messages] == ["user", "assistant"] * 2
    assert messages[1].answer is not None and messages[1].answer.citations == answer.citations
    assert store.messages("browser:b", cid) is None and not store.rename("browser:b", cid, "x")
    assert (
        store.rename("browser:a", cid, "绿色金融")
        and store.summaries("browser:a")[0].title == "绿色金融"
    )
    with pytest.raises(KeyError):
        store.append("browser:b", cid, "q", answer)
    assert not store.delete("browser:b", cid) and store.delete("browser:a", cid)
    assert store.messages("browser:a", cid) is None
    restored = answer_from_json({**answer.to_json(), "future_field": 1})
    assert restored.citations == answer.citations and restored.question == answer.question


def test_session_display_thumbs_print_and_export(tmp_path: Path) -> None:
    answer = Answer(
        question="绿色金融由谁牵头？",
        text="**第28条 积极发展绿色金融（2.9.28）**",
        citations=(cite("2.9.28", "第28条", "积极发展绿色金融", doc="d"),),
    )
    s = ChatSession(owner="browser:a")
    s.add("绿色金融由谁牵头？<img src=x>", answer)
    shown = shown_messages(s)
    assert shown[0]["content"] == "绿色金融由谁牵头？&lt;img src=x&gt;"
    assert 'href="#pqa-cite-1-1"' in shown[1]["content"]
    assert thumbs(s, {1: -1}) == ["Dislike"] and thumbs(s, {}) == [None]
    texts = {"d#2.9.28": ("《苏州》", "全文<script>![i](http://e/x.png)")}
    printed = print_html(s, texts)
    assert "全文&lt;script&gt;" in printed and "［1］" in printed
    md = markdown_export(s, texts, "对话")
    assert "![i](http" not in md and "\\!\\[i\\]" not in md and "\\[i\\]" in md
    assert s.fresh().turns == [] and s.fresh().owner == "browser:a"
    path = docx_export(
        str(tmp_path / "对话.docx"),
        s,
        {**texts, "d#2.9.28": ("《苏州》", "全文\x01第二句")},
        "对话",
    )
    paragraphs = [p.text for p in read_docx(path).paragraphs]
    assert paragraphs[:2] == ["对话", "问：绿色金融由谁牵头？<img src=x>"]
    assert "第28条 积极发展绿色金融［1］" in paragraphs and "全文第二句" in paragraphs
    assert "［1］《苏州》第28条 积极发展绿色金融" in paragraphs


def test_login_limiter_slows_down_after_failures() -> None:
    now = [0.0]
    limiter = LoginLimiter(clock=lambda: now[0])
    delays = []
    for _ in range(FREE_FAILURES + 3):
        delays.append(limiter.delay())
        limiter.record(ok=False)
    assert delays == [0.0] * FREE_FAILURES + [1.0, 2.0, 4.0]
    now[0] = 10_000.0  # outside the window: forgotten
    assert limiter.delay() == 0.0
    access = Access.from_settings("u:p", "boss:b0ss")
    assert access.login_page and access.users == {"u": "p", "boss": "b0ss"}
    assert access.is_admin("boss", False) and not access.is_admin("u", False)
    assert access.is_admin(None, True) and not access.may_manage("u", False)
    assert Access.from_settings(None, None).may_manage(None, False)
    assert not Access.from_settings(None, None).is_admin(None, True)
    assert auth_pair("admin:p:w") == ("admin", "p:w")
    with pytest.raises(ValueError, match="用户名:密码"):
        auth_pair("admin")


def test_metadata_corrections(tmp_path: Path) -> None:
    store = Corrections(tmp_path / "corrections.json")
    doc = Document("x", "", level=Level.UNKNOWN)
    store.set(
        "x",
        validate(title=" 关于 通知 ", date="2022/3/17".replace("/3/", "/03/"), level="municipal"),
    )
    fixed = Corrections(tmp_path / "corrections.json").apply(doc)
    assert (fixed.title, fixed.date, fixed.level) == ("关于 通知", "2022-03-17", Level.MUNICIPAL)
    with pytest.raises(ValueError, match="日期格式不对"):
        validate(date="三月")
    with pytest.raises(ValueError, match="层级不对"):
        validate(level="galactic")
    store.forget("x")
    assert store.apply(doc) == doc
    assert not re.search(r'"x"', (tmp_path / "corrections.json").read_text(encoding="utf-8"))
