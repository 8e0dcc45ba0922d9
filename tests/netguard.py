"""No network beyond loopback, for the test process and every Python process it starts.

`install()` replaces the socket calls that reach another machine (connect, connect_ex, sendto,
name resolution) with ones that refuse anything but loopback, the way a machine without a network
would (an OSError), and records each attempt: the test that made it fails (tests/conftest.py), so
a library that swallows the error (telemetry, update checks) is still caught. Child processes get
the same guard through `netguard_site/sitecustomize.py` and report to the file named by
`POLICYQA_NETGUARD_LOG`. Haystack's `request_blocker` fixture is the model.
"""

from __future__ import annotations

import errno
import ipaddress
import os
import socket
import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

LOG_ENV = "POLICYQA_NETGUARD_LOG"
SITE = Path(__file__).with_name("netguard_site")
_LOCAL_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback", ""}

attempts: list[str] = []
_parent = {"pid": -1}  # the test process: it records in `attempts`, its children in the log
_lock = threading.Lock()
_expected = threading.local()
_real = {
    "connect": socket.socket.connect,
    "connect_ex": socket.socket.connect_ex,
    "sendto": socket.socket.sendto,
    "getaddrinfo": socket.getaddrinfo,
    "gethostbyname": socket.gethostbyname,
}


class NetworkBlockedError(OSError):
    """Raised for a connection to anything but loopback while the guard is installed."""


def is_local_host(host: Any) -> bool:
    if host is None:
        return True
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    host = str(host).strip("[]").lower()
    if host in _LOCAL_NAMES or host == socket.gethostname().lower():
        return True
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback or ip.is_unspecified


def _is_local_address(address: Any) -> bool:
    if isinstance(address, tuple) and address:
        return is_local_host(address[0])
    return True  # AF_UNIX paths, abstract sockets


def _refuse(what: str) -> NetworkBlockedError:
    where = "".join(traceback.format_stack(limit=30)[:-2])
    line = f"{what} (pid {os.getpid()})"
    if not getattr(_expected, "on", False):
        with _lock:
            attempts.append(f"{line}\n{where}")
        log = os.environ.get(LOG_ENV)
        if log and os.getpid() != _parent["pid"]:
            with open(log, "a", encoding="utf-8") as f:
                f.write(line + "\n")
    return NetworkBlockedError(errno.ENETUNREACH, f"network is off in tests: {what}")


def _connect(self: socket.socket, address: Any) -> Any:
    if not _is_local_address(address):
        raise _refuse(f"connect to {address!r}")
    return _real["connect"](self, address)


def _connect_ex(self: socket.socket, address: Any) -> int:
    if not _is_local_address(address):
        _refuse(f"connect_ex to {address!r}")
        return errno.ENETUNREACH
    return int(_real["connect_ex"](self, address))


def _sendto(self: socket.socket, data: Any, *args: Any) -> int:
    address = args[-1] if args else None
    if not _is_local_address(address):
        raise _refuse(f"sendto {address!r}")
    return int(_real["sendto"](self, data, *args))


def _getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
    if not is_local_host(host):
        raise _refuse(f"name lookup of {host!r}")
    return _real["getaddrinfo"](host, *args, **kwargs)


def _gethostbyname(host: str) -> str:
    if not is_local_host(host):
        raise _refuse(f"name lookup of {host!r}")
    return str(_real["gethostbyname"](host))


def install() -> None:
    """Guard this process (idempotent)."""
    socket.socket.connect = _connect  # type: ignore[method-assign]
    socket.socket.connect_ex = _connect_ex  # type: ignore[method-assign]
    socket.socket.sendto = _sendto  # type: ignore[method-assign,assignment]
    socket.getaddrinfo = _getaddrinfo
    socket.gethostbyname = _gethostbyname


def guard_children(log: Path) -> None:
    """Every Python process started from now on installs the guard and logs attempts to `log`."""
    _parent["pid"] = os.getpid()
    os.environ[LOG_ENV] = str(log)
    paths = [str(SITE), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]
    os.environ["PYTHONPATH"] = os.pathsep.join(dict.fromkeys(paths))


@contextmanager
def expected() -> Iterator[None]:
    """Attempts made on purpose (the guard's own tests) are refused but not recorded."""
    _expected.on = True
    try:
        yield
    finally:
        _expected.on = False
