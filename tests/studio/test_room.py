"""The punch-up room on scripted fake models: alts, pitches for a passage, a pass, accept, more, steering."""

from __future__ import annotations

import pytest

from punchup.studio import StudioError
from punchup.studio.pitching import PitchBoard
from punchup.studio.room import Pick
from punchup.studio.runaway import contain, length_limit, token_budget
from punchup.studio.selection import find_quote, line_span
from punchup.studio.steering import Steering
from tests.studio.conftest import write_story

SETUP = "My dentist retired, and now he just stares at my mouth at parties."


def refs(board: PitchBoard) -> list[str]:
    return [p.ref for p in board.pitches]


# -- runaway replacements ------------------------------------------------------------------------
def test_a_runaway_repeat_is_cut_and_the_length_capped_to_the_selection():
    joke = "I told my cat a joke."  # 21 characters
    runaway = "He did not laugh at all. " + "He did not laugh. " * 20
    text, notes = contain(runaway.strip(), len(joke))
    assert len(text) <= length_limit(len(joke)) and text.startswith("He did not laugh at all.")
    assert notes and any("repeated" in note for note in notes)
    stutter, notes = contain("I am so so so so so tired of it", 30)
    assert stutter == "I am so tired of it" and notes
    assert contain("A clean line.", 40) == ("A clean line.", [])
    assert token_budget(67) < token_budget(670) <= 1024 and token_budget(1) >= 24


def test_quotes_and_lines_name_a_passage_without_offsets():
    text = "NELL\nYou can't stay.\n\nCAL\nOne more night."
    start, end = find_quote(text, "You can't stay.")
    assert text[start:end] == "You can't stay."
    assert text[slice(*line_span(text, 5))] == "One more night."
    with pytest.raises(StudioError, match="not in the text"):
        find_quote(text, "nowhere")
    with pytest.raises(StudioError, match="occurs 2 times"):
        find_quote("ha ha", "ha")
    with pytest.raises(StudioError, match="line 3 is blank"):
        line_span(text, 3)


# -- alts for a setup ------------------------------------------------------------------------------
async def test_alts_for_a_setup_are_ranked_with_the_writers_own_and_keepers_starred(studio, fakes):
    board = await studio.alts(SETUP, n=5, mine=["1. He says my gums are a cry for help.", "- Floss is his love language."],
                              keep=2)
    assert len(fakes.writer.calls) == 5 and board.calls_made == 5 + 7  # 5 drafts and 7 judgments
    model_pitches = [p for p in board.pitches if not p.by_writer]
    assert sorted(p.seed for p in model_pitches) == [0, 1, 2, 3, 4]
    yours = [p for p in board.pitches if p.by_writer]
    assert [p.text for p in yours] == ["He says my gums are a cry for help.", "Floss is his love language."]
    assert all(p.author == "writer" and p.recipe_line == "your own" for p in yours)
    scores = [p.score for p in board.pitches]
    assert all(s is not None for s in scores) and scores == sorted(scores, reverse=True)
    assert [p.keeper for p in board.pitches] == [True, True] + [False] * 5
    assert all(p.recipe and p.recipe.seed == p.seed and "seed" in p.recipe_line for p in model_pitches)
    assert SETUP in fakes.writer.calls[0][0][-1].content and "Pitch one alt" in fakes.writer.calls[0][0][-1].content

    again = await studio.alts(SETUP, n=5, keep=2)
    assert again.calls_made == 0  # the same seeds, from the store


async def test_more_draws_new_seeds_and_ranks_them_with_the_earlier_ones(studio, fakes):
    first = await studio.alts(SETUP, n=2)
    more = await studio.alts(SETUP, n=3, more=True)
    assert first.new_seeds == [0, 1]
    assert more.earlier_seeds == [0, 1] and more.new_seeds == [2, 3, 4]
    assert len(fakes.writer.calls) == 5  # 2, then 3 new: nothing drawn twice
    assert sorted(p.seed for p in more.pitches) == [0, 1, 2, 3, 4]
    assert (await studio.alts(SETUP, n=2, more=True)).new_seeds == [5, 6]


async def test_steering_reaches_the_prompt_and_every_recipe(studio, fakes):
    steering = Steering(notes="make the dentist sad", tone="deadpan", format="multi-cam", unusual=True)
    board = await studio.alts(SETUP, n=1, steering=steering)
    prompt = fakes.writer.calls[-1][0][-1].content
    assert "make the dentist sad" in prompt and "TONE: deadpan" in prompt and "multi-camera" in prompt
    assert "one unusual thing" in prompt
    line = board.pitches[0].recipe_line
    assert "multi-cam" in line and "deadpan" in line and "one unusual thing" in line and "make the dentist sad" in line
    with pytest.raises(StudioError, match="unknown format"):
        Steering(format="sitcom")


async def test_drafts_that_add_nothing_are_dropped_with_a_reason(studio, fakes):
    fakes.writer.replies.extend([f"1. {SETUP}", "", "A fresh one.", "A fresh one."])
    board = await studio.alts(SETUP, n=4)
    assert [p.text for p in board.pitches] == ["A fresh one."]
    assert any("echoed the prompt" in d for d in board.dropped)
    assert any("empty" in d for d in board.dropped) and any("the same as seed" in d for d in board.dropped)


# -- pitches for a passage of a node, and accepting one -----------------------------------------------------
async def test_pitches_for_a_quoted_passage_save_nothing_until_one_is_accepted(studio, fakes):
    await write_story(studio, scenes=1, n=1)
    before = studio.node("script-1")
    text = before.node.text
    versions = before.node.versions
    shares = studio.authorship().shares
    board = await studio.pitch("script-1", "rewrite", {"quote": "You can't stay."}, n=3, instruction="meaner")
    assert len(board.pitches) == 3 and board.original == "You can't stay." and board.label == "script-1"
    assert studio.text("script-1") == text and studio.node("script-1").node.versions == versions
    assert studio.authorship().shares == shares  # an unaccepted pitch never moves authorship
    for pitch in board.pitches:  # the preview is the whole text with the pitch in the passage
        assert pitch.preview == text[:board.start] + pitch.text + text[board.end:]

    chosen = board.pitches[1]
    calls = len(fakes.writer.calls)
    view = await studio.accept_pitches("script-1", "rewrite",
                                       [Pick(start=board.start, end=board.end, seed=chosen.seed, hash=chosen.hash)],
                                       base_hash=board.base_hash, instruction="meaner")
    assert len(fakes.writer.calls) == calls  # drawn again from the store
    new_text = studio.text("script-1")
    assert new_text == chosen.preview and view.versions == versions + 1
    assert new_text[:board.start] == text[:board.start] and new_text[board.start + len(chosen.text):] == text[board.end:]
    with pytest.raises(StudioError, match="changed since"):  # the same board again: the text moved on
        await studio.accept_pitches("script-1", "rewrite", [Pick(start=board.start, end=board.end, seed=chosen.seed)],
                                    base_hash=board.base_hash, instruction="meaner")


async def test_a_rewrite_that_keeps_the_writers_words_keeps_them_the_writers(studio, fakes):
    studio.new("A lighthouse keeper owes her life to a smuggler.", title="Light")
    mine = "Nell keeps the light. She owes Cal her life. Nobody knows."
    studio.edit("premise", mine)
    # The model hands back the passage with one word changed.
    fakes.writer.replies.append("She owes Cal everything.")
    board = await studio.pitch("premise", "rewrite", {"quote": "She owes Cal her life."}, n=1, judge="none")
    pitch = board.pitches[0]
    await studio.accept_pitches("premise", "rewrite", [Pick(start=board.start, end=board.end, seed=pitch.seed)],
                                base_hash=board.base_hash)
    node = studio.node("premise")
    assert studio.text("premise") == "Nell keeps the light. She owes Cal everything. Nobody knows."
    human = node.node.human_percent
    assert human > 80  # only "everything" is the model's
    # A pitch identical to the passage is no pitch at all.
    fakes.writer.replies.append("Nobody knows.")
    same = await studio.pitch("premise", "rewrite", {"quote": "Nobody knows."}, n=1, seed=7, judge="none")
    assert same.pitches == [] and "unchanged" in same.dropped[0]


async def test_the_writers_own_alt_goes_in_as_the_writers(studio, fakes):
    await write_story(studio, scenes=1, n=1)
    board = await studio.pitch("script-1", "alts", {"quote": "One more night."}, n=2, mine=["Just till the tide."])
    yours = next(p for p in board.pitches if p.by_writer)
    await studio.accept_pitches("script-1", "alts", [Pick(start=board.start, end=board.end, text=yours.text)],
                                base_hash=board.base_hash)
    detail = studio.node("script-1")
    assert "Just till the tide." in detail.node.text and "One more night." not in detail.node.text
    start = detail.node.text.index("Just till the tide")
    human = [s for s in detail.provenance if s.source.kind == "human"]
    assert any(s.start <= start and s.end >= start + len("Just till the tide") for s in human)


async def test_a_punch_up_pass_proposes_alts_line_by_line_and_accepts_picks_together(studio, fakes):
    await write_story(studio, scenes=1, n=1)
    text = studio.text("script-1")
    result, view = await studio.punch_pass("script-1", n=2)
    assert view is None and studio.text("script-1") == text
    assert [b.original for b in result.boards] == ["You can't stay.", "One more night."]  # dialogue, not cues or action
    assert all(len(b.pitches) == 2 for b in result.boards)
    versions = studio.node("script-1").node.versions
    picked = {1: result.boards[0].pitches[0].ref, 2: result.boards[1].pitches[1].ref}
    calls = len(fakes.writer.calls)
    _, view = await studio.punch_pass("script-1", n=2, accept=picked)
    assert len(fakes.writer.calls) == calls  # the pass and the picks, all from the store
    new_text = studio.text("script-1")
    assert result.boards[0].pitches[0].text in new_text and result.boards[1].pitches[1].text in new_text
    assert "You can't stay." not in new_text and view.versions == versions + 1  # one undo reverts the pass
    studio.undo("script-1")
    assert studio.text("script-1") == text


# -- expand: more, steering, recipes, echoes, structure and continuity -------------------------------------------
async def test_expand_more_draws_new_seeds_every_time(studio, fakes):
    studio.new("A keeper owes a smuggler.", title="Light")
    first = await studio.expand("logline", n=2)
    studio.choose("premise", 1)
    again = await studio.expand("premise", n=2, more=True, judge="none")
    assert again.calls_made == 2 and again.more
    assert again.nodes[0].seeds == [2, 3] and {a.seed for a in again.nodes[0].alternatives} == {2, 3}
    third = await studio.expand("premise", n=2, more=True, judge="none")
    assert third.nodes[0].seeds == [4, 5] and third.calls_made == 2
    assert len(studio.node("premise").alternatives) == 6
    assert first.nodes[0].seeds == [0, 1]


async def test_expand_steering_is_in_the_prompt_and_the_alternatives_recipe(studio, fakes):
    studio.new("A keeper owes a smuggler.", title="Light")
    studio.update_story(format="single-cam")
    result = await studio.expand("logline", n=1, steering=Steering(notes="set it in winter", tone="bleak"))
    prompt = fakes.writer.calls[-1][0][-1].content
    assert "set it in winter" in prompt and "single-camera" in prompt  # the story's format is the default
    recipe = result.nodes[0].alternatives[0].recipe
    assert recipe.steering.notes == "set it in winter" and recipe.steering.format == "single-cam" and recipe.seed == 0
    stored = studio.node("premise").alternatives[0].recipe
    assert stored == recipe


async def test_the_prompts_own_instructions_are_stripped_from_a_draft(studio, fakes):
    studio.new("A keeper owes a smuggler.", title="Light")
    studio.edit("premise", "Nell owes Cal.")
    studio.edit("characters", "NELL — keeper\nCAL — smuggler")
    fakes.writer.replies.append("1. Nell finds Cal.\n2. Cal begs.\nReturn only the numbered list.\n"
                                "Outline the story as a numbered list of five to eight beats, in story order, one beat per line:")
    result = await studio.expand("characters", n=1, judge="none")
    assert result.nodes[0].alternatives[0].text == "1. Nell finds Cal.\n2. Cal begs."


async def test_a_story_structure_shapes_the_beats_and_scenes_see_their_neighbours(studio, fakes):
    await write_story(studio, scenes=2, n=1)
    studio.update_story(structure="tv-half-hour", author="Ada Writer")
    await studio.expand("beats", n=1, more=True, judge="none")
    prompt = fakes.writer.calls[-1][0][-1].content
    assert "COLD OPEN" in prompt and "TAG" in prompt and "7 beats" in prompt
    calls = len(fakes.writer.calls)
    await studio.expand("scene-2", n=1, more=True, judge="none")
    scene_prompt = fakes.writer.calls[calls][0][-1].content
    assert "THE BEAT BEFORE: Nell finds Cal's boat" in scene_prompt and "THE BEAT AFTER: Nell lights the lamp" in scene_prompt
    await studio.expand("script-2", n=1, more=True, judge="none")
    script_prompt = fakes.writer.calls[-1][0][-1].content
    assert "THE SCENE BEFORE" in script_prompt and "LIGHTHOUSE ROOM 1" in script_prompt
    assert studio.story().settings.author == "Ada Writer"
    with pytest.raises(StudioError, match="unknown structure"):
        studio.update_story(structure="sitcom")


# -- authorship --------------------------------------------------------------------------------------
async def test_replacing_a_chosen_text_with_your_own_clears_the_chosen_alternative(studio, fakes):
    studio.new("A keeper owes a smuggler.", title="Light")
    await studio.expand("logline", n=2)
    studio.choose("premise", 1)
    assert studio.node("premise").node.chosen_alt == 1
    studio.edit("premise", "Rain hammers the rock all winter while Nell counts ships that never come.")
    view = studio.node("premise").node
    assert view.human_percent == 100 and view.chosen_alt is None


def test_coincidental_runs_inside_retyped_text_are_the_writers():
    from punchup.studio.provenance import HUMAN, ai_source, apply_edit, per_character, whole

    ai = ai_source("fake/a", "p")
    old = "The keeper climbs the stairs to the lamp room. It is cold and she is alone with the sea."
    new = "Cal kicks the door of the boathouse open and shouts for the keeper's room. It rains on him."
    kinds = {s.kind for s in per_character(apply_edit(old, new, whole(old, ai), HUMAN), len(new))}
    assert "ai" not in kinds  # " room. It" and friends are coincidences, not the model's words


# -- stories -----------------------------------------------------------------------------------------
async def test_rename_and_delete_a_story(studio, fakes, store):
    await write_story(studio, scenes=1, n=1)
    story = studio.story()
    renamed = studio.update_story(story.id, title="The Lamp")
    assert renamed.title == "The Lamp" and studio.stories()[0].title == "The Lamp"
    with pytest.raises(StudioError, match="title is empty"):
        studio.update_story(story.id, title="  ")
    studio.delete_story(story.id)
    assert studio.stories() == []
    assert store.query("SELECT COUNT(*) AS n FROM story_nodes")[0]["n"] == 0
    assert store.query("SELECT COUNT(*) AS n FROM story_alternatives")[0]["n"] == 0
    with pytest.raises(StudioError, match="no story"):
        studio.delete_story(story.id)
