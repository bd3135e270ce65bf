"""`reward/NAME`: the learned judge (Bradley-Terry head on real MiniLM embeddings), through the judge interfaces."""

from __future__ import annotations

import json

import pytest

from punchup import registry
from punchup.analysis.loso import Refittable
from punchup.errors import PunchupError
from punchup.judging.factory import panel_members
from punchup.judging.reward.encoder import embed_texts
from punchup.judging.reward.judge import RewardJudge
from punchup.judging.reward.model import RewardWeights, shipped_names
from punchup.judging.reward.scorers import LinearScorer
from punchup.judging.reward.train import train_reward
from punchup.judging.sanity import load_cases
from punchup.packs import load_pack

FICTION = load_pack("fiction")
PLAIN = ["The kettle clicked off. She poured for two out of habit and drank them both, standing at the window.",
         "Rain on the allotment sheds; Arthur counted the leeks twice and wrote the number on the back of his hand.",
         "At the bus stop a boy taught his grandmother to whistle through her fingers, and she got it on the ninth try.",
         "The lift smelled of oranges. On the fourth floor a woman got in with a cello and apologised to it.",
         "He mended the gate with wire from a coat hanger and the gate, to everyone's surprise, held for twenty years.",
         "Marta kept the ferry tickets in a biscuit tin, one for every crossing, until the tin would not close."]
PURPLE = ["In a world where hope was a tapestry of dreams, her heart soared like an eagle of destiny and boundless joy.",
          "The silence was deafening as a testament to the unspoken bond, a symphony of emotions dancing in the air.",
          "Time stood still; a shiver ran down her spine as she realized the weight of her journey of self-discovery.",
          "His eyes sparkled with mischievous hope, a beacon of light in the vibrant tapestry of their shared destiny.",
          "She let out a breath she didn't know she was holding, as the palpable tension hung thick in the air tonight.",
          "Little did they know that this moment would change everything, a testament to the resilience of the soul."]


@pytest.fixture(scope="module")
def trained() -> RewardWeights:
    pairs = [(a, b, True) if i % 2 else (b, a, False) for i, (a, b) in enumerate(zip(PLAIN, PURPLE))] * 2
    first, second = embed_texts([a for a, _, _ in pairs]), embed_texts([b for _, b, _ in pairs])
    return train_reward("test", first, second, pairs, ["plain-vs-purple"])


def test_reward_family_is_registered_and_lists_only_shipped_weights():
    assert "reward" in registry.judges.names()
    names = shipped_names()
    if not names:  # nothing shipped: it did not beat craft/heuristic held out
        with pytest.raises(PunchupError, match="known reward/ judges: none yet"):
            panel_members("reward/minilm-bt")


@pytest.mark.embed
async def test_reward_judge_prefers_what_it_was_trained_to_prefer_in_both_orders(trained, store):
    judge = RewardJudge(store, LinearScorer(trained))
    assert isinstance(judge, Refittable) and judge.fitted_sources == ["plain-vs-purple"]
    prompt = FICTION.prompts[0]
    forward = await judge.judge_pair(FICTION, prompt, PLAIN[0], PURPLE[0])
    backward = await judge.judge_pair(FICTION, prompt, PURPLE[0], PLAIN[0])
    assert forward.ok and forward.score_x == 1.0 and backward.score_x == 0.0 and forward.flips == 0
    raw = json.loads(forward.raw)
    assert raw["p_forward"] > 0.5 and (await judge.judge_pair(FICTION, prompt, PLAIN[0], PURPLE[0])).cached


@pytest.mark.embed
async def test_reward_rubric_gives_an_overall_and_judges_no_criterion(trained, store):
    result = await RewardJudge(store, LinearScorer(trained)).judge(FICTION, FICTION.prompts[0], PLAIN[1])
    assert result.ok and 1 <= result.overall <= 10 and result.scores == {}
    assert result.not_judged == [c.id for c in FICTION.rubric] and "not judged by this judge" in result.rationale


@pytest.mark.embed
async def test_reward_judge_inherits_the_flaw_rules_so_junk_still_loses(trained, store):
    case = next(c for c in load_cases() if c.pack == "fiction")
    judge = RewardJudge(store, LinearScorer(trained))
    loop = "\n".join([case.text.splitlines()[0]] * 12)
    result = await judge.judge_pair(FICTION, FICTION.prompts[0], loop, case.text)
    assert result.score_x == 0.0 and "the same lines come round again" in result.rationale


@pytest.mark.embed
def test_refit_trains_new_weights_on_the_pairs_given(trained, store):
    # The opposite taste: purple prose preferred. The refitted judge must learn it from these pairs alone.
    pairs = [(b, a, True) for a, b in zip(PLAIN, PURPLE)] + [(a, b, False) for a, b in zip(PLAIN, PURPLE)]
    judge = RewardJudge(store, LinearScorer(trained))
    refitted = judge.refit(pairs, ["other"])
    assert refitted.fitted_sources == ["other"] and refitted.scorer.version != trained.version
    assert refitted.reward(PURPLE[0]) > refitted.reward(PLAIN[0]) and judge.reward(PLAIN[0]) > judge.reward(PURPLE[0])
