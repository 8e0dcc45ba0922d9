"""No hidden network: the guard itself (this process and the processes tests start), and the
telemetry switches of chromadb and gradio, checked at run time on the objects the product builds."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.index.chroma import make_client
from assistant.service import PolicyQA
from assistant.settings import Settings
from tests import netguard
from tests.conftest import SEED

OUTSIDE = ("93.184.216.34", 80)  # any public address


def test_outbound_connections_are_refused_loopback_works() -> None:
    with netguard.expected():
        with pytest.raises(netguard.NetworkBlockedError):
            socket.create_connection(OUTSIDE, timeout=1)
        with pytest.raises(OSError):
            socket.getaddrinfo("pypi.org", 443)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp, pytest.raises(OSError):
            udp.sendto(b"x", ("8.8.8.8", 53))
        with socket.socket() as s:
            assert s.connect_ex(OUTSIDE) != 0
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
    assert socket.getaddrinfo("localhost", 80)


def test_an_attempt_is_recorded_even_when_swallowed() -> None:
    """Telemetry code catches its errors: the attempt must still be seen."""
    before = len(netguard.attempts)
    with contextlib.suppress(OSError):  # what a telemetry thread does
        socket.create_connection(OUTSIDE, timeout=1)
    recorded = netguard.attempts[before:]
    del netguard.attempts[before:]  # this one was on purpose
    assert len(recorded) == 1 and "93.184.216.34" in recorded[0]


def test_child_processes_are_guarded_too(tmp_path: Path) -> None:
    log = tmp_path / "child.log"
    code = textwrap.dedent(
        """
        import socket
        try:
            socket.create_connection(("93.184.216.34", 80), timeout=1)
        except OSError as exc:
            print(type(exc).__name__)
        """
    )
    env = {**os.environ, netguard.LOG_ENV: str(log)}
    done = subprocess.run(
        [sys.executable, "-c", code], check=False, capture_output=True, text=True, env=env
    )
    assert done.stdout.strip() == "NetworkBlockedError", done.stderr
    assert "93.184.216.34" in log.read_text("utf-8")


def test_chromadb_telemetry_is_off(tmp_path: Path) -> None:
    client = make_client(Settings(index=tmp_path))
    assert client.get_settings().anonymized_telemetry is False
    collection = client.get_or_create_collection("probe", embedding_function=None)
    collection.add(ids=["a"], embeddings=[[0.1, 0.2]], documents=["x"])
    assert collection.count() == 1  # real work done; the guard saw no attempt


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Any, int]]:
    """The product's gradio app, launched on loopback (its index built from the seed), with the
    environment asking gradio for analytics."""
    monkeypatch.setenv("GRADIO_ANALYTICS_ENABLED", "True")
    from ui.app import build_app, launch

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SEED, corpus)
    qa = PolicyQA(Settings(index=tmp_path / "index", corpus=corpus))
    blocks = build_app(qa)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    launch(blocks, qa, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        yield blocks, port
    finally:
        blocks.close()


def test_gradio_analytics_are_off(app: tuple[Any, int], monkeypatch: pytest.MonkeyPatch) -> None:
    """The app's Blocks have analytics off whatever GRADIO_ANALYTICS_ENABLED says, and serving a
    page and an API call sends nothing (the guard records no attempt)."""
    from gradio import analytics

    blocks, port = app
    assert blocks.analytics_enabled is False
    sent: list[str] = []
    monkeypatch.setattr(analytics, "_do_analytics_request", lambda topic, data: sent.append(topic))
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
        assert page.status == 200
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/config", timeout=30) as config:
        assert json.load(config)["analytics_enabled"] is False
    assert sent == []


def test_served_app_sends_nothing(tmp_path: Path) -> None:
    """`policyqa serve` in its own process, without the tests' HF_HUB_OFFLINE and with the
    environment asking gradio for analytics: pages and the API description are served, and the
    guard (installed in the child through sitecustomize) logs no attempt."""
    log = tmp_path / "served.log"
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if k != "HF_HUB_OFFLINE"}
    env |= {netguard.LOG_ENV: str(log), "GRADIO_ANALYTICS_ENABLED": "True"}
    env |= {"POLICYQA_INDEX": str(tmp_path / "index"), "POLICYQA_CORPUS": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "assistant", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as page:
                    assert page.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "the app did not start"
                time.sleep(0.5)
        for path in ("/config", "/gradio_api/info"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as r:
                assert r.status == 200
        time.sleep(2)  # background threads (update checks, telemetry) would have started by now
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not log.exists() or log.read_text("utf-8") == ""
