"""Levenshtein distance: known pairs, agreement with the textbook DP, and speed on a few thousand characters."""

from __future__ import annotations

import random
import time

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


def test_a_few_thousand_characters_take_well_under_a_second():
    rng = random.Random(7)
    a = "".join(rng.choice("abcdefgh ") for _ in range(4000))
    b = "".join(rng.choice("abcdefgh ") for _ in range(4000))
    started = time.perf_counter()
    distance = levenshtein(a, b)
    assert time.perf_counter() - started < 1.0
    assert 0 < distance <= 4000


def test_normalised_distance():
    assert normalised_distance("kitten", "sitting") == pytest.approx(3 / 7)
    assert normalised_distance("", "") == 0.0 and normalised_distance("abc", "") == 1.0
