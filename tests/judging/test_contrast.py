"""Synthetic contrastive pairs: each pair differs from its original by exactly the one change it is named for."""

from __future__ import annotations

import re

import pytest

from punchup.judging.reward.contrast import (
    BOOKISM_TAGS,
    CHANGES,
    FILLER_OPENERS,
    FILLER_SENTENCES,
    ON_THE_NOSE,
    SLOP_SENTENCES,
    THEME_STATEMENTS,
    contrastive_pairs,
    sentences,
)
from punchup.metrics.slop import slop_index

PROSE = ("The kettle clicked off. She poured two cups out of habit and stood at the window. \"You'll be late,\" she said. "
         "Across the road the builders were taking down the scaffolding, pole by pole. \"I know,\" he said. "
         "She drank his tea as well, standing up, and rinsed both cups.")
SCENE = "INT. LAUNDRETTE - NIGHT\n\nA single dryer turns.\n\nMOIRA\nYou always left the collar up.\n\nShe folds it down."


def _by_change(text: str) -> dict[str, str]:
    return {p.change: p.rejected for p in contrastive_pairs([text])}


def test_every_change_applies_to_prose_with_dialogue_except_the_fountain_one() -> None:
    changed = _by_change(PROSE)
    assert set(changed) == set(CHANGES) - {"broken-fountain"}
    assert all(rejected != PROSE for rejected in changed.values())


def test_each_change_adds_its_own_flaw() -> None:
    changed = _by_change(PROSE)
    assert sum(s in changed["slop"] for s in SLOP_SENTENCES) == 3
    assert slop_index(changed["slop"]).hits_per_1000_words > slop_index(PROSE).hits_per_1000_words
    assert len(re.findall(r"\bShe (?:felt|was)\b|\bIt was clear that she\b", changed["telling"])) == 3
    assert any(o.strip() in changed["filler"] for o in FILLER_OPENERS) and any(s in changed["filler"] for s in FILLER_SENTENCES)
    assert any(tag in changed["dialogue-tags"] for tag in BOOKISM_TAGS) and " said." not in changed["dialogue-tags"]
    repeated = [s for s in sentences(changed["repetition"]) if changed["repetition"].count(s) >= 3]
    assert repeated and all(PROSE.count(s) == 1 for s in repeated)
    assert any(line in changed["on-the-nose"] for line in ON_THE_NOSE)


def test_the_rejected_text_keeps_the_original_words_apart_from_the_change() -> None:
    changed = _by_change(PROSE)
    for name in ("slop", "telling", "repetition"):
        assert all(s in changed[name] for s in sentences(PROSE)), name


def test_a_fountain_scene_gets_its_format_broken() -> None:
    changed = _by_change(SCENE)
    broken = changed["broken-fountain"]
    assert "INT." not in broken and "MOIRA\n" not in broken and "Moira:" in broken


def test_prose_without_a_scene_heading_gets_no_fountain_pair_and_a_one_liner_gets_only_what_applies() -> None:
    assert "broken-fountain" not in _by_change(PROSE)
    one_line = "The gate held for twenty years."
    assert contrastive_pairs([one_line]) == []


def test_theme_statement_when_there_is_no_dialogue_to_replace() -> None:
    prose = "He mended the gate with wire. The gate held. Nobody mentioned it. His daughter painted it blue in May."
    assert any(line in _by_change(prose)["on-the-nose"] for line in THEME_STATEMENTS)


def test_pairs_are_deterministic_and_the_seed_changes_them() -> None:
    assert contrastive_pairs([PROSE], seed=1) == contrastive_pairs([PROSE], seed=1)
    assert contrastive_pairs([PROSE], seed=1) != contrastive_pairs([PROSE], seed=2)


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_pair_source_names_the_change(name: str) -> None:
    pairs = [p for p in contrastive_pairs([PROSE, SCENE]) if p.change == name]
    assert pairs and all(p.source == f"synthetic:{name}" for p in pairs)
