"""The judging schedule written out by hand: which pairs, in which order, on which prompt."""

from __future__ import annotations

import pytest

from punchup.bench.pairing import pair_count, schedule_pairs

# Rated writers and one unrated writer "u". The mean of the known ratings is 5500 / 6 = 916.7, so u ranks
# between b (1200) and d (900); scheduled at 0.0 it would rank last, at the top rating first.
RATINGS = {"a": 1300.0, "b": 1200.0, "d": 900.0, "e": 800.0, "f": 700.0, "g": 600.0}
WRITERS = ["g", "u", "f", "e", "d", "b", "a"]  # given order deliberately unlike the rating order
# Rating order a b u d e f g; neighbours at distance 1, then 2, then 4 (7 writers: 6 + 5 + 3 = 14 pairs).
SPARSE_PAIRS = [("a", "b"), ("b", "u"), ("u", "d"), ("d", "e"), ("e", "f"), ("f", "g"),
                ("a", "u"), ("b", "d"), ("u", "e"), ("d", "f"), ("e", "g"),
                ("a", "e"), ("b", "f"), ("u", "g")]


def test_unrated_writers_are_scheduled_at_the_mean_rating():
    schedule = schedule_pairs(WRITERS, ["p1"], RATINGS)
    assert [(a, b) for _, a, b in schedule] == SPARSE_PAIRS


def test_every_round_rotates_the_prompts_over_the_pairs():
    # Pair k meets on prompt (k + round) mod 3 in round 0, 1, 2: every pair sees every prompt once.
    prompts = ["p1", "p2", "p3"]
    schedule = schedule_pairs(WRITERS, prompts, RATINGS)
    expected = [(prompts[(k + r) % 3], a, b) for r in range(3) for k, (a, b) in enumerate(SPARSE_PAIRS)]
    assert schedule == expected
    assert schedule[:3] == [("p1", "a", "b"), ("p2", "b", "u"), ("p3", "u", "d")]
    assert schedule[14] == ("p2", "a", "b")
    assert len(schedule) == pair_count(7, 3) == 42


def test_a_budget_keeps_the_closest_pairs_of_the_first_round():
    schedule = schedule_pairs(WRITERS, ["p1", "p2"], RATINGS, budget=7)
    assert schedule == [("p1", "a", "b"), ("p2", "b", "u"), ("p1", "u", "d"), ("p2", "d", "e"),
                        ("p1", "e", "f"), ("p2", "f", "g"), ("p1", "a", "u")]
    assert pair_count(7, 2, budget=7) == 7
    assert schedule_pairs(WRITERS, ["p1"], RATINGS, budget=100) == schedule_pairs(WRITERS, ["p1"], RATINGS)
    assert pair_count(7, 1, budget=100) == 14


def test_equal_and_missing_ratings_keep_the_given_order():
    names = ["w1", "w2", "w3", "w4", "w5", "w6", "w7"]
    by_given_order = [(a, b) for _, a, b in schedule_pairs(names, ["p"])]
    assert by_given_order[:6] == [("w1", "w2"), ("w2", "w3"), ("w3", "w4"), ("w4", "w5"), ("w5", "w6"), ("w6", "w7")]
    tied = {name: 1000.0 for name in names}
    assert [(a, b) for _, a, b in schedule_pairs(names, ["p"], tied)] == by_given_order
    # w7 rated best, w1 worst, the others unrated at the mean (1000) and so in their given order between.
    ends = {"w7": 1500.0, "w1": 500.0}
    assert [(a, b) for _, a, b in schedule_pairs(names, ["p"], ends)][:6] == [
        ("w7", "w2"), ("w2", "w3"), ("w3", "w4"), ("w4", "w5"), ("w5", "w6"), ("w6", "w1")]


def test_up_to_six_writers_meet_in_every_pair_on_every_prompt_in_order():
    names = ["a", "b", "c"]
    assert schedule_pairs(names, ["p", "q"], {"c": 2000.0}) == [
        ("p", "a", "b"), ("p", "a", "c"), ("p", "b", "c"), ("q", "a", "b"), ("q", "a", "c"), ("q", "b", "c")]
    assert schedule_pairs(names, ["p", "q"], budget=4) == [("p", "a", "b"), ("p", "a", "c"), ("p", "b", "c"), ("q", "a", "b")]
    six = [f"w{i}" for i in range(6)]
    assert len(schedule_pairs(six, ["p"])) == 15 == pair_count(6, 1)  # 6 writers: still all pairs
    seven = six + ["w6"]
    assert len(schedule_pairs(seven, ["p"])) == 14 == pair_count(7, 1)  # 7: sparse (all pairs would be 21)
    assert len(schedule_pairs(seven, ["p"], all_pairs_up_to=7)) == 21 == pair_count(7, 1, all_pairs_up_to=7)
    assert len(schedule_pairs(six, ["p"], all_pairs_up_to=5)) == 5 + 4 + 2 == pair_count(6, 1, all_pairs_up_to=5)


@pytest.mark.parametrize(
    "n_writers, n_prompts, budget, expected",
    [
        (2, 3, None, 3),
        (6, 2, None, 30),  # 15 pairs x 2
        (8, 3, None, 51),  # (7 + 6 + 4) x 3
        (20, 1, None, 69),  # 19 + 18 + 16 + 12 + 4
        (20, 2, 100, 100),
        (20, 2, 200, 138),
        (6, 2, 10, 10),
        (6, 2, 1, 1),  # a budget of one is one comparison
        (9, 2, 1, 1),
        (1, 5, None, 0),
        (4, 0, None, 0),
        (4, 2, 0, 0),
        (4, 2, -1, 0),
    ],
)
def test_pair_count_by_hand(n_writers, n_prompts, budget, expected):
    count = pair_count(n_writers, n_prompts, budget)
    assert count == expected and type(count) is int  # a count, printed as one
    writers = [f"w{i:02d}" for i in range(n_writers)]
    assert len(schedule_pairs(writers, [f"p{i}" for i in range(n_prompts)], budget=budget)) == expected


def test_nothing_to_schedule():
    assert schedule_pairs(["a", "b"], ["p"], budget=0) == []
    assert schedule_pairs(WRITERS, ["p"], RATINGS, budget=0) == []
    assert schedule_pairs([], ["p"]) == []
    with pytest.raises(ValueError, match="^writers contains duplicates$"):
        schedule_pairs(["a", "b", "a"], ["p"])
    assert schedule_pairs(["a", "b", "c"], ["p", "q"], budget=1) == [("p", "a", "b")]
    assert schedule_pairs(WRITERS, ["p1", "p2"], RATINGS, budget=1) == [("p1", "a", "b")]
