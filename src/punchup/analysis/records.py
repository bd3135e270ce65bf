"""The bench summary as typed records: what the terminal, the JSON/CSV exports and the report read.

Stored as JSON in the run's "summary" item and validated on the way back, so a summary from another
punchup version that does not fit fails loudly instead of printing wrong numbers.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from punchup.errors import PunchupError


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Interval(_Record):
    """A mean with its 95 % bootstrap interval over `n` values."""

    mean: float
    low: float
    high: float
    n: int


class Rating(_Record):
    """A Bradley-Terry rating on the Elo scale with its 95 % interval (bootstrap over prompts)."""

    elo: float
    low: float
    high: float
    rank: int
    wins: int
    losses: int
    ties: int


class LeaderboardRow(_Record):
    writer: str
    generations: int
    failed_generations: int
    rubric: Interval | None
    words: float | None
    slop_per_1000: float | None
    repetition: float | None
    lexical_diversity: float | None
    sample_similarity: float | None
    refusal_rate: float | None
    elo: Rating | None
    elo_lc: Rating | None  # length-controlled


class PackInfo(_Record):
    name: str
    version: str
    hash: str
    prompts: int


class PersonaFigure(_Record):
    love_rate: float
    mean: float
    texts: int


class JudgeQuality(_Record):
    judge: str
    flip_rate: float | None
    pair_judgments: int
    failed_pair_judgments: int
    rubric_judgments: int
    failed_rubric_judgments: int
    failed_share: float
    injections_flagged: int
    score_length_correlation: float | None
    warnings: list[str] = Field(default_factory=list)


class SamplerCosts(_Record):
    """What one writer's samplers did over a run (punchup.improve.samplers.traces)."""

    texts: int
    backtracks: int = 0
    tokens_regenerated: int = 0
    phrases_avoided: int = 0
    budget_exhausted: int = 0  # texts whose antislop backtrack budget ran out
    failed_verdicts: int = 0  # best-of judgments that failed (the earlier candidate stayed)
    mean_cost_multiplier: float = 1.0  # best-of: tokens generated over the single sample's


class BenchSummary(_Record):
    run: str
    config: dict[str, Any]
    punchup_version: str
    judge_config: dict[str, Any]
    packs: list[PackInfo]
    slop_list_version: str
    leaderboard: list[LeaderboardRow]
    criteria: dict[str, dict[str, dict[str, Interval | None]]]  # pack -> writer -> criterion -> mean
    # Pack-check figures (punchup.packs.checks), keyed by each check's summary_key.
    camera: dict[str, dict[str, str]] = Field(default_factory=dict)  # writer -> move -> "correct/required"
    comedy: dict[str, dict[str, Any]] = Field(default_factory=dict)  # writer -> hit_rate, alts_per_keeper, setups
    refusal: dict[str, dict[str, Any]] = Field(default_factory=dict)  # writer -> over/under-refusal
    personas: dict[str, PersonaFigure] = Field(default_factory=dict)
    judge_quality: JudgeQuality
    samplers: dict[str, SamplerCosts] = Field(default_factory=dict)  # writer -> what its samplers bought and cost
    calls: dict[str, dict[str, int]] = Field(default_factory=dict)  # model -> made / cached
    inputs: str | None = None  # hash of everything the figures were computed from
    timings_s: dict[str, float] = Field(default_factory=dict)
    faults: dict[str, Any] = Field(default_factory=dict)

    def results(self) -> dict[str, Any]:
        """What the summary says about the writers, without how this particular run went."""
        return self.model_dump(mode="json", exclude={"timings_s", "calls", "faults", "inputs"})

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def stored_summary(store: Any, run: str) -> BenchSummary | None:
    """The run's stored summary, or None when there is none or it does not fit these records
    (written by another punchup version): the bench then recomputes it from the stored items."""
    found = dict(store.run_items(run, "summary")).get("summary")
    if not isinstance(found, dict):
        return None
    try:
        return BenchSummary.model_validate(found)
    except ValueError:
        return None


def load_summary(store: Any, run: str) -> BenchSummary:
    """The finished summary of a run, or a PunchupError naming the run and the store."""
    if store.get_run(run) is None:
        known = ", ".join(r["name"] for r in store.runs()[:10]) or "none"
        raise PunchupError(f"run '{run}' not found in store {store.location} (runs: {known})")
    found = dict(store.run_items(run, "summary")).get("summary")
    if not isinstance(found, dict) or "leaderboard" not in found:
        raise PunchupError(f"run '{run}' has no finished summary in store {store.location}: "
                           f"finish it with `punchup bench --run {run}` first")
    summary = stored_summary(store, run)
    if summary is None:
        raise PunchupError(f"run '{run}' has a summary from another punchup version in store {store.location}: "
                           f"run `punchup bench --run {run}` to recompute it (no model calls)")
    return summary


__all__ = ["BenchSummary", "Interval", "JudgeQuality", "LeaderboardRow", "PackInfo", "PersonaFigure", "Rating", "load_summary", "stored_summary"]
