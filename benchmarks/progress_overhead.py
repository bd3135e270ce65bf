"""Progress bars must not slow anything measurably: the same fake-model bench with and without them.

Zero-latency scripted models make punchup's own work the whole cost, the worst
case for a progress bar. Best of several interleaved rounds each.
"""

from __future__ import annotations

import asyncio
import io
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from punchup.bench.config import BenchConfig
from punchup.bench.run import Bench

ROUNDS = 3
WRITERS = [f"fake/p{i}" for i in range(6)]


def one_run(store: Path, with_bars: bool) -> float:
    from punchup.store import Store

    config = BenchConfig.build("progress", WRITERS, "fake/progress-judge", "fiction,poetry,comedy", "full", None, 0, None)
    started = time.perf_counter()
    if not with_bars:
        asyncio.run(Bench(config, Store(str(store))).run())
        return time.perf_counter() - started
    console = Console(file=io.StringIO(), force_terminal=True, width=120)  # rendered for real, then discarded
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console) as progress:
        tasks: dict[str, object] = {}

        def hook(stage: str, n: int) -> None:
            if n >= 0:
                tasks[stage] = progress.add_task(stage, total=n)
            else:
                progress.advance(tasks[stage])  # type: ignore[arg-type]

        asyncio.run(Bench(config, Store(str(store)), progress=hook).run())
    return time.perf_counter() - started


def measure() -> dict[str, float]:
    bare, bars = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(ROUNDS):
            bare.append(one_run(Path(tmp) / f"bare{i}.db", False))
            bars.append(one_run(Path(tmp) / f"bars{i}.db", True))
    return {"without_s": min(bare), "with_s": min(bars), "ratio": min(bars) / min(bare)}


def main() -> None:
    numbers = measure()
    print(f"bench without progress bars  {numbers['without_s']:6.2f} s")
    print(f"bench with progress bars     {numbers['with_s']:6.2f} s")
    print(f"with / without               {numbers['ratio']:6.2f}x  (target ~1.00x)")


if __name__ == "__main__":
    main()
