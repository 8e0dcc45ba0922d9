"""Warm composer latency in a small and a large library, measured in the same run:
`python -m eval.bench_library [--small DIR] [--large DIR] [--rounds 2]`.

- small: the seed alone (`corpus/`);
- large: the seed and every document of ../shared/corpus-external (46 documents).

Each index folder is built when it is missing (and kept: a second run reuses it). The same
questions — the seed bank, asked with the seed chosen, as in the app — are asked in both, one at a
time after a warm-up answer; the first round is reported apart from the later ones (the query
embedding cache is off, so every round embeds every question). Prints a table and writes
`library-latency.json` in `--out`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from assistant.index.store import Index
from assistant.service import PolicyQA
from assistant.settings import Settings
from eval.bench_latency import uncached_embeddings
from eval.metrics import percentile
from eval.questions import load_questions

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = REPO.parent / "shared" / "corpus-external"
SEED_DOC = "suzhou-dual-carbon-opinions-2022"


def open_library(folder: Path, paths: list[Path]) -> PolicyQA:
    settings = Settings.model_validate({"index": str(folder), "corpus": str(REPO / "corpus")})
    qa = PolicyQA(
        settings, index=Index(settings, embeddings=uncached_embeddings(settings.embedding))
    )
    report = qa.ingest(paths)
    if report.failed:
        sys.exit(f"无法导入：{report.failed}")
    return qa


def measure(qa: PolicyQA, questions: list[Any], rounds: int) -> dict[str, Any]:
    qa.ask(questions[0].question, doc_id=SEED_DOC)  # models, tables and tokenizer loaded
    per_round: list[list[float]] = []
    for _ in range(rounds):
        times = []
        for q in questions:
            start = time.perf_counter()
            qa.ask(q.question, history=q.history_turns(), doc_id=SEED_DOC, backend="composer")
            times.append((time.perf_counter() - start) * 1000)
        per_round.append(times)
    later = [t for r in per_round[1:] for t in r] or per_round[0]

    def ms(values: list[float], q: int) -> float:
        found = percentile(values, q)
        return round(found, 1) if found is not None else float("nan")

    return {
        "documents": len(qa.documents()),
        "provisions": len(qa.index.provisions()),
        "first_round_p50_ms": ms(per_round[0], 50),
        "first_round_p95_ms": ms(per_round[0], 95),
        "warm_p50_ms": ms(later, 50),
        "warm_p95_ms": ms(later, 95),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.bench_library", description=__doc__)
    parser.add_argument("--small", type=Path, default=REPO / ".policyqa-bench-seed")
    parser.add_argument("--large", type=Path, default=REPO / ".policyqa-library")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, default=REPO / "eval" / "out")
    args = parser.parse_args(argv)
    if not EXTERNAL.is_dir():
        sys.exit(f"{EXTERNAL} 不存在：需要外部语料")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    questions = load_questions(REPO / "eval" / "questions" / "seed.jsonl")
    rows = {}
    for name, folder, paths in (
        ("seed only", args.small, [REPO / "corpus"]),
        ("46 documents", args.large, [REPO / "corpus", *sorted(EXTERNAL.glob("*.txt"))]),
    ):
        rows[name] = measure(open_library(folder, paths), questions, args.rounds)
    small, large = rows["seed only"], rows["46 documents"]
    ratio = large["warm_p50_ms"] / small["warm_p50_ms"] if small["warm_p50_ms"] else float("nan")
    print("| library | documents | provisions | round 1 p50 / p95 ms | warm p50 / p95 ms |")
    print("|---|---|---|---|---|")
    for name, r in rows.items():
        print(
            f"| {name} | {r['documents']} | {r['provisions']} | {r['first_round_p50_ms']} / "
            f"{r['first_round_p95_ms']} | {r['warm_p50_ms']} / {r['warm_p95_ms']} |"
        )
    print(f"warm p50, 46 documents ÷ seed only: {ratio:.2f}×  ({len(questions)} questions)")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "library-latency.json").write_text(
        json.dumps({"rows": rows, "warm_p50_ratio": round(ratio, 2)}, ensure_ascii=False, indent=2),
        "utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
