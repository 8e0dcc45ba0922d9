"""Shared test set-up: no network beyond loopback, a temporary index folder per test session."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import netguard

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "suzhou-dual-carbon-opinions-2022.txt"
EXTERNAL = REPO.parent / "shared" / "corpus-external"

# No network beyond loopback, for the whole session (module fixtures that start servers included)
# and for every Python process a test starts; an attempt fails the test that made it.
netguard.install()
# gradio_client, the tests' HTTP client for the app, asks huggingface.co for an "agent registry" when
# a Client is made (huggingface_hub's user-agent headers): offline mode stops that in the test tool.
# The app itself sends nothing either way (tests/test_no_network.py).
os.environ.setdefault("HF_HUB_OFFLINE", "1")
_CHILD_LOG = Path(tempfile.mkdtemp(prefix="policyqa-netguard-")) / "attempts.log"
netguard.guard_children(_CHILD_LOG)
_checked = {"here": 0, "children": 0}


@pytest.fixture(autouse=True)
def _loopback_only() -> Iterator[None]:
    yield
    new = netguard.attempts[_checked["here"] :]
    _checked["here"] = len(netguard.attempts)
    logged = _CHILD_LOG.read_text("utf-8").splitlines() if _CHILD_LOG.exists() else []
    children = logged[_checked["children"] :]
    _checked["children"] = len(logged)
    if new or children:
        pytest.fail("network beyond loopback was attempted:\n" + "\n".join([*new, *children]))
