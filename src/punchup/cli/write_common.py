"""Options and helpers every `punchup write` command shares (the engine loads inside commands, not here)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Awaitable, Callable, TypeVar

import click

from punchup.cli.options import base_url_option

if TYPE_CHECKING:
    from punchup.studio.candidates import DraftEvent
    from punchup.studio.steering import Steering
    from punchup.studio.studio import Studio

T = TypeVar("T")
NO_JUDGE = "none"
FORMAT_NAMES = ("multi-cam", "single-cam", "drama", "feature", "short")  # punchup.studio.steering.FORMATS


def story_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option("--story", "story_id", type=int, default=None, help="Story id (default: the most recent).")(fn)


def judge_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--judge", "judge", default=None,
        help=f"Judge spec that ranks alternatives (default: the judge registry's default, craft/heuristic; "
             f"'{NO_JUDGE}' skips ranking).",
    )(fn)


def model_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--model", "-m", "model", default=None, help="Writer model provider/name (default: env PUNCHUP_MODEL or local/smollm2).")(fn)
    fn = click.option("--seed", type=int, default=0, show_default=True, help="Base seed: draft i (from 0) of a run uses seed + i.")(fn)
    fn = click.option("--max-tokens", type=click.IntRange(16, 32768), default=None, help="Cap on generated tokens per call.")(fn)
    return base_url_option(fn)


def steering_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option("--notes", default="", help="Your notes for this generation (\"meaner\", \"she never says sorry\").")(fn)
    fn = click.option("--tone", default="", help="Tone, in your words (\"deadpan\", \"warm but sharp\").")(fn)
    fn = click.option("--format", "fmt", type=click.Choice(FORMAT_NAMES), default=None, help="What the page is for.")(fn)
    fn = click.option("--length", default="", help="Length in your words (\"22-minute episode\", \"2 pages\").")(fn)
    return click.option("--unusual", is_flag=True, help="One unusual thing, everything else played straight.")(fn)


def steering_from(notes: str, tone: str, fmt: str | None, length: str, unusual: bool) -> "Steering":
    from punchup.studio.steering import Steering

    return Steering(notes=notes, tone=tone, format=fmt or "", length=length, unusual=unusual)


def progress_printer() -> Callable[["DraftEvent"], None]:
    """One line on stderr as each draft lands: which of how many, its seed, its time and how it starts."""
    def show(event: "DraftEvent") -> None:
        source = "from the store" if event.cached else f"{event.seconds:.1f}s"
        start = " ".join(event.text.split())
        start = start if len(start) <= 60 else start[:59] + "…"
        click.echo(f"  {event.label} {event.done}/{event.total} · seed {event.seed} · {source} · {click.unstyle(start)}",
                   err=True)

    return show


def open_studio(store: str, base_url: str | None = None, max_tokens: int | None = None) -> "Studio":
    from punchup.studio.studio import Studio

    return Studio.open(store, base_url=base_url, max_tokens=max_tokens)


def run_async(studio: "Studio", work: Callable[["Studio"], Awaitable[T]]) -> T:
    async def go() -> T:
        try:
            return await work(studio)
        finally:
            await studio.aclose()

    return asyncio.run(go())
