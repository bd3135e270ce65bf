"""Embedded SmolLM2: load time, tokens/s through punchup vs raw llama-cpp-python, cached re-run speed.

Run: .venv/bin/python benchmarks/local_model.py   (prints a table; not a test)
Targets (issue 2): punchup >= 80 tok/s (>= 0.9x raw), load < 2 s, 100 cached calls < 1 s.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from llama_cpp import Llama

from punchup.models import CachedModel, GenerateConfig, Message, get_model
from punchup.models.local import smollm2_path
from punchup.store import Store

PROMPTS = [f"Write a short paragraph about a {thing} at night." for thing in ("harbour", "bakery", "train", "library")]
MAX_TOKENS = 128


def raw_tokens_per_second() -> float:
    llm = Llama(model_path=str(smollm2_path()), n_ctx=4096, n_threads=2, verbose=False)
    tokens = elapsed = 0.0
    for i, prompt in enumerate(PROMPTS):
        started = time.perf_counter()
        reply = llm.create_chat_completion(
            messages=[{"role": "user", "content": prompt}], max_tokens=MAX_TOKENS, temperature=0.8, seed=i
        )
        elapsed += time.perf_counter() - started
        tokens += reply["usage"]["completion_tokens"]
    del llm
    return tokens / elapsed


async def punchup_numbers(store_path: Path) -> dict[str, float]:
    started = time.perf_counter()
    model = get_model("local/smollm2")
    model.llama()  # type: ignore[attr-defined]
    load_s = time.perf_counter() - started
    cached = CachedModel(model, Store(str(store_path)))
    tokens = elapsed = 0.0
    for i, prompt in enumerate(PROMPTS):
        started = time.perf_counter()
        generation = await cached.generate([Message(role="user", content=prompt)], GenerateConfig(max_tokens=MAX_TOKENS, seed=i))
        elapsed += time.perf_counter() - started
        tokens += generation.completion_tokens
    # 100 short calls, then the same 100 again from the store
    calls = [([Message(role="user", content=f"One word for the number {n}.")], GenerateConfig(max_tokens=4, seed=n)) for n in range(100)]
    for messages, config in calls:
        await cached.generate(messages, config)
    started = time.perf_counter()
    for messages, config in calls:
        await cached.generate(messages, config)
    rerun_s = time.perf_counter() - started
    return {"load_s": load_s, "tok_s": tokens / elapsed, "rerun_100_s": rerun_s, "made": cached.stats.made, "cached": cached.stats.cached}


def main() -> None:
    raw_first = raw_tokens_per_second()  # measured before and after punchup so warm-up favours neither
    with tempfile.TemporaryDirectory() as tmp:
        ours = asyncio.run(punchup_numbers(Path(tmp) / "bench.db"))
    raw = (raw_first + raw_tokens_per_second()) / 2
    rows = [
        ("model load (s)", f"{ours['load_s']:.2f}", "< 2"),
        ("punchup tokens/s", f"{ours['tok_s']:.1f}", ">= 80"),
        ("raw llama-cpp-python tokens/s", f"{raw:.1f}", ""),
        ("punchup / raw", f"{ours['tok_s'] / raw:.2f}x", ">= 0.9x"),
        ("100 cached calls (s)", f"{ours['rerun_100_s']:.3f}", "< 1"),
        ("cached re-run model calls", f"{ours['made'] - 104:.0f}", "0"),
    ]
    print(f"{'measure':<32}{'value':>10}  target")
    for name, value, target in rows:
        print(f"{name:<32}{value:>10}  {target}")


if __name__ == "__main__":
    main()
