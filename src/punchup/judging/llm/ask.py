"""Ask a judge model for a typed JSON verdict: constrained decoding, one repair, one retry.

Whatever still fails is returned as a failure with the raw reply; callers record
it as a failed judgment. There is no default score anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel, field_validator

from punchup.errors import ModelError
from punchup.judging.llm.parse import parse_reply
from punchup.models import CachedModel, GenerateConfig, Message

if TYPE_CHECKING:
    from punchup.store import Store

T = TypeVar("T", bound=BaseModel)

JUDGE_CONFIG = GenerateConfig(temperature=0.0, top_p=1.0, max_tokens=400, seed=0)
CALL_FAILED = "judge call failed"
RETRY_SEED_OFFSET = 1_000_003  # a retry must be a different call, or the cache would replay the bad reply


RATIONALE_CHARS = 240  # two sentences; longer only slows small judges down


class JudgeReply(BaseModel):
    """Base of every typed judge reply: a short rationale, then the judge's fields."""

    rationale: str = ""

    @field_validator("rationale", mode="before")
    @classmethod
    def _clip(cls, value: Any) -> Any:
        # A long rationale is harmless; a missing score is not. Clip rather than fail.
        return value[:RATIONALE_CHARS] if isinstance(value, str) else value


@dataclass
class Answer(Generic[T]):
    value: T | None
    raw: str
    error: str | None
    call_failed: bool = False  # the model could not be reached: worth retrying on a later run

    @property
    def ok(self) -> bool:
        return self.value is not None


async def ask_json(
    model: CachedModel,
    messages: list[Message],
    schema: type[T],
    json_schema: dict[str, Any],
    config: GenerateConfig = JUDGE_CONFIG,
) -> Answer[T]:
    raws: list[str] = []
    error = "no reply"
    for attempt in range(2):
        attempt_config = config.model_copy(
            update={"json_schema": json_schema, "seed": config.seed + attempt * RETRY_SEED_OFFSET}
        )
        try:
            generation = await model.generate(messages, attempt_config)
        except ModelError as exc:
            return Answer(None, "\n---\n".join(raws), f"{CALL_FAILED}: {exc}", call_failed=True)
        raws.append(generation.text)
        value, error_text = parse_reply(generation.text, schema)
        if value is not None:
            return Answer(value, generation.text, None)
        error = error_text or "unparseable reply"
    return Answer(None, "\n---\n".join(raws), f"unparseable after repair and retry: {error}")


class ModelJudge:
    """What the LLM judges share: a recorded model, the store, deterministic judge settings."""

    def __init__(self, model: CachedModel, store: "Store", config: GenerateConfig = JUDGE_CONFIG):
        self.model = model
        self.store = store
        self.config = config

    @property
    def name(self) -> str:
        return self.model.name

    def reusable(self, key: str) -> dict[str, Any] | None:
        """A stored judgment's result, unless it failed only because the model was unreachable (worth retrying)."""
        stored = self.store.get_judgment(key)
        if stored is None or (stored["error"] or "").startswith(CALL_FAILED):
            return None
        return stored["result"]


def enum_int(low: int, high: int) -> dict[str, Any]:
    # Grammar-constrained decoders honour enums; many ignore minimum/maximum.
    return {"type": "integer", "enum": list(range(low, high + 1))}


def bounded_string(max_length: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": max_length}
