"""One writer per index folder, across processes: an exclusive `flock` on `<index>/ingest.lock`.

Several app processes may serve one index; ingest and delete wait for each other here (the lock
dies with its process, so a killed ingest never leaves the index locked). Readers take no lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path


class IndexBusy(ValueError):
    """Another process kept the index locked for longer than we were willing to wait."""


class IngestLock:
    """Reentrant within a process (threads queue on an RLock), exclusive across processes."""

    def __init__(self, folder: Path, timeout_s: float = 600.0) -> None:
        self.path = Path(folder) / "ingest.lock"
        self.timeout_s = timeout_s
        self._thread_lock = threading.RLock()
        self._depth = 0
        self._fd: int | None = None

    def holder(self) -> str:
        """The pid written by the process that holds (or last held) the lock."""
        try:
            return self.path.read_text(encoding="utf-8").strip() or "?"
        except OSError:
            return "?"

    @contextlib.contextmanager
    def hold(self, waiting: Callable[[str], None] | None = None) -> Iterator[None]:
        with self._thread_lock:
            if self._depth == 0:
                self._acquire(waiting)
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0:
                    self._release()

    def try_hold(self) -> bool:
        """Take the lock without waiting (for repairs on open); release with `release()`."""
        if not self._thread_lock.acquire(blocking=False):
            return False
        if self._depth == 0:
            fd = self._open()
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                self._thread_lock.release()
                return False
            self._mark(fd)
        self._depth += 1
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0:
            self._release()
        self._thread_lock.release()

    def _open(self) -> int:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)

    def _mark(self, fd: int) -> None:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd

    def _acquire(self, waiting: Callable[[str], None] | None) -> None:
        fd = self._open()
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            message = (
                f"索引 {self.path.parent} 正由另一个进程（pid {self.holder()}）导入或删除文件，"
                "等待其完成……"
            )
            if waiting:
                waiting(message)
            deadline = time.monotonic() + self.timeout_s
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        os.close(fd)
                        raise IndexBusy(
                            f"索引 {self.path.parent} 正由另一个进程（pid {self.holder()}）"
                            f"导入，已等待 {self.timeout_s:.0f} 秒，请稍后再试"
                        ) from None
                    time.sleep(0.2)
        self._mark(fd)

    def _release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
