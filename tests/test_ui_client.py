"""Every endpoint of the gradio app, called through gradio_client against a live server on loopback.

The server runs on a free port with its own index, built from a copy of the seed corpus on the first
`/startup` (as a first browser visit would).
"""

from __future__ import annotations

import csv
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from assistant.service import PolicyQA
from assistant.settings import Settings
from tests.conftest import SEED

pytestmark = pytest.mark.integration

gradio_client = pytest.importorskip("gradio_client", reason="pip install gradio_client")
DATA = Path(__file__).parent / "data"
SEED_ID = SEED.stem
GREEN_FINANCE = f"{SEED_ID}#2.9.28"


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


@pytest.fixture(scope="module")
def client(qa: PolicyQA) -> Iterator[Any]:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from ui.app import build_app, launch

    app = build_app(qa)
    port = free_port()
    launch(app, qa, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        c = gradio_client.Client(f"http://127.0.0.1:{port}/", verbose=False)
        status = c.predict(api_name="/startup")
        assert "索引已就绪：1 份文件" in status
        yield c
    finally:
        app.close()


def text_of(message: dict[str, Any]) -> str:
    content = message["content"]
    if isinstance(content, str):
        return content
    return "".join(part.get("text", "") for part in content)


def value(update: Any) -> Any:
    return update["value"] if isinstance(update, dict) and "__type__" in update else update


def test_refresh_lists_documents_and_departments(client: Any) -> None:
    status, scope, departments, matrix_doc, library, library_doc = client.predict(
        api_name="/refresh"
    )
    assert "1 份文件" in status
    assert [c[1] for c in scope["choices"]] == ["", SEED_ID]
    names = [c[1] for c in departments["choices"]]
    assert "市住建局" in names and "市发改委" in names
    assert matrix_doc["value"] == SEED_ID and library_doc["value"] == SEED_ID
    assert library["data"][0][0] == SEED_ID and library["data"][0][3] == "苏委发〔2022〕7号"


def test_ask_follow_up_and_open_citation(client: Any) -> None:
    chat, chips, viewer, note, question = client.predict(
        "哪个部门牵头绿色金融？", "", "composer", api_name="/ask"
    )
    assert text_of(chat[0]) == "哪个部门牵头绿色金融？"
    assert "市碳达峰碳中和工作领导小组办公室" in text_of(chat[1])
    assert GREEN_FINANCE in [c[1] for c in chips["choices"]]
    assert "pv-empty" in viewer and "composer" in note and question == ""

    html = client.predict(GREEN_FINANCE, api_name="/open_citation")
    assert "积极发展绿色金融" in html and "加快开发绿色产业基金" in html
    assert '<mark class="quote">' in html and '<mark class="term">绿色金融</mark>' in html
    assert "牵头：市碳达峰碳中和工作领导小组办公室" in html and "配合：市财政局" in html

    chat, *_ = client.predict("它的配合部门有哪些？", "", "composer", api_name="/ask")
    assert len(chat) == 4 and "市财政局" in text_of(chat[3])

    chat, chips, *_ = client.predict(api_name="/new_chat")
    assert chat == [] and chips["choices"] == []


def test_ask_scoped_to_a_document(client: Any) -> None:
    chat, chips, *_ = client.predict("能不能新建燃煤锅炉？", SEED_ID, "composer", api_name="/ask")
    assert "燃煤" in text_of(chat[-1])
    assert all(ref.startswith(SEED_ID + "#") for _, ref in chips["choices"])


def test_feedback_is_stored_and_exported(client: Any, qa: PolicyQA) -> None:
    status, _ = client.predict("先提问", "", api_name="/feedback_up")
    client.predict("一共有多少项任务？", "", "composer", api_name="/ask")
    status, comment = client.predict("数字对了", "", api_name="/feedback_up")
    assert status == "已记录您的评价，谢谢！" and comment == ""
    client.predict("", "", api_name="/feedback_down")
    assert (qa.settings.index / "feedback.sqlite").is_file()
    exported = value(client.predict(api_name="/export_feedback"))
    with open(exported, encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    assert rows[0][:3] == ["时间", "评价", "问题"]
    assert [r[1:3] for r in rows[1:]][-2:] == [
        ["👍", "一共有多少项任务？"],
        ["👎", "一共有多少项任务？"],
    ]
    assert rows[-2][-1] == "数字对了"


@pytest.mark.parametrize("name", ["市住建局", "苏州市住房和城乡建设局", "住建局"])
def test_department_tasks_by_alias(client: Any, name: str) -> None:
    summary, table = client.predict(name, api_name="/department_tasks")
    assert "**市住建局**" in summary
    rows = {(r[2], r[5]) for r in table["data"]}
    assert {("2.4.14", "牵头"), ("2.4.15", "牵头"), ("2.3.11", "配合")} <= rows
    assert table["headers"][:3] == ["部门", "文件", "条款编号"]


def test_department_unknown_and_export(client: Any) -> None:
    summary, table = client.predict("不存在的局", api_name="/department_tasks")
    assert "没有找到部门" in summary and table["data"] in (
        [],
        [[]],
        [["", "", "", "", "", "", "", ""]],
    )
    client.predict("市发改委", api_name="/department_tasks")
    path = value(client.predict("xlsx", api_name="/export_department"))
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "部门" and all(r[0] == "市发改委" for r in rows[1:]) and len(rows) > 5
    csv_path = value(client.predict("csv", api_name="/export_department"))
    assert Path(csv_path).read_text(encoding="utf-8-sig").startswith("部门,文件,条款编号")


def test_matrix_and_export(client: Any) -> None:
    html, table = client.predict(SEED_ID, api_name="/matrix")
    assert '<td class="mx-lead"' in html and '<td class="mx-co"' in html
    summary = {r[0]: r for r in table["data"]}
    assert summary["市住建局"][1] >= 3 and summary["市住建局"][2] >= 9
    path = value(client.predict(SEED_ID, "xlsx", api_name="/export_matrix"))
    book = load_workbook(path)
    assert book.sheetnames == ["矩阵", "汇总"]
    grid = list(book["矩阵"].iter_rows(values_only=True))
    assert grid[0][0] == "部门" and {"牵头", "配合"} <= {c for row in grid[1:] for c in row}
    html, _ = client.predict("no-such-doc", api_name="/matrix")
    assert "找不到文件" in html


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


def test_upload_ask_reingest_delete(client: Any, qa: PolicyQA) -> None:
    upload = gradio_client.handle_file(str(DATA / "ui-xss-notice.txt"))
    result, _ = client.predict([upload], api_name="/ingest")
    assert "已导入：ui-xss-notice" in result
    assert (qa.settings.index / "uploads" / "ui-xss-notice.txt").is_file()

    _, scope, *_ = client.predict(api_name="/refresh")
    assert "ui-xss-notice" in [c[1] for c in scope["choices"]]
    chat, chips, *_ = client.predict(
        "智慧停车平台由哪个部门牵头？", "ui-xss-notice", "composer", api_name="/ask"
    )
    assert "市城管局" in text_of(chat[-1])
    ref = chips["choices"][0][1]
    html = client.predict(ref, api_name="/open_citation")
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in html

    html, _ = client.predict("ui-xss-notice", api_name="/matrix")
    assert "<script" not in html and "市城管局" in html

    assert "内容未变化" in client.predict("ui-xss-notice", api_name="/reingest")
    result, confirmed = client.predict("ui-xss-notice", False, api_name="/delete")
    assert "确认删除" in result
    result, confirmed = client.predict("ui-xss-notice", True, api_name="/delete")
    assert result == "已删除：ui-xss-notice" and confirmed is False
    assert [d.doc_id for d in qa.documents()] == [SEED_ID]


def test_login_required_when_auth_is_set(tmp_path: Path) -> None:
    from ui.app import build_app, launch

    qa = PolicyQA(Settings(index=tmp_path / "index", corpus=tmp_path, auth="tester:s3cret"))
    app = build_app(qa)
    port = free_port()
    launch(app, qa, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        with pytest.raises(Exception):  # noqa: B017 - gradio_client raises a bare error
            gradio_client.Client(url, verbose=False)
        c = gradio_client.Client(url, auth=("tester", "s3cret"), verbose=False)
        status, *_ = c.predict(api_name="/refresh")
        assert "索引为空" in status
    finally:
        app.close()
