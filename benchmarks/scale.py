"""Scale benchmark: `python -m benchmarks.scale [--sizes 10,100,1000] [--questions 60] [--quick]`.

A synthetic library (`benchmarks/synthetic.py`) of the largest size is built once from the real
documents; each size takes its first N documents. At each size, in fresh processes:

- ingest from an empty index whose vector cache holds the real provisions' vectors (built first,
  by ingesting the real documents): chunks/s, texts embedded, index size on disk, peak memory;
- cold start: a new process from spawn to its first composer answer;
- warm composer answers on questions generated from the library's own tables: p50/p95 latency,
  hit@5 (the asked provision among the first five retrieved), lead exact (the answer's lead
  departments equal the table's);
- the plain LangChain recipe (`benchmarks/reference.py`) on the same documents with the same
  embeddings, measured in the same run: every figure also as our / reference.

Writes `scale.json`, `scale.md` and `scale.png` in the output folder (default benchmarks/out/).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
EXTERNAL = REPO.parent / "shared" / "corpus-external"
HERE = Path(__file__).resolve().parent


def _files() -> list[Path]:
    return [*sorted((REPO / "corpus").glob("*.txt")), *sorted(EXTERNAL.glob("*.txt"))]


def _du(path: Path, skip: tuple[str, ...] = ()) -> float:
    """Megabytes under `path` (files whose name starts with one of `skip` left out)."""
    total = sum(
        p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.name.startswith(skip)
    )
    return total / 1e6


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite file in WAL mode (its -wal file included)."""
    import sqlite3

    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)


def _warm_sources(work: Path, files: list[str], vectors: Path | None) -> dict[str, Any]:
    """Ingest the template documents: the vector cache every size starts from."""
    (work / "sources").mkdir()
    if vectors is not None:
        _copy_sqlite(vectors, work / "sources" / "vectors.sqlite")
    found = run_child("sources", {"index": str(work / "sources"), "files": files})
    return {**found, "vectors_from": str(vectors) if vectors else None}


# -- child processes ---------------------------------------------------------------------------
def _settings(index: Path) -> Any:
    from assistant.settings import Settings

    return Settings(index=index, corpus=index / "no-corpus")


def child_sources(spec: dict[str, Any]) -> dict[str, Any]:
    """Ingest the template documents into a scratch index: the warm vector cache."""
    from assistant.index.store import Index

    files = [Path(f) for f in spec["files"]]
    started = time.perf_counter()
    index = Index(_settings(Path(spec["index"])))
    report = index.ingest(files)
    return {"seconds": time.perf_counter() - started, "documents": len(report.added)}


def child_ingest(spec: dict[str, Any]) -> dict[str, Any]:
    from assistant.index.store import Index
    from benchmarks.reference import load_library

    library = load_library(Path(spec["library"]), spec["n"])
    started = time.perf_counter()
    index = Index(_settings(Path(spec["index"])))
    report = index.add_many(library)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "documents": len(report.added),
        "failed": len(report.failed),
        "chunks": index.store.count(),
        "embedded": index.cache.misses,
        "from_cache": index.cache.hits,
        "peak_rss_mb": _rss_mb(),
    }


def child_cold(spec: dict[str, Any]) -> dict[str, Any]:
    """From spawn (the parent's clock) to the first answer."""
    from assistant.service import PolicyQA

    imported = time.time()
    qa = PolicyQA(_settings(Path(spec["index"])))
    docs = len(qa.documents())
    opened = time.time()
    answer = qa.ask(spec["question"])
    done = time.time()
    t0 = spec["t0"]
    return {
        "import_s": imported - t0,
        "open_s": opened - imported,
        "first_answer_s": done - opened,
        "total_s": done - t0,
        "documents": docs,
        "answered": bool(answer.citations),
    }


def child_query(spec: dict[str, Any]) -> dict[str, Any]:
    from assistant.service import PolicyQA

    qa = PolicyQA(_settings(Path(spec["index"])))
    questions = spec["questions"]
    for q in questions[:3]:  # warm: models loaded, corpus view built
        qa.ask(q["question"])
    rows = []
    for q in questions:
        started = time.perf_counter()
        answer = qa.ask(q["question"])
        ms = (time.perf_counter() - started) * 1000
        top5 = [(r.doc_id, r.key) for r in answer.retrieved[:5]]
        rows.append(
            {
                "id": q["id"],
                "ms": ms,
                "hit5": (q["doc_id"], q["key"]) in top5,
                "lead_exact": set(answer.departments.lead) == set(q["gold_lead"]),
                "in_scope": all(d == q["doc_id"] for d, _ in top5) and bool(top5),
                "form": q["form"],
                "renamed": q["renamed"],
                "stages": answer.timings_ms,
            }
        )
    return {"rows": rows, "peak_rss_mb": _rss_mb()}


def child_reference(spec: dict[str, Any]) -> dict[str, Any]:
    from benchmarks.reference import build, query

    if spec["what"] == "ingest":
        return build(Path(spec["library"]), spec["n"], Path(spec["folder"]))
    return query(Path(spec["folder"]), spec["questions"], spec["t0"], Path(spec["library"]))


CHILDREN = {
    "sources": child_sources,
    "ingest": child_ingest,
    "cold": child_cold,
    "query": child_query,
    "reference": child_reference,
}


# -- the parent --------------------------------------------------------------------------------
def run_child(mode: str, spec: dict[str, Any]) -> Any:
    env = {**os.environ, "PYTHONPATH": str(REPO), "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.scale", "--child", mode, json.dumps(spec)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} child failed:\n{proc.stderr[-4000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(
    size: int, work: Path, library: Path, questions: list[dict[str, Any]]
) -> dict[str, Any]:
    from benchmarks.reference import CACHE as REF_CACHE

    base = work / f"n{size}"
    index = base / "index"
    index.mkdir(parents=True)
    shutil.copy(work / "sources" / "vectors.sqlite", index / "vectors.sqlite")
    ours: dict[str, Any] = {
        "ingest": run_child("ingest", {"index": str(index), "library": str(library), "n": size})
    }
    ours["disk_mb"] = _du(index, skip=("vectors.sqlite",))
    ours["cache_mb"] = _du(index) - ours["disk_mb"]
    question = questions[0]["question"]
    ours["cold"] = [
        run_child("cold", {"index": str(index), "question": question, "t0": time.time()})
        for _ in range(2)
    ]
    ours["query"] = run_child("query", {"index": str(index), "questions": questions})

    folder = base / "reference"
    folder.mkdir()
    shutil.copy(work / "reference-sources" / REF_CACHE, folder / REF_CACHE)
    ref: dict[str, Any] = {
        "ingest": run_child(
            "reference",
            {"what": "ingest", "library": str(library), "n": size, "folder": str(folder)},
        )
    }
    ref["disk_mb"] = _du(folder, skip=(REF_CACHE,))
    ref["query"] = run_child(
        "reference",
        {
            "what": "query",
            "folder": str(folder),
            "questions": questions,
            "t0": time.time(),
            "library": str(library),
        },
    )
    return {"size": size, "ours": ours, "reference": ref}


def summarise(result: dict[str, Any]) -> dict[str, float]:
    ours, ref = result["ours"], result["reference"]
    rows = ours["query"]["rows"]
    ms = [r["ms"] for r in rows]
    ref_rows = ref["query"]["rows"]
    ref_ms = [r["ms"] for r in ref_rows]
    return {
        "size": result["size"],
        "chunks": ours["ingest"]["chunks"],
        "ingest_chunks_s": ours["ingest"]["chunks"] / ours["ingest"]["seconds"],
        "ingest_s": ours["ingest"]["seconds"],
        "embedded": ours["ingest"]["embedded"],
        "disk_mb": ours["disk_mb"],
        "peak_mb": max(ours["ingest"]["peak_rss_mb"], ours["query"]["peak_rss_mb"]),
        "cold_s": ours["cold"][-1]["total_s"],
        "open_s": ours["cold"][-1]["open_s"],
        "first_answer_s": ours["cold"][-1]["first_answer_s"],
        "p50_ms": _pct(ms, 0.5),
        "p95_ms": _pct(ms, 0.95),
        "hit5": sum(r["hit5"] for r in rows) / len(rows),
        "lead_exact": sum(r["lead_exact"] for r in rows) / len(rows),
        "in_scope": sum(r["in_scope"] for r in rows) / len(rows),
        "ref_chunks": ref["ingest"]["chunks"],
        "ref_ingest_chunks_s": ref["ingest"]["chunks"] / ref["ingest"]["seconds"],
        "ref_embedded": ref["ingest"]["embedded"],
        "ref_disk_mb": ref["disk_mb"],
        "ref_peak_mb": max(ref["ingest"]["peak_rss_mb"], ref["query"]["peak_rss_mb"]),
        "ref_cold_s": ref["query"]["cold_s"],
        "ref_p50_ms": _pct(ref_ms, 0.5),
        "ref_p95_ms": _pct(ref_ms, 0.95),
        "ref_hit5": sum(r["hit5"] for r in ref_rows) / len(ref_rows),
        "ref_hit5_any_doc": sum(r["hit5_any_doc"] for r in ref_rows) / len(ref_rows),
    }


def render(summary: list[dict[str, float]], meta: dict[str, Any]) -> str:
    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}×" if b else "–"

    lines = [
        f"Synthetic library, {meta['questions']} questions per size, {meta['machine']}; "
        f"load {meta['load_before']} → {meta['load_after']}; {meta['date']}.",
        "",
        "| documents | chunks | ingest chunks/s (texts embedded) | index on disk MB | peak memory MB "
        "| cold start s (open, first answer) | query p50 / p95 ms | hit@5 | lead exact |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summary:
        lines.append(
            f"| {s['size']} | {s['chunks']} | {s['ingest_chunks_s']:.0f} ({s['embedded']}) "
            f"| {s['disk_mb']:.1f} | {s['peak_mb']:.0f} "
            f"| {s['cold_s']:.2f} ({s['open_s']:.2f}, {s['first_answer_s']:.2f}) "
            f"| {s['p50_ms']:.0f} / {s['p95_ms']:.0f} | {s['hit5']:.2f} | {s['lead_exact']:.2f} |"
        )
        lines.append(
            f"| ↳ LangChain recipe | {s['ref_chunks']} | {s['ref_ingest_chunks_s']:.0f} ({s['ref_embedded']}) "
            f"| {s['ref_disk_mb']:.1f} | {s['ref_peak_mb']:.0f} | {s['ref_cold_s']:.2f} "
            f"| {s['ref_p50_ms']:.0f} / {s['ref_p95_ms']:.0f} | {s['ref_hit5']:.2f} "
            f"(any document: {s['ref_hit5_any_doc']:.2f}) | – |"
        )
        lines.append(
            f"| ↳ ours / recipe | {ratio(s['chunks'], s['ref_chunks'])} "
            f"| {ratio(s['ingest_chunks_s'], s['ref_ingest_chunks_s'])} "
            f"| {ratio(s['disk_mb'], s['ref_disk_mb'])} | {ratio(s['peak_mb'], s['ref_peak_mb'])} "
            f"| {ratio(s['cold_s'], s['ref_cold_s'])} "
            f"| {ratio(s['p50_ms'], s['ref_p50_ms'])} / {ratio(s['p95_ms'], s['ref_p95_ms'])} "
            f"| {ratio(s['hit5'], s['ref_hit5'])} | |"
        )
    return "\n".join(lines)


def plot(summary: list[dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = [
        ("ingest chunks/s", "ingest_chunks_s", "ref_ingest_chunks_s"),
        ("index on disk (MB)", "disk_mb", "ref_disk_mb"),
        ("peak memory (MB)", "peak_mb", "ref_peak_mb"),
        ("cold start (s)", "cold_s", "ref_cold_s"),
        ("query p95 (ms)", "p95_ms", "ref_p95_ms"),
        ("hit@5", "hit5", "ref_hit5"),
    ]
    sizes = [s["size"] for s in summary]
    fig, axes = plt.subplots(2, 3, figsize=(13, 7))
    for ax, (title, ours, ref) in zip(axes.flat, panels, strict=True):
        ax.plot(sizes, [s[ours] for s in summary], "o-", label="policyqa")
        ax.plot(sizes, [s[ref] for s in summary], "s--", label="LangChain recipe")
        ax.set_xscale("log")
        ax.set_title(title)
        ax.set_xlabel("documents")
        ax.grid(alpha=0.3)
    axes.flat[0].legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--questions", type=int, default=60)
    parser.add_argument("--quick", action="store_true", help="smoke run: 5 and 20 documents")
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument(
        "--vectors",
        type=Path,
        help="the vectors.sqlite of an index of the real documents (same embedding model): the "
        "vector cache starts from it, so the real provisions are not embedded again",
    )
    args = parser.parse_args(argv)
    if args.child:
        mode, spec = args.child
        print(json.dumps(CHILDREN[mode](json.loads(spec)), ensure_ascii=False))
        return 0

    from benchmarks import reference
    from benchmarks.synthetic import questions as make_questions
    from benchmarks.synthetic import sources, synthesize

    sizes = [5, 20] if args.quick else [int(s) for s in args.sizes.split(",")]
    n_questions = 12 if args.quick else args.questions
    work = Path(tempfile.mkdtemp(prefix="policyqa-bench-scale-"))
    meta: dict[str, Any] = {
        "machine": f"{os.cpu_count()} cores",
        "load_before": [round(x, 2) for x in os.getloadavg()],
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "questions": n_questions,
    }
    from assistant.index.tables import parsed_to_dict

    templates = sources(_files())
    if args.quick:
        templates = templates[:3]
    library = synthesize(templates, max(sizes))
    path = work / "library.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for parsed in library:
            handle.write(json.dumps(parsed_to_dict(parsed), ensure_ascii=False) + "\n")
    print(f"library: {len(library)} documents from {len(templates)} templates ({work})", flush=True)
    used = [t.document.source_path for t in templates]
    meta["sources"] = _warm_sources(work, used, args.vectors)
    meta["reference_sources"] = reference.warm(templates, work / "reference-sources")
    print(f"vector caches warmed: {meta['sources']}", flush=True)
    results = []
    for size in sizes:
        qs = [dataclasses.asdict(q) for q in make_questions(library[:size], n_questions)]
        for q in qs:
            q["gold_lead"] = list(q["gold_lead"])
        results.append(measure(size, work, path, qs))
        print(f"size {size} done", flush=True)
    meta["load_after"] = [round(x, 2) for x in os.getloadavg()]
    summary = [summarise(r) for r in results]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "scale.json").write_text(
        json.dumps(
            {"meta": meta, "summary": summary, "results": results}, ensure_ascii=False, indent=1
        ),
        encoding="utf-8",
    )
    table = render(summary, meta)
    (args.out / "scale.md").write_text(table + "\n", encoding="utf-8")
    plot(summary, args.out / "scale.png")
    print(table)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
