"""The regression gate: `python -m eval.gate scores.json [--thresholds FILE]`.

Exits 1 naming every metric of `scores["overall"]` below its committed minimum (or above its
maximum, for latencies); a metric the thresholds name but the scores lack (or hold as null)
fails too. `max_every_bank` limits a metric in every question bank (file) of the run: the share of
answers asserting a wrong department must be zero on each bank, not only on average.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

THRESHOLDS = Path(__file__).with_name("thresholds.json")


def check(overall: Mapping[str, Any], thresholds: Mapping[str, Any]) -> list[str]:
    """One message per metric that misses its threshold; empty when the gate passes."""
    problems = []
    for direction, limits in (
        ("min", thresholds.get("min", {})),
        ("max", thresholds.get("max", {})),
    ):
        for metric, limit in limits.items():
            value = overall.get(metric)
            if not isinstance(value, int | float):
                problems.append(
                    f"{metric}: missing from the scores (threshold {direction} {limit})"
                )
            elif direction == "min" and value < limit:
                problems.append(f"{metric}: {value:.4f} < {limit} (minimum)")
            elif direction == "max" and value > limit:
                problems.append(f"{metric}: {value:.4f} > {limit} (maximum)")
    return problems


def check_banks(scores: Mapping[str, Any], thresholds: Mapping[str, Any]) -> list[str]:
    """One message per bank and metric over its `max_every_bank` limit (null = not applicable)."""
    banks = scores.get("slices", {}).get("bank", {})
    problems = []
    for metric, limit in thresholds.get("max_every_bank", {}).items():
        for bank, values in banks.items():
            value = values.get(metric)
            if isinstance(value, int | float) and value > limit:
                problems.append(
                    f"{metric} in {bank}: {value:.4f} > {limit} (maximum in every bank)"
                )
    return problems


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m eval.gate", description=__doc__)
    parser.add_argument("scores", type=Path, help="scores.json written by `policyqa eval`")
    parser.add_argument("--thresholds", type=Path, default=THRESHOLDS, help="thresholds JSON")
    args = parser.parse_args(argv)
    scores, thresholds = load(args.scores), load(args.thresholds)
    problems = check(scores["overall"], thresholds) + check_banks(scores, thresholds)
    for problem in problems:
        print(f"FAIL {problem}", file=sys.stderr)
    if not problems:
        print(f"gate passed ({args.thresholds})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
