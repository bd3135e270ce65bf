import pytest

from punchup.metrics.diversity import lexical_diversity, sample_diversity


def test_short_text_uses_plain_type_token_ratio() -> None:
    assert lexical_diversity("the cat and the dog") == pytest.approx(4 / 5)


def test_empty_text_has_zero_diversity() -> None:
    assert lexical_diversity("") == 0.0


def test_all_distinct_long_text_scores_one() -> None:
    text = " ".join(f"word{index}" for index in range(200))
    assert lexical_diversity(text) == pytest.approx(1.0)


def test_mattr_matches_brute_force_window_average() -> None:
    tokens = [f"w{(index * index) % 37}" for index in range(130)]
    window = 50
    expected = sum(len(set(tokens[start : start + window])) / window for start in range(len(tokens) - window + 1))
    expected /= len(tokens) - window + 1
    assert lexical_diversity(" ".join(tokens)) == pytest.approx(expected)


def test_mattr_does_not_penalise_length_like_plain_ttr() -> None:
    vocabulary = [f"v{index}" for index in range(40)]
    short = " ".join(vocabulary)
    long = " ".join(vocabulary * 10)
    # Plain TTR of the long text would be 0.1; MATTR stays bounded by the window.
    assert lexical_diversity(short) == pytest.approx(1.0)
    assert lexical_diversity(long) > 0.75


def test_repetitive_text_scores_lower_than_varied_text() -> None:
    varied = " ".join(f"token{index}" for index in range(120))
    repetitive = " ".join(["same", "words", "again"] * 40)
    assert lexical_diversity(repetitive) < 0.1 < lexical_diversity(varied)


def test_identical_samples_show_mode_collapse() -> None:
    story = "The lighthouse keeper counted the ships until the fog came in."
    result = sample_diversity([story, story, story])
    assert result.mean_pairwise_similarity == pytest.approx(1.0)
    # 11 words per copy, 9 of them distinct ("the" appears three times).
    assert result.distinct_1 == pytest.approx(9 / 33)


def test_disjoint_samples_have_zero_similarity_and_full_distinctness() -> None:
    result = sample_diversity(["alpha beta gamma", "delta epsilon zeta", "eta theta iota"])
    assert result.mean_pairwise_similarity == 0.0
    assert result.distinct_1 == 1.0
    assert result.distinct_2 == 1.0


def test_partial_overlap_is_mean_jaccard_over_pairs() -> None:
    # Bigram sets: A={ab, bc}, B={ab, bd}, C={xy}; J(A,B)=1/3, J(A,C)=0, J(B,C)=0.
    result = sample_diversity(["a b c", "a b d", "x y"])
    assert result.mean_pairwise_similarity == pytest.approx((1 / 3) / 3)
    # Pooled bigrams: ab, bc, ab, bd, xy -> 4 unique of 5.
    assert result.distinct_2 == pytest.approx(4 / 5)


def test_single_sample_has_no_similarity() -> None:
    result = sample_diversity(["only one story here"])
    assert result.mean_pairwise_similarity is None
    assert result.distinct_1 == 1.0


def test_no_samples_is_all_zero() -> None:
    result = sample_diversity([])
    assert (result.distinct_1, result.distinct_2, result.mean_pairwise_similarity) == (0.0, 0.0, None)


def test_one_word_samples_compare_by_word() -> None:
    assert sample_diversity(["yes", "no"]).mean_pairwise_similarity == 0.0
    assert sample_diversity(["yes", "Yes!"]).mean_pairwise_similarity == 1.0
