"""The summary's own figures from hand-made bench state: persona love, judge quality, leaderboard columns."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from punchup.analysis.summary import criteria_table, judge_quality, leaderboard, outcomes, persona_love
from punchup.bench.state import BenchState
from punchup.bench.writers import parse_writers

ELO_PER_LOGIT = 400 / math.log(10)


def two_writer_elo(wins: float, games: float) -> float:
    """A's Elo against B (see tests/analysis/test_ranking_exact.py): bisection on the first-order condition."""
    def sigmoid(x: float) -> float:
        return 1 / (1 + math.exp(-x))

    low, high = -30.0, 30.0
    for _ in range(200):
        middle = (low + high) / 2
        if wins - games * sigmoid(2 * middle) + 0.5 * (0.5 - sigmoid(middle)) > 0:
            low = middle
        else:
            high = middle
    return 1000 + ELO_PER_LOGIT * low


def config(*writers: str, judge: str = "fake/judge") -> SimpleNamespace:
    return SimpleNamespace(writers=parse_writers(list(writers)), judge=judge, seed=0)


def test_persona_love_rate_is_the_share_of_texts_some_persona_loves():
    state = BenchState(packs=[])
    state.generations = {"g1": {"writer": "w1"}, "g2": {"writer": "w1"}, "g3": {"writer": "w2"}}
    state.personas = {
        "g1/fan": {"ok": True, "overall": 9.0},  # loved (9 is love)
        "g1/critic": {"ok": True, "overall": 4.0},
        "g2/fan": {"ok": True, "overall": 8.0},  # 8 and 8.5: liked, never loved
        "g2/critic": {"ok": True, "overall": 8.5},
        "g3/fan": {"ok": True, "overall": 10.0},
        "g3/critic": {"ok": False, "overall": None},  # failed: left out
        "g3/editor": {"ok": True, "overall": None},  # no overall: left out
    }
    assert persona_love(state) == {
        "w1": {"love_rate": 0.5, "mean": 7.38, "texts": 2},  # mean of 9, 4, 8, 8.5 = 7.375 (rounded half to even)
        "w2": {"love_rate": 1.0, "mean": 10.0, "texts": 1},
    }


def pair(ok: bool, criteria: int, flips: int, **extra) -> dict:
    return {"ok": ok, "outcomes": {f"c{i}": {"score_x": 0.5} for i in range(criteria)} if ok else {}, "flips": flips, **extra}


def test_judge_quality_figures_and_warnings():
    state = BenchState(packs=[])
    state.pairs = {"p1": pair(True, 2, 1), "p2": pair(True, 2, 2), "p3": pair(False, 0, 0)}
    state.rubric = {
        "k1": {"ok": True, "overall": 1.0, "injection": []},
        "k2": {"ok": True, "overall": 2.0, "injection": ["addresses the judge"]},
        "k3": {"ok": True, "overall": 4.0, "injection": []},
        "k4": {"ok": False, "overall": None},
    }
    state.personas = {"k1/fan": {"ok": True, "overall": 7.0}, "k2/fan": {"ok": False, "overall": None}}
    state.metrics = {"k1": {"words": 10}, "k2": {"words": 20}, "k3": {"words": 30}}
    quality = judge_quality(config("fake/judge@name=self", "fake/other"), state, ["fake/judge"])
    # Flips 3 of 4 criteria judged. Failed: 1 pair and 2 rubric/persona judgments of 3 + 6 in all.
    # Correlation of words (10, 20, 30) with overall (1, 2, 4): 30 / sqrt(200 * 14/3) = 0.982.
    assert {k: v for k, v in quality.items() if k != "warnings"} == {
        "judge": "fake/judge", "flip_rate": 0.75, "pair_judgments": 3, "failed_pair_judgments": 1,
        "rubric_judgments": 6, "failed_rubric_judgments": 2, "failed_share": 0.333, "injections_flagged": 1,
        "score_length_correlation": 0.982}
    assert quality["warnings"] == [
        "judge order-flip rate 75% exceeds 30%: its pairwise verdicts are mostly ties",
        "self-preference risk: writer 'self' uses the judge's own model fake/judge"]


def test_a_flip_rate_at_the_threshold_is_not_a_warning_and_no_pairs_is_no_rate():
    state = BenchState(packs=[])
    state.pairs = {f"p{i}": pair(True, 1, 1 if i < 3 else 0) for i in range(10)}  # 3 of 10 = 30 %
    quality = judge_quality(config("fake/a"), state, [])
    assert quality["flip_rate"] == 0.3 and quality["warnings"] == []
    empty = judge_quality(config("fake/a"), BenchState(packs=[]), [])
    assert empty["flip_rate"] is None and empty["failed_share"] == 0.0 and empty["score_length_correlation"] is None


def test_leaderboard_columns_by_hand():
    state = BenchState(packs=[])
    metrics = {"words": 10, "slop_per_1000": 2.0, "repetition_3gram": 0.1, "lexical_diversity": 0.5,
               "refusal": {"label": "refuse"}}
    state.generations = {
        "fiction/p1/a/0": {"writer": "a", "ok": True}, "fiction/p2/a/0": {"writer": "a", "ok": True},
        "fiction/p3/a/0": {"writer": "a", "ok": False},
        "fiction/p1/b/0": {"writer": "b", "ok": True}, "fiction/p2/b/0": {"writer": "b", "ok": True},
    }
    state.metrics = {
        "fiction/p1/a/0": metrics,
        "fiction/p2/a/0": {**metrics, "words": 30, "slop_per_1000": 5.0, "repetition_3gram": 0.2,
                           "lexical_diversity": 0.7, "refusal": {"label": "partial"}},
        "fiction/p1/b/0": {**metrics, "refusal": {"label": "comply"}},
        "fiction/p2/b/0": {**metrics, "refusal": {"label": "comply"}},
    }
    state.rubric = {"fiction/p1/a/0": {"overall": 6.0}, "fiction/p2/a/0": {"overall": 6.0},
                    "fiction/p1/b/0": {"overall": None}}
    state.diversity = {"fiction/p1/a": {"mean_pairwise_similarity": 0.2}, "fiction/p2/a": {"mean_pairwise_similarity": 0.4},
                       "fiction/p1/b": {"mean_pairwise_similarity": None}}
    # Two criteria per pair: on p1 a wins both, on p2 a wins one and ties one: 3.5 points of 4 games.
    state.pairs = {
        "x1": {"ok": True, "pack": "fiction", "prompt_id": "p1", "writer_a": "a", "writer_b": "b", "words_a": 10,
               "words_b": 10, "outcomes": {"c1": {"score_x": 1.0}, "c2": {"score_x": 1.0}}, "flips": 0},
        "x2": {"ok": True, "pack": "fiction", "prompt_id": "p2", "writer_a": "b", "writer_b": "a", "words_a": 10,
               "words_b": 30, "outcomes": {"c1": {"score_x": 0.0}, "c2": {"score_x": 0.5}}, "flips": 0},
        "x3": {"ok": False, "pack": "fiction", "prompt_id": "p3", "writer_a": "a", "writer_b": "b"},
    }
    assert len(outcomes(state.pairs)) == 4
    rows = {row["writer"]: row for row in leaderboard(config("fake/a@name=a", "fake/b@name=b"), state)}
    a, b = rows["a"], rows["b"]
    assert (a["generations"], a["failed_generations"], b["generations"], b["failed_generations"]) == (3, 1, 2, 0)
    assert (a["words"], a["slop_per_1000"], a["repetition"], a["lexical_diversity"]) == (20.0, 3.5, 0.15, 0.6)
    assert a["sample_similarity"] == pytest.approx(0.3) and b["sample_similarity"] is None
    assert a["refusal_rate"] == 0.5 and b["refusal_rate"] == 0.0  # only a full refusal counts here
    assert a["rubric"] == {"mean": 6.0, "low": 6.0, "high": 6.0, "n": 2} and b["rubric"] is None
    assert a["elo"]["elo"] == round(two_writer_elo(3.5, 4), 1)  # 1117.3
    assert b["elo"]["elo"] == round(2000 - two_writer_elo(3.5, 4), 1)
    assert (a["elo"]["wins"], a["elo"]["losses"], a["elo"]["ties"], a["elo"]["rank"]) == (3, 0, 1, 1)
    assert (b["elo"]["wins"], b["elo"]["losses"], b["elo"]["ties"], b["elo"]["rank"]) == (0, 3, 1, 2)
    assert a["elo"]["low"] <= a["elo"]["elo"] <= a["elo"]["high"] and a["elo_lc"] is not None
    assert list(rows) == ["a", "b"]


def test_criteria_table_means_per_pack_writer_and_criterion():
    state = BenchState(packs=[])
    state.generations = {"k1": {"writer": "w"}, "k2": {"writer": "w"}, "k3": {"writer": "w"}}
    state.rubric = {
        "k1": {"ok": True, "pack": "fiction", "scores": {"voice": 6, "plot": 2}, "not_judged": ["subtext"]},
        "k2": {"ok": True, "pack": "fiction", "scores": {"voice": 8}},
        "k3": {"ok": False, "pack": "fiction", "scores": {"voice": 1}},
    }
    table = criteria_table(state)
    assert table["fiction"]["w"]["voice"]["mean"] == 7.0 and table["fiction"]["w"]["voice"]["n"] == 2
    assert table["fiction"]["w"]["plot"] == {"mean": 2.0, "low": 2.0, "high": 2.0, "n": 1}
    assert table["fiction"]["w"]["subtext"] is None  # not judged: never a number


def quality_of(overalls: list[float | None], words: list[int | None], **pairs) -> dict:
    """judge_quality over rubric results k0.. with these overall scores and (None = no metrics) word counts."""
    state = BenchState(packs=[])
    state.pairs = pairs
    state.rubric = {f"k{i}": {"ok": o is not None, "overall": o} for i, o in enumerate(overalls)}
    state.metrics = {f"k{i}": {"words": w} for i, w in enumerate(words) if w is not None}
    return judge_quality(config("fake/a"), state, [])


def test_the_score_length_correlation_only_where_both_vary_and_rounded_to_three_places():
    # Words (10, 10, 10, 11) and scores (1, 1, 2, 1): r = -1/3 exactly, shown as -0.333; both spreads are
    # under 1 (std 0.433), so only "varies at all" may gate it.
    assert quality_of([1, 1, 2, 1], [10, 10, 10, 11])["score_length_correlation"] == -0.333
    # A result without a score, or without metrics, is left out (here it leaves two points: no correlation).
    assert quality_of([1, None, 2, 4], [10, 20, None, 40])["score_length_correlation"] is None
    # (10, 30, 40) with (1, 2, 4): Sxy 43.33, Sxx 466.67, Syy 4.667, r = 43.33 / 46.67 = 0.929
    assert quality_of([1, None, 2, 4], [10, 20, 30, 40])["score_length_correlation"] == 0.929
    assert quality_of([3, 3, 3], [10, 20, 30])["score_length_correlation"] is None  # scores do not vary
    assert quality_of([1, 2, 4], [10, 10, 10])["score_length_correlation"] is None  # lengths do not vary
    assert quality_of([1, 2], [10, 20])["score_length_correlation"] is None  # two points are not a correlation


def test_flip_rate_and_failed_share_to_three_places_and_one_failed_judgment_is_all_of_them():
    flipped = quality_of([], [], p1=pair(True, 3, 1))
    assert flipped["flip_rate"] == 0.333 and flipped["failed_share"] == 0.0
    lone_failure = quality_of([None], [10])
    assert lone_failure["failed_share"] == 1.0 and lone_failure["failed_rubric_judgments"] == 1


def test_persona_keys_of_real_runs_and_love_rate_to_three_places():
    state = BenchState(packs=[])
    # Real keys: the generation's own key (pack/prompt/writer/sample) and then the persona.
    state.generations = {f"fiction/p{i}/w1/0": {"writer": "w1"} for i in range(3)}
    state.personas = {"fiction/p0/w1/0/fan": {"ok": True, "overall": 9.0},
                      "fiction/p1/w1/0/fan": {"ok": True, "overall": 5.0},
                      "fiction/p2/w1/0/fan": {"ok": True, "overall": 6.0},
                      "fiction/p2/w1/0/critic": {"ok": True, "overall": 7.0}}
    # One of three texts loved: 0.333; mean of 9, 5, 6, 7 = 6.75.
    assert persona_love(state) == {"w1": {"love_rate": 0.333, "mean": 6.75, "texts": 3}}


def test_a_criterion_not_judged_in_one_text_and_scored_in_another_has_those_scores():
    state = BenchState(packs=[])
    state.generations = {"k1": {"writer": "w"}, "k2": {"writer": "w"}}
    state.rubric = {"k1": {"ok": True, "pack": "fiction", "scores": {"voice": 6}, "not_judged": ["subtext"]},
                    "k2": {"ok": True, "pack": "fiction", "scores": {"voice": 8, "subtext": 4}}}
    table = criteria_table(state)["fiction"]["w"]
    assert table["subtext"]["mean"] == 4.0 and table["subtext"]["n"] == 1 and table["voice"]["mean"] == 7.0


def game(pack_prompt: str, a: str, b: str, score_a: float, words_a: int = 10, words_b: int = 10) -> dict:
    pack, prompt = pack_prompt.split("/")
    return {"ok": True, "pack": pack, "prompt_id": prompt, "writer_a": a, "writer_b": b, "words_a": words_a,
            "words_b": words_b, "outcomes": {"c1": {"score_x": score_a}}, "flips": 0}


def test_leaderboard_rounding_listed_writers_seed_and_length_control():
    state = BenchState(packs=[])
    state.generations = {"fiction/p1/a/0": {"writer": "a", "ok": True}, "fiction/p2/a/0": {"writer": "a", "ok": True},
                         "fiction/p3/a/0": {"writer": "a", "ok": True},
                         "fiction/p1/b/0": {"writer": "b", "ok": True}, "fiction/p1/c/0": {"writer": "c", "ok": False}}
    base = {"refusal": {"label": "comply"}}
    state.metrics = {
        "fiction/p1/a/0": {**base, "words": 10, "slop_per_1000": 2.0, "repetition_3gram": 0.1234, "lexical_diversity": 0.5},
        "fiction/p2/a/0": {**base, "words": 30.5, "slop_per_1000": 5.125, "repetition_3gram": 0.2, "lexical_diversity": 0.6111},
        "fiction/p3/a/0": {"refusal": {"label": "refuse"}, "words": 20.25, "slop_per_1000": 0.0, "repetition_3gram": 0.0,
                           "lexical_diversity": 0.7},
        "fiction/p1/b/0": {**base, "words": 10, "slop_per_1000": 0.0, "repetition_3gram": 0.0, "lexical_diversity": 0.5}}
    state.rubric = {"fiction/p1/a/0": {"overall": 1.0}, "fiction/p2/a/0": {"overall": 2.0},
                    "fiction/p3/a/0": {"overall": 4.0}, "fiction/p1/b/0": {"overall": 9.0}}
    state.diversity = {"fiction/p1/a": {"mean_pairwise_similarity": 0.2},
                       "fiction/p2/a": {"mean_pairwise_similarity": 0.4345}}
    # a beats b on two prompts with texts three times as long, and loses the third at equal length; c (listed)
    # never played.
    state.pairs = {"x1": game("fiction/p1", "a", "b", 1.0, 30, 10), "x2": game("fiction/p2", "b", "a", 0.0, 10, 30),
                   "x3": game("fiction/p3", "a", "b", 0.0), "x4": game("fiction/p4", "a", "b", 1.0, 30, 10),
                   "x5": game("fiction/p5", "a", "b", 0.5)}
    writers = config("fake/a@name=a", "fake/b@name=b", "fake/c@name=c")
    writers.seed = 7
    rows = {row["writer"]: row for row in leaderboard(writers, state)}
    a = rows["a"]
    # words (10 + 30.5 + 20.25) / 3 = 20.25 -> 20.2 (one place, half to even); slop 7.125 / 3 = 2.375 -> 2.38;
    # repetition 0.3234 / 3 = 0.1078 -> 0.108; lexical 1.8111 / 3 = 0.6037 -> 0.604; similarity 0.31725 -> 0.317;
    # one refusal of three -> 0.333; rubric mean 7 / 3 -> 2.333.
    assert (a["words"], a["slop_per_1000"], a["repetition"], a["lexical_diversity"]) == (20.2, 2.38, 0.108, 0.604)
    assert (a["sample_similarity"], a["refusal_rate"], a["rubric"]["mean"]) == (0.317, 0.333, 2.333)
    for bound in ("low", "high"):
        assert round(a["rubric"][bound], 3) == a["rubric"][bound]
        assert isinstance(a["rubric"][bound], float) and isinstance(a["elo"][bound], float)
        assert a["elo"][bound] == round(a["elo"][bound], 1) and a["elo"][bound] != round(a["elo"][bound])
    # The listed writer with no games is on the board, rated with no wins; c failed its only text: no metrics.
    c = rows["c"]
    assert c["elo"] is not None and (c["elo"]["wins"], c["elo"]["losses"]) == (0, 0)
    assert c["elo_lc"] is not None and (c["elo_lc"]["wins"], c["elo_lc"]["losses"]) == (0, 0)
    assert c["words"] is None and c["refusal_rate"] is None and c["rubric"] is None
    # Length control takes back some of a's lead won with longer texts.
    assert a["elo_lc"]["elo"] < a["elo"]["elo"]
    # The run's seed drives the bootstrap: the same seed gives the same board, another seed other intervals.
    again = {row["writer"]: row for row in leaderboard(writers, state)}
    assert again == rows
    writers.seed = 0
    other = {row["writer"]: row for row in leaderboard(writers, state)}
    assert other["a"]["elo_lc"]["low"] != a["elo_lc"]["low"]  # measured: 810.5 with seed 0, 844.2 with seed 7
    # Ordered by rating, not by rubric mean (b's 9.0 is the best rubric, a's rating is the best).
    assert list(rows) == ["a", "c", "b"] and a["elo"]["elo"] > 1000 > rows["b"]["elo"]["elo"]


def test_a_board_without_games_has_no_ratings_and_orders_by_rubric():
    state = BenchState(packs=[])
    state.generations = {"k1": {"writer": "a", "ok": True}, "k2": {"writer": "b", "ok": True}}
    state.rubric = {"k1": {"overall": 3.0}, "k2": {"overall": 8.0}}
    rows = leaderboard(config("fake/a@name=a", "fake/b@name=b"), state)
    assert [r["writer"] for r in rows] == ["b", "a"] and all(r["elo"] is None and r["elo_lc"] is None for r in rows)
    assert all(r["words"] is None and r["refusal_rate"] is None for r in rows)  # no metrics, no figures


def test_outcomes_carry_prompt_writers_score_and_lengths_past_a_failed_pair():
    pairs = {"a-failed": {"ok": False, "pack": "fiction", "prompt_id": "p0", "writer_a": "x", "writer_b": "y"},
             "b-ok": game("fiction/p1", "x", "y", 0.5, 12, 34)}
    (only,) = outcomes(pairs)
    assert (only.prompt_id, only.writer_a, only.writer_b, only.score_a, only.length_a, only.length_b) == \
        ("fiction/p1", "x", "y", 0.5, 12, 34)


def test_a_writer_without_a_rubric_sorts_after_one_whose_mean_is_the_lowest_score():
    state = BenchState(packs=[])
    state.generations = {"k1": {"writer": "a", "ok": False}, "k2": {"writer": "b", "ok": True}}
    state.rubric = {"k2": {"overall": 1.0}}
    rows = leaderboard(config("fake/a@name=a", "fake/b@name=b"), state)
    assert [r["writer"] for r in rows] == ["b", "a"] and rows[1]["rubric"] is None
