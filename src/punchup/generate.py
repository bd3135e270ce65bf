"""`punchup generate`: N seeded samples of one prompt, recorded and cached."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Awaitable, Callable

from rich.console import Console

from punchup.config import Settings
from punchup.errors import PunchupError
from punchup.models import CachedModel, CallStats, GenerateConfig, Generation, Message, get_model
from punchup.store import Store
from punchup.textfiles import read_user_text


async def generate_samples(
    model: CachedModel,
    messages: list[Message],
    config: GenerateConfig,
    n: int,
    on_sample: Callable[[int, Generation], Awaitable[None] | None] | None = None,
) -> list[Generation]:
    """Sample i uses seed config.seed + i, so any sample can be reproduced alone."""

    async def one(i: int) -> Generation:
        generation = await model.generate(messages, config.model_copy(update={"seed": config.seed + i}), sample_index=i)
        if on_sample is not None:
            maybe = on_sample(i, generation)
            if maybe is not None:
                await maybe
        return generation

    return list(await asyncio.gather(*(one(i) for i in range(n))))


def read_prompt(prompt: str | None, prompt_file: Path | None) -> str:
    if (prompt is None) == (prompt_file is None):
        raise PunchupError("give exactly one of --prompt TEXT or --file FILE")
    if prompt_file is None:
        return prompt or ""
    return read_user_text(prompt_file, "prompt file", allow_empty=True)


def run_generate(
    settings: Settings,
    console: Console,
    *,
    model_id: str | None,
    prompt: str | None,
    prompt_file: Path | None,
    system: str | None,
    samples: int,
    seed: int,
    temperature: float,
    max_tokens: int,
    as_json: bool,
    base_url: str | None,
    store: str,
) -> CallStats:
    text = read_prompt(prompt, prompt_file)
    if not text.strip():
        raise PunchupError("the prompt is empty")
    model_id = model_id or settings.default_model
    inner = get_model(model_id, **settings.model_options(model_id, base_url))  # fails before the store is touched
    stats = CallStats()
    model = CachedModel(inner, Store(store), stats)
    messages = ([Message(role="system", content=system)] if system else []) + [Message(role="user", content=text)]
    config = GenerateConfig(temperature=temperature, max_tokens=max_tokens, seed=seed)

    def show(i: int, generation: Generation) -> None:
        if as_json:
            print(json.dumps({"sample": i, **generation.model_dump()}, ensure_ascii=False), flush=True)
        else:
            source = "cached" if generation.cached else f"{generation.completion_tokens} tok, {generation.latency_s:.1f}s"
            console.rule(f"sample {i} · seed {generation.seed} · {source}", style="dim")
            console.print(generation.text, markup=False, highlight=False)

    async def go() -> None:
        try:
            await generate_samples(model, messages, config, samples, show)
        finally:
            await model.aclose()

    asyncio.run(go())
    if not as_json:
        console.print(f"[dim]{stats.made} model calls, {stats.cached} from the store ({store})[/dim]")
    return stats
