"""`punchup generate`: N seeded samples of one prompt, recorded and cached."""

from __future__ import annotations

import click
from typing import Any
from punchup.cli.options import base_url_option, console, store_option
import asyncio
import json
from pathlib import Path

from rich.console import Console

from punchup.config import Settings
from punchup.errors import PunchupError
from punchup.models import CachedModel, CallStats, GenerateConfig, Generation, Message, get_model
from punchup.store import Store
from punchup.bench.generate import generate_samples
from punchup.util.textfiles import read_user_text
from punchup.util.terminal import plain


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
            console.print(plain(generation.text), markup=False, highlight=False)

    async def go() -> None:
        try:
            await generate_samples(model, messages, config, samples, show)
        finally:
            await model.aclose()

    asyncio.run(go())
    if not as_json:
        console.print(f"[dim]{stats.made} model calls, {stats.cached} from the store ({store})[/dim]")
    return stats


@click.command()
@click.option("--model", "-m", "model_id", default=None, help="provider/name (default: local/smollm2).")
@click.option("--prompt", "-p", default=None, help="Prompt text.")
@click.option("--file", "-f", "prompt_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--system", default=None, help="System prompt.")
@click.option("-n", "samples", type=click.IntRange(1, 1000), default=1, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of sample 0; sample i uses seed+i.")
@click.option("--temperature", "-t", type=click.FloatRange(0, 2), default=0.8, show_default=True)
@click.option("--max-tokens", type=click.IntRange(1, 32768), default=256, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of text.")
@base_url_option
@store_option
def generate(**kwargs: Any) -> None:
    """Generate N samples for one prompt; every call is recorded and cached."""

    run_generate(Settings.from_env(), console, **kwargs)
