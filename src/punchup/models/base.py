"""The model contract: chat messages in, one Generation out.

Every provider implements `Model.generate`; everything above it (caching,
judging, benching) only ever sees these three types.
"""

from __future__ import annotations

import abc
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Role = Literal["system", "user", "assistant"]


class Message(BaseModel):
    model_config = ConfigDict(frozen=True)

    role: Role
    content: str


def as_messages(messages: list[Message] | list[dict[str, str]] | str) -> list[Message]:
    """Accept a bare prompt, dicts or Messages so callers stay terse."""
    if isinstance(messages, str):
        return [Message(role="user", content=messages)]
    return [m if isinstance(m, Message) else Message(**m) for m in messages]


class GenerateConfig(BaseModel):
    """Sampling parameters. Only fields that change the output enter the cache key."""

    model_config = ConfigDict(frozen=True)

    temperature: float = Field(0.8, ge=0.0, le=2.0)
    top_p: float = Field(0.95, gt=0.0, le=1.0)
    max_tokens: int = Field(512, ge=1, le=32768)
    seed: int = 0
    stop: tuple[str, ...] = ()
    # A JSON schema the reply must follow; providers constrain decoding where they can.
    json_schema: dict[str, Any] | None = None
    # Wall-clock limit for one call; deliberately NOT part of the cache key.
    timeout_s: float = Field(120.0, gt=0)

    def cache_fields(self) -> dict[str, Any]:
        return self.model_dump(exclude={"timeout_s"})


class Generation(BaseModel):
    text: str
    finish_reason: str = "stop"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0
    model: str
    seed: int = 0
    cached: bool = False
    # What a sampler did to produce the text (see punchup.improve.samplers); None for plain models.
    trace: dict[str, Any] | None = None


class Model(abc.ABC):
    """Anything that turns chat messages into text."""

    #: the full "provider/name" id, recorded with every call
    name: str

    @property
    def cache_name(self) -> str:
        """What the call cache keys on: the name, unless one name can compute different text (local weights)."""
        return self.name

    @abc.abstractmethod
    async def generate(self, messages: list[Message], config: GenerateConfig) -> Generation:
        """Produce one completion. Raise ModelError for failures a user can act on."""

    async def check(self) -> str:
        """Say whether the model is usable right now, without generating (for `punchup models`)."""
        return "ok"

    def fault_counts(self) -> dict[str, int]:
        """Failed attempts by kind (retried or not), for reliability figures; most models have none."""
        return {}

    async def aclose(self) -> None:
        return None
