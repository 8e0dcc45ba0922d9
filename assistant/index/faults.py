"""Fault injection for the crash-consistency tests (off unless its environment variables are set).

`POLICYQA_FAULT=<stage>[@<doc_id>]` makes the process SIGKILL itself when ingest reaches that
stage (of that document); `POLICYQA_FAULT_DELAY=<seed>` sleeps a seeded random 0–150 ms at every
stage, so that a kill from outside lands at varied moments; `POLICYQA_FAULT_TRACE=1` prints
`checkpoint <stage> <doc_id>` on stderr at each one, for a killer to aim by. Stages, in order, per document:
`parsed` (read, parsed, chunked), `embedding` (after each embedded batch), `vectors` (new vectors
in the vector store), `tables` (tables, keyword index and manifest committed), `cleanup` (old
vectors deleted).
"""

from __future__ import annotations

import os
import random
import signal
import sys
import time

STAGES = ("parsed", "embedding", "vectors", "tables", "cleanup")

_delays: random.Random | None = None


def checkpoint(stage: str, doc_id: str) -> None:
    if os.environ.get("POLICYQA_FAULT_TRACE"):
        sys.stderr.write(f"checkpoint {stage} {doc_id}\n")
        sys.stderr.flush()
    spec = os.environ.get("POLICYQA_FAULT")
    if spec:
        name, _, target = spec.partition("@")
        if name == stage and target in ("", doc_id):
            os.kill(os.getpid(), signal.SIGKILL)
    seed = os.environ.get("POLICYQA_FAULT_DELAY")
    if seed:
        global _delays  # noqa: PLW0603  (one generator per process, seeded once)
        if _delays is None:
            _delays = random.Random(seed)
        time.sleep(_delays.uniform(0.0, 0.15))
