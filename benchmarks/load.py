"""Bounded load test of the app on 127.0.0.1: N concurrent clients ask for D seconds while uploads
run in parallel, then it stops and reports errors, latency and the server's memory.

    .venv/bin/python -m benchmarks.load                       # 20 clients, 60 s, uploads every 5 s
    .venv/bin/python -m benchmarks.load --clients 5 --seconds 20 --out benchmarks/out/load.json

The server is `policyqa serve` in its own process (its memory is read from /proc), with a fresh
index built from the seed corpus by the app's own `/startup`. Clients use gradio's HTTP API
(`/gradio_api/call/<name>`), as any script would. Measured in the same run:

- sequential: every question once, one at a time (the baseline);
- load: N clients, each asking the questions in its own shuffled order, no pause between calls;
  one more client uploads a new small document and ingests it every `--upload-every` seconds.

An error is a failed call, or an answer that differs from the sequential answer to the same
question (taken before the uploads and again after them: an upload may change an unscoped answer,
so either is right; nothing else is).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "corpus" / "suzhou-dual-carbon-opinions-2022.txt"
QUESTIONS = (
    "绿色金融由谁牵头？",
    "哪个部门牵头绿色金融？",
    "市住建局负责哪些任务？",
    "哪些任务没有牵头部门？",
    "能不能新建燃煤锅炉？",
    "新建钢铁项目有什么要求？",
    "到2030年的主要目标是什么？",
    "苏州市的实施意见由哪个部门牵头推进绿色建筑？",
    "第28条讲了什么？",
    "碳普惠机制由谁负责？",
)
UPLOAD = """关于推进生活垃圾分类工作的实施方案（第{n}号）

一、主要任务

（一）推进分类投放。在居民小区设置分类投放点{n}处。（牵头单位：市城管局；配合单位：市商务局）

（二）完善分类收运。建立分类收运体系，配置专用车辆。（牵头单位：市环卫处）
"""


@dataclass
class Call:
    name: str
    started: float
    seconds: float
    ok: bool
    detail: str = ""
    answer: str = ""
    served: float | None = None  # seconds the service spent on the answer


@dataclass
class Recorder:
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    window: list[float] = field(default_factory=list)  # wall clock of the load phase

    def add(self, call: Call) -> None:
        with self.lock:
            self.calls.append(call)


class Api:
    """gradio's HTTP API: POST /gradio_api/call/<name>, then read the event stream. One Api is one
    session, as one browser tab is (gradio builds a session's state once, on its first call)."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")
        self.session = uuid.uuid4().hex

    def call(self, name: str, data: list[Any], timeout: float = 600) -> list[Any]:
        body = json.dumps({"data": data, "session_hash": self.session}).encode()
        request = urllib.request.Request(
            f"{self.base}/gradio_api/call/{name}",
            data=body,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=timeout) as r:
            event_id = json.load(r)["event_id"]
        with urllib.request.urlopen(
            f"{self.base}/gradio_api/call/{name}/{event_id}", timeout=timeout
        ) as r:
            event, last = "", None
            for raw in r:
                line = raw.decode("utf-8").rstrip("\n")
                if line.startswith("event:"):
                    event = line.split(":", 1)[1].strip()
                elif line.startswith("data:"):
                    payload = line.split(":", 1)[1].strip()
                    if event == "error":
                        raise RuntimeError(f"{name}: {payload[:300]}")
                    if event == "complete":
                        return list(json.loads(payload))
                    last = payload
        raise RuntimeError(f"{name}: stream ended without a result ({str(last)[:200]})")

    def upload(self, path: Path) -> str:
        boundary = uuid.uuid4().hex
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
            f'filename="{path.name}"\r\nContent-Type: text/plain\r\n\r\n'
        ).encode()
        body = head + path.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            f"{self.base}/gradio_api/upload",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )
        with urllib.request.urlopen(request, timeout=120) as r:
            return str(json.load(r)[0])


def answer_text(outputs: list[Any]) -> str:
    """The last chat message of /ask's outputs, as text."""
    chat = outputs[0]
    content = chat[-1]["content"] if chat else ""
    if isinstance(content, list):
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)


_SERVER_TIME = re.compile(r"用时 ([0-9.]+) 秒")


def new_conversation(api: Api) -> None:
    """ "新对话": the session's next question stands alone."""
    api.call("new_chat", [])


def ask(api: Api, question: str) -> str:
    """`question` in a new conversation."""
    new_conversation(api)
    return ask_timed(api, question)[0]


def ask_timed(api: Api, question: str) -> tuple[str, float | None]:
    """The answer, and the seconds the service spent on it (the app's "用时" note), which
    excludes the time the call waited in the app's queue. Call `new_conversation` first: a
    session's next question is read as a follow-up of its last one."""
    outputs = api.call("ask", [question, "", "composer"])
    found = _SERVER_TIME.search(json.dumps(outputs, ensure_ascii=False))
    return answer_text(outputs), float(found.group(1)) if found else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`policyqa serve` in a child process, and its memory."""

    def __init__(self, workdir: Path, port: int, python: str, env: dict[str, str]) -> None:
        self.port = port
        self.log = (workdir / "server.log").open("w")
        self.process = subprocess.Popen(
            [python, "-c", _SERVE, "serve", "--port", str(port)],
            cwd=workdir,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.rss: list[tuple[float, int]] = []
        self._stop = threading.Event()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def wait_ready(self, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the server exited; see server.log")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/", timeout=5):
                    return
            except OSError:
                time.sleep(0.5)
        raise RuntimeError("the server did not start")

    def memory(self) -> dict[str, int]:
        fields: dict[str, int] = {}
        with open(f"/proc/{self.process.pid}/status", encoding="ascii") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmRSS", "VmHWM"):
                    fields[key] = int(value.split()[0]) * 1024
        return fields

    def cpu_seconds(self) -> float:
        """User + system CPU time of the server process so far."""
        with open(f"/proc/{self.process.pid}/stat", encoding="ascii") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def _sample(self) -> None:
        while not self._stop.wait(0.5):
            try:
                self.rss.append((time.monotonic(), self.memory()["VmRSS"]))
            except (OSError, KeyError):
                return

    def stop(self) -> None:
        self._stop.set()
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(values: Sequence[float]) -> dict[str, float]:
    return {
        "n": len(values),
        "p50_s": round(percentile(values, 0.50), 3),
        "p95_s": round(percentile(values, 0.95), 3),
        "max_s": round(max(values), 3) if values else float("nan"),
        "mean_s": round(statistics.fmean(values), 3) if values else float("nan"),
    }


# `policyqa serve`, from POLICYQA_LOAD_REPO when set (an older revision's checkout, ahead of the
# editable install's finder), else from the installed package
_SERVE = """
import os, sys
repo = os.environ.get("POLICYQA_LOAD_REPO")
if repo:
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in getattr(f, "__module__", "")]
    sys.path.insert(0, repo)
profile = os.environ.get("POLICYQA_LOAD_PROFILE")
if profile:  # every 5 ms, where each thread in our code is; a JSON line of counts every second
    import collections, json, threading, time, traceback
    IDLE = {"wait", "select", "poll", "get", "sleep", "acquire", "_worker", "block_thread", "accept", "readinto", "recv_into", "_recv"}
    def sample():
        me, counts, last = threading.get_ident(), collections.Counter(), time.time()
        while True:
            time.sleep(0.005)
            for ident, frame in sys._current_frames().items():
                stack = traceback.extract_stack(frame) if ident != me else []
                if not stack or stack[-1].name in IDLE:
                    continue
                ours = [f for f in stack if any(r in f.filename for r in ("/assistant/", "/ingest/", "/ui/"))]
                lib = [f for f in stack if "site-packages" in f.filename]
                top = ours[-1] if ours else (lib[0] if lib else stack[0])
                inner = lib[-1] if lib and not ours else stack[-1]
                where = "/".join(top.filename.split("/")[-2:])
                counts[f"{where}:{top.name} > {'/'.join(inner.filename.split('/')[-2:])}:{inner.name}"] += 1
            if time.time() - last >= 1:
                with open(profile, "a") as f:
                    f.write(json.dumps({"t": time.time(), "counts": counts}) + "\\n")
                counts, last = collections.Counter(), time.time()
    threading.Thread(target=sample, daemon=True).start()
from assistant.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _environment(workdir: Path, server_repo: Path | None) -> dict[str, str]:
    env = {
        **os.environ,
        "POLICYQA_INDEX": str(workdir / "index"),
        "POLICYQA_CORPUS": str(workdir / "corpus"),
        "GRADIO_ANALYTICS_ENABLED": "False",
    }
    if server_repo:  # an older revision's code (a checkout), same environment
        env["POLICYQA_LOAD_REPO"] = str(server_repo.resolve())
    return env


def _sequential(api: Api, expected: dict[str, set[str]]) -> list[float]:
    """Each question once, one at a time; its answer joins the right answers."""
    seconds: list[float] = []
    for question in QUESTIONS:
        new_conversation(api)
        t = time.monotonic()
        expected.setdefault(question, set()).add(ask_timed(api, question)[0])
        seconds.append(time.monotonic() - t)
    return seconds


@dataclass
class Phase:
    """What the load phase's threads share."""

    base: str
    workdir: Path
    args: argparse.Namespace
    recorder: Recorder = field(default_factory=Recorder)
    stop: threading.Event = field(default_factory=threading.Event)
    t0: float = field(default_factory=time.monotonic)

    def since(self, t: float) -> float:
        return t - self.t0


def _asker(phase: Phase, seed: int) -> None:
    """One client: its own session, the questions in its own order, a new conversation each."""
    api = Api(phase.base)
    order = list(QUESTIONS)
    random.Random(seed).shuffle(order)
    for i in itertools.count():
        if phase.stop.is_set():
            return
        question = order[i % len(order)]
        try:
            new_conversation(api)
        except Exception as exc:
            phase.recorder.add(Call("new_chat", phase.since(time.monotonic()), 0, False, repr(exc)))
            continue
        t = time.monotonic()
        try:
            text, served = ask_timed(api, question)
            seconds = time.monotonic() - t
            phase.recorder.add(Call("ask", phase.since(t), seconds, True, question, text, served))
        except Exception as exc:
            seconds = time.monotonic() - t
            phase.recorder.add(Call("ask", phase.since(t), seconds, False, repr(exc)[:300]))
        if phase.args.think:
            phase.stop.wait(phase.args.think)


def _uploader(phase: Phase) -> None:
    """Every `--upload-every` seconds, a new small document uploaded and ingested."""
    api = Api(phase.base)
    n = 0
    while not phase.stop.wait(phase.args.upload_every if n else 1.0):
        n += 1
        source = phase.workdir / f"upload-{n:03d}.txt"
        source.write_text(UPLOAD.format(n=n), encoding="utf-8")
        t = time.monotonic()
        try:
            remote = api.upload(source)
            result = api.call("ingest", [[{"path": remote, "meta": {"_type": "gradio.FileData"}}]])
            shown = json.dumps(result, ensure_ascii=False)
            ok = "已导入" in shown
            call = Call(
                "upload", phase.since(t), time.monotonic() - t, ok, "" if ok else shown[:300]
            )
        except Exception as exc:
            call = Call("upload", phase.since(t), time.monotonic() - t, False, repr(exc)[:300])
        phase.recorder.add(call)


def _load(base: str, workdir: Path, args: argparse.Namespace) -> tuple[Recorder, float]:
    """N askers and one uploader for `args.seconds`, then they stop."""
    phase = Phase(base, workdir, args)
    phase.recorder.window = [time.time(), 0.0]
    threads = [threading.Thread(target=_asker, args=(phase, i)) for i in range(args.clients)]
    if args.upload_every > 0:
        threads.append(threading.Thread(target=_uploader, args=(phase,)))
    for thread in threads:
        thread.start()
    phase.stop.wait(args.seconds)
    phase.stop.set()
    for thread in threads:
        thread.join(timeout=600)
    phase.recorder.window[1] = time.time()
    return phase.recorder, time.monotonic() - phase.t0


def _report(
    recorder: Recorder, expected: dict[str, set[str]], sequential: list[float]
) -> dict[str, Any]:
    asks = [c for c in recorder.calls if c.name == "ask"]
    answered = [c.seconds for c in asks if c.ok]
    uploads = [c for c in recorder.calls if c.name == "upload"]
    failed = [c for c in recorder.calls if not c.ok]
    differing = [c for c in asks if c.ok and c.answer not in expected[c.detail]]
    windows = [(c.started, c.started + c.seconds) for c in uploads]

    def during_upload(c: Call) -> bool:
        return any(a <= c.started + c.seconds and c.started <= b for a, b in windows)

    return {
        "asks": {
            **summary(answered),
            "during_uploads": summary([c.seconds for c in asks if c.ok and during_upload(c)]),
            "between_uploads": summary([c.seconds for c in asks if c.ok and not during_upload(c)]),
        },
        "service_time_under_load": summary([c.served for c in asks if c.served is not None]),
        "p50_ratio_load_vs_sequential": round(
            percentile(answered, 0.5) / percentile(sequential, 0.5), 1
        ),
        "uploads": {
            **summary([c.seconds for c in uploads if c.ok]),
            "failed": sum(not c.ok for c in uploads),
        },
        "errors": len(failed) + len(differing),
        "failed_calls": [f"{c.name}: {c.detail}" for c in failed[:10]],
        "differing_answers": [c.detail for c in differing[:10]],
    }


def _profile(path: str | None, window: list[float]) -> dict[str, float]:
    """Share of the server's thread samples per place, during the load phase only."""
    if not path or not Path(path).exists():
        return {}
    total: dict[str, int] = {}
    for line in Path(path).read_text("utf-8").splitlines():
        record = json.loads(line)
        if window[0] <= record["t"] <= window[1] + 1:
            for where, n in record["counts"].items():
                total[where] = total.get(where, 0) + n
    n = sum(total.values()) or 1
    top = sorted(total.items(), key=lambda kv: -kv[1])[:25]
    return {where: round(count / n, 3) for where, count in top}


def run(args: argparse.Namespace) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="policyqa-load-"))
    (workdir / "corpus").mkdir()
    shutil.copy(SEED, workdir / "corpus")
    port = free_port()
    server = Server(workdir, port, args.python, _environment(workdir, args.server_repo))
    api = Api(f"http://127.0.0.1:{port}")
    try:
        server.wait_ready()
        started = time.monotonic()
        for attempt in range(3):  # the first build's progress stream may close early: ask again
            try:
                api.call("startup", [])
                break
            except RuntimeError:
                if attempt == 2:
                    raise
        build_s = time.monotonic() - started
        expected: dict[str, set[str]] = {}
        _sequential(api, expected)  # warm-up: models, tables and caches loaded
        memory_ready = server.memory()
        cpu = server.cpu_seconds()
        sequential = _sequential(api, expected)
        cpu_sequential = server.cpu_seconds() - cpu
        cpu = server.cpu_seconds()
        print(
            f"load: {args.clients} clients for {args.seconds:.0f} s (server pid {server.process.pid})",
            file=sys.stderr,
            flush=True,
        )
        recorder, load_s = _load(api.base, workdir, args)
        print("load: done", file=sys.stderr, flush=True)
        cpu_load = server.cpu_seconds() - cpu
        memory_after = server.memory()
        after = _sequential(api, expected)  # after the uploads: either answer is right
        asks = sum(c.name == "ask" for c in recorder.calls)
        peak = max((rss for _, rss in server.rss), default=memory_after["VmRSS"])
        profile = _profile(os.environ.get("POLICYQA_LOAD_PROFILE"), recorder.window)
        return {
            "clients": args.clients,
            "seconds": round(load_s, 1),
            "think_s": args.think,
            "upload_every_s": args.upload_every,
            "index_build_s": round(build_s, 1),
            "sequential": summary(sequential),
            "sequential_after_uploads": summary(after),
            "answers_per_s": round(asks / load_s, 2),
            "server_cpu": {
                "ms_per_answer_sequential": round(1000 * cpu_sequential / len(QUESTIONS), 1),
                "ms_per_call_under_load": round(1000 * cpu_load / max(1, len(recorder.calls)), 1),
                "cores_busy_under_load": round(cpu_load / load_s, 2),
                "machine_load_average": round(os.getloadavg()[0], 1),
            },
            **_report(recorder, expected, sequential),
            "server_memory_mb": {
                "ready": round(memory_ready["VmRSS"] / 2**20, 1),
                "peak_during_load": round(peak / 2**20, 1),
                "after": round(memory_after["VmRSS"] / 2**20, 1),
                "high_water": round(memory_after["VmHWM"] / 2**20, 1),
            },
            **({"profile_during_load": profile} if profile else {}),
        }
    finally:
        server.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="benchmarks.load", description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=20, help="concurrent askers (default 20)")
    p.add_argument("--seconds", type=float, default=60, help="load duration (default 60)")
    p.add_argument("--think", type=float, default=0.0, help="pause between a client's asks")
    p.add_argument(
        "--upload-every", type=float, default=5.0, help="seconds between uploads (0: none)"
    )
    p.add_argument("--python", default=sys.executable, help="the server's Python")
    p.add_argument("--server-repo", type=Path, help="run the server from this checkout")
    p.add_argument("--out", type=Path, help="write the figures as JSON")
    p.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = p.parse_args(argv)
    result = run(args)
    text = json.dumps(result, ensure_ascii=False, indent=2)
    print(text)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
