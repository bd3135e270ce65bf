"""Drawing N drafts of one prompt on N seeds, "more" on seeds not drawn before, and ranking them.

A draft on seed s is the call (model, messages, config with seed s): the
Store's call cache is therefore the history of what was drawn. `more` starts
after the last seed already in the cache, so it always brings new drafts; a
plain re-run takes the same seeds and makes no model calls.
"""

from __future__ import annotations

import asyncio
import time
from typing import Callable

from pydantic import BaseModel, Field

from punchup.models import CachedModel, GenerateConfig, Generation, Message, streaming
from punchup.studio.steering import Recipe, Steering

MAX_SEED_PROBE = 10_000


class DraftEvent(BaseModel):
    """One draft landed: what a progress line or the web's live list shows."""

    label: str  # the node, or "alts"
    done: int
    total: int
    seed: int
    text: str
    cached: bool
    seconds: float
    # True while the draft is still being written: `text` is what has arrived so far (done counts finished ones).
    partial: bool = False


Progress = Callable[[DraftEvent], None]


def arriving(label: str, done: int, total: int, seed: int, text: str, started: float) -> DraftEvent:
    """A draft still being written: its text so far (`done` counts the drafts already finished)."""
    return DraftEvent(label=label, done=done, total=total, seed=seed, text=text, cached=False,
                      seconds=time.perf_counter() - started, partial=True)


class Draft(BaseModel):
    """One model draft with its recipe (the ranking fills score and reasons)."""

    seed: int
    text: str
    raw: str
    model: str
    recipe: Recipe
    notes: list[str] = Field(default_factory=list)  # what was trimmed, or why it was dropped
    cached: bool = False
    latency_s: float = 0.0


def is_drawn(model: CachedModel, messages: list[Message], config: GenerateConfig) -> bool:
    return model.store.get_call(model.key(messages, config)) is not None


def drawn_seeds(model: CachedModel, messages: list[Message], config: GenerateConfig, start: int) -> list[int]:
    """Seeds start, start+1, ... already in the cache for this prompt (the run stops at the first gap)."""
    seeds: list[int] = []
    seed = start
    while len(seeds) < MAX_SEED_PROBE and is_drawn(model, messages, config.model_copy(update={"seed": seed})):
        seeds.append(seed)
        seed += 1
    return seeds


def plan_seeds(model: CachedModel, messages: list[Message], config: GenerateConfig, start: int, n: int,
               more: bool) -> tuple[list[int], list[int]]:
    """(seeds to show from before, seeds to draw now): `more` draws n seeds after every one drawn before."""
    if not more:
        return [], list(range(start, start + n))
    earlier = drawn_seeds(model, messages, config, start)
    first = earlier[-1] + 1 if earlier else start
    return earlier, list(range(first, first + n))


async def draw(model: CachedModel, messages: list[Message], config: GenerateConfig, seeds: list[int],
               steering: Steering, instruction: str = "", clean: Callable[[str], tuple[str, list[str]]] | None = None,
               on_draft: Progress | None = None, label: str = "alts") -> list[Draft]:
    """One call per seed, concurrently; on_draft(event) as each one lands."""
    done = 0

    async def one(seed: int) -> Draft:
        nonlocal done
        started = time.perf_counter()

        def stream(text: str) -> None:
            if on_draft is not None:
                on_draft(arriving(label, done, len(seeds), seed, text, started))

        with streaming(stream):
            generation: Generation = await model.generate(messages, config.model_copy(update={"seed": seed}))
        text, notes = clean(generation.text) if clean else (generation.text.strip(), [])
        recipe = Recipe(model=model.name, seed=seed, temperature=config.temperature, max_tokens=config.max_tokens,
                        steering=steering, instruction=instruction)
        draft = Draft(seed=seed, text=text, raw=generation.text, model=model.name, recipe=recipe, notes=notes,
                      cached=generation.cached, latency_s=time.perf_counter() - started)
        done += 1
        if on_draft is not None:
            on_draft(DraftEvent(label=label, done=done, total=len(seeds), seed=seed, text=text,
                                cached=generation.cached, seconds=draft.latency_s))
        return draft

    return list(await asyncio.gather(*(one(seed) for seed in seeds)))
