import pytest

from punchup.metrics.repetition import ngrams, repeated_ngrams, repetition


def test_text_without_repeats_scores_zero() -> None:
    assert repetition("the quick brown fox jumps over the lazy dog") == 0.0


def test_short_text_scores_zero() -> None:
    assert repetition("") == 0.0
    assert repetition("two words") == 0.0
    assert repetition("just three words") == 0.0


def test_share_of_repeated_trigrams_is_exact() -> None:
    # 6 tokens -> 4 trigrams: (a b c) (b c a) (c a b) (a b c); the last repeats the first.
    assert repetition("a b c a b c") == pytest.approx(1 / 4)


def test_looping_text_scores_near_one() -> None:
    looping = "I walked to the door. " * 30
    assert repetition(looping) > 0.9


def test_repetition_is_case_and_punctuation_insensitive() -> None:
    assert repetition("Go home now. go, HOME, now!") == repetition("go home now go home now")


def test_n_changes_what_counts_as_a_repeat() -> None:
    text = "red fish blue fish red cat"
    assert repetition(text, n=1) == pytest.approx(2 / 6)
    assert repetition(text, n=2) == 0.0


def test_repeated_ngrams_reports_most_frequent_first_with_counts() -> None:
    text = "the end is near. the end is near. the end is near. we go on. we go on."
    top = repeated_ngrams(text, n=3, top=2)
    assert top[0] == ("the end is", 3)
    assert top[1] == ("end is near", 3)
    assert all(count > 1 for _, count in repeated_ngrams(text, n=3, top=10))
    assert ("we go on", 2) in repeated_ngrams(text, n=3, top=10)


def test_repeated_ngrams_empty_when_nothing_repeats() -> None:
    assert repeated_ngrams("every word here is new", n=2) == []


def test_invalid_n_is_rejected() -> None:
    with pytest.raises(ValueError):
        ngrams(["a"], 0)
