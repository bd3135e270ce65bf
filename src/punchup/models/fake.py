"""Provider `fake`: a scripted model for unit tests of logic (never for a real result).

`fake/NAME` returns the same FakeModel for the same NAME within a process, so
a test can script replies and read the call history:

    model = script("judge", ['{"score": 7}', ...])   # queue of replies
    model = script("writer", lambda messages, config: "...")  # or a function
    ... run code that calls get_model("fake/judge") ...
    assert len(model.calls) == 2

With an empty queue and no function it answers with a deterministic text
derived from the prompt and seed, so pipelines can run end to end.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
import random
import re
from collections import deque
from typing import Any, Callable

from punchup.models.base import GenerateConfig, Generation, Message, Model
from punchup.models.text_stream import current_listener

def _latency_from_env() -> float | tuple[float, float]:
    values = [float(v) for v in os.environ.get("PUNCHUP_FAKE_LATENCY", "0").split(",")]
    return (values[0], values[1]) if len(values) == 2 else values[0]


Responder = Callable[[list[Message], GenerateConfig], str]

_instances: dict[str, "FakeModel"] = {}

_WORDS = (
    "rain kettle harbour ledger violin orchard lantern static ferry cinder "
    "gravel thimble quarry mitten ashtray meridian hinge parsley ballast drum"
).split()


class FakeModel(Model):
    def __init__(self, name: str):
        self.name = f"fake/{name}"
        self.replies: deque[str | Exception] = deque()
        self.responder: Responder | None = None
        self.calls: list[tuple[list[Message], GenerateConfig]] = []
        # Simulated latency: a number or a (low, high) range; PUNCHUP_FAKE_LATENCY="0.01,0.05" for subprocess tests.
        self.latency_s: float | tuple[float, float] = _latency_from_env()

    def default_reply(self, messages: list[Message], config: GenerateConfig) -> str:
        digest = hashlib.sha256(f"{self.name}|{config.seed}|{messages[-1].content}".encode()).digest()
        rng = random.Random(digest)
        if config.json_schema is not None:
            return json.dumps(_fill_schema(config.json_schema, rng))
        return " ".join(rng.choice(_WORDS) for _ in range(12 + digest[0] % 30)).capitalize() + "."

    async def generate(self, messages: list[Message], config: GenerateConfig) -> Generation:
        self.calls.append((list(messages), config))
        delay = self.latency_s if isinstance(self.latency_s, float) else random.uniform(*self.latency_s)
        if delay:
            await asyncio.sleep(delay)
        if self.replies:
            reply = self.replies.popleft()
        elif self.responder is not None:
            reply = self.responder(messages, config)
        else:
            reply = self.default_reply(messages, config)
        if isinstance(reply, Exception):
            raise reply
        if (listener := current_listener()) is not None:  # stream word by word, as a real provider would
            for end in [m.end() for m in re.finditer(r"\S+", reply)][:-1]:
                listener(reply[:end])
                await asyncio.sleep(0)
        words = len(reply.split())
        return Generation(
            text=reply,
            finish_reason="stop",
            prompt_tokens=sum(len(m.content.split()) for m in messages),
            completion_tokens=words,
            latency_s=delay,
            model=self.name,
            seed=config.seed,
        )


def _fill_schema(schema: dict[str, Any], rng: random.Random) -> Any:
    """A value that satisfies the (simple) JSON schema, so pipelines run end to end on fakes."""
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        return {name: _fill_schema(sub, rng) for name, sub in schema.get("properties", {}).items()}
    if kind == "array":
        return [_fill_schema(schema.get("items", {}), rng) for _ in range(2)]
    if kind in ("integer", "number"):
        return rng.randint(1, 10)
    if kind == "boolean":
        return rng.random() < 0.5
    return " ".join(rng.choice(_WORDS) for _ in range(6))[: schema.get("maxLength", 200)]


def script(name: str, replies: list[str | Exception] | Responder | None = None) -> FakeModel:
    """Get (and reset) the fake model `fake/NAME` with a queue of replies or a responder."""
    model = _instances.setdefault(name, FakeModel(name))
    model.replies.clear()
    model.calls.clear()
    model.responder = None
    if callable(replies):
        model.responder = replies
    elif replies:
        model.replies.extend(replies)
    return model


def create(name: str, options: dict[str, Any]) -> Model:
    return _instances.setdefault(name, FakeModel(name))
