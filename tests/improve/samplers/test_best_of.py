"""@best_of on scripted fake writers and the deterministic craft/heuristic judge: the pick, the records, the cache."""

from __future__ import annotations

import pytest

from punchup.bench.briefs import brief_text
from punchup.bench.writers import parse_inline
from punchup.errors import ModelError
from punchup.improve.samplers.best_of import candidate_seed
from punchup.improve.samplers.build import WriterModels
from punchup.judging.factory import DEFAULT_JUDGE, build_judges
from punchup.models import GenerateConfig, Message
from punchup.models.fake import script
from punchup.models.pool import ModelPool
from punchup.packs import load_packs


def setup(store, spec):
    pool = ModelPool(store)
    models = WriterModels(pool, lambda judge: build_judges(judge, store, pool))
    pack = load_packs("fiction")[0]
    prompt = pack.prompts[0]
    writer = parse_inline(spec)
    return pool, models(writer.model, writer.sampler, pack, prompt), pack, prompt


def candidate_texts(fake, messages, config, n):
    return [fake.default_reply(messages, config.model_copy(update={"seed": candidate_seed(config.seed, i)})) for i in range(n)]


async def test_bracket_pick_follows_the_judge_and_records_every_candidate_and_verdict(store):
    fake = script("bo-writer")
    pool, model, pack, prompt = setup(store, "fake/bo-writer@best_of=4;judge=craft/heuristic")
    messages = [Message(role="user", content=brief_text(pack, prompt))]
    config = GenerateConfig(seed=5, max_tokens=64)
    generation = await model.generate(messages, config, sample_index=0)
    trace = generation.trace
    texts = candidate_texts(fake, messages, config, 4)
    assert len(fake.calls) == 4 and len({c.seed for _, c in fake.calls}) == 4
    assert [c["seed"] for c in trace["candidates"]][0] == 5  # candidate 0 is the plain sample
    assert trace["judge"] == "craft/heuristic" and trace["select"] == "pairwise" and trace["n"] == 4
    assert [(v["round"], v["a"], v["b"]) for v in trace["verdicts"]][:2] == [(1, 0, 1), (1, 2, 3)]
    assert len(trace["verdicts"]) == 3 and trace["failed_verdicts"] == 0
    judges = build_judges("craft/heuristic", store, pool)
    for verdict in trace["verdicts"]:  # every recorded winner is what the judge says about that pair
        result = await judges.pairwise.judge_pair(pack, prompt, texts[verdict["a"]], texts[verdict["b"]])
        assert result.cached  # the verdict was stored when the pick was made
        assert verdict["winner"] == (verdict["b"] if result.score_x < 0.5 else verdict["a"])
    assert generation.text == texts[trace["chosen"]] == texts[trace["verdicts"][-1]["winner"]]
    words = [len(t.split()) for t in texts]
    assert trace["cost_multiplier"] == pytest.approx(sum(words) / words[0], abs=1e-3)

    # A re-run (new pool, same store) makes no model calls and returns the same pick with its trace.
    fake.calls.clear()
    _, again, _, _ = setup(store, "fake/bo-writer@best_of=4;judge=craft/heuristic")
    repeat = await again.generate(messages, config, sample_index=0)
    assert fake.calls == [] and repeat.cached and repeat.text == generation.text and repeat.trace == trace


async def test_rubric_select_takes_the_top_score(store):
    fake = script("bo-rubric")
    pool, model, pack, prompt = setup(store, "fake/bo-rubric@best_of=3;select=rubric")
    messages = [Message(role="user", content=brief_text(pack, prompt))]
    config = GenerateConfig(seed=8, max_tokens=64)
    generation = await model.generate(messages, config)
    texts = candidate_texts(fake, messages, config, 3)
    judges = build_judges(DEFAULT_JUDGE, store, pool)  # the writer names no judge: the default picks
    overall = [(await judges.rubric.judge(pack, prompt, t)).overall for t in texts]
    best = max(range(3), key=lambda i: (overall[i], -i))
    assert generation.trace["chosen"] == best and generation.text == texts[best]
    assert [v["overall"] for v in generation.trace["verdicts"]] == overall


async def test_failed_judgments_never_pick_by_default(store):
    script("bo-victim")
    script("bad-judge", lambda messages, config: "I refuse to answer in JSON")
    _, model, pack, prompt = setup(store, "fake/bo-victim@best_of=2;judge=fake/bad-judge")
    with pytest.raises(ModelError, match="every judgment failed"):
        await model.generate([Message(role="user", content="a story")], GenerateConfig(seed=1))


async def test_a_model_judge_is_named_in_the_model_and_cache_key(store):
    script("bo-named")
    script("sel-judge")
    _, model, _, _ = setup(store, "fake/bo-named@best_of=2;judge=fake/sel-judge")
    assert "judge=fake/sel-judge" in model.name and "best_of(n=2" in model.name
    generation = await model.generate([Message(role="user", content="a story")], GenerateConfig(seed=2))
    assert generation.trace["judge"] == "fake/sel-judge" and generation.trace["failed_verdicts"] == 0
