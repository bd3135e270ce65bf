"""Generate and mine: seeded alternatives, ranking, expand targets, and no repeated model calls."""

from __future__ import annotations

import pytest

from punchup.studio import StudioError
from punchup.studio.mine import resolve_target
from tests.studio.conftest import JUDGE, kinds_called, write_story


async def test_expand_generates_seeded_alternatives_ranked_best_first(studio, fakes):
    studio.new("A keeper owes her life to a smuggler.")
    result = await studio.expand("logline", n=3, seed=10)
    assert result.target == "premise" and result.judge == JUDGE
    alternatives = result.nodes[0].alternatives
    assert sorted(a.seed for a in alternatives) == [10, 11, 12]
    # The scripted judge scores later takes higher, so best first means seed 12 first.
    assert [a.seed for a in alternatives] == [12, 11, 10]
    assert [a.score for a in alternatives] == sorted((a.score for a in alternatives), reverse=True)
    assert all(a.judge == JUDGE and a.rationale.startswith("take scored") for a in alternatives)
    assert [config.seed for _, config in fakes.writer.calls] == [10, 11, 12]


async def test_rerunning_expand_makes_zero_model_calls_and_no_duplicates(studio, fakes):
    studio.new("A keeper owes her life to a smuggler.")
    first = await studio.expand("logline", n=2)
    writer_calls, judge_calls = len(fakes.writer.calls), len(fakes.judge.calls)
    again = await studio.expand("logline", n=2)
    assert (len(fakes.writer.calls), len(fakes.judge.calls)) == (writer_calls, judge_calls)
    assert again.calls_made == 0 and again.calls_cached == 2
    assert [a.number for a in again.nodes[0].alternatives] == [a.number for a in first.nodes[0].alternatives]
    assert studio.show().nodes[1].alternatives == 2


async def test_rerun_with_a_fresh_studio_on_the_same_store_is_also_free(store, fakes):
    from tests.studio.conftest import make_studio

    await write_story(make_studio(store), scenes=2)
    calls = len(fakes.writer.calls)
    second = make_studio(store)
    result = await second.expand("beats", n=1, max_scenes=2, more=False)
    assert len(fakes.writer.calls) == calls and result.calls_made == 0


async def test_unusual_premise_asks_for_one_unusual_thing(studio, fakes):
    studio.new("A keeper owes her life to a smuggler.")
    await studio.expand("logline", n=1, unusual=True)
    prompt = fakes.writer.calls[-1][0][-1].content
    assert "exactly one unusual thing" in prompt and "everything else straight" in prompt
    await studio.expand("logline", n=1)
    assert "unusual" not in fakes.writer.calls[-1][0][-1].content


async def test_prompts_carry_the_ancestors_and_the_story_bible(studio, fakes):
    await write_story(studio, scenes=1)
    script_prompt = next(m for m, _ in fakes.writer.calls if "Write this scene in Fountain" in m[-1].content)
    text = script_prompt[-1].content
    assert studio.text("premise") in text and studio.text("characters") in text and studio.text("scene-1") in text
    assert "INT. LIGHTHOUSE ROOM 1 - NIGHT" in text  # the heading the script must start with
    assert "Enter late" in script_prompt[0].content  # the pack's craft notes in the system message


async def test_beats_expand_into_one_scene_per_numbered_entry(studio, fakes):
    await write_story(studio, scenes=1)
    result = await studio.expand("beats", n=1)  # beats are chosen, so this means: the scenes
    assert result.target == "scenes"
    assert [node.label for node in result.nodes] == ["scene-1", "scene-2", "scene-3"]
    assert [n.label for n in studio.show().nodes if n.kind == "scene"] == ["scene-1", "scene-2", "scene-3"]


async def test_a_chosen_node_expands_into_its_child_and_more_asks_for_itself(studio, fakes):
    await write_story(studio, scenes=1)
    nodes = studio.repo.nodes(studio.story().id)
    assert resolve_target("premise", nodes, "script", more=False) == "characters"
    assert resolve_target("premise", nodes, "script", more=True) == "premise"
    assert resolve_target("Scene 1", nodes, "script", more=False) == "script-1"
    assert resolve_target("script-1", nodes, "script", more=False) == "script-1"  # a leaf has no child
    before = len(fakes.writer.calls)
    result = await studio.expand("premise", n=1, more=True, seed=5)
    assert result.target == "premise" and kinds_called(fakes.writer, before) == ["premise"]
    assert studio.node("premise").node.alternatives == 3


async def test_judge_none_skips_ranking(studio, fakes):
    studio.new("A keeper owes her life to a smuggler.")
    result = await studio.expand("logline", n=2, judge="none")
    assert [a.number for a in result.nodes[0].alternatives] == [1, 2]
    assert all(a.score is None and a.judge is None for a in result.nodes[0].alternatives)
    assert fakes.judge.calls == []


@pytest.mark.parametrize(
    "label, message",
    [
        ("characters", "choose or write 'premise' before expanding 'characters'"),
        ("scene-1", "choose or write 'beats'"),
        ("prose-1", "written as script-N"),
        ("villain", "unknown node 'villain'"),
        ("scenes", "choose or write the beats"),
    ],
)
async def test_expand_refuses_what_cannot_be_written_yet(studio, fakes, label, message):
    studio.new("A keeper owes her life to a smuggler.")
    with pytest.raises(StudioError, match=message):
        await studio.expand(label, n=1)
    assert fakes.writer.calls == []


async def test_fiction_uses_prose_leaves(studio, fakes):
    await write_story(studio, scenes=1, pack="fiction")
    labels = [n.label for n in studio.show().nodes]
    assert labels[-1] == "prose-1" and "script-1" not in labels
    assert "did not look at him" in studio.text("prose-1")
