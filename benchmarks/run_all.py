"""`make perf`: every benchmark in one run, one table of measured ratios against the issue's targets."""

from __future__ import annotations

import os
import platform


from benchmarks import harness_overhead
from benchmarks import local_batching
from benchmarks import local_model
from benchmarks import pair_growth
from benchmarks import progress_overhead
from benchmarks import quick_bench
from benchmarks import vs_inspect


def main() -> None:
    rows: list[tuple[str, str, str]] = []
    overhead = harness_overhead.measure()
    rows.append(("harness: punchup / bare openai client (2,000 calls, c=32, median of 5)", f"{overhead['ratio']:.2f}x",
                 ">= 0.85x"))
    inspect = vs_inspect.measure()
    rows.append(("throughput: punchup / Inspect (same calls)", f"{inspect['ratio']:.1f}x", ">= 2x"))
    batching = local_batching.measure()
    rows.append(("local model: quick-bench generate tok/s, batched / sequential", f"{batching['tok_s_ratio']:.2f}x",
                 ">= 2.5x"))
    rows.append(("local model: single-request latency, batched / sequential", f"{batching['latency_ratio']:.2f}x",
                 "<= 1.1x"))
    local = local_model.measure()
    rows.append(("local model: punchup / raw llama-cpp-python tok/s", f"{local['ratio']:.2f}x", ">= 0.9x"))
    rows.append(("local model: punchup tokens/s", f"{local['tok_s']:.0f}", ">= 80"))
    rows.append(("local model: load time", f"{local['load_s']:.2f} s", "< 2 s"))
    rows.append(("100 cached calls", f"{local['rerun_100_s']:.3f} s", "< 1 s"))
    for label, extra in (("craft/heuristic judge", []), ("SmolLM2 judge", ["--judge", "local/smollm2"])):
        quick = quick_bench.measure(extra)
        rows.append((f"quick bench, {label}: first run", f"{quick['first_s']:.0f} s", "< 600 s"))
        for stage, seconds in quick["stages_s"].items():
            rows.append((f"  stage {stage}", f"{seconds:.1f} s", ""))
        rows.append((f"quick bench, {label}: cached re-run", f"{quick['rerun_s']:.2f} s", ""))
        rows.append((f"quick bench, {label}: re-run speed-up", f"{quick['speedup']:.0f}x", ">= 100x"))
        rows.append((f"quick bench, {label}: model calls on re-run", f"{quick['rerun_model_calls']}", "0"))
        rows.append((f"quick bench, {label}: peak RSS", f"{quick['peak_rss_mib']:.0f} MiB", "<= 1536 MiB"))
        rows.append((f"store size per 1,000 judgments ({label})", f"{quick['store_kib_per_1000_judgments']:.0f} KiB", ""))
    growth = pair_growth.measure()
    for row in growth:
        rows.append((f"pairs per prompt, {row['writers']} writers (all pairs {row['all_pairs_per_prompt']:.0f})",
                     f"{row['pairs_per_prompt']:.0f}", f"~n log2 n = {row['n_log2_n']:.0f}"))
    rows.append(("ranking vs ground truth, worst Spearman", f"{min(r['spearman'] for r in growth):.3f}", ">= 0.9"))
    bars = progress_overhead.measure()
    rows.append(("bench time with / without progress bars (zero-latency fakes)", f"{bars['ratio']:.2f}x", "~1.00x"))

    print(f"\nmachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    width = max(len(r[0]) for r in rows)
    print(f"{'measure':<{width}}  {'value':>12}  target")
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:>12}  {target}")


if __name__ == "__main__":
    main()
