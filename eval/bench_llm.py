"""LLM benchmark: `python -m eval.bench_llm [--backend local] [--questions Q ...] [--max-tokens N]`.

For each question that reaches the model: the prompt size in tokens (counted by the local server's
/apply-template + /tokenize, so exactly what the model reads), time to first token, tokens/s and
total answer time; then p50 time to first token, mean tokens/s and mean prompt tokens. Questions
answered from the tables or refused need no model call and are listed as such.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.request
from collections.abc import Sequence
from typing import Any

from assistant.answer import Answer
from assistant.llm.backend import LLMBackend
from assistant.llm.chain import chat_prompt
from assistant.service import PolicyQA
from assistant.settings import LLMSettings, Settings

QUESTIONS = (
    "能不能新建燃煤供热锅炉？",
    "绿色金融由谁牵头？",
    "如何推进绿色建筑发展？",
    "交通运输领域要怎样降低碳排放？",
    "对高耗能高排放项目有什么要求？",
)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--backend", default="local", help="local or openai")
    p.add_argument("--questions", nargs="*", default=list(QUESTIONS))
    p.add_argument("--max-tokens", type=int, default=160, help="tokens generated per answer")
    args = p.parse_args(argv)

    base = Settings()
    settings = base.model_copy(update={"llm": LLMSettings(max_tokens=args.max_tokens)})
    qa = PolicyQA(settings)
    qa.ensure_index()
    backend = qa.backend(args.backend)
    if not isinstance(backend, LLMBackend):
        raise SystemExit(f"{args.backend} is not an LLM backend")
    started = time.perf_counter()
    backend.answer(qa.understand("你好"), [])  # nothing to answer: no model call, loads the corpus
    rows: list[dict[str, Any]] = []
    for question in args.questions:
        query = qa.understand(question)
        hits = qa.retrieve(query)
        _, context = backend.prepare(query, hits)
        if context is None:
            print(f"- {question}: answered without the model (table answer or refusal)")
            continue
        answer = _final(qa, question, args.backend)
        if not rows:
            print(f"(model ready after {time.perf_counter() - started:.1f} s)")
        t = answer.timings_ms
        messages = chat_prompt().format_messages(context=context.text, question=query.text)
        row = {
            "question": question,
            "intent": answer.intent,
            "prompt_tokens": _prompt_tokens(args.backend, messages),
            "context_chars": len(context.text),
            "ttft_s": t.get("ttft", 0.0) / 1000,
            "tokens_out": int(t.get("tokens_out", 0)),
            "tokens_per_s": t.get("tokens_per_s", 0.0),
            "answer_s": t.get("answer", 0.0) / 1000,
            "notes": len(answer.notes),
            "cited": [c.key for c in answer.citations],
            "text": answer.text[:80],
        }
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False))
    _summary(rows)
    return 0


def _final(qa: PolicyQA, question: str, backend: str) -> Answer:
    final = None
    for part in qa.stream(question, backend=backend):
        if isinstance(part, Answer):
            final = part
    assert final is not None
    return final


def _prompt_tokens(backend: str, messages: Sequence[Any]) -> int | None:
    """Exact prompt tokens from the local server (None for remote endpoints)."""
    if backend != "local":
        return None
    from assistant.llm.local_server import _instance  # noqa: PLC0415 - the running server

    if _instance is None:
        return None
    root = _instance.base_url.removesuffix("/v1")
    roles = {"system": "system", "human": "user"}
    body = {"messages": [{"role": roles[m.type], "content": m.content} for m in messages]}
    prompt = _post(f"{root}/apply-template", body)["prompt"]
    return len(_post(f"{root}/tokenize", {"content": prompt})["tokens"])


def _post(url: str, body: dict[str, Any]) -> Any:
    data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url, data, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as r:
        return json.loads(r.read().decode("utf-8"))


def _summary(rows: list[dict[str, Any]]) -> None:
    if not rows:
        print("no question reached the model")
        return
    tokens = [r["prompt_tokens"] for r in rows if r["prompt_tokens"] is not None]
    print(f"questions through the model: {len(rows)}")
    if tokens:
        print(f"prompt tokens: mean {statistics.mean(tokens):.0f}, max {max(tokens)}")
    print(f"time to first token p50: {statistics.median(r['ttft_s'] for r in rows):.1f} s")
    print(f"tokens/s (generation) mean: {statistics.mean(r['tokens_per_s'] for r in rows):.1f}")
    print(f"answer time p50: {statistics.median(r['answer_s'] for r in rows):.1f} s")


if __name__ == "__main__":
    raise SystemExit(main())
