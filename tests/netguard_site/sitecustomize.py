"""Loaded by every Python process the tests start (PYTHONPATH, see tests/netguard.py): the same
loopback-only guard as the test process, reporting attempts to $POLICYQA_NETGUARD_LOG."""

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "policyqa_netguard", Path(__file__).resolve().parents[1] / "netguard.py"
)
if _spec is not None and _spec.loader is not None:
    _module = importlib.util.module_from_spec(_spec)
    sys.modules["policyqa_netguard"] = _module
    _spec.loader.exec_module(_module)
    _module.install()
