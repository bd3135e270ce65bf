"""Stale marks and cascades: diamonds, locks, human-written nodes, and the writer editing mid-cascade."""

from __future__ import annotations

import pytest

from punchup.studio import StudioError
from tests.studio.conftest import kinds_called, statuses, story_reply, write_story

EVERYTHING_BELOW_PREMISE = {"characters", "beats", "scene-1", "scene-2", "script-1", "script-2"}


async def test_a_fresh_story_has_nothing_stale(studio):
    await write_story(studio)
    assert set(statuses(studio).values()) == {"fresh"}


async def test_editing_marks_exactly_the_descendants_stale(studio):
    await write_story(studio)
    studio.edit("scene-2", studio.text("scene-2") + "\nThe lamp fails.")
    assert {label for label, s in statuses(studio).items() if s == "stale"} == {"script-2"}
    studio.edit("premise", "Nell keeps a light on a sinking rock.")
    stale = {label for label, s in statuses(studio).items() if s == "stale"}
    assert stale == EVERYTHING_BELOW_PREMISE
    view = {n.label: n for n in studio.show().nodes}
    assert view["characters"].stale_because == ["premise changed"]
    assert "built on stale beats" in view["scene-1"].stale_because


async def test_stale_is_derived_so_undo_makes_it_fresh_again(studio):
    await write_story(studio)
    studio.edit("premise", "Nell keeps a light on a sinking rock.")
    assert "stale" in statuses(studio).values()
    studio.undo("premise")
    assert set(statuses(studio).values()) == {"fresh"}


async def test_rechoosing_a_node_marks_its_descendants_stale(studio):
    await write_story(studio)
    studio.choose("beats", 1)  # same text again: nothing changes
    assert set(statuses(studio).values()) == {"fresh"}
    await studio.expand("characters", n=2)  # characters is chosen, so this mines beats
    studio.choose("beats", 2)
    stale = {label for label, s in statuses(studio).items() if s == "stale"}
    assert stale == {"scene-1", "scene-2", "script-1", "script-2"}


async def test_diamond_cascade_regenerates_each_node_once_in_topological_order(studio, fakes):
    """characters feeds beats, every scene and every script: each is rebuilt once, after all its parents."""
    await write_story(studio)
    studio.edit("characters", "NELL — keeper; wants the money\nCAL — smuggler; wants the light dark")
    assert {label for label, s in statuses(studio).items() if s == "stale"} == EVERYTHING_BELOW_PREMISE - {"characters"}
    before, judged = len(fakes.writer.calls), len(fakes.judge.calls)
    old = {label: studio.text(label) for label in EVERYTHING_BELOW_PREMISE}
    report = await studio.cascade("characters")
    assert kinds_called(fakes.writer, before) == ["beats", "scene-1", "scene-2", "script-1", "script-2"]
    assert [c.label for c in report.changed] == ["beats", "scene-1", "scene-2", "script-1", "script-2"]
    assert report.calls_made == 5 and len(fakes.judge.calls) == judged  # one draft per node: nothing to rank
    for change in report.changed:
        assert change.old_hash != change.new_hash and "chars" in change.summary
        assert studio.text(change.label) != old[change.label]
    assert set(statuses(studio).values()) == {"fresh"}
    # The scripts were written from the regenerated scene cards, not the old ones.
    script_prompt = fakes.writer.calls[-1][0][-1].content
    assert studio.text("scene-2") in script_prompt and old["scene-2"] not in script_prompt


async def test_cascade_makes_no_calls_when_nothing_is_stale(studio, fakes):
    await write_story(studio)
    before = len(fakes.writer.calls)
    report = await studio.cascade("logline")
    assert report.changed == [] and len(fakes.writer.calls) == before
    assert {s.reason for s in report.skipped} == {"fresh"}


async def test_locked_nodes_are_never_touched_and_what_is_built_on_them_stays(studio):
    await write_story(studio)
    studio.lock("characters")
    studio.lock("beats")
    kept = {label: studio.text(label) for label in EVERYTHING_BELOW_PREMISE}
    studio.edit("premise", "Nell keeps a light on a sinking rock.")
    view = {n.label: n for n in studio.show().nodes}
    assert view["characters"].status == "stale" and view["characters"].locked
    # Staleness stops at a lock: scenes and scripts are built on locked, unchanged parents.
    assert all(view[label].status == "fresh" for label in ("scene-1", "scene-2", "script-1", "script-2"))
    report = await studio.cascade("premise")
    assert report.changed == []
    assert {s.label: s.reason for s in report.skipped}["characters"] == "locked"
    assert {label: studio.text(label) for label in EVERYTHING_BELOW_PREMISE} == kept


async def test_a_lock_in_the_middle_keeps_its_branch_and_lets_the_rest_regenerate(studio):
    await write_story(studio)
    studio.lock("scene-1")
    kept = studio.text("scene-1"), studio.text("script-1")
    studio.edit("beats", "1. Nell burns the logbook.\n2. Cal rows away.\n3. The inspector arrives.")
    report = await studio.cascade("beats")
    assert [c.label for c in report.changed] == ["scene-2", "script-2"]
    skipped = {s.label: s.reason for s in report.skipped}
    assert skipped["scene-1"] == "locked" and skipped["script-1"] == "fresh"
    assert (studio.text("scene-1"), studio.text("script-1")) == kept


async def test_locked_node_refuses_edits_choices_rewrites_and_undo(studio):
    await write_story(studio, scenes=1)
    studio.lock("premise")
    for action in (lambda: studio.edit("premise", "new"), lambda: studio.choose("premise", 2), lambda: studio.undo("premise")):
        with pytest.raises(StudioError, match="'premise' is locked"):
            action()
    with pytest.raises(StudioError, match="locked"):
        await studio.rewrite("premise", 0, 4, "sharper")
    studio.unlock("premise")
    studio.edit("premise", "Now it can change.")
    assert studio.text("premise") == "Now it can change."


async def test_human_written_nodes_are_kept_unless_asked(studio):
    await write_story(studio)
    mine = "INT. BOATHOUSE - DAY\n\nCal bails water with a saucepan.\n\nCAL\nNot a word, Nell."
    studio.edit("script-2", mine)
    studio.edit("premise", "Nell keeps a light on a sinking rock.")
    report = await studio.cascade("premise")
    skipped = {s.label: s.reason for s in report.skipped}
    assert skipped["script-2"].startswith("human-written")
    assert studio.text("script-2") == mine
    assert {c.label for c in report.changed} == EVERYTHING_BELOW_PREMISE - {"script-2"}
    assert statuses(studio)["script-2"] == "stale"  # kept, and still honestly stale
    again = await studio.cascade("premise", include_human=True)
    assert [c.label for c in again.changed] == ["script-2"] and studio.text("script-2") != mine
    assert statuses(studio)["script-2"] == "fresh"


async def test_a_node_kept_by_the_writer_makes_its_children_wait(studio, fakes):
    await write_story(studio)
    studio.edit("scene-1", "INT. CELLAR - NIGHT\nPurpose: Nell hides the logbook under the coal\nCharacters: NELL")
    first = await studio.cascade("scene-1")  # script-1 is rebuilt on the writer's scene card
    assert [c.label for c in first.changed] == ["script-1"] and "INT. CELLAR - NIGHT" in fakes.writer.calls[-1][0][-1].content
    studio.edit("beats", "1. Nell hides the logbook.\n2. Cal finds it.\n3. The lamp goes out.")
    report = await studio.cascade("beats")
    skipped = {s.label: s.reason for s in report.skipped}
    assert skipped["scene-1"].startswith("human-written")
    # script-1's parents did not change, it is only stale through the kept scene-1: same inputs, so it waits.
    assert skipped["script-1"].startswith("waits: built on stale scene-1")
    assert {c.label for c in report.changed} == {"scene-2", "script-2"}


async def test_cascade_rechecks_staleness_when_the_writer_works_meanwhile(studio, fakes):
    """While scene-1 is being regenerated, the writer rewrites script-2 by hand and re-chooses scene-2."""
    await write_story(studio)
    studio.edit("beats", "1. Nell hides the logbook.\n2. Cal finds it.\n3. The lamp goes out.")
    mine = "INT. BOATHOUSE - DAY\n\nCal bails water with a saucepan.\n\nCAL\nNot a word, Nell."
    writer_hands = {"done": False}

    def meanwhile(messages, config):
        reply = story_reply(messages, config)
        if "BEAT 1 OF" in messages[-1].content and not writer_hands["done"]:
            writer_hands["done"] = True
            studio.edit("script-2", mine)
            studio.accept("scene-2")  # the writer decides scene-2 is fine as it is
        return reply

    fakes.writer.responder = meanwhile
    report = await studio.cascade("beats")
    assert writer_hands["done"]
    skipped = {s.label: s.reason for s in report.skipped}
    assert skipped["scene-2"] == "fresh" and skipped["script-2"] == "fresh"
    assert [c.label for c in report.changed] == ["scene-1", "script-1"]
    assert studio.text("script-2") == mine


async def test_cascade_never_overwrites_a_node_the_writer_changed_while_it_was_generated(studio, fakes):
    await write_story(studio)
    studio.edit("beats", "1. Nell hides the logbook.\n2. Cal finds it.\n3. The lamp goes out.")
    mine = "INT. ROOF - DAWN\nPurpose: Cal waves from the boat\nCharacters: CAL"

    def meanwhile(messages, config):
        if "BEAT 2 OF" in messages[-1].content and "scene card" in messages[-1].content:
            studio.choose("scene-2", 1)  # the writer re-chooses...
            studio.edit("scene-2", mine)  # ...and rewrites the very node being regenerated
        return story_reply(messages, config)

    fakes.writer.responder = meanwhile
    report = await studio.cascade("beats")
    skipped = {s.label: s.reason for s in report.skipped}
    assert skipped["scene-2"] == "changed by the writer during the cascade; kept the writer's version"
    assert studio.text("scene-2") == mine


async def test_cascade_of_an_unknown_node_is_an_error(studio):
    await write_story(studio, scenes=1)
    with pytest.raises(StudioError, match="no node 'scene-7'"):
        await studio.cascade("scene-7")


async def test_a_node_whose_draft_is_junk_is_drawn_again_with_the_next_seeds(studio, fakes):
    """A small model now and then writes only what the studio drops: the cascade draws again, then gives up."""
    from punchup.studio.cascade import DRAWS

    await write_story(studio)
    studio.edit("characters", "NELL — keeper; wants the money\nCAL — smuggler; wants the light dark")
    empty_seeds: set[int] = {0}  # the first beats draft of the cascade comes back empty

    def junk_first(messages, config):
        if "Outline the story" in messages[-1].content and config.seed in empty_seeds:
            return "   "
        return story_reply(messages, config)

    fakes.writer.responder = junk_first
    before = len(fakes.writer.calls)
    report = await studio.cascade("characters")
    beats_seeds = [c[1].seed for c in fakes.writer.calls[before:] if "Outline the story" in c[0][-1].content]
    assert beats_seeds == [0, 1] and "beats" in {c.label for c in report.changed}
    assert set(statuses(studio).values()) == {"fresh"}

    studio.edit("characters", "NELL — keeper\nCAL — smuggler\nMARA — inspector")
    empty_seeds.update(range(DRAWS))  # every draw empty: the node is left as it was, with the reason
    report = await studio.cascade("characters")
    assert {s.label: s.reason for s in report.skipped}["beats"] == f"the model returned only empty drafts ({DRAWS} seeds)"
    assert "beats" not in {c.label for c in report.changed}
