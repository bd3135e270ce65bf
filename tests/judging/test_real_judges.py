"""Rubric and pairwise judges through the real embedded SmolLM2 (structure, never taste)."""

import pytest

from punchup.judging import PairwiseJudge, RubricJudge
from punchup.models import CachedModel
from punchup.packs import load_pack

pytestmark = pytest.mark.real

STORY = "Mara kept the lighthouse log for forty years. The last entry reads: 'Fog. No ships. I lit it anyway.'"
OTHER = "It was a dark and stormy night. The tapestry of fate shivered down her spine with palpable tension."


async def test_rubric_judge_real_model_returns_valid_scores(smollm2, store):
    pack = load_pack("fiction")
    judge = RubricJudge(CachedModel(smollm2, store), store)
    result = await judge.judge(pack, pack.prompts[0], STORY)
    assert result.ok, result.error
    assert set(result.scores) == {c.id for c in pack.rubric}
    assert all(1 <= s <= 10 for s in result.scores.values()) and 1 <= result.overall <= 10
    again = await judge.judge(pack, pack.prompts[0], STORY)
    assert again.cached and again.scores == result.scores


async def test_camera_moves_judged_per_move_with_real_model(smollm2, store):
    pack = load_pack("camera")
    prompt = pack.prompts[0]
    result = await RubricJudge(CachedModel(smollm2, store), store).judge(pack, prompt, "1. WIDE: slow dolly zoom as she realises.")
    assert result.ok, result.error
    assert set(result.moves) == set(prompt.moves)
    assert set(result.moves.values()) <= {"correct", "incorrect", "missing"}


async def test_pairwise_judge_real_model_both_orders(smollm2, store):
    pack = load_pack("fiction")
    model = CachedModel(smollm2, store)
    result = await PairwiseJudge(model, store).judge_pair(pack, pack.prompts[0], STORY, OTHER)
    assert result.ok, result.error
    assert set(result.outcomes) == {c.id for c in pack.pairwise}
    assert result.score_x in (0.0, 0.5, 1.0) or 0 <= result.score_x <= 1
    assert model.stats.made == 2  # exactly one call per order
    assert "=== reversed order ===" in result.raw
