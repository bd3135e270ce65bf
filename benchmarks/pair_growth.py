"""How many pairwise judgments the scheduler asks for as writers grow, and whether the ranking stays right.

Fake writers with a known quality order write texts that carry their quality;
a simulated judge (scripted fake model) prefers the better text with noise.
Counts, not seconds. Target (issue 8): growth close to n log n, not n^2, and
Spearman >= 0.9 against the ground-truth order.
"""

from __future__ import annotations

import asyncio
import json
import math
import random
import re
import sys
import tempfile
from pathlib import Path

from punchup.bench.config import BenchConfig
from punchup.bench.run import Bench
from punchup.models.fake import script
from punchup.store import Store

WRITER_COUNTS = (4, 8, 16, 32)
PACK = "fiction"
NOISE = 0.2  # probability the judge picks the worse text
QUALITY = re.compile(r"quality (\d+)")


def spearman(order_a: list[str], order_b: list[str]) -> float:
    rank_b = {name: i for i, name in enumerate(order_b)}
    n = len(order_a)
    d2 = sum((i - rank_b[name]) ** 2 for i, name in enumerate(order_a))
    return 1 - 6 * d2 / (n * (n * n - 1))


def noisy_judge(messages, config) -> str:
    body = messages[-1].content
    rng = random.Random(body)
    qualities = [int(q) for q in QUALITY.findall(body)]
    reply = {}
    for name, spec in config.json_schema["properties"].items():
        if name == "rationale":
            reply[name] = "simulated"
        elif spec.get("enum") == ["A", "B", "tie"]:
            better = "A" if qualities[0] > qualities[1] else "B"
            worse = "B" if better == "A" else "A"
            reply[name] = worse if rng.random() < NOISE else better
        else:
            # rubric: quality on 1..10 plus noise, so the adaptive schedule starts from a rough order
            values = spec["enum"]
            guess = min(len(values) - 1, max(0, round(qualities[0] / 100 * (len(values) - 1) + rng.gauss(0, 1.5))))
            reply[name] = values[guess]
    return json.dumps(reply)


def one_size(n: int, tmp: Path) -> dict[str, float]:
    names = [f"w{i:02d}" for i in range(n)]
    qualities = {name: int(100 * (i + 1) / (n + 1)) for i, name in enumerate(names)}
    for name in names:
        script(name, lambda m, c, q=qualities[name]: f"A story of quality {q} told in plain words, seed {c.seed}.")
    script("noisy-judge", noisy_judge)
    config = BenchConfig.build(f"growth{n}", [f"fake/{x}" for x in names], "fake/noisy-judge", PACK, "full", None, 0, None)
    bench = Bench(config, Store(str(tmp / f"growth{n}.db")))
    summary = asyncio.run(bench.run()).to_json()
    ranked = [row["writer"].removeprefix("fake/") for row in summary["leaderboard"]]
    truth = sorted(names, key=lambda x: -qualities[x])
    prompts = len(bench.state.packs[0].prompts)
    return {"writers": n, "pairs": len(bench.state.pairs), "pairs_per_prompt": len(bench.state.pairs) / prompts,
            "all_pairs_per_prompt": n * (n - 1) / 2, "n_log2_n": n * math.log2(n), "spearman": spearman(ranked, truth)}


def measure() -> list[dict[str, float]]:
    with tempfile.TemporaryDirectory() as tmp:
        return [one_size(n, Path(tmp)) for n in WRITER_COUNTS]


def main() -> None:
    rows = measure()
    print(f"{'writers':>7} {'pairs/prompt':>13} {'all pairs':>10} {'n log2 n':>9} {'spearman':>9}")
    for row in rows:
        print(f"{row['writers']:>7} {row['pairs_per_prompt']:>13.0f} {row['all_pairs_per_prompt']:>10.0f} "
              f"{row['n_log2_n']:>9.0f} {row['spearman']:>9.3f}")
    worst = min(row["spearman"] for row in rows)
    print(f"growth 16->32 writers: x{rows[-1]['pairs'] / rows[-2]['pairs']:.2f} (n^2 would be x4.0, n log n x2.5); "
          f"worst Spearman {worst:.3f} (target >= 0.9)")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
