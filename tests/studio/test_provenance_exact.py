"""Attribution and authorship shares on strings small enough to count by hand."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

from punchup.studio.authorship import authorship_report, statement
from punchup.studio.provenance import (
    HUMAN,
    Source,
    Span,
    ai_source,
    apply_edit,
    char_counts,
    compress,
    edit_opcodes,
    human_share,
    per_character,
    percentages,
    rounded_percentages,
    splice,
    whole,
)
from punchup.studio.records import Alternative, Node, Story

M1 = ai_source("m/one", "h1", "2024-01-01T00:00:00+00:00")
M2 = ai_source("m/two", "h2", "2024-01-01T00:00:00+00:00")


def letters(text: str, spans: list[Span]) -> str:
    """One letter per character: h(uman), e (ai-edited), 1 (m/one), 2 (m/two)."""
    code = {"human": "h", "ai-edited": "e", "m/one": "1", "m/two": "2"}
    return "".join(code[s.author] for s in per_character(spans, len(text)))


# --- the character diff -----------------------------------------------------------------------


def test_a_short_match_between_two_edits_is_part_of_the_edit():
    # "de" (2 characters, under MIN_ANCHOR = 8) between two one-letter edits: one replace of "cdef".
    assert edit_opcodes("abcdefghij", "abXdeYghij") == [("equal", 0, 2, 0, 2), ("replace", 2, 6, 2, 6), ("equal", 6, 10, 6, 10)]


def test_an_eight_character_match_between_edits_is_kept_and_seven_is_not():
    eight = edit_opcodes("XabcdefghY tail text", "QabcdefghZ tail text")
    assert eight == [("replace", 0, 1, 0, 1), ("equal", 1, 9, 1, 9), ("replace", 9, 10, 9, 10), ("equal", 10, 20, 10, 20)]
    seven = edit_opcodes("XabcdefgY tail text", "QabcdefgZ tail text")
    assert seven == [("replace", 0, 9, 0, 9), ("equal", 9, 19, 9, 19)]


def test_pure_inserts_and_deletes_keep_their_tags():
    assert edit_opcodes("abc", "abcdef") == [("equal", 0, 3, 0, 3), ("insert", 3, 3, 3, 6)]
    assert edit_opcodes("abcdef", "abc") == [("equal", 0, 3, 0, 3), ("delete", 3, 6, 3, 3)]
    assert edit_opcodes("", "x") == [("insert", 0, 0, 0, 1)]
    assert edit_opcodes("same", "same") == [("equal", 0, 4, 0, 4)]


# --- who typed what ---------------------------------------------------------------------------


def test_rewording_at_exactly_half_similarity_is_ai_edited_and_below_is_human():
    # "bcde" -> "XcdY" is one replace (the short match "cd" folds into it) and keeps 2 of 4 letters:
    # SequenceMatcher ratio 2 * 2 / 8 = 0.5, the REWORDING_RATIO itself, so the writer reworded m/one.
    old = "0123456789 abcdef here!"
    half = apply_edit(old, "0123456789 aXcdYf here!", whole(old, M1), HUMAN)
    assert letters(old, half) == "1" * 12 + "e" * 4 + "1" * 7
    edited = next(s.source for s in half if s.source.kind == "ai-edited")
    assert (edited.model, edited.prompt_hash, edited.at) == ("m/one", "h1", "2024-01-01T00:00:00+00:00")
    # "bcd" -> "XcY" keeps 1 of 3 (ratio 2 / 6 = 0.33): retyped, the writer's own.
    old = "0123456789 abcde here!"
    third = apply_edit(old, "0123456789 aXcYe here!", whole(old, M1), HUMAN)
    assert letters(old, third) == "1" * 12 + "h" * 3 + "1" * 7
    # Not a single letter kept: human too.
    assert letters("abxy", apply_edit("abcd", "abxy", whole("abcd", M1), HUMAN)) == "11hh"


def test_the_remembered_model_is_the_one_whose_text_was_mostly_overwritten():
    old = "0123456789 abcdefgh here!"
    spans = [Span(start=0, end=14, source=M1), Span(start=14, end=len(old), source=M2)]  # m/one up to "c"
    new = "0123456789 aXcdYfgZ here!"
    # One replace "bcdefgh" -> "XcdYfgZ" (the short matches fold into it), 4 of 7 letters kept (ratio 8/14):
    # a rewording. It overwrote 2 letters of m/one ("bc") and 5 of m/two ("defgh"): m/two is remembered.
    after = apply_edit(old, new, spans, HUMAN)
    assert letters(new, after) == "1" * 12 + "e" * 7 + "2" * 6
    assert [s.source.model for s in after if s.source.kind == "ai-edited"] == ["m/two"]


def test_human_text_retyped_by_a_human_stays_human_and_a_model_edit_is_the_models():
    old, new = "0123456789 cat sat here!", "0123456789 cut set here!"
    assert letters(new, apply_edit(old, new, whole(old, HUMAN), HUMAN)) == "h" * len(new)
    assert letters(new, apply_edit(old, new, whole(old, HUMAN), M2)) == "h" * 12 + "2" * 5 + "h" * 7


def test_deleted_characters_take_their_attribution_with_them():
    old = "0123456789 keep this"
    spans = [Span(start=0, end=10, source=M1), Span(start=10, end=len(old), source=HUMAN)]
    after = apply_edit(old, "0123456789", spans, HUMAN)
    assert after == [Span(start=0, end=10, source=M1)]


def test_splice_replaces_exactly_the_passage():
    text = "Nell trims the wick."  # 20 characters by m/one
    spans = splice(whole(text, M1), len(text), 5, 10, 7, HUMAN)  # "trims" -> 7 human characters
    assert spans == [Span(start=0, end=5, source=M1), Span(start=5, end=12, source=HUMAN), Span(start=12, end=22, source=M1)]


def test_gaps_count_as_human_and_compress_merges_neighbours():
    assert per_character([Span(start=1, end=2, source=M1)], 3) == [HUMAN, M1, HUMAN]
    assert per_character([Span(start=-2, end=9, source=M1)], 2) == [M1, M1]
    assert compress([M1, M1, HUMAN, M1]) == [Span(start=0, end=2, source=M1), Span(start=2, end=3, source=HUMAN),
                                             Span(start=3, end=4, source=M1)]
    assert compress([]) == [] and whole("", M1) == []


# --- shares -----------------------------------------------------------------------------------


EDITED = Source(kind="ai-edited", model="m/one")
SPANS = [Span(start=0, end=2, source=HUMAN), Span(start=2, end=5, source=EDITED), Span(start=5, end=10, source=M1),
         Span(start=10, end=14, source=M2), Span(start=14, end=20, source=M1)]


def test_char_counts_and_human_share():
    assert char_counts(SPANS) == Counter({"human": 2, "ai-edited": 3, "m/one": 11, "m/two": 4})
    assert human_share(SPANS) == pytest.approx(5 / 20)  # the writer's own 2 plus their 3 edited
    assert human_share([]) == 0.0
    assert human_share(whole("abc", HUMAN)) == 1.0


def test_percentages_and_largest_remainder_rounding():
    assert percentages(Counter({"human": 1, "m/a": 3, "m/b": 0})) == {"human": 25.0, "m/a": 75.0}
    assert percentages({}) == {} and percentages({"human": 0}) == {}
    assert rounded_percentages({"a": 33.4, "b": 33.3, "c": 33.3}) == {"a": 34, "b": 33, "c": 33}
    assert rounded_percentages({"a": 100 / 3, "b": 100 / 3, "c": 100 / 3}) == {"a": 34, "b": 33, "c": 33}
    # Equal remainders: the larger share gets the point.
    assert rounded_percentages({"a": 49.5, "b": 50.5}) == {"a": 49, "b": 51}
    assert rounded_percentages({"a": 12.9, "b": 87.1}) == {"a": 13, "b": 87}
    assert rounded_percentages({"a": 100.0}) == {"a": 100}
    assert rounded_percentages({}) == {}


def node(label: str, kind: str, ordinal: int, text: str, spans: list[Span], parents: list[str]) -> Node:
    return Node(id=hash(label) % 1000, story_id=1, label=label, kind=kind, ordinal=ordinal, parents=parents, text=text,
                provenance=spans, created_at="t", updated_at="t")


def test_authorship_report_by_hand():
    # logline: 10 human. premise: 20 characters, 5 human + 15 m/one, chosen from a 20-character offer of which
    # 5 characters were changed. scene-1: 10 m/two. script-1: 4 ai-edited + 6 m/two.
    nodes = {
        "logline": node("logline", "logline", 0, "A" * 10, whole("A" * 10, HUMAN), []),
        "premise": node("premise", "premise", 0, "HHHHH" + "p" * 15,
                        [Span(start=0, end=5, source=HUMAN), Span(start=5, end=20, source=M1)], ["logline"]),
        "scene-1": node("scene-1", "scene", 1, "s" * 10, whole("s" * 10, M2), ["premise"]),
        "script-1": node("script-1", "script", 1, "e" * 4 + "t" * 6,
                         [Span(start=0, end=4, source=EDITED), Span(start=4, end=10, source=M2)], ["scene-1"]),
    }
    offer = Alternative(id=1, node_id=1, number=1, text="x" * 5 + "p" * 15, model="m/one", prompt_hash="h1", seed=0,
                        created_at="t")
    story = Story(id=7, title="Known", pack="screenplay", created_at="t", updated_at="t")
    report = authorship_report(story, "screenplay", nodes, {"premise": offer})
    assert report.chars == 50
    assert [(s.author, s.chars, s.percent) for s in report.shares] == [
        ("human", 15, 30.0), ("ai-edited", 4, 8.0), ("m/two", 16, 32.0), ("m/one", 15, 30.0)]
    assert [(s.scene, s.labels, s.chars) for s in report.scenes] == [(1, ["scene-1", "script-1"], 20)]
    assert [(s.author, s.percent) for s in report.scenes[0].shares] == [("ai-edited", 20.0), ("m/two", 80.0)]
    premise = next(n for n in report.nodes if n.label == "premise")
    assert (premise.offered_chars, premise.edit_distance, premise.normalised_distance) == (20, 5, 0.25)
    assert (report.offered_chars, report.edit_distance, report.normalised_distance) == (20, 5, 0.25)
    assert report.statement == (
        "This screenplay's text (4 nodes, 50 characters) is 30 % human-written and 8 % AI-generated and then "
        "edited by the writer; 62 % was generated by m/two (32 %) and m/one (30 %). Between the 20 characters "
        "of AI drafts the writer chose and what they kept, the Levenshtein distance is 5 (25% of the longer text).")


def test_statements_for_one_model_only_human_and_nothing():
    one_model = [s for s in authorship_report(
        Story(id=1, title="t", pack="fiction", created_at="t", updated_at="t"), "story",
        {"logline": node("logline", "logline", 0, "abcd", [Span(start=0, end=1, source=HUMAN),
                                                          Span(start=1, end=4, source=M1)], [])}, {}).shares]
    text = statement("story", 4, 1, one_model, 0, 0, None)
    assert text == "This story's text (1 nodes, 4 characters) is 25 % human-written; 75 % was generated by m/one."
    assert statement("story", 0, 0, [], 0, 0, None) == "This story has no text yet."


def test_totals_add_over_several_offers_and_skip_empty_nodes():
    # An empty characters node sits between two offered nodes; both offers count in the totals.
    nodes = {
        "logline": node("logline", "logline", 0, "abcd", whole("abcd", M1), []),
        "premise": node("premise", "premise", 0, "wxyz", whole("wxyz", M1), ["logline"]),
        "characters": node("characters", "characters", 0, "", [], ["premise"]),
        "beats": node("beats", "beats", 0, "0123456789", whole("0123456789", M2), ["characters"]),
    }
    offer = {"premise": Alternative(id=1, node_id=1, number=1, text="wxyq", model="m/one", prompt_hash="h", seed=0,
                                    created_at="t"),
             "beats": Alternative(id=2, node_id=2, number=1, text="01234567", model="m/two", prompt_hash="h", seed=0,
                                  created_at="t")}
    story = Story(id=1, title="t", pack="screenplay", created_at="t", updated_at="t")
    report = authorship_report(story, "screenplay", nodes, offer)
    assert [n.label for n in report.nodes] == ["logline", "premise", "beats"]
    assert report.chars == 18 and {s.author: s.chars for s in report.shares} == {"m/one": 8, "m/two": 10}
    # premise: 1 substitution (longer text 4); beats: 2 insertions (longer text 10); offered 4 + 8 characters.
    assert (report.offered_chars, report.edit_distance) == (12, 3)
    assert report.normalised_distance == pytest.approx(3 / 14)
    assert report.statement == (
        "This screenplay's text (3 nodes, 18 characters) is 0 % human-written; 100 % was generated by m/two (56 %) "
        "and m/one (44 %). Between the 12 characters of AI drafts the writer chose and what they kept, the "
        "Levenshtein distance is 3 (21% of the longer text).")


def test_an_empty_offer_still_gets_no_distance_sentence_without_offered_characters():
    text = statement("story", 4, 1, [], 0, 4, 1.0)
    assert text == "This story's text (1 nodes, 4 characters) is 0 % human-written."


def test_an_ai_source_is_stamped_in_utc_unless_given_a_time():
    given = ai_source("local/smollm2", "abc123", at="2026-12-01T10:00:00+00:00")
    assert (given.kind, given.model, given.prompt_hash, given.at) == ("ai", "local/smollm2", "abc123",
                                                                       "2026-12-01T10:00:00+00:00")
    stamped = ai_source("local/smollm2", "abc123")
    assert stamped.at is not None and stamped.at.endswith("+00:00") and len(stamped.at) == 25  # seconds, UTC
    moment = datetime.fromisoformat(stamped.at)
    assert abs(datetime.now(timezone.utc) - moment) < timedelta(minutes=1)


# --- which matches are coincidences: each fold rule at its edge ---------------------------------


def test_the_diff_does_not_junk_a_letter_that_fills_a_long_text():
    # One changed letter, then 200 "a"s: with difflib's autojunk the "a"s (over 1 % of 201) would be junk, nothing
    # would match and the whole text would be one replace; without it the 200 "a"s are an equal run.
    assert edit_opcodes("Q" + "a" * 200, "R" + "a" * 200) == [("replace", 0, 1, 0, 1), ("equal", 1, 201, 1, 201)]


def test_a_long_rewording_is_measured_without_junking_its_letters():
    # 30 blocks "abcdefgX" -> "abcdefgY": the 7-letter matches between edits fold (under MIN_ANCHOR), and the
    # leading "abcdefg" (7 < 8 and under a tenth of the 233 after it) too: one replace of all 240 characters.
    old, new = "abcdefgX" * 30, "abcdefgY" * 30
    assert edit_opcodes(old, new) == [("replace", 0, 240, 0, 240)]
    # It keeps 210 of 240 letters (ratio 420 / 480): the writer reworded m/one. Junking the letters that recur
    # in the 240-character text would find no match at all and call it retyped.
    after = apply_edit(old, new, whole(old, M1), HUMAN)
    assert letters(new, after) == "e" * 240
    assert [(s.source.kind, s.source.model) for s in after] == [("ai-edited", "m/one")]


def test_a_sliver_at_the_start_folds_into_the_edit_after_it():
    # "a" (1 < MIN_ANCHOR and under EDGE_SHARE of the 20-letter edit) at index 0 is a coincidence.
    assert edit_opcodes("a" + "X" * 20, "a" + "Y" * 20) == [("replace", 0, 21, 0, 21)]
    # And at the end, the closing "." of a retyped run.
    assert edit_opcodes("X" * 20 + ".", "Y" * 20 + ".") == [("replace", 0, 21, 0, 21)]


def test_a_short_match_just_before_the_last_edit_folds():
    # "ab" (2 < MIN_ANCHOR) between two one-letter edits, the second of them the last op: one replace.
    # (It is not small beside its one-letter edits, so only the MIN_ANCHOR rule folds it.)
    assert edit_opcodes("XabY", "QabZ") == [("replace", 0, 4, 0, 4)]


MID8 = "mnopqrst"  # 8 letters: at MIN_ANCHOR, so only the "small beside the edits" rule can fold it


def test_an_anchor_small_beside_both_edits_folds_into_one_replace():
    # 8 letters between two 20-letter edits: 8 < LONG_ANCHOR and 8 < 0.5 * 20.
    old, new = "A" * 20 + MID8 + "B" * 20, "C" * 20 + MID8 + "D" * 20
    assert edit_opcodes(old, new) == [("replace", 0, 48, 0, 48)]


def test_an_anchor_of_exactly_long_anchor_or_half_an_edit_is_kept():
    mid24 = "abcdefghijklmnopqrstuvwx"  # 24 letters beside 50-letter edits: 24 < 25 but not under LONG_ANCHOR
    old, new = "A" * 50 + mid24 + "B" * 50, "C" * 50 + mid24 + "D" * 50
    assert edit_opcodes(old, new) == [("replace", 0, 50, 0, 50), ("equal", 50, 74, 50, 74),
                                      ("replace", 74, 124, 74, 124)]
    mid10 = "abcdefghij"  # 10 letters beside 20-letter edits: exactly ANCHOR_SHARE of them, not under it
    old, new = "A" * 20 + mid10 + "B" * 20, "C" * 20 + mid10 + "D" * 20
    assert edit_opcodes(old, new) == [("replace", 0, 20, 0, 20), ("equal", 20, 30, 20, 30),
                                      ("replace", 30, 50, 30, 50)]


def test_an_edit_measures_the_longer_of_its_old_and_new_text():
    # 20 old letters became 2: the edit counts as 20, so the 8-letter run is small beside it (8 < 10).
    assert edit_opcodes("A" * 20 + MID8 + "B" * 20, "CC" + MID8 + "D" * 20) == [("replace", 0, 48, 0, 30)]
    # 2 old letters became 20: likewise.
    assert edit_opcodes("AA" + MID8 + "B" * 20, "C" * 20 + MID8 + "D" * 20) == [("replace", 0, 30, 0, 48)]


def test_an_edit_is_measured_by_its_own_length_not_its_position():
    # After a 30-letter anchor: 10-letter edit, 10-letter run, 10-letter edit. 10 is half of 10, not under
    # it, so the middle run stays (wherever in the text the edits sit).
    prefix, mid10 = "0123456789" * 3, "abcdefghij"
    old, new = prefix + "A" * 10 + mid10 + "B" * 10, prefix + "C" * 10 + mid10 + "D" * 10
    assert edit_opcodes(old, new) == [("equal", 0, 30, 0, 30), ("replace", 30, 40, 30, 40),
                                      ("equal", 40, 50, 40, 50), ("replace", 50, 60, 50, 60)]


def test_an_anchor_must_be_small_beside_the_edits_on_both_sides():
    # 8 letters between a 2-letter and a 20-letter edit: not under half of the 2, so kept, whichever side.
    assert edit_opcodes("AA" + MID8 + "B" * 20, "CC" + MID8 + "D" * 20) == [
        ("replace", 0, 2, 0, 2), ("equal", 2, 10, 2, 10), ("replace", 10, 30, 10, 30)]
    assert edit_opcodes("A" * 20 + MID8 + "BB", "C" * 20 + MID8 + "DD") == [
        ("replace", 0, 20, 0, 20), ("equal", 20, 28, 20, 28), ("replace", 28, 30, 28, 30)]


def test_at_the_end_only_a_sliver_is_a_coincidence():
    # 8 letters after a 20-letter edit: small beside it (8 < 10) but at the end, and not under MIN_ANCHOR.
    assert edit_opcodes("A" * 20 + MID8, "C" * 20 + MID8) == [("replace", 0, 20, 0, 20), ("equal", 20, 28, 20, 28)]
    # 8 letters after a 100-letter edit: under a tenth of it, still not under MIN_ANCHOR.
    assert edit_opcodes("A" * 100 + MID8, "C" * 100 + MID8) == [("replace", 0, 100, 0, 100),
                                                                ("equal", 100, 108, 100, 108)]
    # 2 letters after a 20-letter edit: exactly EDGE_SHARE of it, not under it.
    assert edit_opcodes("A" * 20 + "mn", "C" * 20 + "mn") == [("replace", 0, 20, 0, 20), ("equal", 20, 22, 20, 22)]
