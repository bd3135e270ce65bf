"""Turn pairwise judge verdicts into ratings and confidence intervals (which pairs to judge: punchup.bench.pairing).

Ratings are Bradley-Terry strengths fitted by penalised maximum likelihood
and reported on the Elo scale (400 points = 10:1 odds, mean 1000), because
that scale is familiar and its differences read directly as win odds.
Confidence intervals bootstrap over prompts rather than over single games:
games on the same prompt share the prompt's difficulty, so resampling games
would understate the uncertainty.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict

ELO_CENTRE = 1000.0
ELO_PER_LOGIT = 400.0 / math.log(10.0)
# Every writer also "ties" this many games against a virtual average
# opponent. It keeps undefeated or winless writers finite and pins the scale
# without visibly moving writers that have played real games.
PRIOR_GAMES = 0.5
# Ridge penalty on the length coefficient, so a dataset with no length
# variation yields 0 rather than an arbitrary value.
LENGTH_L2 = 0.01
_MAX_NEWTON_STEPS = 100
_NEWTON_TOLERANCE = 1e-10
_VALID_SCORES = (0.0, 0.5, 1.0)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One judged comparison: score_a is 1.0 if A won, 0.5 for a tie, 0.0 if B won."""

    prompt_id: str
    writer_a: str
    writer_b: str
    score_a: float
    length_a: int = 0
    length_b: int = 0

    def __post_init__(self) -> None:
        if self.score_a not in _VALID_SCORES:
            raise ValueError(f"score_a must be 1.0, 0.5 or 0.0, got {self.score_a!r}")
        if self.writer_a == self.writer_b:
            raise ValueError(f"a writer cannot play itself: {self.writer_a!r} on prompt {self.prompt_id!r}")
        if self.length_a < 0 or self.length_b < 0:
            raise ValueError("lengths are word counts and cannot be negative")


class RatedWriter(BaseModel):
    """A writer's rating with a 95% bootstrap interval and its game record."""

    model_config = ConfigDict(frozen=True)

    writer: str
    elo: float
    ci_low: float
    ci_high: float
    rank: int
    wins: int
    losses: int
    ties: int
    games: int


@dataclass(frozen=True)
class _Design:
    """Outcomes as arrays, in a canonical order so input order cannot change results."""

    writers: list[str]
    index_a: np.ndarray
    index_b: np.ndarray
    scores: np.ndarray
    length_difference: np.ndarray
    prompt_ids: list[str]


def _canonical(outcomes: Sequence[Outcome]) -> list[Outcome]:
    return sorted(
        outcomes,
        key=lambda o: (o.prompt_id, o.writer_a, o.writer_b, o.score_a, o.length_a, o.length_b),
    )


def _writer_list(outcomes: Sequence[Outcome], writers: Sequence[str] | None) -> list[str]:
    seen = {name for outcome in outcomes for name in (outcome.writer_a, outcome.writer_b)}
    if writers is None:
        return sorted(seen)
    listed = list(writers)
    if len(set(listed)) != len(listed):
        raise ValueError("writers contains duplicates")
    unknown = seen - set(listed)
    if unknown:
        raise ValueError(f"outcomes mention writers not in the writers list: {sorted(unknown)}")
    return listed


def _normalised_length_difference(length_a: int, length_b: int) -> float:
    total = length_a + length_b
    return (length_a - length_b) / total if total else 0.0


def _design(outcomes: Sequence[Outcome], writers: Sequence[str] | None) -> _Design:
    ordered = _canonical(outcomes)
    names = _writer_list(ordered, writers)
    position = {name: index for index, name in enumerate(names)}
    return _Design(
        writers=names,
        index_a=np.array([position[o.writer_a] for o in ordered], dtype=np.intp),
        index_b=np.array([position[o.writer_b] for o in ordered], dtype=np.intp),
        scores=np.array([o.score_a for o in ordered], dtype=float),
        length_difference=np.array(
            [_normalised_length_difference(o.length_a, o.length_b) for o in ordered], dtype=float
        ),
        prompt_ids=[o.prompt_id for o in ordered],
    )


def _log_sigmoid(values: np.ndarray) -> np.ndarray:
    return -np.logaddexp(0.0, -values)


_MIN_CURVATURE = 1e-12


def _fit(design: _Design, game_weights: np.ndarray, with_length: bool) -> tuple[np.ndarray, float]:
    """Penalised maximum likelihood by damped Newton; returns (strengths in logits, length coefficient).

    Model: logit P(A beats B) = s_A - s_B (+ gamma * length difference). A
    tie is half a win for each side. Each writer's virtual half-game tie
    against a strength-0 opponent is the prior; the objective is strictly
    concave, so Newton with step halving converges to the unique optimum.
    """
    n_writers = len(design.writers)
    if n_writers == 0:
        return np.zeros(0), 0.0
    n_params = n_writers + (1 if with_length else 0)
    rows = np.arange(len(design.scores))
    # Game rows: +1 for A, -1 for B (and the length covariate); prior rows: +1 for one writer.
    games = np.zeros((len(design.scores), n_params))
    games[rows, design.index_a] = 1.0
    games[rows, design.index_b] = -1.0
    if with_length:
        games[:, n_writers] = design.length_difference
    prior = np.zeros((n_writers, n_params))
    prior[np.arange(n_writers), np.arange(n_writers)] = 1.0
    features = np.vstack([games, prior])
    targets = np.concatenate([design.scores, np.full(n_writers, 0.5)])
    weights = np.concatenate([game_weights, np.full(n_writers, PRIOR_GAMES)])
    ridge = np.zeros(n_params)
    if with_length:
        ridge[n_writers] = LENGTH_L2

    def objective(params: np.ndarray) -> float:
        logits = features @ params
        likelihood = weights * (targets * _log_sigmoid(logits) + (1 - targets) * _log_sigmoid(-logits))
        return float(likelihood.sum() - 0.5 * np.sum(ridge * params**2))

    params = np.zeros(n_params)
    current = objective(params)
    for _ in range(_MAX_NEWTON_STEPS):
        probabilities = 1.0 / (1.0 + np.exp(-(features @ params)))
        gradient = features.T @ (weights * (targets - probabilities)) - ridge * params
        # p(1 - p) underflows to 0 once a writer is ~25 logits out (lengths that explain every verdict push the
        # fit there), which made the Hessian singular; a floor far below any real curvature keeps it solvable.
        curvature = weights * np.maximum(probabilities * (1 - probabilities), _MIN_CURVATURE)
        hessian = (features * curvature[:, None]).T @ features + np.diag(ridge)
        step = np.linalg.solve(hessian, gradient)
        if np.max(np.abs(step), initial=0.0) < _NEWTON_TOLERANCE:
            break
        # Halve the step until the objective does not get worse; a full
        # Newton step can overshoot when some writers are far apart.
        step_size = 1.0
        while step_size > 1e-8:
            candidate = params + step_size * step
            candidate_value = objective(candidate)
            if candidate_value >= current - 1e-12:
                params, current = candidate, candidate_value
                break
            step_size /= 2
        else:
            break  # no improving step left: converged to float precision
    length_coefficient = float(params[n_writers]) if with_length else 0.0
    return params[:n_writers], length_coefficient


def _to_elo(strengths: np.ndarray) -> np.ndarray:
    if strengths.size == 0:
        return strengths
    return ELO_CENTRE + ELO_PER_LOGIT * (strengths - strengths.mean())


def percentile_interval(draws: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 95 % percentile interval of bootstrap draws (per column of a 2-D array): one definition of the
    level for every interval punchup prints."""
    low, high = np.percentile(draws, [2.5, 97.5], axis=0)
    return low, high


def bradley_terry(outcomes: Sequence[Outcome], writers: Sequence[str] | None = None) -> dict[str, float]:
    """Bradley-Terry ratings on the Elo scale (mean 1000), ties as half a win each.

    ``writers`` fixes the set of rated writers (one without games gets 1000
    before centring); by default every writer named in ``outcomes``.
    """
    design = _design(outcomes, writers)
    strengths, _ = _fit(design, np.ones(len(design.scores)), with_length=False)
    return dict(zip(design.writers, _to_elo(strengths).tolist()))


def length_controlled(
    outcomes: Sequence[Outcome], writers: Sequence[str] | None = None
) -> tuple[dict[str, float], float]:
    """Ratings with the judge's length preference fitted jointly and removed.

    The covariate is (len_a - len_b) / (len_a + len_b). Returns Elo-scale
    ratings as if both sides were equally long, and the length coefficient
    in logits per unit of that covariate (positive: the judge favours longer
    texts).
    """
    design = _design(outcomes, writers)
    strengths, coefficient = _fit(design, np.ones(len(design.scores)), with_length=True)
    return dict(zip(design.writers, _to_elo(strengths).tolist())), coefficient


def _records(outcomes: Sequence[Outcome], writers: list[str]) -> dict[str, Counter[str]]:
    records: dict[str, Counter[str]] = {name: Counter() for name in writers}
    for outcome in outcomes:
        if outcome.score_a == 0.5:
            records[outcome.writer_a]["ties"] += 1
            records[outcome.writer_b]["ties"] += 1
        else:
            winner, loser = (
                (outcome.writer_a, outcome.writer_b) if outcome.score_a == 1.0 else (outcome.writer_b, outcome.writer_a)
            )
            records[winner]["wins"] += 1
            records[loser]["losses"] += 1
    return records


def rank_with_ci(
    outcomes: Sequence[Outcome],
    writers: Sequence[str] | None = None,
    n_boot: int = 200,
    seed: int = 0,
    length_control: bool = False,
) -> list[RatedWriter]:
    """Ratings with 95% percentile intervals from resampling prompts, best first.

    Each bootstrap draw picks prompts with replacement and refits on all of
    their games. Equal ratings share a rank. Deterministic for a given seed.
    """
    design = _design(outcomes, writers)
    all_games = np.ones(len(design.scores))
    point_strengths, _ = _fit(design, all_games, with_length=length_control)
    point = _to_elo(point_strengths)

    prompts = sorted(set(design.prompt_ids))
    prompt_position = {prompt: index for index, prompt in enumerate(prompts)}
    prompt_of_game = np.array([prompt_position[p] for p in design.prompt_ids], dtype=np.intp) if prompts else None
    rng = np.random.default_rng(seed)
    draws = np.empty((n_boot, len(design.writers)))
    for draw in range(n_boot):
        if prompt_of_game is None:
            draws[draw] = point
            continue
        # Resampling prompts is the same as weighting each game by how many
        # times its prompt was drawn, which avoids copying outcomes.
        times_drawn = np.bincount(rng.integers(0, len(prompts), size=len(prompts)), minlength=len(prompts))
        strengths, _ = _fit(design, times_drawn[prompt_of_game].astype(float), with_length=length_control)
        draws[draw] = _to_elo(strengths)
    if n_boot > 0:
        low, high = percentile_interval(draws)
    else:
        low, high = point.copy(), point.copy()
    # A percentile interval of a penalised, re-centred estimate can miss the
    # point estimate on tiny samples; widen it so the reported interval
    # always contains the rating it accompanies.
    low, high = np.minimum(low, point), np.maximum(high, point)

    records = _records(outcomes, design.writers)
    order = sorted(range(len(design.writers)), key=lambda i: (-point[i], design.writers[i]))
    rated: list[RatedWriter] = []
    for position, index in enumerate(order):
        tied_with_previous = position > 0 and math.isclose(
            point[index], point[order[position - 1]], rel_tol=0.0, abs_tol=1e-6
        )
        rank = rated[-1].rank if tied_with_previous else position + 1
        record = records[design.writers[index]]
        rated.append(
            RatedWriter(
                writer=design.writers[index],
                elo=float(point[index]),
                ci_low=float(low[index]),
                ci_high=float(high[index]),
                rank=rank,
                wins=record["wins"],
                losses=record["losses"],
                ties=record["ties"],
                games=record["wins"] + record["losses"] + record["ties"],
            )
        )
    return rated


def rubric_mean_ci(values: Sequence[float], n_boot: int = 1000, seed: int = 0) -> tuple[float, float, float]:
    """Mean of ``values`` with a 95% percentile bootstrap interval: (mean, low, high)."""
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        raise ValueError("rubric_mean_ci needs at least one value")
    mean = float(data.mean())
    if data.size == 1 or n_boot <= 0:
        return mean, mean, mean
    rng = np.random.default_rng(seed)
    boot_means = data[rng.integers(0, data.size, size=(n_boot, data.size))].mean(axis=1)
    low, high = percentile_interval(boot_means)
    return mean, float(min(low, mean)), float(max(high, mean))
