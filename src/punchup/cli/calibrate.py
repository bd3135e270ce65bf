"""Glue for `punchup calibrate`: build the judge, judge every preference pair, print the report."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from punchup.analysis import calibrate as calibration
from punchup.analysis.calibrate import CalibrationReport, Split, load_pairs
from punchup.cli.options import base_url_option, console, store_option
from punchup.config import Settings
from punchup.errors import PunchupError
from punchup.judging.factory import (
    DEFAULT_JUDGE,
    build_judges,
    judge_models,
    panel_members,
)
from punchup.judging.heuristic.judge import WEIGHTS_FOR, fit_statement
from punchup.judging.sanity import SanityReport, run_sanity
from punchup.models.pool import ModelPool, check_models
from punchup.store import Store
from punchup.util.terminal import markup


def run_calibrate(settings: Settings, console: Console, judge_spec: str | None, data_paths: list[Path], store: str,
                  base_url: str | None, as_json: bool) -> CalibrationReport:
    judge_spec = judge_spec or DEFAULT_JUDGE
    load_pairs(data_paths)  # every file must parse before the store or a model is touched
    options_for = lambda model_id: settings.model_options(model_id, base_url)
    check_models(judge_models(judge_spec), options_for)  # an unknown model fails before the store opens
    models = ModelPool(Store(store), options_for)
    judges = build_judges(judge_spec, models.store, models)

    async def go() -> CalibrationReport:
        try:
            if as_json:
                return await calibration.calibrate(judges, data_paths, models.store)
            columns = (TextColumn("judging pairs"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
            with Progress(*columns, console=console, transient=True) as progress:
                task = progress.add_task("pairs", total=None)
                return await calibration.calibrate(judges, data_paths, models.store,
                                       progress=lambda done, total: progress.update(task, completed=done, total=total))
        finally:
            await models.aclose()

    report = asyncio.run(go())
    if as_json:
        print(json.dumps(report.model_dump(mode="json"), ensure_ascii=False))
    else:
        print_report(console, report)
        for member in panel_members(report.judge):
            if member in WEIGHTS_FOR:  # a craft judge: how its shipped weights were fitted and how they held out
                console.print(fit_statement(member), markup=False, highlight=False)
        console.print(f"[dim]stored in {store} as calibration:{report.judge}[/dim]", highlight=False)
    return report


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def _split(split: Split) -> str:
    return f"{_percent(split.accuracy)} of {split.pairs}"


def print_report(console: Console, report: CalibrationReport) -> None:
    table = Table(title=f"Judge calibration: {report.judge} on {report.source}", show_header=False, title_justify="left")
    table.add_column("figure", style="bold")
    table.add_column("value")
    interval = "" if report.ci_low is None else f"  (95% CI {_percent(report.ci_low)} to {_percent(report.ci_high)})"
    trained = [name for name, split in report.by_source.items() if split.training]
    caveat = f"  (includes training pairs from {', '.join(trained)})" if trained else ""
    table.add_row("accuracy vs experts", f"{_percent(report.accuracy)}{interval}{caveat}")
    table.add_row("", f"{report.tie_rule}; {report.ties} ties")
    table.add_row("order flips", f"{_percent(report.flip_rate)} ({report.flips} flips)")
    table.add_row("pairs", f"{report.judged} judged of {report.pairs}, {report.failed} failed")
    table.add_row("experts chose the longer text", _split(report.longer_preferred))
    table.add_row("experts chose the shorter text", _split(report.shorter_preferred))
    picked = ("no decided pairs" if report.judge_picked_longer is None
              else f"{_percent(report.judge_picked_longer)} of decided pairs")
    table.add_row("judge picked the longer text", f"{picked} (experts: {_percent(report.experts_picked_longer)})")
    for source, split in report.by_source.items():
        label = " (training accuracy: the judge was fitted on these pairs)" if split.training else ""
        table.add_row(f"source {source}", _split(split) + label)
    for source, held in report.held_out.items():
        table.add_row(f"held out: {markup(source)}", f"{_percent(held.accuracy)} of {held.pairs}, refitted on "
                                             f"{', '.join(held.fitted_on)} ({held.training_pairs} pairs) without it")
    table.add_row("wall time", f"{report.wall_time_s:.1f} s")
    console.print(table)
    for error in report.errors:
        console.print(f"[red]failed judgment[/]: {markup(error)}", highlight=False)
    if report.accuracy is not None and report.ci_low is not None and report.ci_low <= 0.5:
        console.print("[yellow]this judge is not distinguishable from a coin flip on this data[/yellow]")
    if report.flip_rate is not None and report.flip_rate >= 0.5:
        console.print("[yellow]the judge changes its verdict with the order of the texts in most pairs "
                      "(position bias)[/yellow]")


def run_sanity_check(settings: Settings, console: Console, judge_spec: str | None, store: str, base_url: str | None,
                     as_json: bool) -> SanityReport:
    """The judge-sanity suite: competent writing against degenerate answers to the same brief, both orders."""
    judge_spec = judge_spec or DEFAULT_JUDGE
    options_for = lambda model_id: settings.model_options(model_id, base_url)
    check_models(judge_models(judge_spec), options_for)
    models = ModelPool(Store(store), options_for)
    judges = build_judges(judge_spec, models.store, models)

    async def go() -> SanityReport:
        try:
            return await run_sanity(judges.name, judges.pairwise)
        finally:
            await models.aclose()

    report = asyncio.run(go())
    if as_json:
        print(json.dumps(report.model_dump(mode="json"), ensure_ascii=False))
        return report
    table = Table(title=f"Judge sanity: {report.judge} · competent writing must win in both orders",
                  title_justify="left")
    table.add_column("degenerate rival")
    table.add_column("competent text won", justify="right")
    for kind, figure in report.by_kind.items():
        table.add_row(kind, figure)
    table.add_row("all", f"{report.passed}/{report.total} ({report.pass_rate:.0%})", style="bold")
    console.print(table)
    for item in report.failures:
        reason = item.error or f"competent text scored {item.competent_first} shown first, {item.competent_second} second"
        console.print(f"[red]failed[/]: {item.pack}/{item.prompt} against {item.kind}: {reason}", highlight=False)
    return report


@click.command()
@click.option("--judge", "judge_id", default=None, help="Judge to measure: a model, craft/heuristic-lm (default), craft/heuristic, or a panel A+B.")
@click.option("--data", "data_paths", multiple=True, type=click.Path(path_type=Path),
              help="JSONL of human-labelled pairs (text_a, text_b, preferred) or scored paragraphs (text, score); repeatable.")
@click.option("--sanity", is_flag=True, help="Run the judge-sanity suite (junk against competent writing) instead of, "
                                             "or before, the data.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@base_url_option
@store_option
def calibrate(judge_id: str | None, data_paths: tuple[Path, ...], sanity: bool, as_json: bool, base_url: str | None,
              store: str) -> None:
    """Measure a judge against human preference pairs (accuracy with CI, leave-one-source-out for fittable judges,
    order flips, length bias) and, with --sanity, against degenerate texts."""
    if not data_paths and not sanity:
        raise PunchupError("calibrate needs --data FILE (repeatable), --sanity, or both")
    settings = Settings.from_env()
    if sanity:
        run_sanity_check(settings, console, judge_id, store, base_url, as_json)
    if data_paths:
        run_calibrate(settings, console, judge_id, list(data_paths), store, base_url, as_json)
