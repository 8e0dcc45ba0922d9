"""The gradio app's endpoints, called through gradio_client against live servers on loopback.

One index (a copy of the seed corpus, built by the first `/startup`) serves three apps: an open one,
one with an administrator (POLICYQA_ADMIN) and no login page, and one behind a login.
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assistant.service import PolicyQA
from assistant.settings import Settings
from tests.conftest import EXTERNAL, SEED
from ui.auth import FREE_FAILURES, Access

pytestmark = pytest.mark.integration

gradio_client = pytest.importorskip("gradio_client", reason="pip install gradio_client")
DATA = Path(__file__).parent / "data"
SEED_ID = SEED.stem
GREEN_FINANCE = f"{SEED_ID}#2.9.28"
ADMIN = ("chief", "s3cret-admin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    corpus = tmp_path_factory.mktemp("ui-corpus")
    shutil.copy(SEED, corpus)
    index = tmp_path_factory.mktemp("ui-index")
    return PolicyQA(Settings(index=index, corpus=corpus, ingest={"max_upload_bytes": 100_000}))


def serve(qa: PolicyQA, access: Access | None = None) -> tuple[Any, str]:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from ui.app import build_app, launch

    app = build_app(qa, access)
    port = free_port()
    launch(app, qa, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    return app, f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def client(qa: PolicyQA) -> Iterator[Any]:
    app, url = serve(qa)
    try:
        c = gradio_client.Client(url, verbose=False)
        status = c.predict(api_name="/startup")
        assert "索引已就绪：1 份文件" in status
        c.predict(api_name="/refresh")  # this session's lists of documents
        yield c
    finally:
        app.close()


@pytest.fixture(scope="module")
def admin_url(qa: PolicyQA, client: Any) -> Iterator[str]:
    app, url = serve(qa, Access.from_settings(None, ":".join(ADMIN)))
    try:
        yield url
    finally:
        app.close()


def text_of(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)


def value(update: Any) -> Any:
    return update["value"] if isinstance(update, dict) and "__type__" in update else update


def ask(c: Any, question: str, scope: str = "") -> tuple[Any, ...]:
    """chat, citations, viewer, note, question box, print list"""
    return tuple(c.predict(question, scope, "composer", api_name="/ask"))


def test_refresh_lists_documents_by_title(client: Any) -> None:
    status, scope, departments, matrix_doc, library, library_doc = client.predict(
        api_name="/refresh"
    )
    assert "1 份文件" in status
    assert scope["choices"][1] == [
        "关于加快转变发展方式做好碳达峰碳中和工作的实施意见（苏委发〔2022〕7号）",
        SEED_ID,
    ]
    names = [c[1] for c in departments["choices"]]
    assert "市住建局" in names and "市发改委" in names
    housing = next(c[0] for c in departments["choices"] if c[1] == "市住建局")
    assert "住房和城乡建设局" in housing  # the label carries the full name: typing it finds it
    assert matrix_doc["value"] == SEED_ID and library_doc["value"] is None
    assert "<td" in library and "苏委发〔2022〕7号" in library and "市级" in library
    assert SEED_ID not in library  # the library names documents by title, not by file slug


def test_ask_markers_follow_up_and_new_chat(client: Any) -> None:
    chat, citations, viewer, note, question, printed = ask(client, "哪个部门牵头绿色金融？")
    assert text_of(chat[0]) == "哪个部门牵头绿色金融？"
    answer = text_of(chat[1])
    assert "市碳达峰碳中和工作领导小组办公室" in answer
    assert 'href="#pqa-cite-1-1">［1］</a>' in answer and "2.9.28" not in answer
    assert "［1］" in citations and "第28条" in citations and "积极发展绿色金融" in citations
    assert "回答方式：规则组合" in note and "composer" not in note and question == ""
    assert "加快开发绿色产业基金" in printed  # the print list carries the provision's text

    citations, viewer = client.predict("1-1@123", api_name="/open_marker")
    assert "积极发展绿色金融" in viewer and "加快开发绿色产业基金" in viewer
    assert "《关于加快转变发展方式做好碳达峰碳中和工作的实施意见》" in viewer
    assert "第28条" in viewer and "2.9.28" not in viewer
    assert '<mark class="quote">' in viewer and '<mark class="term">绿色金融</mark>' in viewer
    assert "牵头：市碳达峰碳中和工作领导小组办公室" in viewer and "配合：市财政局" in viewer
    assert "pc-active" in citations

    chat, *_ = ask(client, "它的配合部门有哪些？")
    assert len(chat) == 4 and "市财政局" in text_of(chat[3])

    cleared = client.predict(api_name="/new_chat")
    assert value(cleared[0]) == []
    chat, *_ = ask(client, "它的配合部门有哪些？")
    assert len(chat) == 2 and "市财政局" not in text_of(chat[1])  # no context left over


def test_long_list_is_one_compact_table(client: Any) -> None:
    client.predict(api_name="/new_chat")
    chat, citations, *_ = ask(client, "一共有多少项任务？")
    assert "32 项任务" in text_of(chat[1])
    assert 'class="pc-table' in citations and citations.count("<tr") >= 30
    assert "pc-item" not in citations  # no chips
    citations, viewer = client.predict("1-32@1", api_name="/open_marker")
    assert "第32条" in viewer


def test_annex_labels_are_printed_labels(client: Any) -> None:
    client.predict(api_name="/new_chat")
    chat, citations, *_ = ask(client, "市住建局在附件中负责哪些方案？")
    answer = text_of(chat[1])
    assert "annex" not in answer and "annex" not in citations
    _, viewer = client.predict("1-1@1", api_name="/open_marker")
    assert "附件 重点领域专项实施方案 4" in viewer and "annex" not in viewer
    assert "责任单位：市住建局" in viewer


def test_scoped_ask_and_unknown_scope(client: Any) -> None:
    client.predict(api_name="/new_chat")
    chat, *_ = ask(client, "能不能新建燃煤锅炉？", SEED_ID)
    assert "燃煤" in text_of(chat[-1])
    *_, note, _, _ = ask(client, "能不能新建燃煤锅炉？", "../manifest")
    assert note == "所选的文件范围不存在，请重新选择。"


def test_open_citation_by_reference(client: Any) -> None:
    html = client.predict(GREEN_FINANCE, api_name="/open_citation")
    assert "加快开发绿色产业基金" in html and "2.9.28" not in html
    assert "找不到这个条款" in client.predict(f"{SEED_ID}#9.9.9", api_name="/open_citation")


@pytest.mark.parametrize("name", ["市住建局", "苏州市住房和城乡建设局", "住建局"])
def test_department_ledger_by_alias(client: Any, name: str) -> None:
    summary, ledger = client.predict(name, api_name="/department_tasks")
    assert "**市住建局**：牵头 3 项，配合 9 项；附件分工表中负责 2 项" in summary
    assert ledger.count('class="lg-doc"') == 1  # one document
    assert "牵头负责（3 项）" in ledger and "按职责分工参与（配合）（9 项）" in ledger
    assert "推动构建绿色低碳建设体系" in ledger and "2.4.14" not in ledger


def test_ledger_counts_agree_with_the_chat(client: Any) -> None:
    client.predict(api_name="/new_chat")
    chat, *_ = ask(client, "市住建局负责哪些任务？")
    answer = text_of(chat[1])
    summary, _ = client.predict("市住建局", api_name="/department_tasks")
    assert "牵头的任务（3项）" in answer and "牵头 3 项" in summary
    assert "配合）的任务（9项）" in answer and "配合 9 项" in summary
    assert "附件分工表中还有 2 项" in answer and "附件分工表中负责 2 项" in summary


def test_department_unknown_and_ledger_export(client: Any) -> None:
    summary, ledger = client.predict("不存在的局", api_name="/department_tasks")
    assert "没有找到部门" in summary and ledger == ""
    path = value(client.predict("市住建局", api_name="/export_department"))
    book = load_workbook(path)
    sheet = book["任务台账"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "市住建局 任务台账" and rows[1][:4] == ("序号", "部门", "角色", "文件")
    body = rows[2:]
    assert len(body) == 14 and {r[2] for r in body} == {"牵头", "配合", "责任单位"}
    first = body[0]
    assert first[4] == "第14条" and first[5] == "推动构建绿色低碳建设体系"
    assert "建立规划、建设、管理统筹机制" in first[6]  # the provision's own text
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.paperSize == int(sheet.PAPERSIZE_A4)
    assert sheet.column_dimensions["G"].width == 60


def test_matrix_and_export(client: Any) -> None:
    html, table = client.predict(SEED_ID, api_name="/matrix")
    assert '<td class="mx-lead"' in html and '<td class="mx-co"' in html
    assert '<td class="mx-resp"' in html  # annex rows: responsible units
    assert "附件 关键环节专项保障方案 3" in html and "annex" not in html
    assert "市住建局" in table and 'data-label="牵头"' in table
    path = value(client.predict(SEED_ID, api_name="/export_matrix"))
    book = load_workbook(path)
    assert book.sheetnames == ["责任矩阵", "部门汇总"]
    grid = book["责任矩阵"]
    rows = list(grid.iter_rows(values_only=True))
    assert rows[1][:3] == ("条款", "标题", "条款原文")
    assert {"牵头", "配合", "责任单位"} <= {c for row in rows[2:] for c in row[3:]}
    assert any(r[1] == "积极发展绿色金融" and "绿色产业基金" in r[2] for r in rows[2:])
    assert grid.freeze_panes == "A3" and grid.page_setup.orientation == "landscape"
    assert grid.cell(row=2, column=4).alignment.text_rotation == 255  # departments, vertical
    assert grid.column_dimensions["C"].width == 56 and grid.column_dimensions["D"].width == 5


def test_upload_bad_files_get_chinese_reasons(client: Any, tmp_path: Path) -> None:
    files = {
        "empty.txt": b"",
        "binary.txt": b"\x00\x01\x02\x03",
        "program.exe": b"MZ\x90\x00",
        "huge.txt": "政策".encode() * 25_000,  # over the limit, under gradio's own cap
    }
    paths = []
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        paths.append(gradio_client.handle_file(str(tmp_path / name)))
    result, _ = client.predict(paths, api_name="/ingest")
    assert "empty.txt：文件是空的" in result
    assert "binary.txt：不是文本文件" in result
    assert "program.exe：不支持的文件类型（.exe）" in result
    assert "huge.txt：文件过大" in result
    assert "已导入" not in result


def test_upload_ask_reingest_delete(client: Any, qa: PolicyQA, tmp_path: Path) -> None:
    odd = tmp_path / "..%2F..%2Fui xss <notice>.txt"
    shutil.copy(DATA / "ui-xss-notice.txt", odd)
    result, _ = client.predict([gradio_client.handle_file(str(odd))], api_name="/ingest")
    assert "已导入" in result
    stored = list((qa.settings.index / "uploads").iterdir())
    assert [p.name for p in stored if "notice" in p.name] == ["2F-2Fui-xss-notice.txt"]
    doc = next(d for d in qa.documents() if "notice" in d.doc_id)

    _, scope, *_ = client.predict(api_name="/refresh")
    assert doc.doc_id in [c[1] for c in scope["choices"]]
    client.predict(api_name="/new_chat")
    chat, citations, *_ = ask(client, "智慧停车平台由哪个部门牵头？", doc.doc_id)
    assert "市城管局" in text_of(chat[-1])
    assert "<script" not in text_of(chat[-1]) and "<script" not in citations
    _, viewer = client.predict("1-1@1", api_name="/open_marker")
    assert "<script" not in viewer and "<img" not in viewer
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in viewer

    html, _ = client.predict(doc.doc_id, api_name="/matrix")
    assert "<script" not in html and "市城管局" in html

    assert "内容未变化" in client.predict(doc.doc_id, api_name="/reingest")
    with pytest.raises(Exception, match="not in the list of choices"):
        client.predict("../manifest", api_name="/delete")  # only the listed documents
    result = client.predict(doc.doc_id, api_name="/delete")
    assert result == "已删除：《关于&lt;script&gt;alert(1)&lt;/script&gt;推进智慧停车建设的通知》"
    assert [d.doc_id for d in qa.documents()] == [SEED_ID]


def test_answers_are_not_queued_behind_an_upload(qa: PolicyQA, client: Any) -> None:
    """An upload's ingest runs in its own queue: questions asked meanwhile are answered before
    it ends (the ingest of a 13 KB document embeds ~80 passages; an answer takes milliseconds)."""
    uploader = gradio_client.Client(client.src, verbose=False)
    job = uploader.submit(
        [
            gradio_client.handle_file(
                str(EXTERNAL / "wuhan-carbon-reduction-low-carbon-industry-work-plan.txt")
            )
        ],
        api_name="/ingest",
    )
    asker = gradio_client.Client(client.src, verbose=False)
    deadline = time.monotonic() + 120
    while "正在导入" not in " ".join(str(o) for o in job.outputs()) and time.monotonic() < deadline:
        time.sleep(0.05)  # the upload's ingest has started
    answered = []
    for question in ("哪个部门牵头绿色金融？", "能不能新建燃煤锅炉？", "一共有多少项任务？"):
        chat, *_ = ask(asker, question)
        answered.append((text_of(chat[-1]), job.done()))
    result = job.result()[0]
    assert "已导入" in result
    assert [done for _, done in answered] == [False, False, False]  # all before the upload ended
    assert "领导小组办公室" in answered[0][0] and "燃煤" in answered[1][0]
    qa.delete(next(d.doc_id for d in qa.documents() if d.doc_id.startswith("wuhan")))


def test_metadata_correction(client: Any, qa: PolicyQA) -> None:
    client.predict(api_name="/refresh")
    result = client.predict(
        SEED_ID, "关于加快转变发展方式做好碳达峰碳中和工作的实施意见", "中共苏州市委、苏州市人民政府",
        "苏委发〔2022〕7号", "2022/3/1x", "municipal", api_name="/correct_document",
    )  # fmt: skip
    assert result.startswith("❌ 日期格式不对")
    result = client.predict(
        SEED_ID, "关于加快转变发展方式做好碳达峰碳中和工作的实施意见", "中共苏州市委、苏州市人民政府",
        "苏委发〔2022〕7号", "2022-03-18", "municipal", api_name="/correct_document",
    )  # fmt: skip
    assert result.startswith("✅ 已保存")
    assert qa.documents()[0].date == "2022-03-18"
    assert qa.corrections.apply(qa.index.documents()[0]).date == "2022-03-18"
    library = client.predict(api_name="/refresh")[4]
    assert "2022-03-18" in library
    qa.correct_document(SEED_ID, date="2022-03-17")  # as parsed: the correction is dropped
    assert not (qa.settings.index / "corrections.json").read_text(encoding="utf-8").count("date")


def test_feedback_records_only_for_the_administrator(client: Any, admin_url: str) -> None:
    _, view = client.predict(api_name="/export_feedback")
    assert "未设置管理员账号" in view  # no administrator configured: nobody reads them here
    visitor = gradio_client.Client(admin_url, verbose=False)
    file, view = visitor.predict(api_name="/export_feedback")
    assert value(file) is None and view == "此操作需要管理员登录。"
    assert visitor.predict(api_name="/feedback_view") == "此操作需要管理员登录。"
    note, _ = visitor.predict(ADMIN[0], "wrong", api_name="/admin_login")
    assert note.startswith("❌")
    assert visitor.predict(api_name="/export_feedback")[1] == "此操作需要管理员登录。"
    note, _ = visitor.predict(*ADMIN, api_name="/admin_login")
    assert note == "✅ 已以管理员身份登录。"
    file, view = visitor.predict(api_name="/export_feedback")
    with open(value(file), encoding="utf-8-sig") as f:
        assert next(csv.reader(f))[:3] == ["时间", "评价", "问题"]
    assert "有帮助" in view


def test_document_management_needs_the_administrator(admin_url: str, qa: PolicyQA) -> None:
    visitor = gradio_client.Client(admin_url, verbose=False)
    visitor.predict(api_name="/refresh")
    upload = gradio_client.handle_file(str(DATA / "ui-xss-notice.txt"))
    assert visitor.predict([upload], api_name="/ingest")[0] == "此操作需要管理员登录。"
    assert visitor.predict(SEED_ID, api_name="/delete") == "此操作需要管理员登录。"
    assert visitor.predict(SEED_ID, api_name="/reingest") == "此操作需要管理员登录。"
    assert [d.doc_id for d in qa.documents()] == [SEED_ID]
    chat, *_ = ask(visitor, "哪个部门牵头绿色金融？")  # questions stay open to everyone
    assert "领导小组办公室" in text_of(chat[-1])


def test_login_required_and_failed_logins_slowed(tmp_path: Path) -> None:
    qa = PolicyQA(
        Settings(index=tmp_path / "index", corpus=tmp_path, auth="tester:s3cret", admin="boss:b0ss")
    )
    app, url = serve(qa)
    try:
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises a bare error
            gradio_client.Client(url, verbose=False)
        started = time.monotonic()
        for _ in range(FREE_FAILURES + 2):
            with pytest.raises(Exception):  # noqa: B017
                gradio_client.Client(url, auth=("tester", "guess"), verbose=False)
        # after the free failures each attempt waits 1 s, then 2 s
        assert time.monotonic() - started >= 3.0
        c = gradio_client.Client(url, auth=("tester", "s3cret"), verbose=False)  # waits 4 s
        status, *_ = c.predict(api_name="/refresh")
        assert "文件库是空的" in status
        boss = gradio_client.Client(url, auth=("boss", "b0ss"), verbose=False)
        assert "未设置" not in boss.predict(api_name="/feedback_view")
        assert c.predict(api_name="/feedback_view") == "此操作需要管理员登录。"
    finally:
        app.close()
