"""punchup vs Inspect (UK AISI) on the same 2,000 chat calls at concurrency 32 against an instant local server.

Inspect is installed only for this benchmark (`pip install inspect-ai`); each
sample is one call (a one-sample-per-call task, generate() solver, no scorer).
Both sides record every call (punchup: SQLite store; Inspect: its eval log).
Target (issue 8): punchup / Inspect throughput >= 2x.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path

from benchmarks.harness_overhead import CALLS, CONCURRENCY, through_punchup
from benchmarks.instant_server import start


def through_inspect(base_url: str, log_dir: str) -> float:
    try:
        from inspect_ai import Task, eval as inspect_eval
        from inspect_ai.dataset import Sample
        from inspect_ai.solver import generate
    except ModuleNotFoundError:
        raise SystemExit("this benchmark needs Inspect: .venv/bin/pip install inspect-ai") from None

    os.environ["OPENAI_API_KEY"] = "x"
    task = Task(
        dataset=[Sample(input=f"Write a line about the number {i}.", id=i) for i in range(CALLS)],
        solver=generate(),
    )
    started = time.perf_counter()
    logs = inspect_eval(
        task,
        model="openai/instant",
        model_base_url=base_url,
        model_args={"responses_api": False},  # the instant server speaks chat completions, as punchup does
        max_connections=CONCURRENCY,
        max_tokens=16,
        display="none",
        log_dir=log_dir,
        max_retries=0,
    )
    elapsed = time.perf_counter() - started
    log = logs[0]
    if log.status != "success" or len(log.samples or []) != CALLS:
        raise SystemExit(f"Inspect run did not complete: {log.status} {str(log.error)[:200]}")
    return CALLS / elapsed


def measure() -> dict[str, float]:
    base_url, server = start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            ours = max(asyncio.run(through_punchup(base_url, Path(tmp) / f"p{i}.db"))[0] for i in range(2))
            theirs = max(through_inspect(base_url, str(Path(tmp) / f"logs{i}")) for i in range(2))
    finally:
        server.terminate()
    return {"punchup_calls_s": ours, "inspect_calls_s": theirs, "ratio": ours / theirs}


def main() -> None:
    numbers = measure()
    print(f"Inspect                 {numbers['inspect_calls_s']:8.0f} calls/s")
    print(f"punchup (+SQLite store) {numbers['punchup_calls_s']:8.0f} calls/s")
    print(f"punchup / Inspect       {numbers['ratio']:8.2f}x   (target >= 2x)")


if __name__ == "__main__":
    main()
