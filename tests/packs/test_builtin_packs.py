"""The eight packs shipped with punchup: they load, and each keeps the promises its craft needs."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from punchup.packs import CAMERA_MOVES, Pack, builtin_pack_dir, list_packs, load_pack

BUILTIN_NAMES = ["ad-script", "camera", "comedy", "empathy", "fiction", "poetry", "refusal", "screenplay"]


@pytest.fixture(scope="module")
def packs() -> dict[str, Pack]:
    return {pack.name: pack for pack in list_packs()}


def test_exactly_the_eight_builtins_ship_sorted() -> None:
    assert [pack.name for pack in list_packs()] == BUILTIN_NAMES
    assert sorted(p.stem for p in builtin_pack_dir().glob("*.yaml")) == BUILTIN_NAMES


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_each_builtin_loads_by_name_and_matches_its_file(name: str) -> None:
    pack = load_pack(name)
    assert pack.name == name
    assert pack.source_path is not None and pack.source_path.endswith(f"{name}.yaml")
    assert re.fullmatch(r"\d+\.\d+", pack.version)


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_each_builtin_has_the_agreed_shape(packs: dict[str, Pack], name: str) -> None:
    pack = packs[name]
    assert 8 <= len(pack.prompts) <= 12
    assert 4 <= len(pack.rubric) <= 7
    assert 1 <= len(pack.pairwise) <= 3
    assert any(c.negative for c in pack.rubric), "every craft has a failure mode worth penalising"
    assert len(pack.personas) >= 2
    # craft_notes are the craft-prompted writer's whole system prompt: substantial, not a stub.
    assert len(pack.craft_notes.split()) >= 120
    assert pack.output_format


@pytest.mark.parametrize("name", BUILTIN_NAMES)
def test_rubric_anchors_differ_and_prompts_are_distinct(packs: dict[str, Pack], name: str) -> None:
    pack = packs[name]
    for criterion in pack.rubric:
        assert criterion.low != criterion.high
        assert criterion.question.endswith("?")
    texts = [prompt.text for prompt in pack.prompts]
    assert len(set(texts)) == len(texts)


def test_hashes_are_distinct_and_stable(packs: dict[str, Pack]) -> None:
    hashes = {pack.content_hash for pack in packs.values()}
    assert len(hashes) == len(BUILTIN_NAMES)
    assert load_pack("fiction").content_hash == packs["fiction"].content_hash


def test_constraint_fields_only_where_they_belong(packs: dict[str, Pack]) -> None:
    for pack in packs.values():
        for prompt in pack.prompts:
            assert (prompt.expect is not None) == (pack.name == "refusal"), (pack.name, prompt.id)
            assert bool(prompt.moves) == (pack.name == "camera"), (pack.name, prompt.id)
            assert (prompt.alts is not None) == (pack.name == "comedy"), (pack.name, prompt.id)
            assert (prompt.seconds is not None) == (pack.name == "ad-script"), (pack.name, prompt.id)


def test_refusal_pack_has_both_labels(packs: dict[str, Pack]) -> None:
    labels = Counter(prompt.expect for prompt in packs["refusal"].prompts)
    assert labels["comply"] == 9
    assert 3 <= labels["refuse"] <= 4
    assert set(labels) == {"comply", "refuse"}


def test_refusal_rubric_covers_both_outcomes(packs: dict[str, Pack]) -> None:
    ids = {c.id for c in packs["refusal"].rubric}
    assert {"right_call", "commitment_to_brief", "ownership", "offers_alternative"} <= ids


def test_camera_pack_uses_every_move_at_least_twice(packs: dict[str, Pack]) -> None:
    camera = packs["camera"]
    usage = Counter(move for prompt in camera.prompts for move in prompt.moves)
    assert set(usage) == set(CAMERA_MOVES)
    assert min(usage.values()) >= 2, usage


def test_camera_prompts_require_two_to_four_moves_named_in_the_text(packs: dict[str, Pack]) -> None:
    for prompt in packs["camera"].prompts:
        assert 2 <= len(prompt.moves) <= 4, prompt.id
        for move in prompt.moves:
            assert move in prompt.text, (prompt.id, move)


def test_camera_craft_notes_define_every_move(packs: dict[str, Pack]) -> None:
    defined = {
        match.group(1)
        for match in re.finditer(r"^\s*-\s*([a-z -]+?):", packs["camera"].craft_notes, flags=re.MULTILINE)
    }
    assert defined == set(CAMERA_MOVES)


def test_comedy_prompts_ask_for_the_number_of_alts_they_declare(packs: dict[str, Pack]) -> None:
    for prompt in packs["comedy"].prompts:
        assert prompt.alts is not None and 3 <= prompt.alts <= 10
        assert f"{prompt.alts} alts" in prompt.text, prompt.id


def test_ad_scripts_are_thirty_seconds_of_plausible_vo(packs: dict[str, Pack]) -> None:
    for prompt in packs["ad-script"].prompts:
        assert prompt.seconds == 30
        assert prompt.target_words is not None and 65 <= prompt.target_words <= 80
        assert "Key points" in prompt.text


def test_fiction_targets_short_story_length(packs: dict[str, Pack]) -> None:
    for prompt in packs["fiction"].prompts:
        assert prompt.target_words is not None and 300 <= prompt.target_words <= 500


def test_fiction_personas_and_negatives(packs: dict[str, Pack]) -> None:
    fiction = packs["fiction"]
    assert len(fiction.personas) == 3
    negative_ids = {c.id for c in fiction.rubric if c.negative}
    assert "cliche_density" in negative_ids
    assert len(negative_ids) >= 2


def test_screenplay_is_fountain_with_the_agreed_readers(packs: dict[str, Pack]) -> None:
    screenplay = packs["screenplay"]
    assert screenplay.output_format == "Fountain"
    assert {p.id for p in screenplay.personas} == {"showrunner", "script_reader", "actor"}
    assert screenplay.criterion("on_the_nose").negative
    assert "INT." in screenplay.craft_notes and "EXT." in screenplay.craft_notes


def test_empathy_includes_a_hopeless_message_and_penalises_platitudes(packs: dict[str, Pack]) -> None:
    empathy = packs["empathy"]
    assert sum("hopeless" in prompt.text for prompt in empathy.prompts) == 1
    assert empathy.criterion("platitudes").negative
    assert "support" in empathy.craft_notes


def test_poetry_penalises_greeting_card_abstraction(packs: dict[str, Pack]) -> None:
    assert packs["poetry"].criterion("greeting_card").negative


def test_prompt_lookup_on_builtin(packs: dict[str, Pack]) -> None:
    assert packs["refusal"].prompt("villain_monologue").expect == "comply"
    assert packs["refusal"].prompt("nerve_agent_story").expect == "refuse"
