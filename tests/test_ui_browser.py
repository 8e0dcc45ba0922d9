"""End to end in a real browser: Debian's chromium driven by Playwright for Python.

Starts the app on a free loopback port with an empty index (so the first visit builds it, as on a
first start), asks, opens a citation, uploads a document and asks about it. Screenshots and the
timings a user sees go to tests/artifacts/ui/. Chromium comes from scripts/install-browser.sh.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.service import PolicyQA
from assistant.settings import Settings
from tests.conftest import SEED

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts" / "ui"
DATA = Path(__file__).parent / "data"
FIRST_START_S = 300  # index build of the seed corpus on 2 shared cores
ANSWER_MS = 60_000
TIMINGS: dict[str, float] = {}
DIALOGS: list[str] = []  # alert()/confirm() the page opened: a document's script ran


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def sync_playwright() -> Any:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright 未安装：pip install playwright（浏览器用 Debian 的 chromium）")
    if not CHROMIUM.is_file():
        pytest.fail(
            f"找不到 {CHROMIUM}：请先运行 scripts/install-browser.sh（apt-get install chromium）"
        )
    return sync_playwright


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from ui.app import build_app, launch

    corpus = tmp_path_factory.mktemp("browser-corpus")
    shutil.copy(SEED, corpus)
    qa = PolicyQA(Settings(index=tmp_path_factory.mktemp("browser-index"), corpus=corpus))
    TIMINGS["server_start"] = time.perf_counter()
    app = build_app(qa)
    port = free_port()
    launch(app, qa, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="module")
def page(sync_playwright: Any, server: str) -> Iterator[Any]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        page.on("dialog", lambda d: (DIALOGS.append(d.message), d.dismiss()))
        page.goto(server)
        status = page.locator("#status")
        status.get_by_text("索引已就绪").wait_for(timeout=FIRST_START_S * 1000)
        TIMINGS["first_start_s"] = time.perf_counter() - TIMINGS["server_start"]
        yield page
        browser.close()
    report = {k: round(v, 2) for k, v in TIMINGS.items() if k != "server_start"}
    (ARTIFACTS / "timings.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))


def ask(page: Any, question: str, expect: str) -> float:
    """Type a question, send it, wait until the answer shows `expect`; seconds as the user waits."""
    page.locator("#question textarea").fill(question)
    start = time.perf_counter()
    page.locator("#send").click()
    page.locator("#chat").get_by_text(expect).last.wait_for(timeout=ANSWER_MS)
    page.locator("#answer-note").get_by_text("用时").wait_for(timeout=ANSWER_MS)
    return time.perf_counter() - start


def open_tab(page: Any, name: str) -> None:
    page.get_by_role("tab", name=name).click()


def test_ask_and_open_citation(page: Any, capsys: pytest.CaptureFixture[str]) -> None:
    TIMINGS["first_answer_s"] = ask(page, "哪个部门牵头绿色金融？", "领导小组办公室")
    page.locator("#chips label", has_text="第28条").click()
    viewer = page.locator("#viewer")
    viewer.get_by_text("加快开发绿色产业基金", exact=False).wait_for(timeout=10_000)
    assert viewer.locator("mark.quote").count() > 0
    assert "牵头：市碳达峰碳中和工作领导小组办公室" in viewer.inner_text()
    page.screenshot(path=ARTIFACTS / "chat-citation.png", full_page=True)

    TIMINGS["warm_answer_s"] = ask(page, "市住建局负责哪些任务？", "推动构建绿色低碳建设体系")
    TIMINGS["follow_up_s"] = ask(page, "其中第15条讲了什么？", "第15条")
    page.screenshot(path=ARTIFACTS / "chat-follow-up.png", full_page=True)

    open_tab(page, "部门")
    picker = page.locator("#dept-picker input")
    picker.fill("住建局")
    picker.press("Enter")
    page.locator("#dept-summary").get_by_text("市住建局").wait_for(timeout=20_000)
    page.screenshot(path=ARTIFACTS / "departments.png", full_page=True)

    open_tab(page, "责任矩阵")
    page.locator("#matrix td.mx-lead").first.wait_for(timeout=20_000)
    page.screenshot(path=ARTIFACTS / "matrix.png", full_page=True)
    assert DIALOGS == []
    with capsys.disabled():
        print(f"\n[ui timings] {json.dumps(timings_report(), ensure_ascii=False)}")


def timings_report() -> dict[str, float]:
    return {k: round(v, 2) for k, v in TIMINGS.items() if k != "server_start"}


def test_upload_then_ask_about_it(page: Any, capsys: pytest.CaptureFixture[str]) -> None:
    open_tab(page, "文件库")
    page.locator("#upload input[type=file]").set_input_files(str(DATA / "ui-xss-notice.txt"))
    page.locator("#upload").get_by_text("ui-xss-notice.txt").first.wait_for(timeout=20_000)
    start = time.perf_counter()
    page.locator("#ingest").click()
    page.locator("#ingest-result").get_by_text("已导入").wait_for(timeout=FIRST_START_S * 1000)
    TIMINGS["upload_ingest_s"] = time.perf_counter() - start
    library = page.locator("#library")
    library.get_by_text("ui-xss-notice").first.wait_for(state="attached", timeout=20_000)
    assert "关于<script>alert(1)</script>推进智慧停车建设的通知" in library.inner_text()
    page.screenshot(path=ARTIFACTS / "library-upload.png", full_page=True)

    open_tab(page, "问答")
    page.locator("#new-chat").click()
    TIMINGS["uploaded_doc_answer_s"] = ask(page, "智慧停车平台由哪个部门牵头？", "市城管局")
    page.locator("#chips label", has_text="建设智慧停车平台").click()
    viewer = page.locator("#viewer")
    viewer.get_by_text("<script>alert(3)</script>", exact=False).wait_for(timeout=10_000)
    assert viewer.locator("script").count() == 0 and viewer.locator("img").count() == 0
    page.screenshot(path=ARTIFACTS / "uploaded-citation.png", full_page=True)

    open_tab(page, "责任矩阵")
    page.locator("#matrix-doc input").fill("ui-xss-notice")
    page.locator("#matrix-doc input").press("Enter")
    page.locator("#matrix").get_by_text("市机关事务局").wait_for(timeout=20_000)
    assert DIALOGS == [], f"页面执行了文件中的脚本：{DIALOGS}"
    with capsys.disabled():
        print(f"\n[ui timings] {json.dumps(timings_report(), ensure_ascii=False)}")
