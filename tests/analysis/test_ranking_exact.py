"""Ratings and intervals against values computed by hand, independently of punchup.analysis.ranking.

The model (documented in ranking.py): logit P(A beats B) = s_A - s_B (+ gamma * length difference), a tie
is half a win, every writer also ties half a game against a strength-0 opponent, Elo = 1000 + 400/ln 10 *
(s - mean s). For two writers the optimum is symmetric (s_A = -s_B = x) and x solves the one-line
first-order condition

    wins_A - games * sigmoid(2x) + 0.5 * (0.5 - sigmoid(x)) = 0

which these tests solve by bisection. For more writers the tests check the optimality conditions of the
returned ratings directly. Intervals are checked where the bootstrap distribution is known exactly: with
two writers and whole prompts won by one side, a resample's rating depends only on how many winning
prompts it drew, a binomial count.
"""

from __future__ import annotations

import inspect
import math
import statistics

import pytest

from punchup.analysis.ranking import Outcome, bradley_terry, length_controlled, rank_with_ci, rubric_mean_ci

ELO_PER_LOGIT = 400 / math.log(10)  # 173.72: 400 Elo points are 10:1 odds
PRIOR = 0.5  # the virtual tied half game each writer plays


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def bisect(f, low: float = -30.0, high: float = 30.0) -> float:
    """The root of a decreasing function on [low, high]."""
    for _ in range(200):
        middle = (low + high) / 2
        low, high = (middle, high) if f(middle) > 0 else (low, middle)
    return (low + high) / 2


def two_writer_elo(wins: float, games: float) -> tuple[float, float]:
    """(Elo of A, Elo of B) when A scored `wins` (ties count half) in `games` games against B."""
    x = bisect(lambda x: wins - games * sigmoid(2 * x) + PRIOR * (0.5 - sigmoid(x)))
    return 1000 + ELO_PER_LOGIT * x, 1000 - ELO_PER_LOGIT * x


def games(prompt: str, a: str, b: str, score: float, times: int = 1) -> list[Outcome]:
    return [Outcome(prompt, a, b, score) for _ in range(times)]


# --- point ratings -----------------------------------------------------------------------------


def test_one_win_is_worth_175_elo_each_way():
    # x solves 1 - sigmoid(2x) + 0.5 (0.5 - sigmoid(x)) = 0: x = 1.0119, so 1000 +- 175.8.
    ratings = bradley_terry(games("p", "a", "b", 1.0))
    assert ratings == pytest.approx({"a": 1175.80, "b": 824.20}, abs=0.01)
    assert two_writer_elo(1, 1) == pytest.approx((ratings["a"], ratings["b"]), abs=1e-6)


def test_three_wins_in_four_games_whichever_side_is_listed_first():
    outcomes = games("p", "a", "b", 1.0, 2) + games("q", "b", "a", 0.0) + games("q", "a", "b", 0.0)
    expected_a, expected_b = two_writer_elo(3, 4)  # 1088.36 / 911.64
    assert bradley_terry(outcomes) == pytest.approx({"a": expected_a, "b": expected_b}, abs=1e-6)
    assert expected_a == pytest.approx(1088.36, abs=0.01)


def test_a_tie_is_half_a_win():
    outcomes = games("p", "a", "b", 1.0) + games("q", "a", "b", 0.5)
    expected_a, expected_b = two_writer_elo(1.5, 2)  # 1082.42 / 917.58
    assert bradley_terry(outcomes) == pytest.approx({"a": expected_a, "b": expected_b}, abs=1e-6)
    rows = {row.writer: row for row in rank_with_ci(outcomes, n_boot=0)}
    assert (rows["a"].wins, rows["a"].losses, rows["a"].ties, rows["a"].games) == (1, 0, 1, 2)
    assert (rows["b"].wins, rows["b"].losses, rows["b"].ties, rows["b"].games) == (0, 1, 1, 2)


def assert_optimal(outcomes: list[Outcome], elo: dict[str, float], gamma: float | None = None, ridge: float = 0.0) -> None:
    """The first-order conditions of the penalised likelihood hold at the returned ratings.

    Elo is centred, so the absolute strengths are recovered first: summed over writers, the game terms
    cancel and only the prior terms remain, so sum_i sigmoid(s_i) = n / 2 fixes the offset.
    """
    names = sorted(elo)
    centred = {w: (elo[w] - 1000) / ELO_PER_LOGIT for w in names}
    offset = bisect(lambda c: len(names) / 2 - sum(sigmoid(centred[w] + c) for w in names))
    strength = {w: centred[w] + offset for w in names}
    gradient = {w: PRIOR * (0.5 - sigmoid(strength[w])) for w in names}
    fitted_gamma = gamma is not None
    gamma = gamma or 0.0
    gamma_gradient = -ridge * gamma
    for o in outcomes:
        total = o.length_a + o.length_b
        difference = (o.length_a - o.length_b) / total if total else 0.0
        residual = o.score_a - sigmoid(strength[o.writer_a] - strength[o.writer_b] + gamma * difference)
        gradient[o.writer_a] += residual
        gradient[o.writer_b] -= residual
        gamma_gradient += residual * difference
    assert max(abs(g) for g in gradient.values()) < 1e-7, gradient
    assert not fitted_gamma or abs(gamma_gradient) < 1e-7


def test_three_writers_with_a_cycle_and_ties_sit_at_the_optimum():
    outcomes = (games("p1", "a", "b", 1.0, 3) + games("p2", "b", "c", 1.0, 2) + games("p3", "c", "a", 1.0)
                + games("p4", "a", "c", 0.5, 2) + games("p5", "b", "a", 0.0))
    ratings = bradley_terry(outcomes)
    assert sum(ratings.values()) == pytest.approx(3000)
    # a scored 5 of 7 points; c (2 of 5, one of them a win over a) ends above b (2 of 6) although b beat c twice.
    assert ratings["a"] > ratings["c"] > ratings["b"]
    assert_optimal(outcomes, ratings)


def test_a_listed_writer_without_games_keeps_the_prior_strength():
    ratings = bradley_terry(games("p", "a", "b", 1.0), writers=["a", "b", "idle"])
    # a and b are as in the one-win case (s = +-1.0119), idle stays at strength 0: the mean is 0 too.
    assert ratings == pytest.approx({"a": 1175.80, "b": 824.20, "idle": 1000.0}, abs=0.01)


# --- length control ------------------------------------------------------------------------------


def test_length_control_on_a_pure_length_judge():
    # Half the games a is longer (300 vs 100 words: difference +0.5) and wins; half b is longer and wins.
    # Raw: 2 wins each, so both 1000. Controlled: strengths stay 0 by symmetry and gamma solves
    # 4 * 0.5 * (1 - sigmoid(0.5 gamma)) = 0.01 gamma (the ridge): gamma = 6.72.
    outcomes = [Outcome(f"p{i}", "a", "b", 1.0, 300, 100) for i in range(2)]
    outcomes += [Outcome(f"q{i}", "a", "b", 0.0, 100, 300) for i in range(2)]
    expected_gamma = bisect(lambda g: 4 * 0.5 * (1 - sigmoid(0.5 * g)) - 0.01 * g, 0.0, 100.0)
    controlled, gamma = length_controlled(outcomes)
    assert gamma == pytest.approx(expected_gamma, abs=1e-6) and gamma == pytest.approx(6.72, abs=0.01)
    assert controlled == pytest.approx({"a": 1000.0, "b": 1000.0}, abs=1e-6)
    assert bradley_terry(outcomes) == pytest.approx({"a": 1000.0, "b": 1000.0}, abs=1e-6)


def test_length_controlled_ratings_sit_at_the_optimum_and_remove_the_length_advantage():
    # "long" wins most games and is always longer; "mid" and "short" differ by quality only.
    outcomes = [Outcome("p1", "long", "mid", 1.0, 400, 200), Outcome("p2", "long", "mid", 1.0, 500, 100),
                Outcome("p3", "long", "mid", 0.0, 250, 250), Outcome("p1", "long", "short", 1.0, 400, 100),
                Outcome("p2", "mid", "short", 1.0, 200, 200), Outcome("p3", "short", "mid", 0.5, 150, 150),
                Outcome("p4", "mid", "short", 0.0, 100, 300), Outcome("p4", "long", "short", 0.5, 300, 300)]
    controlled, gamma = length_controlled(outcomes)
    assert gamma > 0
    assert_optimal(outcomes, controlled, gamma=gamma, ridge=0.01)
    raw = bradley_terry(outcomes)
    assert_optimal(outcomes, raw)
    assert controlled["long"] - controlled["mid"] < raw["long"] - raw["mid"]
    rated = {row.writer: row.elo for row in rank_with_ci(outcomes, n_boot=0, length_control=True)}
    assert rated == pytest.approx(controlled, abs=1e-9)


# --- bootstrap intervals: level and what is resampled -----------------------------------------


def prompt_decided(winning_prompts: int, losing_prompts: int, games_per_prompt: int) -> list[Outcome]:
    """A strong prompt effect: every game on a prompt goes the same way."""
    outcomes = []
    for index in range(winning_prompts + losing_prompts):
        score = 1.0 if index < winning_prompts else 0.0
        outcomes += games(f"p{index}", "a", "b", score, games_per_prompt)
    return outcomes


def test_intervals_are_95_percent_and_resample_whole_prompts():
    # 9 prompts, 4 games each; a wins every game on 5 of them. A prompt resample draws K ~ Binomial(9, 5/9)
    # winning prompts, so a's resampled rating is two_writer_elo(4K, 36). Binomial(9, 5/9): P(K <= 1) =
    # 0.0084, P(K <= 2) = 0.0417, P(K <= 7) = 0.9421, P(K <= 8) = 0.9950, so the 2.5 % and 97.5 % quantiles
    # are K = 2 and K = 8 (a 90 % interval would stop at K = 3 and K = 7).
    outcomes = prompt_decided(5, 4, 4)
    rows = {row.writer: row for row in rank_with_ci(outcomes, n_boot=500, seed=0)}
    low_a, high_a = two_writer_elo(8, 36)[0], two_writer_elo(32, 36)[0]  # 892.23, 1177.78
    assert (rows["a"].ci_low, rows["a"].ci_high) == pytest.approx((low_a, high_a), abs=1e-6)
    assert (rows["b"].ci_low, rows["b"].ci_high) == pytest.approx(
        (two_writer_elo(32, 36)[1], two_writer_elo(8, 36)[1]), abs=1e-6)  # 822.22, 1107.77
    assert rows["a"].elo == pytest.approx(two_writer_elo(20, 36)[0], abs=1e-6)  # 1019.25
    # Resampling single games instead: wins ~ Binomial(36, 5/9), 2.5 % / 97.5 % quantiles 14 and 26, an
    # interval of 961.02 to 1082.30: provably narrower than the prompt interval on both sides.
    assert rows["a"].ci_low < two_writer_elo(14, 36)[0] - 50
    assert rows["a"].ci_high > two_writer_elo(26, 36)[0] + 50


def test_the_seed_and_the_number_of_resamples_are_used():
    outcomes = prompt_decided(5, 4, 4)
    # With few draws the percentiles do depend on the draws, so the seed must change them.
    assert rank_with_ci(outcomes, n_boot=15, seed=1) != rank_with_ci(outcomes, n_boot=15, seed=2)
    # One resample is an interval of one draw (widened to hold the rating): for some seed it is not a point.
    single = [rank_with_ci(outcomes, n_boot=1, seed=seed)[0] for seed in range(8)]
    assert any(row.ci_low != row.elo or row.ci_high != row.elo for row in single)


def test_length_controlled_intervals_resample_the_length_controlled_fit():
    # The pure length judge (see above) on 6 prompts: raw resamples swing with how many "a long" prompts
    # were drawn (0 to 6 of 6 wins for a), but length control explains every verdict by length, so its
    # resampled ratings stay near 1000.
    outcomes = [Outcome(f"p{i}", "a", "b", 1.0, 300, 100) for i in range(3)]
    outcomes += [Outcome(f"q{i}", "a", "b", 0.0, 100, 300) for i in range(3)]
    raw = next(r for r in rank_with_ci(outcomes, n_boot=40, seed=0) if r.writer == "a")
    controlled = next(r for r in rank_with_ci(outcomes, n_boot=40, seed=0, length_control=True) if r.writer == "a")
    assert raw.ci_high - raw.ci_low > 150
    assert controlled.ci_high - controlled.ci_low < (raw.ci_high - raw.ci_low) / 2  # 103 vs 270 Elo


def test_no_bootstrap_gives_point_intervals_and_a_single_prompt_cannot_vary():
    outcomes = games("only", "a", "b", 1.0, 3)
    expected_a, _ = two_writer_elo(3, 3)
    for n_boot in (0, 50):
        row = rank_with_ci(outcomes, n_boot=n_boot)[0]
        assert row.writer == "a"
        assert (row.elo, row.ci_low, row.ci_high) == pytest.approx((expected_a,) * 3, abs=1e-6)


def test_ranks_are_shared_by_equal_ratings_and_count_positions():
    outcomes = games("p", "a", "c", 1.0) + games("p", "b", "d", 1.0) + games("q", "a", "d", 1.0) + games("q", "b", "c", 1.0)
    rated = rank_with_ci(outcomes, n_boot=0)
    assert [(row.writer, row.rank) for row in rated] == [("a", 1), ("b", 1), ("c", 3), ("d", 3)]
    assert [row.games for row in rated] == [2, 2, 2, 2]


def test_nearly_equal_ratings_get_their_own_ranks():
    # b beats c once more than c beats b: their ratings differ by far less than one Elo point.
    outcomes = games("p", "a", "b", 0.5, 200) + games("q", "b", "c", 1.0, 1001) + games("r", "c", "b", 1.0, 1000)
    rated = rank_with_ci(outcomes, n_boot=0)
    elo = {row.writer: row.elo for row in rated}
    assert 1e-6 < elo["b"] - elo["c"] < 1.0
    assert {row.writer: row.rank for row in rated}["c"] == 3


def test_rubric_interval_is_95_percent_of_resampled_means():
    # Five 1s and four 0s: a resampled mean is K / 9 with K ~ Binomial(9, 5/9), so (see above) the
    # 95 % interval is exactly 2/9 .. 8/9 (a 90 % one would be 3/9 .. 7/9).
    values = [1.0] * 5 + [0.0] * 4
    mean, low, high = rubric_mean_ci(values, n_boot=1000, seed=0)
    assert (mean, low, high) == pytest.approx((5 / 9, 2 / 9, 8 / 9), abs=1e-12)
    assert rubric_mean_ci(values, n_boot=0) == (pytest.approx(5 / 9), pytest.approx(5 / 9), pytest.approx(5 / 9))
    assert rubric_mean_ci(values, n_boot=15, seed=1) != rubric_mean_ci(values, n_boot=15, seed=2)


def test_rubric_interval_tails_are_2_5_and_97_5_percent_of_a_near_normal_bootstrap():
    # 400 evenly spread values: the resampled mean is normal to a very good approximation, with standard
    # deviation pstdev / sqrt(400), so the 95 % interval is the mean +- 1.96 of them on each side (a 93 % tail,
    # 3.5 % or 98.5 %, would sit at 1.81). With 10,000 resamples the tails are estimated to about +-0.03.
    values = [i / 399 for i in range(400)]
    spread = statistics.pstdev(values) / math.sqrt(len(values))
    mean, low, high = rubric_mean_ci(values, n_boot=10_000, seed=0)
    assert mean == pytest.approx(0.5)
    assert (mean - low) / spread == pytest.approx(1.96, abs=0.07)
    assert (high - mean) / spread == pytest.approx(1.96, abs=0.07)


def test_rubric_interval_edge_cases():
    # Two values 0 and 10: resampled means 0, 5, 10 with probabilities 1/4, 1/2, 1/4: the interval is 0 .. 10.
    assert rubric_mean_ci([0.0, 10.0], n_boot=1000, seed=0) == (5.0, 0.0, 10.0)
    assert rubric_mean_ci([4.0], n_boot=1000) == (4.0, 4.0, 4.0)
    assert rubric_mean_ci([1, 2], n_boot=0) == (1.5, 1.5, 1.5)
    # One resample is an interval of one draw (widened to hold the mean): for some seed it differs from the mean.
    values = [0.0, 0.0, 0.0, 10.0]
    assert any(rubric_mean_ci(values, n_boot=1, seed=seed)[1:] != (2.5, 2.5) for seed in range(10))
    with pytest.raises(ValueError, match="rubric_mean_ci needs at least one value"):
        rubric_mean_ci([])


def test_records_follow_the_winner_whichever_side_it_was_listed_on():
    outcomes = games("p", "a", "b", 0.0, 2) + games("q", "b", "a", 0.0) + games("r", "a", "b", 0.5)
    rows = {row.writer: row for row in rank_with_ci(outcomes, n_boot=0)}
    assert (rows["b"].wins, rows["b"].losses, rows["b"].ties) == (2, 1, 1)
    assert (rows["a"].wins, rows["a"].losses, rows["a"].ties) == (1, 2, 1)
    assert rows["b"].elo == pytest.approx(two_writer_elo(2.5, 4)[0], abs=1e-6)


def test_listed_writers_without_games_are_rated_and_ranked_everywhere():
    outcomes = games("p", "a", "b", 1.0)
    writers = ["a", "b", "idle"]
    controlled, _ = length_controlled(outcomes, writers=writers)
    assert controlled == pytest.approx({"a": 1175.80, "b": 824.20, "idle": 1000.0}, abs=0.01)
    rows = {row.writer: row for row in rank_with_ci(outcomes, writers=writers, n_boot=20)}
    assert rows["idle"].elo == pytest.approx(1000.0) and rows["idle"].games == 0 and rows["idle"].rank == 2
    # No games at all: everyone at 1000 with a point interval, whatever the number of resamples.
    for row in rank_with_ci([], writers=["x", "y"], n_boot=5):
        assert (row.elo, row.ci_low, row.ci_high, row.rank) == (1000.0, 1000.0, 1000.0, 1)


def test_the_defaults_are_200_raw_resamples_with_seed_0():
    defaults = {name: p.default for name, p in inspect.signature(rank_with_ci).parameters.items()
                if p.default is not inspect.Parameter.empty}
    assert defaults == {"writers": None, "n_boot": 200, "seed": 0, "length_control": False}
    assert inspect.signature(rubric_mean_ci).parameters["n_boot"].default == 1000


# --- validation messages, degenerate sizes, records, defaults and determinism -----------------


def test_invalid_outcomes_are_refused_with_their_exact_messages():
    with pytest.raises(ValueError, match=r"^score_a must be 1\.0, 0\.5 or 0\.0, got 0\.7$"):
        Outcome("p", "a", "b", 0.7)
    with pytest.raises(ValueError, match=r"^a writer cannot play itself: 'a' on prompt 'p'$"):
        Outcome("p", "a", "a", 1.0)
    for lengths in ((-1, 5), (5, -1), (-1, -1)):  # either length alone being negative is refused
        with pytest.raises(ValueError, match=r"^lengths are word counts and cannot be negative$"):
            Outcome("p", "a", "b", 1.0, *lengths)


def test_a_writers_list_must_be_unique_and_cover_the_outcomes():
    with pytest.raises(ValueError, match=r"^writers contains duplicates$"):
        bradley_terry(games("p", "a", "b", 1.0), writers=["a", "b", "a"])
    with pytest.raises(ValueError, match=r"^outcomes mention writers not in the writers list: \['b', 'c'\]$"):
        bradley_terry(games("p", "a", "b", 1.0) + games("q", "c", "a", 1.0), writers=["a"])


def test_no_writers_and_a_single_writer():
    assert bradley_terry([]) == {}
    assert length_controlled([]) == ({}, 0.0)
    assert rank_with_ci([], n_boot=3) == []
    # One listed writer without games keeps the prior strength 0, which is the mean: 1000.
    assert bradley_terry([], writers=["solo"]) == {"solo": 1000.0}
    assert length_controlled([], writers=["solo"]) == ({"solo": 1000.0}, 0.0)


def test_no_games_gives_every_resample_the_point_rating():
    # 1.5 million draws of 3 writers: the draws array is too big to reuse freed memory, so a draw left unwritten
    # would read as 0, not 1000.
    for row in rank_with_ci([], writers=["x", "y", "z"], n_boot=1_500_000):
        assert (row.elo, row.ci_low, row.ci_high) == (1000.0, 1000.0, 1000.0)


def test_ties_are_counted_on_both_sides_every_time():
    outcomes = games("p", "a", "b", 0.5, 3) + games("q", "b", "a", 0.5, 2) + games("r", "a", "b", 1.0)
    rows = {row.writer: row for row in rank_with_ci(outcomes, n_boot=0)}
    assert (rows["a"].wins, rows["a"].losses, rows["a"].ties, rows["a"].games) == (1, 0, 5, 6)
    assert (rows["b"].wins, rows["b"].losses, rows["b"].ties, rows["b"].games) == (0, 1, 5, 6)


def spread_outcomes() -> list[Outcome]:
    """12 prompts with mixed results: resampled ratings take many values, so percentiles move with every draw."""
    outcomes = []
    for index in range(12):
        outcomes += games(f"p{index}", "a", "b", (1.0, 0.0, 0.5, 1.0)[index % 4], 1 + index % 3)
        outcomes += games(f"p{index}", "b", "c", (1.0, 1.0, 0.0)[index % 3], 1 + index % 2)
        outcomes += games(f"p{index}", "c", "a", (0.0, 0.5)[index % 2])
    return outcomes


def test_default_resamples_and_seed_are_used_and_results_are_reproducible():
    outcomes = spread_outcomes()
    default = rank_with_ci(outcomes)
    assert default == rank_with_ci(outcomes, n_boot=200, seed=0)
    assert default != rank_with_ci(outcomes, n_boot=201, seed=0)
    assert default != rank_with_ci(outcomes, n_boot=200, seed=1)
    assert rank_with_ci(outcomes, n_boot=15, seed=3) == rank_with_ci(outcomes, n_boot=15, seed=3)


def test_rubric_defaults_and_reproducibility():
    values = [(i * 37 % 101) / 10 for i in range(30)]
    default = rubric_mean_ci(values)
    assert default == rubric_mean_ci(values, n_boot=1000, seed=0)
    assert default != rubric_mean_ci(values, n_boot=1001, seed=0)
    assert default != rubric_mean_ci(values, n_boot=1000, seed=1)
    assert rubric_mean_ci(values, n_boot=15, seed=3) == rubric_mean_ci(values, n_boot=15, seed=3)
    with pytest.raises(ValueError, match=r"^rubric_mean_ci needs at least one value$"):
        rubric_mean_ci([])


def test_decimal_and_fraction_inputs_are_read_as_floats():
    from decimal import Decimal
    from fractions import Fraction

    values = [1.0, 0.0, 3.0, 2.5]
    assert rubric_mean_ci([Decimal(str(v)) for v in values], n_boot=50) == rubric_mean_ci(values, n_boot=50)
    floats = games("p", "a", "b", 1.0) + games("q", "a", "b", 0.5)
    expected = bradley_terry(floats)
    for kind in (Decimal, Fraction):
        exact = [Outcome("p", "a", "b", kind(1)), Outcome("q", "a", "b", kind(1) / 2)]
        assert bradley_terry(exact) == expected


def test_equal_scores_against_the_same_opponent_share_a_rank():
    # a: a loss and two ties against c; b: a win and two losses against c. Both scored 1 of 3 against c only, so
    # their first-order conditions are the same equation and their strengths are equal; the arithmetic differs.
    outcomes = (games("q", "c", "a", 1.0) + games("r", "a", "c", 0.5, 2) + games("p", "b", "c", 1.0)
                + games("q", "c", "b", 1.0, 2) + games("s", "c", "d", 1.0))
    rows = {row.writer: row for row in rank_with_ci(outcomes, n_boot=0)}
    assert rows["a"].elo == pytest.approx(rows["b"].elo, abs=1e-9)
    assert rows["a"].rank == rows["b"].rank == 2


# --- the Newton fit: optimality on harder data ----------------------------------------------------


def test_length_controlled_fit_on_four_writers_sits_at_the_optimum():
    rows = [("p1", "w3", "w1", 1.0, 229, 177), ("p5", "w1", "w0", 1.0, 374, 159), ("p1", "w1", "w2", 0.0, 145, 396),
            ("p3", "w1", "w2", 0.0, 208, 108), ("p4", "w0", "w1", 1.0, 37, 195), ("p1", "w2", "w3", 0.5, 261, 371),
            ("p6", "w0", "w2", 0.0, 184, 232), ("p5", "w1", "w2", 0.0, 170, 500), ("p1", "w1", "w2", 0.0, 23, 474),
            ("p0", "w1", "w0", 0.0, 475, 191), ("p3", "w0", "w2", 0.0, 234, 68), ("p5", "w2", "w1", 1.0, 315, 79),
            ("p3", "w1", "w3", 0.0, 160, 100)]
    outcomes = [Outcome(*row) for row in rows]
    controlled, gamma = length_controlled(outcomes)
    assert_optimal(outcomes, controlled, gamma=gamma, ridge=0.01)
    assert_optimal(outcomes, bradley_terry(outcomes))


def multiplied(counts: dict[tuple, int]) -> list[Outcome]:
    return [Outcome(*row) for row, times in counts.items() for _ in range(times)]


def test_a_fit_that_needs_step_halving_still_reaches_the_optimum():
    # Lengths that nearly explain every verdict: a full Newton step overshoots and has to be halved.
    outcomes = multiplied({("p0", "a", "b", 1.0, 0, 1): 20, ("p1", "b", "a", 0.0, 1, 0): 20,
                           ("p3", "b", "a", 1.0, 9, 1): 20, ("p2", "a", "c", 0.0, 1, 0): 10})
    controlled, gamma = length_controlled(outcomes)
    assert_optimal(outcomes, controlled, gamma=gamma, ridge=0.01)


def test_a_fit_that_runs_out_of_improving_steps_still_returns_ratings():
    # Near-separable data whose optimum lies thousands of Elo out: the line search runs out of improving steps
    # at float precision, which ends the fit rather than failing it.
    outcomes = multiplied({("p2", "w1", "w0", 0.0, 0, 1): 500, ("p3", "w0", "w1", 0.5, 100, 1): 500,
                           ("p4", "w0", "w1", 0.0, 3, 1): 500, ("p0", "w0", "w2", 1.0, 100, 1): 50,
                           ("p1", "w2", "w0", 1.0, 0, 0): 5, ("p5", "w0", "w1", 0.0, 0, 1): 1})
    controlled, gamma = length_controlled(outcomes)
    assert sorted(controlled) == ["w0", "w1", "w2"]
    assert sum(controlled.values()) == pytest.approx(3000) and math.isfinite(gamma)


def test_lengths_that_explain_every_verdict_do_not_break_the_length_controlled_fit():
    # Found by mutation testing: p(1 - p) underflowed to 0 and the Newton step hit a singular matrix.
    import math

    from punchup.analysis.ranking import length_controlled

    games = ([Outcome("p1", "w0", "w1", 1.0, 1, 0)] * 500 + [Outcome("p2", "w0", "w1", 0.0, 100, 1)] * 500
             + [Outcome("p0", "w0", "w1", 0.5, 1, 0)] * 5)
    ratings, coefficient = length_controlled(games)
    assert sorted(ratings) == ["w0", "w1"] and all(math.isfinite(r) for r in ratings.values())
    assert math.isfinite(coefficient) and ratings["w0"] + ratings["w1"] == pytest.approx(2000)
