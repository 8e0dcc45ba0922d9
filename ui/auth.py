"""Who may do what: the login (`POLICYQA_AUTH`), the administrator (`POLICYQA_ADMIN`) and a limit on
failed logins.

- `POLICYQA_AUTH=user:password` asks every visitor to log in (the administrator may log in too).
- `POLICYQA_ADMIN=user:password` limits document management (upload, re-ingest, delete, metadata
  corrections) and the feedback records to the administrator: logged in as that user, or, when the
  app has no login page, after the 管理员登录 in the 文件库 tab. Without it, documents can be managed
  by anyone who can open the app, and the feedback records by nobody in the app.
- Failed logins are slowed down: after a few failures each further attempt waits, longer and
  longer, one at a time, so guessing a password takes hours instead of seconds.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import cast

log = logging.getLogger(__name__)

FREE_FAILURES = 3  # failures within the window before attempts are slowed down
WINDOW_S = 600.0
MAX_DELAY_S = 30.0
ADMIN_REQUIRED = "此操作需要管理员登录。"
NO_ADMIN = "未设置管理员账号（POLICYQA_ADMIN），反馈记录只能由管理员查看。"


def credential(value: str | None, name: str) -> tuple[str, str] | None:
    """`user:password` → (user, password); None when unset."""
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError(f"{name} 的格式应为 用户名:密码")
    return user, password


class LoginLimiter:
    """Failed logins slow every later attempt down: after `FREE_FAILURES` failures in the window,
    each attempt first waits 1, 2, 4 … seconds (at most `MAX_DELAY_S`), one attempt at a time."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: list[float] = []
        self._lock = threading.Lock()

    def delay(self) -> float:
        """Seconds the next attempt must wait."""
        now = self._clock()
        with self._lock:
            self._failures = [t for t in self._failures if now - t < WINDOW_S]
            extra = len(self._failures) - FREE_FAILURES
        return 0.0 if extra < 0 else min(MAX_DELAY_S, 2.0**extra)

    def record(self, ok: bool) -> None:
        with self._lock:
            if ok:
                self._failures.clear()
            else:
                self._failures.append(self._clock())


@dataclass
class Access:
    """The accounts of one app and the checks every protected action calls."""

    users: dict[str, str]  # login → password (ordinary users and the administrator)
    admin: str | None  # the administrator's login
    login_page: bool  # gradio asks for a login before the app opens
    limiter: LoginLimiter
    _serial: asyncio.Lock | None = None
    _threads: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def from_settings(cls, auth: str | None, admin: str | None) -> Access:
        user = credential(auth, "POLICYQA_AUTH")
        boss = credential(admin, "POLICYQA_ADMIN")
        users = dict([user] if user else [])
        if boss:
            users[boss[0]] = boss[1]
        return cls(users, boss[0] if boss else None, user is not None, LoginLimiter())

    @property
    def admin_configured(self) -> bool:
        return self.admin is not None

    def _matches(self, user: str, password: str) -> bool:
        expected = self.users.get(user)
        # compare even for an unknown user, so timing does not tell which users exist
        return hmac.compare_digest((expected or "\0").encode(), password.encode()) and bool(
            expected
        )

    async def check_async(self, user: str, password: str) -> bool:
        """gradio's login check: once failures pile up, attempts wait their turn, one at a time
        (without blocking the server), so concurrent guesses are slowed down too."""
        if self._serial is None:
            self._serial = asyncio.Lock()
        async with self._serial:
            wait = self.limiter.delay()
            if wait:
                await asyncio.sleep(wait)
            ok = self._matches(user, password)
            self.limiter.record(ok)
        if not ok:
            log.warning("failed login for %r", user[:40])
        return ok

    def check_admin(self, user: str, password: str) -> bool:
        """The in-app administrator login (a worker thread: it may sleep)."""
        if self.admin is None:
            return False
        with self._threads:
            wait = self.limiter.delay()
            if wait:
                time.sleep(wait)
            ok = user == self.admin and self._matches(user, password)
            self.limiter.record(ok)
        return ok

    def gradio_auth(self) -> Callable[[str, str], bool] | None:
        """The login check for gradio (which awaits a coroutine function)."""
        return cast("Callable[[str, str], bool]", self.check_async) if self.login_page else None

    def may_manage(self, username: str | None, unlocked: bool) -> bool:
        """Upload, re-ingest, delete, metadata: anyone when no administrator is configured."""
        return self.admin is None or self.is_admin(username, unlocked)

    def is_admin(self, username: str | None, unlocked: bool) -> bool:
        if self.admin is None:
            return False
        return unlocked or (username is not None and username == self.admin)
