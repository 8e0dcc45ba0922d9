"""The local LLM server: an in-process xllamacpp (llama.cpp) server on 127.0.0.1, loaded once per
process, spoken to over its OpenAI-compatible HTTP API like any other endpoint."""

from __future__ import annotations

import atexit
import json
import logging
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
MODEL_ALIAS = "policyqa-local"


class LocalServerError(ValueError):
    """The local server could not be started (message in Chinese, shown by the CLI)."""


@dataclass(frozen=True, slots=True)
class ServerConfig:
    gguf: Path
    context_tokens: int = 4096
    threads: int = 2
    max_tokens: int = 384


class LocalServer:
    """One xllamacpp `Server`; `base_url` is its OpenAI endpoint (…/v1)."""

    def __init__(self, config: ServerConfig) -> None:
        self.config = config
        self._server: Any = None
        self.base_url = ""
        self.load_seconds = 0.0

    def start(self, timeout: float = 300.0) -> str:
        if self._server is not None:
            return self.base_url
        try:
            import xllamacpp  # noqa: PLC0415 - optional dependency, loaded only for `local`
        except ImportError as exc:
            raise LocalServerError(
                "缺少 xllamacpp：请运行 `pip install -e '.[local]'`（或 `make local-model`）。"
            ) from exc
        c = self.config
        params = xllamacpp.CommonParams()
        params.model.path = str(c.gguf)
        params.model_alias = MODEL_ALIAS
        params.hostnames = [HOST]
        params.port = free_port()
        params.n_ctx = c.context_tokens
        params.n_predict = c.max_tokens
        params.n_parallel = 1
        params.cpuparams.n_threads = c.threads
        params.cpuparams_batch.n_threads = c.threads
        # llama.cpp's own log: errors only, unless this module logs at debug level
        params.verbosity = 3 if log.isEnabledFor(logging.DEBUG) else 1
        started = time.perf_counter()
        log.info("starting local LLM server: %s on %s:%d", c.gguf.name, HOST, params.port)
        try:
            self._server = xllamacpp.Server(params)
        except Exception as exc:
            raise LocalServerError(f"本地模型服务启动失败：{exc}") from exc
        address = str(self._server.listening_address).rstrip("/")
        if not address.startswith("http"):
            address = f"http://{address}"
        wait_ready(address, timeout)
        self.load_seconds = time.perf_counter() - started
        self.base_url = f"{address}/v1"
        log.info("local LLM server ready at %s (%.1f s)", self.base_url, self.load_seconds)
        return self.base_url

    def stop(self) -> None:
        """Release the model: xllamacpp stops its HTTP thread when the Server is deallocated."""
        if self._server is not None:
            log.info("stopping local LLM server %s", self.base_url)
            self._server = None
            self.base_url = ""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_ready(address: str, timeout: float) -> None:
    """Poll GET /health until the model is loaded (200 {"status": "ok"})."""
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{address}/health", timeout=5) as r:
                body = json.loads(r.read().decode("utf-8") or "{}")
                if r.status == 200 and body.get("status", "ok") == "ok":
                    return
                last = str(body)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            last = str(exc)
        time.sleep(0.2)
    raise LocalServerError(f"本地模型服务在 {timeout:.0f} 秒内没有就绪：{last}")


# -- the process-wide instance ------------------------------------------------------------------
_lock = threading.Lock()
_instance: LocalServer | None = None


def shared_server(config: ServerConfig) -> LocalServer:
    """The one server of this process, started on first use; a different GGUF replaces it."""
    global _instance  # noqa: PLW0603 - one model per process is the point
    with _lock:
        if _instance is not None and _instance.config != config:
            _instance.stop()
            _instance = None
        if _instance is None:
            server = LocalServer(config)
            server.start()
            _instance = server
        return _instance


def stop_shared_server() -> None:
    global _instance  # noqa: PLW0603
    with _lock:
        if _instance is not None:
            _instance.stop()
            _instance = None


atexit.register(stop_shared_server)
