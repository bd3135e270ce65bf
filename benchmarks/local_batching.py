"""Embedded model, batched vs sequential: the quick bench's generate stage and single-request latency.

  sequential  today's path before batching: llama-cpp-python's create_chat_completion,
              one call at a time on one worker thread (a provider registered here, `legacy/`)
  batched     punchup's `local/` provider: concurrent calls share decode steps, on the
              Q4_0 + offsets copy of the Q4_1 weights (models/providers/local_weights.py),
              with flash attention over a Q8_0 KV cache (models/providers/local_engine.py)
  as-is       the batched provider on the Q4_1 file as it is (`batch_weights=False`, `asis/`)

All run the quick bench's own generate stage (Bench.generate, the bench's default concurrency, an
empty store), so the prompts, seeds and lengths are those of `make bench`. Each
measurement runs in a fresh interpreter, in rotating rounds; the figures are
medians. Texts are compared too: the as-is batched path must write exactly what the
sequential one wrote, and every path the same texts in every round.
Run: .venv/bin/python -m benchmarks.local_batching
Targets (issue 18): aggregate tokens/s >= 2.5x; single-request latency <= 1.1x.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROUNDS = 3
LATENCY_PROMPT = "Write a short paragraph about a harbour at night."
LATENCY_TOKENS = 128


def _legacy_provider() -> None:
    """Register `legacy/NAME`: the local provider as it was before batching (one call at a time)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from llama_cpp import Llama

    from punchup.models import Generation, Model, register_provider
    from punchup.models.providers.local import resolve_gguf

    executor = ThreadPoolExecutor(max_workers=1)
    lock = threading.Lock()
    loaded: dict[str, Any] = {}

    class Legacy(Model):
        def __init__(self, name: str):
            self.name = f"local/{name}"  # the same model id, so both paths share cache keys
            self.path = resolve_gguf(name)

        def _sync(self, messages: list[Any], config: Any) -> Generation:
            with lock:
                if "llm" not in loaded:
                    loaded["llm"] = Llama(model_path=str(self.path), n_ctx=4096, n_threads=2, verbose=False, seed=0)
                kwargs: dict[str, Any] = dict(messages=[m.model_dump() for m in messages], temperature=config.temperature,
                                              top_p=config.top_p, max_tokens=config.max_tokens, seed=config.seed,
                                              stop=list(config.stop) or None)
                if config.json_schema is not None:
                    kwargs["response_format"] = {"type": "json_object", "schema": config.json_schema}
                started = time.perf_counter()
                reply = loaded["llm"].create_chat_completion(**kwargs)
            choice, usage = reply["choices"][0], reply["usage"]
            return Generation(text=choice["message"]["content"] or "", finish_reason=choice["finish_reason"] or "stop",
                              prompt_tokens=usage["prompt_tokens"], completion_tokens=usage["completion_tokens"],
                              latency_s=time.perf_counter() - started, model=self.name, seed=config.seed)

        async def generate(self, messages: list[Any], config: Any) -> Generation:
            return await asyncio.get_running_loop().run_in_executor(executor, self._sync, messages, config)

    register_provider("legacy", lambda name, options: Legacy(name))


def _as_is_provider() -> None:
    """Register `asis/NAME`: the batched provider on the file as it is (no batch-friendly copy of Q4_1 weights)."""
    from punchup.models import register_provider
    from punchup.models.providers.local import LocalModel

    register_provider("asis", lambda name, options: _renamed(LocalModel(name, batch_weights=False, **options)))


def _renamed(model: Any) -> Any:
    model.name = model.name.replace("local/", "asis/", 1)
    return model


def _stage(provider: str, store_path: str) -> dict[str, Any]:
    from punchup.bench.config import BenchConfig, QUICK_WRITERS
    from punchup.bench.run import Bench
    from punchup.store import Store

    writers = [w.replace("local/", f"{provider}/", 1) for w in QUICK_WRITERS]
    config = BenchConfig.build("batching", writers, None, None, "quick", None, 0, None)
    bench = Bench(config, Store(store_path))

    async def go() -> float:
        from punchup.models import Message

        # Load the weights before the clock starts (a one-token call that the bench will not repeat).
        await bench.models(config.writers[0].model).inner.generate([Message(role="user", content="hi")], _tiny())
        started = time.perf_counter()
        await bench.generate()
        return time.perf_counter() - started

    elapsed = asyncio.run(go())
    inner = bench.models(config.writers[0].model).inner
    reused = inner.engine().prefixes.reused_tokens if hasattr(inner, "engine") else 0
    records = bench.state.generations
    failed = [r.get("error") for r in records.values() if not r["ok"]]
    if failed:
        raise SystemExit(f"{provider}: {len(failed)} generations failed: {failed[0]}")
    tokens = sum(r["tokens"] for r in records.values())
    return {"tok_s": tokens / elapsed, "seconds": elapsed, "tokens": tokens, "reused_prompt_tokens": reused,
            # The plain writer is named after its model id (legacy/smollm2 vs local/smollm2): compare by the same key.
            "texts": {key.replace(f"/{provider}/", "/local/"): r["text"] for key, r in sorted(records.items())}}


def _tiny() -> Any:
    from punchup.models import GenerateConfig

    return GenerateConfig(max_tokens=1, temperature=0.0)


def _latency(provider: str) -> dict[str, Any]:
    from punchup.models import GenerateConfig, Message, get_model

    model = get_model(f"{provider}/smollm2")
    messages = [Message(role="user", content=LATENCY_PROMPT)]

    async def go() -> dict[str, Any]:
        await model.generate(messages, _tiny())  # load and warm up
        times, tokens = [], 0
        for seed in range(3):
            started = time.perf_counter()
            generation = await model.generate(messages, GenerateConfig(max_tokens=LATENCY_TOKENS, seed=seed))
            times.append(time.perf_counter() - started)
            tokens = generation.completion_tokens
        return {"latency_s": statistics.median(times), "tokens": tokens}

    return asyncio.run(go())


def _worker(kind: str, provider: str) -> None:
    if provider == "legacy":
        _legacy_provider()
    elif provider == "asis":
        _as_is_provider()
    with tempfile.TemporaryDirectory() as tmp:
        result = _stage(provider, str(Path(tmp) / "b.db")) if kind == "stage" else _latency(provider)
    print(json.dumps(result), flush=True)


def _run(kind: str, provider: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, __file__, "--worker", kind, provider], capture_output=True, text=True,
                          timeout=900)
    if done.returncode != 0:
        raise SystemExit(f"worker {kind}/{provider} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


PATHS = {
    "legacy": "sequential: create_chat_completion on the Q4_1 file",
    "asis": "batched on the Q4_1 file (batch_weights=False)",
    "local": "batched on the Q4_0 + offsets copy (default)",
}


def measure(rounds: int = ROUNDS) -> dict[str, Any]:
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in PATHS}
    latency: dict[str, list[float]] = {name: [] for name in PATHS}
    for round_index in range(rounds):
        order = list(PATHS)[round_index % len(PATHS):] + list(PATHS)[:round_index % len(PATHS)]  # rotate who goes first
        for provider in order:
            runs[provider].append(_run("stage", provider))
            latency[provider].append(_run("latency", provider)["latency_s"])
    reference = runs["legacy"][0]["texts"]
    figures: dict[str, Any] = {"texts": len(reference), "rounds": rounds, "paths": {}}
    for name in PATHS:
        figures["paths"][name] = {
            "tok_s": statistics.median(r["tok_s"] for r in runs[name]),
            "stage_s": statistics.median(r["seconds"] for r in runs[name]),
            "latency_s": statistics.median(latency[name]),
            "reused": runs[name][0]["reused_prompt_tokens"],
            # texts the same as the sequential path's (worst round), and as this path's own first round (determinism)
            "same_as_sequential": min(sum(r["texts"].get(k) == t for k, t in reference.items()) for r in runs[name]),
            "same_every_round": min(sum(r["texts"].get(k) == t for k, t in runs[name][0]["texts"].items())
                                    for r in runs[name]),
        }
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--worker", nargs=2, metavar=("KIND", "PROVIDER"))
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    if args.worker:
        _worker(*args.worker)
        return
    n = measure(args.rounds)
    base = n["paths"]["legacy"]
    print(f"quick bench generate stage ({n['texts']} texts) and one request alone ({LATENCY_TOKENS} tokens); "
          f"medians of {n['rounds']} rotating rounds, each run in a fresh interpreter")
    print(f"  {'path':<52} {'tok/s':>7} {'stage':>8} {'vs seq':>7} {'1 request':>10} {'vs seq':>7} {'same as seq':>12} "
          f"{'same each round':>16}")
    for name, label in PATHS.items():
        p = n["paths"][name]
        print(f"  {label:<52} {p['tok_s']:7.1f} {p['stage_s']:7.1f}s {p['tok_s'] / base['tok_s']:6.2f}x "
              f"{p['latency_s']:9.3f}s {p['latency_s'] / base['latency_s']:6.2f}x {p['same_as_sequential']:>6}/{n['texts']} "
              f"{p['same_every_round']:>10}/{n['texts']}")
    for name, label in PATHS.items():
        if n["paths"][name]["reused"]:
            print(f"  {label}: {n['paths'][name]['reused']} prompt tokens not decoded again (shared prefixes)")
    print("  targets (issue 18): aggregate tok/s >= 2.5x sequential; one request <= 1.1x sequential")


if __name__ == "__main__":
    main()
