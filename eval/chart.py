"""The systems chart: retrieval metrics of each system side by side (English labels: the chart
must render where no CJK font is installed)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from eval.scoring import RETRIEVAL

LABELS = {
    "langchain": "LangChain recipe (500-char chunks + Chroma)",
    "bm25": "BM25 only",
    "dense": "Dense only (our chunks)",
    "system": "policyqa (hybrid + answer)",
}


def plot_systems(systems: Mapping[str, Mapping[str, Any]], path: Path) -> None:
    """Grouped bars: one group per retrieval metric, one bar per system."""
    names = list(systems)
    width = 0.8 / max(len(names), 1)
    fig = Figure(figsize=(9, 5))  # no pyplot: renders with Agg, no display or global state
    ax = fig.subplots()
    for i, name in enumerate(names):
        overall = systems[name]["overall"]
        values = [overall.get(m) or 0.0 for m in RETRIEVAL]
        xs = [j + (i - (len(names) - 1) / 2) * width for j in range(len(RETRIEVAL))]
        bars = ax.bar(xs, values, width, label=LABELS.get(name, name))
        ax.bar_label(bars, fmt="%.2f", fontsize=7)
    ax.set_xticks(range(len(RETRIEVAL)), [m.upper() for m in RETRIEVAL])
    ax.set_ylim(0, 1.1)
    ax.set_ylabel("score")
    ax.set_title("Retrieval quality by system (gold provisions)")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2, frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
