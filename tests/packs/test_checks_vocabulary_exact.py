"""The pack checks' vocabulary and judge plumbing, value by value: move names and their spellings, the JSON keys
and reply fields a judge fills, the instructions it reads, and how the built-in judge measures a text."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from pydantic_core import PydanticCustomError

from punchup.packs.checks.alts import CHECK as ALTS
from punchup.packs.checks.alts import numbered_items
from punchup.packs.checks.moves import CAMERA_MOVES, CHECK as MOVES
from punchup.packs.checks.moves import _inflected, canonical_move, distinct_moves, move_key, named_move


@pytest.mark.parametrize("written, canonical", [
    ("pan", "pan"), ("  Dolly   In ", "dolly in"), ("push in", "push-in"), ("PUSH-IN", "push-in"),
    ("dolly-zoom", "dolly zoom"), ("Whip Pan", "whip pan"), ("handheld", "handheld"), ("rack  focus", "rack focus"),
])
def test_pack_authors_spellings_become_the_one_vocabulary(written, canonical):
    assert canonical_move(written) == canonical


def test_unknown_moves_and_duplicates_are_refused_by_name():
    with pytest.raises(PydanticCustomError) as unknown:
        canonical_move("zolly doom")
    assert unknown.value.type == "unknown_camera_move"
    assert str(unknown.value) == f"unknown camera move 'zolly doom' (known moves: {', '.join(CAMERA_MOVES)})"
    assert canonical_move(7) == 7  # not a string: left for the schema's type error
    assert distinct_moves(["pan", "tilt"]) == ["pan", "tilt"]
    with pytest.raises(PydanticCustomError) as twice:
        distinct_moves(["pan", "tilt", "pan"])
    assert twice.value.type == "duplicate_move" and str(twice.value) == "camera move 'pan' is listed twice"


def test_move_keys_are_json_keys_a_small_model_can_copy():
    assert [move_key(m) for m in ("dolly zoom", "push-in", "Rack Focus", " -pan- ")] == \
        ["dolly_zoom", "push_in", "rack_focus", "pan"]


@pytest.mark.parametrize("word, forms, not_forms", [
    ("dolly", ["dolly", "dollys", "dollyes", "dollyed", "dollying", "dollyyed", "dollyying"], ["doll", "dollies"]),
    ("zoom", ["zoom", "zooms", "zoomed", "zooming"], ["zoomer"]),
    ("pan", ["pan", "pans", "panned", "panning", "panes"], ["pane", "panic"]),
    ("crane", ["crane", "cranes", "craned", "craning"], ["cran", "craner"]),
    ("tracking", ["tracking", "track", "tracks", "tracked"], ["tracker"]),
])
def test_a_move_word_matches_its_inflections_only(word, forms, not_forms):
    pattern = re.compile(rf"\b{_inflected(word)}\b", re.IGNORECASE)
    assert all(pattern.fullmatch(form) for form in forms), forms
    assert not any(pattern.fullmatch(form) for form in not_forms), not_forms


@pytest.mark.parametrize("text, move, named", [
    ("We PAN left to the door.", "pan", True),
    ("A whip pan to the window.", "pan", False),  # the longer move is not the shorter one
    ("A whip pan, then we pan back.", "pan", True),
    ("A whip-panning blur.", "whip pan", True),
    ("The camera is hand-held.", "handheld", True),
    ("Hand held, shaky.", "handheld", True),
    ("We dolly in slowly.", "dolly in", True),
    ("We dolly out slowly.", "dolly in", False),
    ("A dolly zoom on her face.", "dolly in", False),
    ("We push in on the letter.", "push-in", True),
    ("A slow push-in.", "push-in", True),
    ("The focus racks to the door.", "rack focus", False),  # word order matters: "rack focus" is not named
    ("Rack-focusing to the door.", "rack focus", True),
    ("The crane rises.", "crane", True),
    ("She tilts her head.", "tilt", True),  # named by the word, not verified as a camera move
    ("Nothing moves.", "tracking", False),
])
def test_a_text_names_a_move_in_any_spelling(text, move, named):
    assert named_move(text, move) is named


def test_the_camera_judge_gets_one_field_and_one_line_per_required_move():
    prompt = SimpleNamespace(moves=["dolly zoom", "push-in"])
    assert MOVES.reply_fields(prompt) == {
        "move_dolly_zoom": {"type": "string", "enum": ["correct", "incorrect", "missing"]},
        "move_push_in": {"type": "string", "enum": ["correct", "incorrect", "missing"]}}
    assert MOVES.instructions(prompt) == (
        'The brief requires these camera moves. For each, answer "correct" (used, and used as the move really works), '
        '"incorrect" (named but misused), or "missing":\n- move_dolly_zoom: dolly zoom\n- move_push_in: push-in')
    values = {"move_dolly_zoom": "incorrect", "move_push_in": "correct", "craft": 7}
    assert MOVES.read_reply(prompt, values) == {"moves": {"dolly zoom": "incorrect", "push-in": "correct"}}
    assert values == {"craft": 7}  # the move fields are taken out of the reply, the rest left for the rubric
    measured, notes = MOVES.measure(prompt, "A slow push-in, no zoom at all.", None)
    assert measured == {"moves": {"dolly zoom": "missing", "push-in": "correct"}}
    assert notes == ["moves checked by name only: 'correct' means named, not verified as used right"]
    nothing = SimpleNamespace(moves=[])
    assert MOVES.reply_fields(nothing) == {} and MOVES.instructions(nothing) == ""
    assert MOVES.read_reply(nothing, {"x": 1}) == {} and MOVES.measure(nothing, "pan", None) == ({}, [])


def test_numbered_items_keep_their_continuation_lines():
    text = "Alts:\n1. He says my gums\n   have potential.\n2) Floss is his love language.\n(3) Open wide.\n10. Ten.\n"
    assert numbered_items(text) == ["He says my gums\n   have potential.", "Floss is his love language.", "Open wide.",
                                    "Ten."]
    assert numbered_items("no list here") == [] and numbered_items("1.no space") == []
    assert numbered_items("100. too many digits") == []


def test_the_comedy_judge_scores_each_alt_and_missing_alts_score_one():
    prompt = SimpleNamespace(alts=3)
    assert ALTS.reply_fields(prompt) == {f"alt_{i}": {"type": "integer", "enum": list(range(1, 11))} for i in (1, 2, 3)}
    assert ALTS.instructions(prompt) == (
        'The brief asks for 3 alternates ("alts"). Score each alt on its own from 1 (dead on arrival) to 10 '
        "(a keeper you would pitch): alt_1 ... alt_3. Missing alts score 1.")
    values = {"alt_1": 9, "alt_2": 4, "alt_3": 1, "economy": 6}
    assert ALTS.read_reply(prompt, values) == {"alts": [9, 4, 1]} and values == {"economy": 6}
    lengths = lambda item: len(item.split())  # noqa: E731 - a stand-in scorer: the number of words
    assert ALTS.measure(prompt, "1. One two three.\n2. Four five.\n3.   \n", lengths) == (
        {"alts": [3, 2, 1]}, ["alts scored one by one; 1 missing, scored 1"])
    assert ALTS.measure(prompt, "1. a\n2. b c\n3. d e f\n4. g\n", lengths) == (
        {"alts": [1, 2, 3]}, ["alts scored one by one"])  # only the brief's 3 count
    none = SimpleNamespace(alts=0)
    assert ALTS.reply_fields(none) == {} and ALTS.instructions(none) == "" and ALTS.read_reply(none, {}) == {}
    assert ALTS.measure(none, "1. x", lengths) == ({}, [])
