"""Compare two finished runs: which rankings moved by more than their uncertainty.

A change is only reported when the 95 % intervals say it is real: a writer's
rating whose intervals in the two runs do not overlap, or two writers whose
order reversed while each run separated them with non-overlapping intervals.
Runs judged differently (another judge, other judge parameters, other pack
versions, another preset) are refused, because their numbers do not measure
the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from punchup.errors import PunchupError
from punchup.analysis.records import load_summary
from punchup.store import Store

# (leaderboard key, label, key of the point estimate inside the cell)
METRICS: tuple[tuple[str, str, str], ...] = (
    ("elo", "Elo raw", "elo"),
    ("elo_lc", "Elo length-controlled", "elo"),
    ("rubric", "rubric overall", "mean"),
)
# What a preset decides; two runs with the same preset name but other values here measured different texts.
PRESET_SETTINGS = ("preset", "samples", "prompts_per_pack", "max_tokens", "personas")


@dataclass(frozen=True)
class Interval:
    value: float
    low: float
    high: float

    def overlaps(self, other: "Interval") -> bool:
        return self.low <= other.high and other.low <= self.high

    def __str__(self) -> str:
        digits = 0 if abs(self.value) >= 100 else 2  # Elo in whole points, rubric means to two decimals
        return f"{self.value:.{digits}f} [{self.low:.{digits}f}–{self.high:.{digits}f}]"


@dataclass(frozen=True)
class RatingChange:
    writer: str
    metric: str
    before: Interval
    after: Interval

    @property
    def delta(self) -> float:
        return self.after.value - self.before.value


@dataclass(frozen=True)
class RankSwap:
    metric: str
    writer_up: str  # separated below writer_down in run A, separated above it in run B
    writer_down: str


@dataclass
class ComparisonResult:
    run_a: str
    run_b: str
    judge: str
    writers: list[str]
    only_a: list[str] = field(default_factory=list)
    only_b: list[str] = field(default_factory=list)
    changes: list[RatingChange] = field(default_factory=list)
    swaps: list[RankSwap] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes or self.swaps)


def comparability_problems(a: dict[str, Any], b: dict[str, Any]) -> list[str]:
    """Reasons two summaries cannot be compared; empty when they can."""
    problems = []
    config_a, config_b = a.get("config") or {}, b.get("config") or {}
    if config_a.get("judge") != config_b.get("judge"):
        problems.append(f"judge differs ({config_a.get('judge')} vs {config_b.get('judge')})")
    judge_a, judge_b = a.get("judge_config") or {}, b.get("judge_config") or {}
    changed = sorted(k for k in set(judge_a) | set(judge_b) if judge_a.get(k) != judge_b.get(k))
    if changed:
        problems.append("judge parameters differ (" + ", ".join(f"{k} {judge_a.get(k)} vs {judge_b.get(k)}" for k in changed) + ")")
    packs_a = {p.get("name"): p for p in a.get("packs") or []}
    packs_b = {p.get("name"): p for p in b.get("packs") or []}
    if set(packs_a) != set(packs_b):
        problems.append(f"packs differ ({', '.join(sorted(map(str, packs_a)))} vs {', '.join(sorted(map(str, packs_b)))})")
    for name in sorted(set(packs_a) & set(packs_b), key=str):
        pa, pb = packs_a[name], packs_b[name]
        if pa.get("version") != pb.get("version") or pa.get("hash") != pb.get("hash"):
            problems.append(f"pack '{name}' differs (version {pa.get('version')} hash {str(pa.get('hash'))[:12]} vs "
                            f"version {pb.get('version')} hash {str(pb.get('hash'))[:12]})")
    settings = [k for k in PRESET_SETTINGS if config_a.get(k) != config_b.get(k)]
    if settings:
        problems.append("preset differs (" + ", ".join(f"{k} {config_a.get(k)} vs {config_b.get(k)}" for k in settings) + ")")
    return problems


def _intervals(summary: dict[str, Any], metric: str, point: str) -> dict[str, Interval]:
    found = {}
    for row in summary.get("leaderboard") or []:
        cell = row.get(metric)
        if cell and all(isinstance(cell.get(k), (int, float)) for k in (point, "low", "high")):
            found[str(row["writer"])] = Interval(float(cell[point]), float(cell["low"]), float(cell["high"]))
    return found


def _separated_above(upper: Interval, lower: Interval) -> bool:
    return upper.low > lower.high


def compare_runs(store: Store, run_a: str, run_b: str) -> ComparisonResult:
    """Rankings of run_b that moved beyond their 95 % CIs relative to run_a; PunchupError if not comparable."""
    # Compared as stored JSON: comparability is about every recorded field, typed or not.
    a, b = load_summary(store, run_a).to_json(), load_summary(store, run_b).to_json()
    problems = comparability_problems(a, b)
    if problems:
        raise PunchupError(f"runs '{run_a}' and '{run_b}' are not comparable: {'; '.join(problems)}")
    writers_a = [str(r["writer"]) for r in a.get("leaderboard") or []]
    writers_b = {str(r["writer"]) for r in b.get("leaderboard") or []}
    result = ComparisonResult(
        run_a=run_a, run_b=run_b, judge=str((a.get("config") or {}).get("judge")),
        writers=[w for w in writers_a if w in writers_b],
        only_a=sorted(set(writers_a) - writers_b), only_b=sorted(writers_b - set(writers_a)),
    )
    same_pool = not (result.only_a or result.only_b)
    if not same_pool:
        # Elo is centred on the pool's mean; with other opponents its values shift without any writer changing.
        result.notes.append("the runs have different writers, so Elo values are not compared, only Elo order and rubric scores")
    for metric, label, point in METRICS:
        before, after = _intervals(a, metric, point), _intervals(b, metric, point)
        common = [w for w in result.writers if w in before and w in after]
        if metric == "rubric" or same_pool:
            result.changes.extend(RatingChange(w, label, before[w], after[w]) for w in common if not before[w].overlaps(after[w]))
        for x, y in combinations(common, 2):
            for up, down in ((x, y), (y, x)):
                if _separated_above(before[down], before[up]) and _separated_above(after[up], after[down]):
                    result.swaps.append(RankSwap(label, up, down))
    return result


def format_comparison(result: ComparisonResult) -> str:
    """Plain lines for the terminal."""
    lines = [f"comparing run '{result.run_a}' -> '{result.run_b}' (judge {result.judge}, {len(result.writers)} writers in both)"]
    if not result.changed:
        lines.append("no ranking changed beyond its 95 % CI")
    if result.changes:
        lines.append("changed beyond 95 % CIs:")
        width = max(len(c.writer) for c in result.changes)
        for change in result.changes:
            digits = 0 if change.metric.startswith("Elo") else 2
            lines.append(f"  {change.writer:<{width}}  {change.metric:<22} {change.before} -> {change.after}  ({change.delta:+.{digits}f})")
    if result.swaps:
        lines.append("order reversed, separated by CIs in both runs:")
        lines.extend(f"  {s.metric}: {s.writer_up} now above {s.writer_down}" for s in result.swaps)
    if result.only_a:
        lines.append(f"only in '{result.run_a}': {', '.join(result.only_a)}")
    if result.only_b:
        lines.append(f"only in '{result.run_b}': {', '.join(result.only_b)}")
    lines.extend(f"note: {note}" for note in result.notes)
    return "\n".join(lines)
