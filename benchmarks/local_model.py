"""Embedded SmolLM2: load time, tokens/s through punchup vs raw llama-cpp-python, cached re-run speed.

Each measurement runs in its own process (llama.cpp worker threads of one
loaded model would otherwise compete with the other's), in interleaved rounds,
best of each. Run: .venv/bin/python benchmarks/local_model.py
Targets (issue 2/8): punchup >= 80 tok/s and >= 0.9x raw, load < 2 s, 100 cached calls < 1 s.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PROMPTS = [f"Write a short paragraph about a {thing} at night." for thing in ("harbour", "bakery", "train", "library")]
MAX_TOKENS = 128
ROUNDS = 3


def _raw(queue: _Printer) -> None:
    from llama_cpp import Llama

    from punchup.models.providers.local import smollm2_path

    llm = Llama(model_path=str(smollm2_path()), n_ctx=4096, n_threads=2, verbose=False)
    tokens = elapsed = 0.0
    for i, prompt in enumerate(PROMPTS):
        started = time.perf_counter()
        reply = llm.create_chat_completion(
            messages=[{"role": "user", "content": prompt}], max_tokens=MAX_TOKENS, temperature=0.8, seed=i
        )
        elapsed += time.perf_counter() - started
        tokens += reply["usage"]["completion_tokens"]
    queue.put({"tok_s": tokens / elapsed})


def _punchup(queue: _Printer, store_path: str) -> None:
    from punchup.models import CachedModel, GenerateConfig, Message, get_model
    from punchup.store import Store

    async def go() -> dict[str, float]:
        started = time.perf_counter()
        model = get_model("local/smollm2")
        model.llama()  # type: ignore[attr-defined]
        load_s = time.perf_counter() - started
        cached = CachedModel(model, Store(store_path))
        tokens = elapsed = 0.0
        for i, prompt in enumerate(PROMPTS):
            started = time.perf_counter()
            generation = await cached.generate([Message(role="user", content=prompt)], GenerateConfig(max_tokens=MAX_TOKENS, seed=i))
            elapsed += time.perf_counter() - started
            tokens += generation.completion_tokens
        # 100 short calls, then the same 100 again: the second pass must come from the store
        calls = [([Message(role="user", content=f"One word for the number {n}.")], GenerateConfig(max_tokens=4, seed=n)) for n in range(100)]
        for messages, config in calls:
            await cached.generate(messages, config)
        made_before = cached.stats.made
        started = time.perf_counter()
        for messages, config in calls:
            await cached.generate(messages, config)
        return {"load_s": load_s, "tok_s": tokens / elapsed, "rerun_100_s": time.perf_counter() - started,
                "rerun_calls_made": cached.stats.made - made_before}

    queue.put(asyncio.run(go()))


def _in_process(worker: str, *args: str) -> dict[str, float]:
    """Run one measurement in a fresh interpreter (see the module docstring) and read its JSON line."""
    done = subprocess.run([sys.executable, __file__, "--worker", worker, *args], capture_output=True, text=True,
                          timeout=600, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


class _Printer:
    def put(self, result: dict[str, float]) -> None:
        print(json.dumps(result), flush=True)


def measure() -> dict[str, float]:
    ours, raw = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for round_index in range(ROUNDS):
            ours.append(_in_process("punchup", str(Path(tmp) / f"round{round_index}.db")))
            raw.append(_in_process("raw"))
    best = max(ours, key=lambda r: r["tok_s"])
    raw_best = max(r["tok_s"] for r in raw)
    return {**best, "load_s": min(r["load_s"] for r in ours), "raw_tok_s": raw_best, "ratio": best["tok_s"] / raw_best}


def main() -> None:
    numbers = measure()
    rows = [
        ("model load (s)", f"{numbers['load_s']:.2f}", "< 2"),
        ("punchup tokens/s", f"{numbers['tok_s']:.1f}", ">= 80"),
        ("raw llama-cpp-python tokens/s", f"{numbers['raw_tok_s']:.1f}", ""),
        ("punchup / raw", f"{numbers['ratio']:.2f}x", ">= 0.9x"),
        ("100 cached calls (s)", f"{numbers['rerun_100_s']:.3f}", "< 1"),
        ("cached re-run model calls", f"{numbers['rerun_calls_made']:.0f}", "0"),
    ]
    print(f"{'measure':<32}{'value':>10}  target")
    for name, value, target in rows:
        print(f"{name:<32}{value:>10}  {target}")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        _raw(_Printer()) if sys.argv[2] == "raw" else _punchup(_Printer(), sys.argv[3])
    else:
        main()
