"""A Model wrapper that records every call in the Store and never makes the same call twice.

The cache key hashes only what changes the output: model id, messages,
sampling parameters (incl. seed) and sample index; never timeouts or
concurrency. Failed calls are recorded with their reason and retried next time.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

from punchup.errors import ModelError
from punchup.util.hashing import content_key
from punchup.models.base import GenerateConfig, Generation, Message, Model
from punchup.store import Store


@dataclass
class CallStats:
    made: int = 0
    cached: int = 0
    failed: int = 0


def call_key(model: str, messages: list[Message], config: GenerateConfig, sample_index: int = 0) -> str:
    return content_key(
        {
            "model": model,
            "messages": [m.model_dump() for m in messages],
            "config": config.cache_fields(),
            "sample_index": sample_index,
        }
    )


class CachedModel(Model):
    def __init__(self, inner: Model, store: Store, stats: CallStats | None = None):
        self.inner = inner
        self.name = inner.name
        self.store = store
        self.stats = stats or CallStats()
        # Identical calls in flight at once are made once and shared.
        self._pending: dict[str, asyncio.Future[Generation]] = {}

    async def check(self) -> str:
        return await self.inner.check()

    def fault_counts(self) -> dict[str, int]:
        return self.inner.fault_counts()

    async def aclose(self) -> None:
        await self.inner.aclose()

    @property
    def cache_name(self) -> str:
        return self.inner.cache_name

    def key(self, messages: list[Message], config: GenerateConfig, sample_index: int = 0) -> str:
        """The cache key of this call (what `generate` looks up and stores under)."""
        return call_key(self.cache_name, messages, config, sample_index)

    async def generate(self, messages: list[Message], config: GenerateConfig, sample_index: int = 0) -> Generation:
        key = self.key(messages, config, sample_index)
        stored = self.store.get_call(key)
        if stored is not None:
            self.stats.cached += 1
            return Generation(
                text=stored["text"] or "",
                finish_reason=stored["finish_reason"] or "stop",
                prompt_tokens=stored["prompt_tokens"] or 0,
                completion_tokens=stored["completion_tokens"] or 0,
                latency_s=stored["latency_s"] or 0.0,
                model=self.name,
                seed=config.seed,
                cached=True,
                trace=json.loads(stored["trace"]) if stored.get("trace") else None,
            )
        if key in self._pending:
            self.stats.cached += 1
            return (await asyncio.shield(self._pending[key])).model_copy(update={"cached": True})
        future: asyncio.Future[Generation] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            generation = await self._call(key, messages, config, sample_index)
            future.set_result(generation)
            return generation
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: waiters (if any) re-raise it themselves
            raise
        finally:
            del self._pending[key]

    async def _call(self, key: str, messages: list[Message], config: GenerateConfig, sample_index: int) -> Generation:
        record = dict(
            key=key,
            model=self.name,
            messages=[m.model_dump() for m in messages],
            config=config.cache_fields(),
            sample_index=sample_index,
        )
        try:
            generation = await self.inner.generate(messages, config)
        except ModelError as exc:
            self.stats.failed += 1
            self.store.put_call(**record, error=str(exc))
            raise
        self.stats.made += 1
        self.store.put_call(**record, result=generation.model_dump())
        return generation
