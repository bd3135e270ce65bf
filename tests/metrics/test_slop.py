import re

import pytest

from punchup.metrics.slop import SLOP_LIST_VERSION, SLOP_PHRASES, slop_hits, slop_index


def test_list_is_versioned_and_large_enough() -> None:
    assert SLOP_LIST_VERSION == "1"
    assert len(SLOP_PHRASES) >= 80
    labels = [label for label, _ in SLOP_PHRASES]
    assert len(labels) == len(set(labels)), "labels must be unique so hits are attributable"


def test_clean_prose_scores_zero() -> None:
    score = slop_index("The dog ate the homework and then slept under the table until noon.")
    assert score.hits == 0
    assert score.hits_per_1000_words == 0.0
    assert score.phrases == []
    assert score.words == 13


def test_empty_text_scores_zero_without_dividing_by_zero() -> None:
    score = slop_index("")
    assert (score.hits, score.words, score.hits_per_1000_words) == (0, 0, 0.0)


def test_rate_is_hits_per_thousand_words() -> None:
    # 2 hits in 20 words -> 100 per 1000.
    text = "The tapestry hung there. " + "plain words " * 6 + "it was a testament to patience"
    score = slop_index(text)
    assert score.words == 4 + 12 + 6
    assert score.hits == 2
    assert score.hits_per_1000_words == pytest.approx(1000 * 2 / 22)


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("A shiver ran down her spine.", "shiver down her spine"),
        ("a chill crept down his spine", "shiver down her spine"),
        ("Shivers down their spine", "shiver down her spine"),
        ("She let out a breath she didn't know she was holding.", "breath she didn't know she was holding"),
        ("he released a breath he hadn\u2019t realized he was holding", "breath she didn't know she was holding"),
        ("Her voice was barely above a whisper.", "barely above a whisper"),
        ("The PALPABLE TENSION filled the room.", "palpable"),
        ("Let us delve into it.", "delve"),
        ("She delved deeper.", "delve"),
        ("Rich tapestries of colour.", "tapestry"),
        ("His eyes sparkled.", "eyes sparkled"),
        ("a dance of light and shadow", "a dance of"),
        ("In that moment, everything changed.", "in that moment"),
        ("Little did they know, the door was open.", "little did they know"),
        ("a symphony of birdsong", "symphony of"),
        ("The weight of his words", "the weight of"),
        ("an unspoken agreement", "unspoken"),
        ("a kaleidoscope of colours", "kaleidoscope"),
    ],
)
def test_known_cliches_are_detected_with_pronoun_and_case_variants(text: str, label: str) -> None:
    assert label in slop_index(text).phrases


def test_matches_respect_word_boundaries() -> None:
    # "delve" inside "Delvecchio", "amidst" needs the whole word, "tapestry" inside a longer token.
    assert slop_index("Mr Delvecchio walked amid the tapestryworks.").hits == 0


def test_overlapping_entries_count_each_stretch_of_text_once() -> None:
    # "let out a breath" is also an entry, but the longer cliché should win and count once.
    hits = slop_hits("She let out a breath she didn't know she was holding.")
    assert hits == {"breath she didn't know she was holding": 1}


def test_phrases_are_ordered_by_frequency() -> None:
    score = slop_index("tapestry tapestry tapestry delve delve unspoken")
    assert score.phrases == ["tapestry", "delve", "unspoken"]
    assert score.hits == 6


def test_every_template_compiles_on_its_own() -> None:
    from punchup.metrics.slop import _compile_template

    for label, template in SLOP_PHRASES:
        pattern = _compile_template(template)
        compiled = re.compile(pattern, re.IGNORECASE)
        # Every {placeholder} was expanded (regex quantifiers such as {0,2} stay), and no entry matches empty
        # text: such an entry would count a hit at every position.
        assert re.search(r"\{[a-z]+\}", pattern) is None, (label, pattern)
        assert compiled.fullmatch("") is None and compiled.fullmatch(" ") is None, label
        assert compiled.groups == 0, label  # non-capturing groups only: a hit maps back to its label by group name


def test_line_wrapped_phrase_still_matches() -> None:
    assert slop_index("it was barely\nabove a\twhisper").hits == 1
