"""Levenshtein distance: known pairs and agreement with the textbook DP (speed is benchmarks' business)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from punchup.studio.distance import levenshtein, normalised_distance


def textbook(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@pytest.mark.parametrize(
    "a, b, distance",
    [("kitten", "sitting", 3), ("flaw", "lawn", 2), ("", "abc", 3), ("abc", "", 3), ("same", "same", 0),
     ("Saturday", "Sunday", 3), ("ab", "ba", 2), ("é café", "e cafe", 2)],
)
def test_known_distances(a, b, distance):
    assert levenshtein(a, b) == distance == levenshtein(b, a)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="abcd ", max_size=70), st.text(alphabet="abcd ", max_size=70))
def test_agrees_with_the_textbook_algorithm(a, b):
    assert levenshtein(a, b) == textbook(a, b)


def test_long_random_texts_match_the_textbook_definition():
    # Speed is measured in benchmarks/, not here (a wall-clock bound failed on a loaded CI box).
    rng = random.Random(7)
    for length in (0, 1, 57, 600):
        a = "".join(rng.choice("abcdefgh ") for _ in range(length))
        b = "".join(rng.choice("abcdefgh ") for _ in range(length + rng.randint(0, 40)))
        assert levenshtein(a, b) == textbook(a, b)


def test_normalised_distance():
    assert normalised_distance("kitten", "sitting") == pytest.approx(3 / 7)
    assert normalised_distance("", "") == 0.0 and normalised_distance("abc", "") == 1.0
