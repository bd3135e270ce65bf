"""Continuous batching on the real SmolLM2: a request's text does not depend on what shares its batch."""

from __future__ import annotations

import asyncio
import json

import pytest

from punchup.errors import ModelError
from punchup.models import GenerateConfig, Message
from punchup.models.providers.local import LocalModel
from punchup.models.providers.local_engine import FLASH_CACHE_TYPE, flash_attention

pytestmark = pytest.mark.real

SCHEMA = {
    "type": "object",
    "properties": {"rationale": {"type": "string", "maxLength": 60}, "score": {"type": "integer", "enum": list(range(1, 11))}},
    "required": ["rationale", "score"],
    "additionalProperties": False,
}


def _user(text: str, system: str | None = None) -> list[Message]:
    return ([Message(role="system", content=system)] if system else []) + [Message(role="user", content=text)]


# Greedy and seeded sampling, a JSON schema, different prompt lengths and reply lengths.
REQUESTS = [
    (_user("Describe a kitchen at dawn."), GenerateConfig(temperature=0.0, max_tokens=32)),
    (_user("Write two lines about rain."), GenerateConfig(temperature=1.0, max_tokens=24, seed=5)),
    (_user("Name three colours."), GenerateConfig(temperature=0.8, top_p=0.9, max_tokens=24, seed=11)),
    (_user("Rate this line from 1 to 10: 'The sea was angry that day.' Reply in JSON."),
     GenerateConfig(temperature=0.0, max_tokens=80, json_schema=SCHEMA)),
    (_user("Tell a joke about a cat.", system="You are a stand-up comedian. " * 20),
     GenerateConfig(temperature=1.2, max_tokens=32, seed=3)),
    (_user("Write a haiku about snow."), GenerateConfig(temperature=0.7, max_tokens=16, seed=9)),
]
# Requests that only keep others company, so the batches differ in size and content.
COMPANY = [
    (_user("Write a long story about a lighthouse keeper."), GenerateConfig(temperature=1.0, max_tokens=48, seed=21)),
    (_user("List ten animals."), GenerateConfig(temperature=0.0, max_tokens=32)),
]


@pytest.fixture(scope="module")
def smollm2() -> LocalModel:
    # One thread: on a busy shared machine llama.cpp's spinning worker threads slow each other down.
    return LocalModel("smollm2", n_threads=1)


def _reference_llama(files):
    """llama-cpp-python's own single-request path on the files the engine loads, with the engine's attention."""
    from llama_cpp import Llama

    flash = flash_attention(files)
    return Llama(model_path=str(files.model), lora_path=str(files.offsets) if files.offsets else None, n_ctx=4096,
                 n_threads=1, verbose=False, seed=0, flash_attn=flash, type_k=FLASH_CACHE_TYPE if flash else None,
                 type_v=FLASH_CACHE_TYPE if flash else None)


def _fingerprint(generation) -> tuple[str, str, int, int]:
    return generation.text, generation.finish_reason, generation.prompt_tokens, generation.completion_tokens


async def _alone(model: LocalModel, requests) -> list[tuple[str, str, int, int]]:
    return [_fingerprint(await model.generate(messages, config)) for messages, config in requests]


async def _together(model: LocalModel, requests, stagger_s: float = 0.0) -> list[tuple[str, str, int, int]]:
    async def one(i: int, messages, config):
        await asyncio.sleep(i * stagger_s)  # later requests join a batch that is already decoding
        return _fingerprint(await model.generate(messages, config))

    return list(await asyncio.gather(*(one(i, m, c) for i, (m, c) in enumerate(requests))))


async def test_text_is_byte_identical_alone_and_in_batches_of_any_composition(smollm2):
    alone = await _alone(smollm2, REQUESTS)
    assert all(text.strip() for text, *_ in alone)
    json.loads(alone[3][0])  # the constrained reply is JSON in a batch too

    engine = smollm2.engine()
    steps_before = engine.steps
    assert await _together(smollm2, REQUESTS) == alone
    # Six requests decoded together take far fewer steps than their tokens one by one.
    assert engine.steps - steps_before < sum(c for *_, c in alone) / 2 and engine.max_batch >= 4

    mixed = list(reversed(REQUESTS)) + COMPANY
    assert (await _together(smollm2, mixed, stagger_s=0.05))[: len(REQUESTS)] == list(reversed(alone))
    interleaved = [COMPANY[0], REQUESTS[2], COMPANY[1], REQUESTS[0], REQUESTS[4]]
    got = await _together(smollm2, interleaved, stagger_s=0.02)
    assert [got[1], got[3], got[4]] == [alone[2], alone[0], alone[4]]


async def test_fewer_slots_than_requests_queue_and_still_give_the_same_text(smollm2):
    alone = await _alone(smollm2, REQUESTS[:4])
    narrow = LocalModel("smollm2", parallel=3, n_threads=1)  # a fourth request waits for a slot, then joins mid-batch
    assert (await _together(narrow, REQUESTS[:4] + COMPANY))[:4] == alone
    assert narrow.engine().max_batch == 3


@pytest.mark.parametrize("batch_weights", [False, True])
async def test_same_text_as_llama_cpp_python_create_chat_completion_on_the_same_weights(batch_weights):
    """On the file as it is: what the provider wrote before batching, so stores filled by it keep matching
    new calls with batch_weights=False. On the batch-friendly copy: what llama.cpp's own path writes on it."""
    model = LocalModel("smollm2", n_threads=1, batch_weights=batch_weights)
    files = model.engine().files
    assert (files.offsets is not None) == batch_weights and ("q4_0-qkv" in files.model.name) == batch_weights
    assert model.engine().flash == batch_weights  # the file as it is keeps classic attention
    llm = _reference_llama(files)
    try:
        for messages, config in REQUESTS:
            kwargs = dict(messages=[m.model_dump() for m in messages], temperature=config.temperature,
                          top_p=config.top_p, max_tokens=config.max_tokens, seed=config.seed)
            if config.json_schema:
                kwargs["response_format"] = {"type": "json_object", "schema": config.json_schema}
            reply = llm.create_chat_completion(**kwargs)
            ours = await model.generate(messages, config)
            assert ours.text == reply["choices"][0]["message"]["content"]
            assert ours.completion_tokens == reply["usage"]["completion_tokens"]
    finally:
        llm.close()


async def test_stop_sequences_cut_the_text_and_max_tokens_ends_it(smollm2):
    messages, config = REQUESTS[0]
    full = await smollm2.generate(messages, config)
    words = full.text.split()
    stop = words[len(words) // 2]
    cut = await smollm2.generate(messages, config.model_copy(update={"stop": (stop,)}))
    assert cut.text == full.text[: full.text.index(stop)] and cut.finish_reason == "stop"
    short = await smollm2.generate(messages, config.model_copy(update={"max_tokens": 5}))
    assert short.completion_tokens == 5 and short.finish_reason == "length" and full.text.startswith(short.text)


async def test_a_cancelled_request_frees_its_slot_and_spares_the_others(smollm2):
    engine = smollm2.engine()
    neighbour = asyncio.create_task(smollm2.generate(*REQUESTS[1]))
    long = asyncio.create_task(smollm2.generate(_user("Write a very long story."),
                                                GenerateConfig(temperature=1.0, max_tokens=2000, seed=1)))
    while len(engine._running) < 2:
        await asyncio.sleep(0.01)
    long.cancel()
    with pytest.raises(asyncio.CancelledError):
        await long
    for _ in range(200):
        if len(engine._running) <= 1:
            break
        await asyncio.sleep(0.01)
    assert _fingerprint(await neighbour) == (await _alone(smollm2, [REQUESTS[1]]))[0]
    assert not engine._running and not engine.busy


async def test_a_prompt_longer_than_the_context_fails_alone_with_one_line():
    tiny = LocalModel("smollm2", n_ctx=64, parallel=2, n_threads=1)
    ok, too_long = await asyncio.gather(
        tiny.generate(_user("Hi."), GenerateConfig(max_tokens=8, temperature=0.0)),
        tiny.generate(_user("word " * 200), GenerateConfig(max_tokens=8)),
        return_exceptions=True,
    )
    assert ok.completion_tokens > 0
    assert isinstance(too_long, ModelError) and "context window holds 64" in str(too_long) and "\n" not in str(too_long)


async def test_prompts_that_open_alike_share_their_prefix_and_write_what_llama_cpp_writes_alone():
    """A new prompt starts from the KV stream of a running or finished request with the same opening
    (local_prefix.py): copied from a running stream, reused in place from a finished one, or everything but
    the last token of an identical prompt. The texts are still those of llama.cpp's own single-request path."""
    system = "You write short literary fiction. Prefer the concrete detail; let dialogue carry subtext. " * 6
    requests = [
        (_user("Write an opening line about a ferry.", system), GenerateConfig(temperature=0.9, max_tokens=24, seed=1)),
        (_user("Write an opening line about a ferry.", system), GenerateConfig(temperature=1.2, max_tokens=24, seed=2)),
        (_user("Describe a kitchen at dawn.", system), GenerateConfig(temperature=0.0, max_tokens=24)),
        (_user("Describe a kitchen at dusk.", system), GenerateConfig(temperature=0.7, max_tokens=24, seed=4)),
    ]
    model = LocalModel("smollm2", n_threads=1, parallel=3)  # its own engine: nothing held yet
    engine = model.engine()
    llm = _reference_llama(engine.files)
    try:
        expected = []
        for messages, config in requests:
            reply = llm.create_chat_completion(messages=[m.model_dump() for m in messages], temperature=config.temperature,
                                               top_p=config.top_p, max_tokens=config.max_tokens, seed=config.seed)
            expected.append(reply["choices"][0]["message"]["content"])
    finally:
        llm.close()
    system_tokens = len(engine.prompter.tokens([{"role": "system", "content": system}])[0])

    together = await _together(model, requests)  # three slots: the fourth waits and reuses a finished stream
    assert [text for text, *_ in together] == expected
    # Every request after the first reused at least the system prompt.
    assert engine.prefixes.reused_tokens >= 3 * (system_tokens - 10)
    before = engine.prefixes.reused_tokens
    assert [text for text, *_ in await _alone(model, requests)] == expected
    assert engine.prefixes.reused_tokens - before >= 4 * (system_tokens - 10)


LONG_SYSTEM = "You write short literary fiction. Prefer the concrete detail; let dialogue carry subtext. " * 30
# Prompts of hundreds of tokens, texts past 512 cells, short requests that leave gaps between the running slots (closed
# by moving sequences down), and a long one that ends alone.
LONG_REQUESTS = [
    (_user("Write a long story about a ferry.", LONG_SYSTEM), GenerateConfig(temperature=0.0, max_tokens=160)),
    (_user("Write a long story about a ferry.", LONG_SYSTEM), GenerateConfig(temperature=0.9, max_tokens=120, seed=1)),
    (_user("Tell three jokes about cats."), GenerateConfig(temperature=1.0, max_tokens=8, seed=3)),
    (_user("Write a poem about rain that goes on and on."), GenerateConfig(temperature=1.1, max_tokens=420, seed=8)),
    (_user("List ten animals."), GenerateConfig(temperature=0.0, max_tokens=12)),
]


async def test_long_texts_are_the_same_alone_and_in_company_that_comes_and_goes():
    # Two threads, as the bench runs: ggml shares one step's rows between threads.
    model = LocalModel("smollm2", n_threads=2, parallel=5)
    alone = await _alone(model, LONG_REQUESTS)
    assert [c for *_, c in alone][2:] == [8, 420, 12] and alone[0][2] > 512  # the poem ran its length
    engine = model.engine()
    moves = engine.moves
    assert await _together(model, LONG_REQUESTS) == alone
    assert engine.moves > moves  # the short requests finished first and the poem moved down into a freed slot
    assert await _together(model, list(reversed(LONG_REQUESTS)), stagger_s=0.3) == list(reversed(alone))
