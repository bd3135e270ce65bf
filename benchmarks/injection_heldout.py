"""Injection guard: recall on probes the rules were written against and, separately, on held-out probes.

Run: .venv/bin/python -m benchmarks.injection_heldout
Held out (tests/judging/probes/heldout.jsonl) means written after the category rules were frozen and
scored once; the development figure is close to 100 % by construction and says little. The false-positive
rate is over every clean text (fiction full of judges, scores, letters and diaries addressed to someone).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from punchup.judging.guard import detect_injection

PROBES = Path(__file__).resolve().parents[1] / "tests/judging/probes"


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (PROBES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def recall(probes: list[dict]) -> tuple[int, int, dict[str, str]]:
    caught, total = Counter(), Counter()
    for probe in probes:
        category = probe.get("category") or probe.get("technique") or "?"
        total[category] += 1
        caught[category] += detect_injection(probe["text"]).flagged
    return sum(caught.values()), sum(total.values()), {c: f"{caught[c]}/{total[c]}" for c in sorted(total)}


def main() -> None:
    held = load("heldout.jsonl")
    for label, probes in (("development: original techniques", load("injected.jsonl")),
                          ("development: categories (issue's misses + variants)", load("categories_dev.jsonl")),
                          ("HELD OUT: categories", [p for p in held if p["injected"]])):
        hit, total, by = recall(probes)
        print(f"{label:<55} recall {hit}/{total} ({hit / total:.0%})  " + ", ".join(f"{c} {v}" for c, v in by.items()))
    clean = load("clean.jsonl") + load("clean_addressing.jsonl") + [p for p in held if not p["injected"]]
    flagged = [p["id"] for p in clean if detect_injection(p["text"]).flagged]
    print(f"{'clean fiction (all sets)':<55} false positives {len(flagged)}/{len(clean)} ({len(flagged) / len(clean):.1%})"
          + (f": {', '.join(flagged)}" if flagged else ""))


if __name__ == "__main__":
    main()
