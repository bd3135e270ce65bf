"""Samplers on the real embedded SmolLM2 (llama.cpp): the rewind itself, seeding, and a cached bench."""

from __future__ import annotations

import re

import pytest

from punchup.bench.config import BenchConfig
from punchup.bench.run import Bench
from punchup.improve.samplers.decode import DecodeSettings, decode
from punchup.improve.samplers.settings import AntislopSettings, UnusualSettings
from punchup.improve.samplers.token_sampler import TokenSamplerModel
from punchup.improve.samplers.tokens import LocalWeights, local_backend
from punchup.metrics.slop import slop_hits
from punchup.models import GenerateConfig, Message
from punchup.models.providers.local import smollm2_path
from punchup.store import Store

pytestmark = pytest.mark.real

MESSAGES = [Message(role="user", content="Write three sentences about a lighthouse keeper who finds a letter.")]


def normalised(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


async def test_a_phrase_the_model_writes_greedily_never_appears_once_banned(tmp_path):
    backend = local_backend(LocalWeights(smollm2_path()))
    greedy = decode(backend, backend.prompt_tokens(MESSAGES), DecodeSettings(temperature=0.0, top_p=0.95, max_tokens=80, seed=0))
    words = greedy.text.split()
    start = next(i for i in range(2, len(words) - 3) if all(w.isalpha() for w in words[i:i + 3]))
    phrase = " ".join(words[start:start + 3])
    assert normalised(phrase) in normalised(greedy.text)
    path = tmp_path / "banned.txt"
    path.write_text(phrase + "\n", encoding="utf-8")

    model = TokenSamplerModel("local/smollm2", AntislopSettings(phrases=str(path), max_backtracks=60))
    generation = await model.generate(MESSAGES, GenerateConfig(temperature=0.0, max_tokens=80, seed=0))
    assert normalised(phrase) not in normalised(generation.text), (phrase, generation.text)
    trace = generation.trace
    assert trace["backtracks"] >= 1 and trace["phrases_avoided"].get(phrase.lower(), 0) >= 1
    assert trace["tokens_regenerated"] >= 1 and not trace["backtrack_budget_exhausted"]
    # Everything before the phrase was kept: the rewind cut only from where the phrase began.
    found = re.search(r"\s+".join(map(re.escape, phrase.split())), greedy.text)
    before = greedy.text[: found.start()].rstrip()
    assert generation.text.startswith(before), (before, generation.text)


async def test_the_slop_list_is_avoided_and_the_same_seed_gives_the_same_text():
    messages = [Message(role="user", content="Write a short fantasy story about a mysterious enchanted forest at dusk.")]
    model = TokenSamplerModel("local/smollm2", AntislopSettings())
    config = GenerateConfig(temperature=0.9, max_tokens=120, seed=4)
    first = await model.generate(messages, config)
    again = await model.generate(messages, config)
    assert first.text == again.text and first.trace == again.trace
    assert first.text.strip() and first.completion_tokens > 0
    if not first.trace["backtrack_budget_exhausted"]:
        assert not slop_hits(first.text), first.text
    assert first.trace["phrase_list"] == "slop-v1"


async def test_unusual_writes_its_opening_hot_and_continues_it():
    model = TokenSamplerModel("local/smollm2", unusual=UnusualSettings(hot=1.4, cool=0.3))
    generation = await model.generate(MESSAGES, GenerateConfig(max_tokens=60, seed=2))
    opening = generation.trace["opening"]
    assert opening.strip() and generation.text.startswith(opening) and len(generation.text) > len(opening)


async def test_bench_with_samplers_on_the_real_model_is_cached_on_rerun(tmp_path):
    writers = ["local/smollm2@antislop;name=slopless", "local/smollm2@unusual;temp=0.7;name=odd"]
    config = BenchConfig.build("real-samplers", writers, "craft/heuristic", "fiction", "quick", None, 0, None,
                               prompts=1, max_tokens=48)
    first = Bench(config, Store(str(tmp_path / "s.db")))
    summary = await first.run()
    assert sorted(vars(s)["made"] for s in first.writer_models.stats.values()) == [1, 1]
    assert {row.writer for row in summary.leaderboard} == {"slopless", "odd"}
    assert summary.samplers["slopless"].texts == 1 and summary.samplers["odd"].texts == 1
    records = dict(Store(str(tmp_path / "s.db")).run_items("real-samplers", "generation"))
    assert all(r["ok"] and r["sampler"]["sampler"] for r in records.values())
    again = Bench(config, Store(str(tmp_path / "s.db")))
    await again.run()
    stats = [vars(s) for s in again.writer_models.stats.values()]
    assert len(stats) == 2 and all(s["made"] == 0 and s["cached"] == 1 for s in stats)  # no model call at all
