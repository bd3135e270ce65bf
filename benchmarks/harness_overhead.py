"""Harness overhead: 2,000 chat calls at concurrency 32 against an instant local server.

punchup's `openai` provider with store writes (every call recorded in SQLite) vs
a bare `openai` async client, measured side by side in one run. One repetition
is one run of each, the order alternating between repetitions (so neither side
always gets the warmer machine); the ratio reported is the median of the
repetitions' ratios. CPU time per call (this process: client, store, event
loop; the server runs in its own) is printed beside throughput, and a profile
of one extra punchup run says where the per-call cost goes.
Target (issue 18): median punchup / bare >= 0.85x.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import pstats
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any, Awaitable, Callable

import openai

from benchmarks.instant_server import start
from punchup.models import CachedModel, GenerateConfig, Message, get_model
from punchup.store import Store

CALLS = 2000
CONCURRENCY = 32
REPEATS = 5
# Where a profiled call spends its time, by the file the function lives in (first match wins).
AREAS = [("store (sqlite3)", ("punchup/store/", "sqlite3")), ("cache key + JSON", ("punchup/util/hashing", "json/")),
         ("pydantic", ("pydantic",)), ("punchup other", ("punchup/",)), ("openai client", ("openai/",)),
         ("httpx/httpcore/h11", ("httpx", "httpcore", "h11", "anyio", "sniffio")), ("asyncio", ("asyncio/",))]


def _messages(i: int) -> list[dict[str, str]]:
    return [{"role": "user", "content": f"Write a line about the number {i}."}]


def _config(i: int) -> GenerateConfig:
    return GenerateConfig(max_tokens=16, seed=i)


async def bare_client(base_url: str) -> None:
    client = openai.AsyncOpenAI(base_url=base_url, api_key="x", max_retries=0)
    limit = asyncio.Semaphore(CONCURRENCY)

    async def one(i: int) -> None:
        # The very request punchup sends for the same call: every sampling parameter, and the same timeout.
        config = _config(i)
        async with limit:
            await client.chat.completions.create(model="instant", messages=_messages(i), temperature=config.temperature,
                                                 top_p=config.top_p, max_tokens=config.max_tokens, seed=config.seed,
                                                 timeout=config.timeout_s)

    await asyncio.gather(*(one(i) for i in range(CALLS)))
    await client.close()


async def through_punchup(base_url: str, store_path: Path) -> None:
    store = Store(str(store_path))
    model = CachedModel(get_model("openai/instant", base_url=base_url, concurrency=CONCURRENCY), store)
    await asyncio.gather(
        *(model.generate([Message(**m) for m in _messages(i)], _config(i)) for i in range(CALLS))
    )
    await model.aclose()
    recorded = store.count("calls")
    store.close()
    assert recorded == CALLS, f"expected {CALLS} recorded calls, found {recorded}"


def _timed(run: Callable[[], Awaitable[None]]) -> dict[str, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    asyncio.run(run())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {"calls_s": CALLS / wall, "cpu_us_per_call": cpu / CALLS * 1e6}


def _profile(base_url: str, store_path: Path) -> list[tuple[str, float]]:
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(through_punchup(base_url, store_path))
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    areas: dict[str, float] = {}
    for (filename, _line, function), (_cc, _nc, own, _cum, _callers) in stats.items():
        where = filename.replace("\\", "/") + ":" + function
        area = next((name for name, parts in AREAS if any(p in where for p in parts)), "other (C, builtins)")
        areas[area] = areas.get(area, 0.0) + own
    return sorted(((area, seconds / CALLS * 1e6) for area, seconds in areas.items()), key=lambda kv: -kv[1])


def measure(repeats: int = REPEATS, profile: bool = False) -> dict[str, Any]:
    base_url, server = start()
    bare: list[dict[str, float]] = []
    ours: list[dict[str, float]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            asyncio.run(bare_client(base_url))  # warm-up: connection pools, imports
            asyncio.run(through_punchup(base_url, Path(tmp) / "warm.db"))
            for i in range(repeats):
                run_ours = lambda i=i: through_punchup(base_url, Path(tmp) / f"overhead{i}.db")  # noqa: E731
                run_bare = lambda: bare_client(base_url)  # noqa: E731
                first, second = (run_bare, run_ours) if i % 2 == 0 else (run_ours, run_bare)
                a, b = _timed(first), _timed(second)
                bare.append(a if i % 2 == 0 else b)
                ours.append(b if i % 2 == 0 else a)
            areas = _profile(base_url, Path(tmp) / "profiled.db") if profile else []
    finally:
        server.terminate()
    ratios = [o["calls_s"] / b["calls_s"] for o, b in zip(ours, bare)]
    return {
        "bare_calls_s": statistics.median(b["calls_s"] for b in bare),
        "punchup_calls_s": statistics.median(o["calls_s"] for o in ours),
        "bare_cpu_us": statistics.median(b["cpu_us_per_call"] for b in bare),
        "punchup_cpu_us": statistics.median(o["cpu_us_per_call"] for o in ours),
        "ratio": statistics.median(ratios), "ratios": ratios, "profile_us_per_call": areas,
    }


def main() -> None:
    global CALLS
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=REPEATS)
    parser.add_argument("--calls", type=int, default=CALLS)
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args()
    CALLS = args.calls
    n = measure(args.repeats, profile=not args.no_profile)
    print(f"{CALLS} calls at concurrency {CONCURRENCY}, {args.repeats} alternating repetitions (medians)")
    print(f"bare openai client      {n['bare_calls_s']:8.0f} calls/s  {n['bare_cpu_us']:6.0f} us CPU/call")
    print(f"punchup (+SQLite store) {n['punchup_calls_s']:8.0f} calls/s  {n['punchup_cpu_us']:6.0f} us CPU/call")
    print(f"punchup / bare          {n['ratio']:8.2f}x   (median; each repetition: "
          f"{', '.join(f'{r:.2f}' for r in n['ratios'])}; target >= 0.85x)")
    if n["profile_us_per_call"]:
        print("profile of one punchup run, own time per call (profiler overhead included):")
        for area, us in n["profile_us_per_call"]:
            print(f"  {area:<22} {us:7.1f} us")


if __name__ == "__main__":
    main()
