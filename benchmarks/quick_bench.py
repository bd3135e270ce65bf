"""The quick bench on the embedded model: stage wall times, cached re-run, peak memory, store size.

Runs `punchup bench --preset quick` twice in subprocesses on a fresh store:
the first run does the work, the second must make zero model calls and be
>= 100x faster. Peak RSS of each run is read from the kernel's rusage.
Targets (issue 8): re-run >= 100x faster with 0 calls; peak RSS <= 1.5 GB.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PUNCHUP = str(Path(sys.executable).with_name("punchup"))
STAGES = ("generate", "metrics", "rubric", "pairwise", "rank")  # in pipeline order


def run(args: list[str]) -> tuple[float, float]:
    """(wall seconds, peak RSS MiB of this child) for one punchup command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    subprocess.run([PUNCHUP, *args], check=True, stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, max over children so far
    return elapsed, max(peak, before) / 1024


def results(store: str) -> dict:
    done = subprocess.run([PUNCHUP, "results", "--run", "perf", "--json", "--store", store], check=True,
                          capture_output=True, text=True)
    return json.loads(done.stdout)


def measure(extra: list[str] | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "quick.db")
        args = ["bench", "--preset", "quick", "--run", "perf", "--store", store, "--report", str(Path(tmp) / "perf.html"),
                *(extra or [])]
        first_s, first_rss = run(args)
        first = results(store)  # stage times of the run that did the work
        second_s, second_rss = run(args)
        summary = results(store)
        # The report is written at the end of a bench; time it on its own as the last stage.
        report_s, _ = run(["report", "--run", "perf", "--store", store, "-o", str(Path(tmp) / "again.html")])
        import sqlite3

        db = sqlite3.connect(store)
        judgments = db.execute("SELECT COUNT(*) FROM judgments").fetchone()[0]
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()
        size = Path(store).stat().st_size
    made_on_rerun = sum(c["made"] for c in summary["calls"].values())
    return {
        "first_s": first_s,
        "rerun_s": second_s,
        "speedup": first_s / second_s,
        "rerun_model_calls": made_on_rerun,
        "peak_rss_mib": max(first_rss, second_rss),
        "stages_s": {**{stage: first["timings_s"][stage] for stage in STAGES}, "report (whole command)": report_s},
        "judgments": judgments,
        "store_kib_per_1000_judgments": size / 1024 / max(1, judgments) * 1000,
    }


def main() -> None:
    numbers = measure(sys.argv[1:])
    print(f"quick bench, first run        {numbers['first_s']:8.1f} s")
    for stage, seconds in numbers["stages_s"].items():
        print(f"  stage {stage:<22}{seconds:8.1f} s")
    print(f"re-run (cached)               {numbers['rerun_s']:8.2f} s  -> {numbers['speedup']:.0f}x faster (target >= 100x)")
    print(f"model calls on re-run         {numbers['rerun_model_calls']:8d}    (target 0)")
    print(f"peak RSS                      {numbers['peak_rss_mib']:8.0f} MiB (target <= 1536)")
    print(f"store per 1,000 judgments     {numbers['store_kib_per_1000_judgments']:8.0f} KiB (incl. calls and texts)")


if __name__ == "__main__":
    main()
