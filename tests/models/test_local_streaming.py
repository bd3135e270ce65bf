"""Token-by-token text from the real SmolLM2: each request streams its own text, and nothing streamed is taken back."""

from __future__ import annotations

import asyncio

import pytest

from punchup.models import GenerateConfig, Message, streaming
from punchup.models.providers.local import LocalModel
from punchup.models.providers.local_sequence import _without_stop_prefix


def test_a_tail_that_may_begin_a_stop_string_is_held_back():
    assert _without_stop_prefix(b"He said EN", [b"END"]) == b"He said "
    assert _without_stop_prefix(b"He said E", [b"END", b"\n\n"]) == b"He said "
    assert _without_stop_prefix(b"He said\n", [b"END", b"\n\n"]) == b"He said"
    assert _without_stop_prefix(b"He said so", [b"END"]) == b"He said so"
    assert _without_stop_prefix(b"", [b"END"]) == b""


@pytest.mark.real
async def test_concurrent_requests_each_stream_growing_prefixes_of_their_own_final_text():
    model = LocalModel("smollm2", n_threads=1)
    asks = [("Write four lines about rain.", GenerateConfig(temperature=0.9, max_tokens=40, seed=3)),
            ("List five animals, one per line.", GenerateConfig(temperature=0.0, max_tokens=40, stop=("\n3",)))]

    async def one(prompt: str, config: GenerateConfig) -> tuple[list[str], str]:
        seen: list[str] = []
        with streaming(seen.append):
            generation = await model.generate([Message(role="user", content=prompt)], config)
        return seen, generation.text

    results = await asyncio.gather(*(one(p, c) for p, c in asks))
    alone = [(await model.generate([Message(role="user", content=p)], c)).text for p, c in asks]
    for (seen, final), same in zip(results, alone):
        assert final == same  # streaming changes nothing about the text
        assert len(seen) >= 10  # token by token, not once at the end
        assert all(final.startswith(text) for text in seen)  # nothing streamed is ever taken back
        assert all(len(a) <= len(b) for a, b in zip(seen, seen[1:]))
    assert results[0][0][-1] != results[1][0][-1]  # each listener heard its own request
    assert "\n3" not in "".join(results[1][0])  # the stop string never streams
