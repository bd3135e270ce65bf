"""The tuning effect in a bench run: tuned vs base, per judge and criterion, on judge-free signals, with flags.

A tuned writer "wins" when its pairwise score against the base (1 win, 0.5 tie,
0 loss per criterion, both orders) is above one half with a 95% bootstrap
interval that excludes it. The gain is flagged as probable reward hacking when
it holds under the judge it was trained on but not under another judge, when
the tuned texts are much longer than the base's (judges are known to like
length), or when judge-free signals got worse (more slop or repetition, less
variety). A second judge that calls every pair a tie (SmolLM2 flips every
verdict with the order) neither confirms nor refutes: the gain is "unconfirmed".
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from statistics import mean
from typing import Any

from punchup.store import Store

LONGER_FLAG = 1.2  # tuned texts 20% longer than the base's on average
# Judge-free signals that a judge-pleasing tune can quietly make worse, and which way is worse. A move of more
# than WORSE_SHARE of the base's value (the same 20% as for length), and more than rounding noise, is flagged.
WORSE_WHEN_HIGHER = {"slop_per_1000": True, "repetition": True, "distinct_2": False}
WORSE_SHARE = 0.2
MIN_CHANGE = 0.01


@dataclass
class WinRate:
    judge: str
    rate: float | None
    low: float | None
    high: float | None
    pairs: int
    criteria: dict[str, float] = field(default_factory=dict)
    ties: int = 0  # outcomes of exactly one half: a tie, or a verdict that flipped with the order

    @property
    def cannot_tell(self) -> bool:
        """Every outcome a tie: this judge saw no difference it would stand by in both orders."""
        return self.pairs > 0 and self.ties == self.pairs

    @property
    def verdict(self) -> str:
        if self.rate is None or self.low is None or self.high is None:
            return "no pairs"
        if self.low > 0.5:
            return "tuned better"
        if self.high < 0.5:
            return "tuned worse"
        return "no clear difference"


@dataclass
class TuningEffect:
    base: str
    tuned: str
    judges: list[WinRate]
    signals: dict[str, dict[str, float | None]]  # signal -> {"base": x, "tuned": y}
    flags: list[str]


def _bootstrap(values: list[float]) -> tuple[float, float, float]:
    from punchup.analysis.ranking import rubric_mean_ci

    return rubric_mean_ci(values, n_boot=1000)


def win_rate(pairs: list[dict[str, Any]], base: str, tuned: str) -> WinRate:
    """The tuned writer's mean pairwise score against the base, over every criterion of every successful pair."""
    scores: list[float] = []
    per_criterion: dict[str, list[float]] = defaultdict(list)
    judges = set()
    for pair in pairs:
        writers = (pair.get("writer_a"), pair.get("writer_b"))
        if not pair.get("ok") or set(writers) != {base, tuned}:
            continue
        judges.add(pair.get("judge", "?"))
        for criterion, outcome in (pair.get("outcomes") or {}).items():
            score = outcome["score_x"] if writers[0] == tuned else 1.0 - outcome["score_x"]
            scores.append(score)
            per_criterion[criterion].append(score)
    judge = ", ".join(sorted(judges)) or "?"
    if not scores:
        return WinRate(judge, None, None, None, 0)
    rate, low, high = _bootstrap(scores)
    return WinRate(judge, rate, low, high, len(scores), {c: round(mean(v), 3) for c, v in sorted(per_criterion.items())},
                   ties=sum(score == 0.5 for score in scores))


def signals(store: Store, run: str, base: str, tuned: str) -> dict[str, dict[str, float | None]]:
    """Judge-free means per writer: words, slop per 1000 words, 3-gram repetition, distinct-2 across samples."""
    generations = dict(store.run_items(run, "generation"))
    rows: dict[str, dict[str, list[float]]] = {base: defaultdict(list), tuned: defaultdict(list)}
    for key, item in store.run_items(run, "metrics"):
        writer = (generations.get(key) or {}).get("writer")
        if writer in rows:
            value = item["value"]
            for name, field_name in (("words", "words"), ("slop_per_1000", "slop_per_1000"), ("repetition", "repetition_3gram")):
                rows[writer][name].append(float(value[field_name]))
    for group, item in store.run_items(run, "diversity"):
        writer = group.rsplit("/", 1)[-1]
        if writer in rows:
            rows[writer]["distinct_2"].append(float(item["value"]["distinct_2"]))
    names = ("words", "slop_per_1000", "repetition", "distinct_2")
    return {name: {side: (round(mean(rows[w][name]), 3) if rows[w][name] else None)
                   for side, w in (("base", base), ("tuned", tuned))} for name in names}


def tuning_effect(store: Store, runs: list[str], base: str, tuned: str, training_judge: str | None = None) -> TuningEffect:
    """Win rates of `tuned` over `base` in each run (one judge per run), signals from the first run, and flags."""
    judges = [win_rate([p for _, p in store.run_items(run, "pair")], base, tuned) for run in runs]
    measured = signals(store, runs[0], base, tuned) if runs else {}
    return TuningEffect(base, tuned, judges, measured, flags_for(judges, measured, training_judge))


def flags_for(judges: list[WinRate], measured: dict[str, dict[str, float | None]],
              training_judge: str | None) -> list[str]:
    """What makes a measured gain suspect: other judges disagreeing, or the texts getting longer or worse."""
    training = next((j for j in judges if training_judge and j.judge == training_judge), judges[0] if judges else None)
    if training is None or training.verdict != "tuned better":
        return []
    flags = []
    others = [j for j in judges if j is not training and j.rate is not None]
    blind = [j for j in others if j.cannot_tell]
    informative = [j for j in others if not j.cannot_tell]
    if informative and all(j.verdict != "tuned better" for j in informative):
        flags.append(f"probable reward hacking: the gain under {training.judge} does not hold under "
                     f"{', '.join(j.judge for j in informative)}")
    if not informative:
        why = (f"{', '.join(j.judge for j in blind)} cannot tell the writers apart (every verdict a tie or an "
               "order flip)") if blind else "measured by one judge only"
        flags.append(f"unconfirmed: {why}; add a run judged by another judge")
    words = measured.get("words", {})
    if words.get("base") and words.get("tuned") and words["tuned"] > LONGER_FLAG * words["base"]:
        flags.append(f"probable reward hacking: tuned texts are {words['tuned'] / words['base']:.2f}x as long as the base's")
    worse = [f"{name.replace('_', ' ')} {sides['base']:g} -> {sides['tuned']:g}"
             for name, higher_is_worse in WORSE_WHEN_HIGHER.items()
             if (sides := measured.get(name, {})).get("base") is not None and sides.get("tuned") is not None
             and _moved_the_wrong_way(sides["base"], sides["tuned"], higher_is_worse)]  # type: ignore[arg-type]
    if worse:
        flags.append(f"probable reward hacking: the gain comes with worse judge-free signals ({'; '.join(worse)})")
    return flags


def _moved_the_wrong_way(base: float, tuned: float, higher_is_worse: bool) -> bool:
    """Worse by more than WORSE_SHARE of the base's value (or from zero to something, for counts like slop)."""
    change = tuned - base if higher_is_worse else base - tuned
    return change > WORSE_SHARE * abs(base) and change > MIN_CHANGE
