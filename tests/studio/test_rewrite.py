"""Targeted rewrites: only the span changes, whatever the model sends back; continue; resize to N words."""

from __future__ import annotations

import pytest

from punchup.studio import StudioError
from punchup.studio.rewrite import extract_replacement, fit_whitespace, parse_span, splice_checked
from tests.studio.conftest import write_story

SCRIPT = (
    "INT. LIGHTHOUSE - NIGHT\n\nNell trims the wick.\n\nNELL\nYou can't stay here.\n\n"
    "CAL\n(quietly)\nOne more night, then I'm gone.\n"
)
SPAN = "You can't stay here."


async def scripted_story(studio):
    await write_story(studio, scenes=1)
    studio.edit("script-1", SCRIPT)
    start = SCRIPT.index(SPAN)
    return start, start + len(SPAN)


def outside(text: str, start: int, end: int, new_length: int) -> tuple[str, str]:
    return text[:start], text[start + new_length:]


async def test_span_rewrite_changes_only_the_span(studio, fakes):
    start, end = await scripted_story(studio)
    fakes.writer.replies.append("Go home, Cal.")
    result = await studio.rewrite("script-1", start, end, "make it colder")
    assert result.text == SCRIPT[:start] + "Go home, Cal." + SCRIPT[end:]
    assert (result.start, result.end) == (start, start + len("Go home, Cal."))
    assert result.text[: result.start] == SCRIPT[:start] and result.text[result.end:] == SCRIPT[end:]
    prompt = fakes.writer.calls[-1][0][-1].content
    assert f"⟦{SPAN}⟧" in prompt and "make it colder" in prompt


async def test_a_model_that_returns_the_whole_text_still_changes_only_the_span(studio, fakes):
    start, end = await scripted_story(studio)
    fakes.writer.replies.append(SCRIPT.replace(SPAN, "Go home, Cal."))
    result = await studio.rewrite("script-1", start, end, "colder")
    assert result.text == SCRIPT[:start] + "Go home, Cal." + SCRIPT[end:]


async def test_a_model_that_rewrites_everything_cannot_touch_outside_the_span(studio, fakes):
    start, end = await scripted_story(studio)
    meddling = SCRIPT.replace("trims the wick", "polishes the brass").replace(SPAN, "Leave.").replace("One more", "Just one")
    fakes.writer.replies.append("```fountain\n" + meddling + "\n```")
    result = await studio.rewrite("script-1", start, end, "shorter")
    new_span = result.text[result.start: result.end]
    assert result.text[: result.start] == SCRIPT[:start] and result.text[result.end:] == SCRIPT[end:]
    assert new_span == "Leave."


async def test_span_rewrite_keeps_the_seams(studio, fakes):
    start, end = await scripted_story(studio)
    start -= len("NELL\n")  # a span that starts on a line and ends with a newline
    end += 1
    fakes.writer.replies.append("   NELL\nGo.   ")
    result = await studio.rewrite("script-1", start, end, "shorter")
    assert result.text == SCRIPT[:start] + "NELL\nGo.\n" + SCRIPT[end:]


async def test_empty_rewrite_is_refused_and_changes_nothing(studio, fakes):
    start, end = await scripted_story(studio)
    fakes.writer.replies.append("⟦⟧")
    with pytest.raises(StudioError, match="returned nothing"):
        await studio.rewrite("script-1", start, end, "shorter")
    assert studio.text("script-1") == SCRIPT


@pytest.mark.parametrize("start, end", [(-1, 5), (5, 5), (9, 3), (0, 10_000)])
async def test_bad_spans_are_refused(studio, start, end):
    await scripted_story(studio)
    with pytest.raises(StudioError, match="is not inside the text"):
        await studio.rewrite("script-1", start, end, "x")


def test_span_syntax():
    assert parse_span("3:9", 20) == (3, 9)
    assert parse_span(":4", 20) == (0, 4) and parse_span("15:", 20) == (15, 20)
    for bad in ("3-9", "a:b", "9:3", "0:21"):
        with pytest.raises(StudioError):
            parse_span(bad, 20)


def test_splice_and_extraction_helpers():
    text = "alpha beta gamma"
    assert splice_checked(text, 6, 10, "BETA") == "alpha BETA gamma"
    assert extract_replacement("alpha DELTA gamma", text, 6, 10) == "DELTA"
    assert extract_replacement("DELTA", text, 6, 10) == "DELTA"
    assert fit_whitespace(" beta\n", "DELTA") == " DELTA\n"


async def test_continue_appends_without_touching_the_text(studio, fakes):
    await scripted_story(studio)
    fakes.writer.replies.append(SCRIPT.strip() + "\n\nNELL\nThen go before the tide.")
    result = await studio.continue_text("script-1", instruction="end on a threat")
    assert result.text.startswith(SCRIPT)
    assert result.text[len(SCRIPT):] == "NELL\nThen go before the tide."
    assert (result.start, result.end) == (len(SCRIPT), len(result.text))
    assert "end on a threat" in fakes.writer.calls[-1][0][-1].content


async def test_resize_rewrites_the_whole_text_to_a_word_count(studio, fakes):
    await scripted_story(studio)
    fakes.writer.replies.append("INT. LIGHTHOUSE - NIGHT\n\nNELL\nGo.")
    result = await studio.resize("script-1", 5)
    assert result.text == "INT. LIGHTHOUSE - NIGHT\n\nNELL\nGo." and result.mode == "resize"
    assert "Shorten it to about 5 words" in fakes.writer.calls[-1][0][-1].content


async def test_rewrites_of_an_empty_or_missing_node_are_refused(studio):
    await write_story(studio, scenes=1)
    with pytest.raises(StudioError, match="no node 'script-4'"):
        await studio.rewrite("script-4", 0, 2, "x")
    with pytest.raises(StudioError, match="needs an instruction"):
        await studio.rewrite("premise", 0, 2, "  ")
