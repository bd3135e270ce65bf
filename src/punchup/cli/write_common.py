"""Options and helpers every `punchup write` command shares (the engine loads inside commands, not here)."""

from __future__ import annotations

import asyncio
import sys
import time
from typing import TYPE_CHECKING, Any, Awaitable, Callable, TextIO, TypeVar

import click

from punchup.cli.options import base_url_option
from punchup.util.terminal import plain

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
        help=f"Judge spec that ranks alternatives (default: the judge registry's default, craft/heuristic-lm; "
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


class DraftPrinter:
    """One line on stderr as each draft lands (which of how many, its seed, its time, how it starts).

    On a terminal, a draft still being written shows as one status line that is
    rewritten in place (at most ten times a second) with the end of its text so far,
    and cleared when the next landed line prints; in a log (not a terminal) only the
    landed lines appear, so piped output stays one line per draft.
    """

    REFRESH_S = 0.1
    WIDTH = 60

    def __init__(self, stream: TextIO | None = None, live: bool | None = None):
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self._status = False
        self._shown_at = 0.0

    def __call__(self, event: "DraftEvent") -> None:
        if event.partial:
            if self.live and (now := time.monotonic()) - self._shown_at >= self.REFRESH_S:
                self._shown_at = now
                tail = " ".join(event.text.split())[-self.WIDTH:]
                self._write(f"\r\x1b[K  {event.label} {event.done + 1}/{event.total} · seed {event.seed} · writing · "
                            f"{plain(tail)}")
                self._status = True
            return
        source = "from the store" if event.cached else f"{event.seconds:.1f}s"
        start = " ".join(event.text.split())
        start = start if len(start) <= self.WIDTH else start[: self.WIDTH - 1] + "…"
        clear = "\r\x1b[K" if self._status else ""
        self._status = False
        self._write(f"{clear}  {event.label} {event.done}/{event.total} · seed {event.seed} · {source} · "
                    f"{plain(start)}\n")

    def _write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()


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
