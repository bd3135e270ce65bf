"""Provenance through generate -> human edit -> AI span rewrite, undo, and the authorship report."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from punchup.models.fake import script
from punchup.studio import StudioError
from punchup.studio.provenance import (
    HUMAN,
    Source,
    ai_source,
    apply_edit,
    char_counts,
    per_character,
    rounded_percentages,
    whole,
)
from tests.studio.conftest import WRITER, write_story

AI = ai_source("fake/a", "p1", "2024-01-01T00:00:00+00:00")


def kinds(text: str, spans) -> str:
    """One letter per character: h(uman), a(i), e(dited)."""
    letters = {"human": "h", "ai": "a", "ai-edited": "e"}
    return "".join(letters[s.kind] for s in per_character(spans, len(text)))


def test_insertions_are_human_and_untouched_text_keeps_its_source():
    old = "The cat sat on the mat."
    new = "The cat sat on the red mat."
    assert kinds(new, apply_edit(old, new, whole(old, AI), HUMAN)) == "a" * 19 + "h" * 4 + "a" * 4


def test_rewording_ai_text_is_ai_edited_and_retyping_it_is_human():
    old = "The cat sat on the mat."
    reworded = "The dog sat in the mat."
    assert kinds(reworded, apply_edit(old, reworded, whole(old, AI), HUMAN)) == "aaaa" + "e" * 9 + "a" * 10
    retyped = "Rain hammered the shutters all night."
    spans = apply_edit(old, retyped, whole(old, AI), HUMAN)
    assert kinds(retyped, spans).count("h") >= len(retyped) - 2  # coincidental letters are not the model's
    edited = [s.source for s in apply_edit(old, reworded, whole(old, AI), HUMAN) if s.source.kind == "ai-edited"]
    assert edited[0].model == "fake/a" and edited[0].prompt_hash == "p1"


def test_ai_rewrite_attributes_its_changes_to_the_model():
    old = "Nell trims the wick."
    new = "Nell polishes the brass."
    other = ai_source("fake/b", "p2")
    spans = apply_edit(old, new, whole(old, HUMAN), other)
    assert {s.source.author for s in spans} == {"human", "fake/b"}
    assert "".join(new[s.start:s.end] for s in spans if s.source.kind == "human").startswith("Nell ")


@settings(max_examples=200, deadline=None)
@given(old=st.text(alphabet="ab c\n", max_size=40), new=st.text(alphabet="ab c\n", max_size=40))
def test_spans_always_tile_the_new_text(old, new):
    spans = apply_edit(old, new, whole(old, AI), HUMAN)
    assert sum(s.end - s.start for s in spans) == len(new)
    assert all(a.end == b.start for a, b in zip(spans, spans[1:]))
    assert not spans or (spans[0].start == 0 and spans[-1].end == len(new))
    assert all(a.source != b.source for a, b in zip(spans, spans[1:]))  # run-length: neighbours differ


@given(st.dictionaries(st.sampled_from(["human", "m/a", "m/b", "ai-edited"]), st.integers(1, 10_000), min_size=1))
def test_rounded_percentages_add_up_to_exactly_100(counts):
    total = sum(counts.values())
    rounded = rounded_percentages({k: 100 * v / total for k, v in counts.items()})
    assert sum(rounded.values()) == 100


async def test_generate_then_human_edit_then_ai_span_rewrite(studio, fakes):
    await write_story(studio, scenes=1)
    premise = studio.text("premise")
    detail = studio.node("premise")
    assert detail.node.human_percent == 0.0 and {s.source.model for s in detail.provenance} == {WRITER}
    chosen = studio.repo.alternative(studio.repo.node(studio.story().id, "premise"), 1)
    assert detail.provenance[0].source.prompt_hash == chosen.prompt_hash

    edited = "Against her orders, " + premise
    studio.edit("premise", edited)
    spans = studio.node("premise").provenance
    assert kinds(edited, spans) == "h" * len("Against her orders, ") + "a" * len(premise)

    start = edited.index("owes")
    end = start + len("owes her life")
    rewriter = script("rewriter", ["is bound by a debt"])
    result = await studio.rewrite("premise", start, end, "less melodramatic", model="fake/rewriter")
    spans = studio.node("premise").provenance
    new_len = len("is bound by a debt")
    assert result.text[start: start + new_len] == "is bound by a debt"
    rewritten = [s for s in spans if s.source.model == "fake/rewriter"]
    assert [(s.start, s.end, s.source.kind) for s in rewritten] == [(start, start + new_len, "ai")]
    assert kinds(result.text, spans)[:20] == "h" * 20 and kinds(result.text, spans)[-5:] == "a" * 5
    assert len(rewriter.calls) == 1
    counts = char_counts(spans)
    assert counts == {"human": 20, "fake/rewriter": new_len, WRITER: len(result.text) - 20 - new_len}


async def test_undo_walks_back_through_versions(studio, fakes):
    await write_story(studio, scenes=1)
    chosen = studio.text("premise")
    studio.edit("premise", "First draft of mine.")
    studio.edit("premise", "Second draft of mine.")
    assert studio.node("premise").node.versions == 3
    assert [v.action for v in studio.history("premise")] == ["choose", "edit", "edit"]
    view = studio.undo("premise")
    assert view.text == "First draft of mine."
    assert studio.undo("premise").text == chosen
    assert studio.node("premise").node.human_percent == 0.0  # provenance came back with the text
    empty = studio.undo("premise")
    assert empty.text is None and empty.status == "empty"
    with pytest.raises(StudioError, match="nothing to undo"):
        studio.undo("premise")
    assert [v.action for v in studio.history("logline")] == ["write"]
    with pytest.raises(StudioError, match="logline's first version cannot be undone"):
        studio.undo("logline")


async def test_authorship_shares_and_edit_distance_on_known_strings(studio, fakes):
    studio.new("kitten", title="Known")  # 6 human characters
    fakes.writer.replies.append("sitting")
    await studio.expand("logline", n=1, judge="none")
    studio.choose("premise", 1)  # 7 AI characters
    report = studio.authorship()
    assert report.chars == 13
    assert {s.author: s.chars for s in report.shares} == {"human": 6, WRITER: 7}
    assert sum(s.percent for s in report.shares) == pytest.approx(100.0)
    assert report.edit_distance == 0 and report.normalised_distance == 0.0

    studio.edit("premise", "kitten")  # the writer turns the offer back into "kitten": distance 3
    report = studio.authorship()
    premise = next(n for n in report.nodes if n.label == "premise")
    assert premise.edit_distance == 3 and premise.offered_chars == 7
    assert premise.normalised_distance == pytest.approx(3 / 7)
    assert sum(s.percent for s in report.shares) == pytest.approx(100.0)
    assert report.statement.startswith("This screenplay's text (2 nodes, 12 characters) is ")
    assert "Levenshtein distance is 3 (43% of the longer text)" in report.statement


async def test_authorship_per_scene_and_statement(studio, fakes):
    await write_story(studio, scenes=2)
    studio.edit("script-2", "INT. BOATHOUSE - DAY\n\nCal bails water.\n\nCAL\nNot a word.")
    report = studio.authorship()
    assert [s.scene for s in report.scenes] == [1, 2]
    assert report.scenes[1].labels == ["scene-2", "script-2"]
    for group in [report.shares, *(s.shares for s in report.scenes), *(n.shares for n in report.nodes)]:
        assert sum(s.percent for s in group) == pytest.approx(100.0)
    human = next(s.percent for s in report.shares if s.author == "human")
    assert 0 < human < 100
    whole_percents = rounded_percentages({s.author: s.percent for s in report.shares})
    assert f"is {whole_percents['human']} % human-written" in report.statement
    assert f"% was generated by {WRITER}" in report.statement


def test_source_buckets():
    assert Source(kind="ai", model="m/x").author == "m/x"
    assert Source(kind="ai-edited", model="m/x").author == "ai-edited"
    assert HUMAN.by_human_hand and not AI.by_human_hand
