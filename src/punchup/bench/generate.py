"""N seeded samples of one prompt: sample i uses seed + i, so any sample can be reproduced alone."""

from __future__ import annotations

import asyncio
from typing import Awaitable, Callable

from punchup.models import CachedModel, GenerateConfig, Generation, Message, streaming


async def generate_samples(
    model: CachedModel,
    messages: list[Message],
    config: GenerateConfig,
    n: int,
    on_sample: Callable[[int, Generation], Awaitable[None] | None] | None = None,
    on_text: Callable[[int, str], None] | None = None,
) -> list[Generation]:
    """Sample i uses seed config.seed + i, so any sample can be reproduced alone; on_text(i, text so far) streams."""

    async def one(i: int) -> Generation:
        listener = (lambda text: on_text(i, text)) if on_text is not None else None
        with streaming(listener):
            generation = await model.generate(messages, config.model_copy(update={"seed": config.seed + i}),
                                              sample_index=i)
        if on_sample is not None:
            maybe = on_sample(i, generation)
            if maybe is not None:
                await maybe
        return generation

    return list(await asyncio.gather(*(one(i) for i in range(n))))
