"""Glue for `punchup bench` and `punchup results`: config, progress bars, final tables."""

from __future__ import annotations

import click
from punchup.cli.options import base_url_option, console, store_option
import asyncio
from datetime import datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from punchup.analysis.records import BenchSummary
from punchup.analysis.records import load_summary as stored_or_fail
from punchup.bench.config import DEFAULT_CONCURRENCY, BenchConfig
from punchup.bench.run import Bench
from punchup.config import Settings
from punchup.errors import PunchupError
from punchup.judging.factory import judge_models
from punchup.models.pool import check_models
from punchup.cli.present import print_summary
from punchup.store import Store


def build_config(run: str, flags: dict[str, Any]) -> BenchConfig:
    return BenchConfig.build(run, list(flags["writers"]) or None, flags["judge_id"], flags["pack_spec"], flags["preset"],
                             flags["samples"], flags["seed"], flags["pair_budget"], prompts=flags["prompts"],
                             max_tokens=flags["max_tokens"], only_prompts=_prompt_list(flags.get("only_prompts")))


def _prompt_list(path: Path | None) -> list[str] | None:
    from punchup.improve.holdout import read_prompt_list

    return read_prompt_list(path) if path else None


def resolve_config(store: Store, run_name: str | None, flags: dict[str, Any]) -> BenchConfig:
    existing = store.get_run(run_name) if run_name else None
    shaping = ("writers", "judge_id", "pack_spec", "samples", "pair_budget", "prompts", "max_tokens", "only_prompts")
    if existing and not any(flags[name] for name in shaping):
        return BenchConfig.model_validate(existing["config"])  # continue exactly as started
    return build_config(run_name or datetime.now().strftime("run-%Y%m%d-%H%M%S"), flags)


def run_bench_command(settings: Settings, console: Console, *, run_name: str | None, concurrency: int,
                      base_url: str | None, store: str, report_path: Path | None = None, **flags: Any) -> dict[str, Any]:
    settings = settings.model_copy(update={"concurrency": concurrency})  # per endpoint, as for the bench itself
    # Validate writers, judge and packs before the store is opened, so bad input leaves no trace.
    probe = build_config("probe", flags)
    from punchup.improve.samplers.build import check_samplers

    check_models({w.model for w in probe.writers} | set(judge_models(probe.judge)) | check_samplers(probe.writers),
                 lambda model_id: settings.model_options(model_id, base_url))
    from punchup.packs import load_packs

    packs = load_packs(",".join(probe.packs))
    if probe.only_prompts:
        from punchup.improve.holdout import select_prompts

        select_prompts(packs, probe.only_prompts)  # unknown ids: one line, before the store is opened
    opened = Store(store)
    config = resolve_config(opened, run_name, flags)

    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        tasks: dict[str, Any] = {}

        def hook(stage: str, n: int) -> None:
            if n >= 0:
                tasks[stage] = progress.add_task(stage, total=n)
            else:
                progress.advance(tasks[stage])

        bench = Bench(config, opened, model_options=lambda m: settings.model_options(m, base_url), progress=hook,
                      concurrency=concurrency)
        summary = asyncio.run(bench.run())
    print_summary(console, summary)
    from punchup.report.paths import default_report_path

    path = report_path or default_report_path(config.run)
    if bench.unchanged and path.is_file():
        console.print(f"report: {path} (nothing new since it was written)", highlight=False)
    else:
        from punchup.report.render import write_report  # matplotlib: only when a report is written

        console.print(f"report: {write_report(opened, config.run, path)}", highlight=False)
    console.print(f"[dim]run '{config.run}' stored in {store}; `punchup results --run {config.run}` prints it again[/dim]")
    return summary


def latest_run(store: Store, location: str) -> str:
    runs = store.runs()
    if not runs:
        raise PunchupError(f"no runs in store {location}")
    return runs[0]["name"]


def load_summary(store_location: str, run_name: str | None) -> BenchSummary:
    store = Store(store_location)
    latest = latest_run(store, store_location)  # a store with no runs at all says so, whatever run was named
    return stored_or_fail(store, run_name or latest)


@click.command()
@click.option("--writers", "-w", multiple=True, help="Writer profiles: MODEL[@temp=1.1;craft;name=X], comma-separated, or a YAML file. Repeatable.")
@click.option("--judge", "judge_id", default=None, help="Judge: a model, craft/heuristic-lm (default), craft/heuristic, or a panel A+B.")
@click.option("--packs", "pack_spec", default=None, help="Comma-separated pack names, files or folders.")
@click.option("--samples", type=click.IntRange(1, 50), default=None, help="Samples per prompt (default: preset/pack).")
@click.option("--preset", type=click.Choice(["quick", "full"]), default="quick", show_default=True)
@click.option("--run", "run_name", default=None, help="Run name: continue or extend an earlier run.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--pair-budget", type=click.IntRange(1, None), default=None, help="Most pairwise judgments (sparse adaptive schedule).")
@click.option("--prompts", type=click.IntRange(1, 1000), default=None, help="Prompts per pack (default: preset; quick = 3).")
@click.option("--max-tokens", type=click.IntRange(16, 32768), default=None, help="Cap on writer tokens (default: preset/pack).")
@click.option("--only-prompts", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="Run only the PACK/PROMPT ids listed in this file (e.g. an export's FILE.holdout.txt).")
@click.option("--concurrency", type=click.IntRange(1, 1024), default=DEFAULT_CONCURRENCY, show_default=True)
@click.option("--report", "report_path", type=click.Path(path_type=Path), default=None, help="Where to write the HTML report (default: report-RUN.html).")
@base_url_option
@store_option
def bench(**kwargs: Any) -> None:
    """Generate, measure, judge, pair and rank writers on craft packs (resumable)."""

    run_bench_command(Settings.from_env(), console, **kwargs)
