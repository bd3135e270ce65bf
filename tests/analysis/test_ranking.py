"""Ranking: Bradley-Terry fits, length control, bootstrap intervals, schedules."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from punchup.bench.pairing import pair_count, schedule_pairs
from punchup.analysis.ranking import (
    Outcome,
    bradley_terry,
    length_controlled,
    rank_with_ci,
    rubric_mean_ci,
)

TRUE_STRENGTHS = {f"writer{index}": strength for index, strength in enumerate(np.linspace(-1.4, 1.4, 8))}


def _spearman(first: list[float], second: list[float]) -> float:
    """Spearman rank correlation for tie-free data: 1 - 6 sum d^2 / (n (n^2 - 1))."""

    def ranks(values: list[float]) -> list[int]:
        order = sorted(range(len(values)), key=lambda index: values[index])
        result = [0] * len(values)
        for rank, index in enumerate(order):
            result[index] = rank
        return result

    n = len(first)
    squared = sum((a - b) ** 2 for a, b in zip(ranks(first), ranks(second)))
    return 1 - 6 * squared / (n * (n * n - 1))


def _simulate(
    strengths: dict[str, float], n_prompts: int, seed: int, tie_rate: float = 0.15
) -> list[Outcome]:
    """Every pair on every prompt; a tie with ``tie_rate``, otherwise a BT-distributed win."""
    rng = random.Random(seed)
    names = list(strengths)
    outcomes = []
    for prompt in range(n_prompts):
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                if rng.random() < tie_rate:
                    score = 0.5
                else:
                    p_a = 1 / (1 + math.exp(-(strengths[a] - strengths[b])))
                    score = 1.0 if rng.random() < p_a else 0.0
                outcomes.append(Outcome(f"prompt{prompt:03d}", a, b, score))
    return outcomes


def test_spearman_helper_is_correct() -> None:
    assert _spearman([1, 2, 3, 4], [10, 20, 30, 40]) == 1.0
    assert _spearman([1, 2, 3, 4], [40, 30, 20, 10]) == -1.0
    assert _spearman([1, 2, 3], [1, 3, 2]) == pytest.approx(0.5)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_noisy_simulation_recovers_true_order(seed: int) -> None:
    ratings = bradley_terry(_simulate(TRUE_STRENGTHS, n_prompts=20, seed=seed))
    names = list(TRUE_STRENGTHS)
    correlation = _spearman([TRUE_STRENGTHS[n] for n in names], [ratings[n] for n in names])
    assert correlation >= 0.9


def test_ratings_are_on_elo_scale_centred_at_1000() -> None:
    ratings = bradley_terry(_simulate(TRUE_STRENGTHS, n_prompts=40, seed=3, tie_rate=0.0))
    assert np.mean(list(ratings.values())) == pytest.approx(1000.0)
    # True gap between extremes is 2.8 logits = 2.8 * 400 / ln 10 ~ 486 Elo; the fit should be near it.
    gap = ratings["writer7"] - ratings["writer0"]
    assert 350 < gap < 650


def test_one_sided_result_stays_finite_and_favours_the_winner() -> None:
    ratings = bradley_terry([Outcome("p1", "a", "b", 1.0), Outcome("p2", "a", "b", 1.0)])
    assert all(math.isfinite(value) for value in ratings.values())
    assert ratings["a"] > ratings["b"]


def test_renaming_writers_only_permutes_ratings() -> None:
    outcomes = _simulate(TRUE_STRENGTHS, n_prompts=10, seed=4)
    # Renamed so that alphabetical order differs from the original order.
    rename = {name: f"{chr(ord('z') - index)}-renamed" for index, name in enumerate(TRUE_STRENGTHS)}
    renamed = [
        Outcome(o.prompt_id, rename[o.writer_a], rename[o.writer_b], o.score_a) for o in outcomes
    ]
    original = bradley_terry(outcomes)
    after = bradley_terry(renamed)
    for name, value in original.items():
        assert after[rename[name]] == pytest.approx(value, abs=1e-8)


def test_outcome_order_does_not_change_ratings_or_intervals() -> None:
    outcomes = _simulate(TRUE_STRENGTHS, n_prompts=8, seed=5)
    shuffled = list(outcomes)
    random.Random(99).shuffle(shuffled)
    assert shuffled != outcomes
    assert bradley_terry(shuffled) == bradley_terry(outcomes)
    assert rank_with_ci(shuffled, n_boot=50) == rank_with_ci(outcomes, n_boot=50)


def test_adding_a_writer_who_always_loses_keeps_the_others_order() -> None:
    outcomes = _simulate(TRUE_STRENGTHS, n_prompts=10, seed=6)
    before = bradley_terry(outcomes)
    loser_games = [
        Outcome(f"prompt{prompt:03d}", name, "hopeless", 1.0) for prompt in range(10) for name in TRUE_STRENGTHS
    ]
    after = bradley_terry(outcomes + loser_games)
    order_before = sorted(before, key=before.get)
    order_after = sorted((name for name in after if name != "hopeless"), key=after.get)
    assert order_after == order_before
    assert after["hopeless"] == min(after.values())


def test_ties_only_give_equal_ratings_and_shared_rank() -> None:
    outcomes = [Outcome(f"p{k}", a, b, 0.5) for k in range(3) for a, b in [("a", "b"), ("b", "c"), ("a", "c")]]
    ratings = bradley_terry(outcomes)
    assert ratings == pytest.approx({"a": 1000.0, "b": 1000.0, "c": 1000.0})
    rated = rank_with_ci(outcomes, n_boot=20)
    assert [row.rank for row in rated] == [1, 1, 1]
    assert all(row.ties == 6 and row.games == 6 for row in rated)


def test_writer_without_games_is_rated_at_the_prior() -> None:
    ratings = bradley_terry([Outcome("p", "a", "b", 1.0)], writers=["a", "b", "idle"])
    assert ratings["idle"] == pytest.approx(1000.0)
    assert ratings["a"] > 1000.0 > ratings["b"]


def test_unknown_writer_in_outcomes_is_rejected() -> None:
    with pytest.raises(ValueError, match="not in the writers list"):
        bradley_terry([Outcome("p", "a", "b", 1.0)], writers=["a"])


@pytest.mark.parametrize(
    "bad",
    [
        dict(prompt_id="p", writer_a="a", writer_b="b", score_a=0.7),
        dict(prompt_id="p", writer_a="a", writer_b="a", score_a=1.0),
        dict(prompt_id="p", writer_a="a", writer_b="b", score_a=1.0, length_a=-1),
    ],
)
def test_invalid_outcomes_are_rejected(bad: dict) -> None:
    with pytest.raises(ValueError):
        Outcome(**bad)


def test_rank_with_ci_is_sorted_with_records_and_intervals() -> None:
    outcomes = _simulate(TRUE_STRENGTHS, n_prompts=15, seed=7)
    rated = rank_with_ci(outcomes, n_boot=100, seed=1)
    point = bradley_terry(outcomes)
    assert [row.rank for row in rated] == list(range(1, 9))
    assert [row.elo for row in rated] == sorted((row.elo for row in rated), reverse=True)
    for row in rated:
        assert row.elo == pytest.approx(point[row.writer])
        assert row.ci_low <= row.elo <= row.ci_high
        assert row.ci_low < row.ci_high
        assert row.games == row.wins + row.losses + row.ties == 7 * 15
    assert sum(row.wins for row in rated) == sum(row.losses for row in rated)


def test_rank_with_ci_is_deterministic_per_seed() -> None:
    outcomes = _simulate(TRUE_STRENGTHS, n_prompts=6, seed=8)
    assert rank_with_ci(outcomes, n_boot=40, seed=3) == rank_with_ci(outcomes, n_boot=40, seed=3)
    assert rank_with_ci(outcomes, n_boot=40, seed=3) != rank_with_ci(outcomes, n_boot=40, seed=4)


def test_intervals_are_wider_with_fewer_prompts() -> None:
    def mean_width(n_prompts: int) -> float:
        rated = rank_with_ci(_simulate(TRUE_STRENGTHS, n_prompts=n_prompts, seed=9), n_boot=100)
        return float(np.mean([row.ci_high - row.ci_low for row in rated]))

    assert mean_width(5) > 1.5 * mean_width(40)


def _length_biased_outcomes(seed: int) -> list[Outcome]:
    """Judge decides mostly by length; 'verbose' is the weakest writer but writes twice as much."""
    rng = random.Random(seed)
    quality = {"verbose": -0.5, "alpha": 0.5, "beta": 0.25, "gamma": 0.0, "delta": -0.25}
    length_range = {name: (150, 650) for name in quality} | {"verbose": (500, 1300)}
    names = list(quality)
    outcomes = []
    for prompt in range(60):
        lengths = {name: rng.randint(*length_range[name]) for name in names}
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                difference = (lengths[a] - lengths[b]) / (lengths[a] + lengths[b])
                p_a = 1 / (1 + math.exp(-(quality[a] - quality[b] + 5.0 * difference)))
                score = 1.0 if rng.random() < p_a else 0.0
                outcomes.append(Outcome(f"p{prompt}", a, b, score, lengths[a], lengths[b]))
    return outcomes


@pytest.mark.parametrize("seed", [0, 1])
def test_length_control_removes_a_pure_length_effect(seed: int) -> None:
    outcomes = _length_biased_outcomes(seed)
    raw = bradley_terry(outcomes)
    controlled, coefficient = length_controlled(outcomes)
    assert max(raw, key=raw.get) == "verbose"
    assert max(controlled, key=controlled.get) != "verbose"
    assert controlled["verbose"] < controlled["alpha"]
    assert coefficient > 0
    assert coefficient == pytest.approx(5.0, abs=1.5)


def test_length_control_is_neutral_without_length_data() -> None:
    outcomes = _simulate(TRUE_STRENGTHS, n_prompts=5, seed=10)
    controlled, coefficient = length_controlled(outcomes)
    assert coefficient == 0.0
    assert controlled == pytest.approx(bradley_terry(outcomes))


def test_rank_with_ci_can_use_length_control() -> None:
    outcomes = _length_biased_outcomes(0)
    rated = rank_with_ci(outcomes, n_boot=30, length_control=True)
    controlled, _ = length_controlled(outcomes)
    assert rated[0].writer != "verbose"
    assert {row.writer: row.elo for row in rated} == pytest.approx(controlled)


def test_rubric_mean_ci_brackets_the_mean_and_is_deterministic() -> None:
    values = [float(v) for v in [3, 4, 5, 4, 2, 5, 4, 3, 4, 5]]
    mean, low, high = rubric_mean_ci(values, n_boot=500, seed=2)
    assert mean == pytest.approx(3.9)
    assert low < mean < high
    assert 2 < low and high < 5
    assert rubric_mean_ci(values, n_boot=500, seed=2) == (mean, low, high)


def test_rubric_mean_ci_edge_cases() -> None:
    assert rubric_mean_ci([7.0]) == (7.0, 7.0, 7.0)
    with pytest.raises(ValueError):
        rubric_mean_ci([])


def test_small_field_gets_every_pair_on_every_prompt() -> None:
    writers = ["a", "b", "c", "d"]
    prompts = ["p1", "p2", "p3"]
    schedule = schedule_pairs(writers, prompts, current=None, budget=None)
    assert len(schedule) == 6 * 3
    assert {(p, frozenset((a, b))) for p, a, b in schedule} == {
        (p, frozenset(pair)) for p in prompts for pair in [("a", "b"), ("a", "c"), ("a", "d"), ("b", "c"), ("b", "d"), ("c", "d")]
    }
    assert pair_count(4, 3) == len(schedule)


def test_large_field_gets_a_sparse_schedule_covering_everyone() -> None:
    writers = [f"w{index:02d}" for index in range(32)]
    prompts = [f"p{index}" for index in range(10)]
    schedule = schedule_pairs(writers, prompts, current=None, budget=2000)
    distinct_pairs = {frozenset((a, b)) for _, a, b in schedule}
    n = len(writers)
    assert len(distinct_pairs) <= 6 * n * math.log2(n)
    assert len(distinct_pairs) < n * n / 4
    assert {name for _, a, b in schedule for name in (a, b)} == set(writers)
    keys = [(p, frozenset((a, b))) for p, a, b in schedule]
    assert len(keys) == len(set(keys)), "no (prompt, pair) may be scheduled twice"
    assert len(schedule) <= 2000
    assert pair_count(32, 10, budget=2000) == len(schedule)


def test_sparse_schedule_pairs_rating_neighbours_first_and_respects_budget() -> None:
    writers = [f"w{index}" for index in range(10)]
    # Ratings reverse the given order, so w9 is best.
    current = {name: float(index) for index, name in enumerate(writers)}
    schedule = schedule_pairs(writers, ["p1", "p2"], current=current, budget=9)
    assert len(schedule) == 9
    # The first nine comparisons are the distance-1 neighbours in rating order.
    assert [(a, b) for _, a, b in schedule] == [(f"w{i}", f"w{i - 1}") for i in range(9, 0, -1)]
    # Consecutive pairs start on different prompts so prompts are used evenly.
    assert {p for p, _, _ in schedule} == {"p1", "p2"}


def test_schedule_is_deterministic_and_prompts_are_spread() -> None:
    writers = [f"w{index}" for index in range(12)]
    prompts = [f"p{index}" for index in range(4)]
    first = schedule_pairs(writers, prompts, current=None, budget=60)
    assert first == schedule_pairs(writers, prompts, current=None, budget=60)
    per_prompt = [sum(1 for p, _, _ in first if p == prompt) for prompt in prompts]
    assert max(per_prompt) - min(per_prompt) <= 1


def test_schedule_edge_cases() -> None:
    assert schedule_pairs(["solo"], ["p"], current=None, budget=None) == []
    assert schedule_pairs(["a", "b"], [], current=None, budget=None) == []
    assert len(schedule_pairs(["a", "b", "c"], ["p1", "p2"], current=None, budget=4)) == 4
    with pytest.raises(ValueError):
        schedule_pairs(["a", "a"], ["p"], current=None, budget=None)
