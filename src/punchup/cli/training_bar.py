"""The progress bar every training command shows: steps, loss and tokens/s (`punchup tune`, `punchup tune-judge`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from punchup.cli.options import console


@contextmanager
def training_bar(label: str) -> Iterator[tuple[Callable[[Any], None], Callable[[str], None]]]:
    """(on_step for a StepReport, say for a line above the bar)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description:<6}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("loss {task.fields[loss]}"), TextColumn("{task.fields[speed]} tok/s"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task(label, total=None, loss="-", speed="-")

        def on_step(report: Any) -> None:
            progress.update(task, total=report.total, completed=report.step, loss=f"{report.loss:.4f}",
                            speed=f"{report.tokens_per_s:.0f}")

        def say(message: str) -> None:
            progress.console.print(message, highlight=False, markup=False)

        yield on_step, say
