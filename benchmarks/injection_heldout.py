"""Injection guard: recall on probes the rules were written against and, separately, on held-out probes.

Run: .venv/bin/python -m benchmarks.injection_heldout
Held out means written after the category rules were frozen and scored once. Round 1
(tests/judging/probes/heldout_round1.jsonl) first scored 14 of 21; round 2 (heldout_round2.jsonl, written
after the second round's rules) first scored 17 of 21 with 1 of 20 clean texts flagged. Each round's misses
were then fixed by category rules, so both files are development data now and the figures printed for them
here are after the fixes: only a first score is a measurement of generalisation, and the next round needs a
fresh file. The false-positive rate is over every clean text (fiction full of judges, scores, letters and
diaries addressed to someone).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from punchup.judging.guard import detect_injection

PROBES = Path(__file__).resolve().parents[1] / "tests/judging/probes"


def load(name: str) -> list[dict]:
    return [json.loads(line) for line in (PROBES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def load_injected(name: str) -> list[dict]:
    return [p for p in load(name) if p["injected"]]


def recall(probes: list[dict]) -> tuple[int, int, dict[str, str]]:
    caught, total = Counter(), Counter()
    for probe in probes:
        category = probe.get("category") or probe.get("technique") or "?"
        total[category] += 1
        caught[category] += detect_injection(probe["text"]).flagged
    return sum(caught.values()), sum(total.values()), {c: f"{caught[c]}/{total[c]}" for c in sorted(total)}


def main() -> None:
    held = load("heldout_round1.jsonl") + load("heldout_round2.jsonl")
    for label, probes in (("development: original techniques", load("injected.jsonl")),
                          ("development: categories (issue's misses + variants)", load("categories_dev.jsonl")),
                          ("held out, round 1 (first score 14/21), after fixes", load_injected("heldout_round1.jsonl")),
                          ("held out, round 2 (first score 17/21), after fixes", load_injected("heldout_round2.jsonl"))):
        hit, total, by = recall(probes)
        print(f"{label:<55} recall {hit}/{total} ({hit / total:.0%})  " + ", ".join(f"{c} {v}" for c, v in by.items()))
    clean = load("clean.jsonl") + load("clean_addressing.jsonl") + [p for p in held if not p["injected"]]
    flagged = [p["id"] for p in clean if detect_injection(p["text"]).flagged]
    print(f"{'clean fiction (all sets)':<55} false positives {len(flagged)}/{len(clean)} ({len(flagged) / len(clean):.1%})"
          + (f": {', '.join(flagged)}" if flagged else ""))


if __name__ == "__main__":
    main()
