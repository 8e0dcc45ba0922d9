"""Progress of index work (the first build, uploads) that every page can watch.

`Tracker` records the latest message and fraction reported by `PolicyQA.ingest`; `IndexBuilder` runs
the first build in a background thread, so the page shows it moving and a question asked meanwhile
waits with "正在建立索引（已完成 N/M）" instead of being answered from a half-built index.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from assistant.index.store import IngestReport
from assistant.service import PolicyQA

log = logging.getLogger(__name__)
POLL_S = 0.25
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Snapshot:
    running: bool = False
    message: str = ""
    fraction: float = 0.0
    files_done: int = 0
    files_total: int = 0
    started: float = 0.0

    def text(self, what: str = "正在建立索引") -> str:
        """`⏳ 正在建立索引（已完成 1/3 份文件）：xxx.txt：已向量化 64 段文本`"""
        if self.files_total:
            done = f"已完成 {self.files_done}/{self.files_total} 份文件"
        else:
            done = f"{self.fraction:.0%}"
        head = f"⏳ {what}（{done}）"
        return f"{head}：{self.message}" if self.message else head


@dataclass
class Tracker:
    """Thread-safe holder of the latest progress report of one kind of work."""

    _state: Snapshot = field(default_factory=Snapshot)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self, files_total: int = 0) -> None:
        with self._lock:
            self._state = Snapshot(True, "正在准备……", 0.0, 0, files_total, time.monotonic())

    def report(self, message: str, fraction: float) -> None:
        with self._lock:
            total = self._state.files_total
            done = min(total, int(fraction * total + 1e-9)) if total else 0
            self._state = replace(
                self._state, message=message, fraction=max(0.0, min(1.0, fraction)), files_done=done
            )

    def end(self) -> None:
        with self._lock:
            self._state = replace(self._state, running=False, fraction=1.0)

    def snapshot(self) -> Snapshot:
        with self._lock:
            return self._state


class IndexBuilder:
    """The first build (or the re-index after a parser change), once, in a background thread."""

    def __init__(self, qa: PolicyQA, lock: threading.Lock) -> None:
        self.qa = qa
        self.lock = lock  # the app's lock for every ingest and delete
        self.tracker = Tracker()
        self.report: IngestReport | None = None
        self.error: str | None = None
        self._thread: threading.Thread | None = None
        self._done = threading.Event()
        self._start_lock = threading.Lock()

    def start(self) -> None:
        with self._start_lock:
            if self._thread is not None:
                return
            self.tracker.begin(self.qa.pending_files())
            self._thread = threading.Thread(target=self._run, name="policyqa-index", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        try:
            with self.lock:
                self.report = self.qa.ensure_index(progress=self.tracker.report)
        except Exception as exc:  # shown on the page; the log has the trace
            log.exception("index build failed")
            self.error = f"建立索引失败：{exc}"
        finally:
            self.tracker.end()
            self._done.set()

    @property
    def running(self) -> bool:
        return self._thread is not None and not self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def watch(self) -> Iterator[str]:
        """Progress texts while the build runs, each one different from the last."""
        last = ""
        while self.running:
            text = self.tracker.snapshot().text()
            if text != last:
                last = text
                yield text
            self._done.wait(POLL_S)


def watch_work(
    work: Callable[[Callable[[str, float], None]], T],
    what: str,
    files_total: int = 0,
) -> Iterator[tuple[str, T | None]]:
    """Run `work(progress)` in a thread; yield (progress text, None) while it runs, then
    ("", its result). An exception in the work is raised here."""
    tracker = Tracker()
    tracker.begin(files_total)
    box: dict[str, Any] = {}
    done = threading.Event()

    def run() -> None:
        try:
            box["result"] = work(tracker.report)
        except BaseException as exc:
            box["error"] = exc
        finally:
            done.set()

    threading.Thread(target=run, name="policyqa-work", daemon=True).start()
    last = ""
    while not done.is_set():
        text = tracker.snapshot().text(what)
        if text != last:
            last = text
            yield text, None
        done.wait(POLL_S)
    if "error" in box:
        raise box["error"]
    yield "", box["result"]
