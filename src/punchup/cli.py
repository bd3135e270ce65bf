"""The `punchup` command: parse flags, call the library, print. No logic lives here."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import click

from punchup.__about__ import __version__
from punchup.cli_options import base_url_option, console, err_console, store_option
from punchup.config import Settings
from punchup.errors import PunchupError

# click >= 8.2 raises this for a bare `punchup`; older versions print help themselves.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="punchup")
def cli() -> None:
    """punchup: measure, mine and improve AI creative writing."""


@cli.command()
@base_url_option
def models(base_url: str | None) -> None:
    """List providers, the default model and whether each is reachable."""
    from punchup.models.status import model_status

    for row in asyncio.run(model_status(Settings.from_env(), base_url)):
        click.echo(f"{row['model']:<28} {row['status']}")


@cli.command()
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
    from punchup.generate import run_generate

    run_generate(Settings.from_env(), console, **kwargs)


@cli.group(invoke_without_command=True)
@click.pass_context
def packs(ctx: click.Context) -> None:
    """List the craft packs (built-in); `packs show NAME|FILE` prints one."""
    if ctx.invoked_subcommand is None:
        from punchup.packs import list_packs

        for pack in list_packs():
            click.echo(f"{pack.name:<12} v{pack.version:<5} {len(pack.prompts):>2} prompts  {len(pack.rubric)} criteria  {pack.description.splitlines()[0][:80]}")


@packs.command("show")
@click.argument("name")
def packs_show(name: str) -> None:
    """Print one pack: its criteria, personas and prompts."""
    from punchup.packs import load_pack

    pack = load_pack(name)
    console.print(f"[bold]{pack.name}[/] v{pack.version} · {pack.source_path}", highlight=False)
    console.print(pack.description, markup=False)
    console.print("[bold]rubric[/]")
    for c in pack.rubric:
        console.print(f"  {c.id}{' (negative)' if c.negative else ''}: {c.question}\n     1 = {c.low}\n    10 = {c.high}", markup=False)
    console.print("[bold]pairwise[/]")
    for c in pack.pairwise:
        console.print(f"  {c.id}: {c.question}", markup=False)
    if pack.personas:
        console.print("[bold]personas[/]")
        for p in pack.personas:
            console.print(f"  {p.id}: {p.name}: {p.description}", markup=False)
    console.print("[bold]prompts[/]")
    for q in pack.prompts:
        extras = " ".join(f"[{k}={v}]" for k, v in (("expect", q.expect), ("moves", ", ".join(q.moves)), ("alts", q.alts)) if v)
        console.print(f"  {q.id}: {q.text} {extras}", markup=False)


@cli.command()
@click.option("--pack", "pack_name", required=True, help="Pack name or YAML file.")
@click.option("--judge", "judge_id", default=None, help="Judge: a model, craft/heuristic (default), or a panel A+B.")
@click.option("--prompt", "prompt_id", default=None, help="Which pack prompt the texts answer (default: the first).")
@click.option("--pair", is_flag=True, help="Compare exactly two files (both orders) instead of scoring each.")
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON lines.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@base_url_option
@store_option
def judge(pack_name: str, judge_id: str | None, prompt_id: str | None, pair: bool, as_json: bool,
          files: tuple[Path, ...], base_url: str | None, store: str) -> None:
    """Score text files with the pack's rubric, or compare two with --pair."""
    from punchup.judge_command import run_judge

    run_judge(Settings.from_env(), console, pack_name=pack_name, judge_id=judge_id, prompt_id=prompt_id, pair=pair,
              as_json=as_json, files=list(files), base_url=base_url, store=store)


@cli.command()
@click.option("--writers", "-w", multiple=True, help="Writer profiles: MODEL[@temp=1.1;craft;name=X], comma-separated, or a YAML file. Repeatable.")
@click.option("--judge", "judge_id", default=None, help="Judge: a model, craft/heuristic (default), or a panel A+B.")
@click.option("--packs", "pack_spec", default=None, help="Comma-separated pack names, files or folders.")
@click.option("--samples", type=click.IntRange(1, 50), default=None, help="Samples per prompt (default: preset/pack).")
@click.option("--preset", type=click.Choice(["quick", "full"]), default="quick", show_default=True)
@click.option("--run", "run_name", default=None, help="Run name: continue or extend an earlier run.")
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--pair-budget", type=click.IntRange(1, None), default=None, help="Most pairwise judgments (sparse adaptive schedule).")
@click.option("--prompts", type=click.IntRange(1, 1000), default=None, help="Prompts per pack (default: preset; quick = 3).")
@click.option("--max-tokens", type=click.IntRange(16, 32768), default=None, help="Cap on writer tokens (default: preset/pack).")
@click.option("--concurrency", type=click.IntRange(1, 1024), default=8, show_default=True)
@click.option("--report", "report_path", type=click.Path(path_type=Path), default=None, help="Where to write the HTML report (default: report-RUN.html).")
@base_url_option
@store_option
def bench(**kwargs: Any) -> None:
    """Generate, measure, judge, pair and rank writers on craft packs (resumable)."""
    from punchup.bench_command import run_bench_command

    run_bench_command(Settings.from_env(), console, **kwargs)


@cli.command()
@click.option("--run", "run_name", default=None, help="Run name (default: the latest run).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole summary as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the leaderboard as CSV.")
@store_option
def results(run_name: str | None, as_json: bool, as_csv: bool, store: str) -> None:
    """Print a finished run's tables from the store (no model calls)."""
    from punchup.bench_command import load_summary
    from punchup.present import leaderboard_csv, print_summary, summary_json

    if as_json and as_csv:
        raise click.UsageError("--json and --csv cannot be combined")
    summary = load_summary(store, run_name)
    if as_json:
        click.echo(summary_json(summary))
    elif as_csv:
        click.echo(leaderboard_csv(summary), nl=False)
    else:
        print_summary(console, summary)


from punchup.studio.cli import write as _write_group; cli.add_command(_write_group)  # noqa: E402,E702


@cli.command()
@click.option("--run", "run_name", default=None, help="Run name (default: the latest run).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="HTML file (default: report-RUN.html).")
@store_option
def report(run_name: str | None, output: Path | None, store: str) -> None:
    """Write one self-contained HTML report for a run (opens offline, prints cleanly)."""
    from punchup.bench_command import latest_run
    from punchup.report import default_report_path, write_report
    from punchup.store import Store

    opened = Store(store)
    run = run_name or latest_run(opened, store)
    path = write_report(opened, run, output or default_report_path(run))
    click.echo(f"report written to {path}")


@cli.command()
@click.argument("run_a")
@click.argument("run_b")
@store_option
def compare(run_a: str, run_b: str, store: str) -> None:
    """Which rankings changed beyond their CIs between two comparable runs."""
    from punchup.report import compare_runs, format_comparison
    from punchup.store import Store

    click.echo(format_comparison(compare_runs(Store(store), run_a, run_b)))


@cli.command()
@click.option("--judge", "judge_id", default=None, help="Judge to measure: a model, craft/heuristic (default), or a panel A+B.")
@click.option("--data", "data_paths", multiple=True, required=True, type=click.Path(path_type=Path),
              help="JSONL of human-labelled pairs (text_a, text_b, preferred); repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@base_url_option
@store_option
def calibrate(judge_id: str | None, data_paths: tuple[Path, ...], as_json: bool, base_url: str | None, store: str) -> None:
    """Measure a judge against human preference pairs: accuracy with CI, order flips, length bias."""
    from punchup.calibrate_command import run_calibrate

    run_calibrate(Settings.from_env(), console, judge_id, list(data_paths), store, base_url, as_json)


@cli.command()
@store_option
def doctor(store: str) -> None:
    """Check the store: SQLite integrity, migrations, orphaned records."""
    from punchup.store import Store
    from punchup.store.doctor import examine

    report = examine(Store(store))
    click.echo(f"store      {report.location}")
    click.echo(f"integrity  {report.integrity}")
    click.echo(f"migrations {len(report.applied)} applied" + (f"; missing: {', '.join(report.missing)}" if report.missing else "")
               + (f"; from a newer punchup: {', '.join(report.unknown)}" if report.unknown else ""))
    click.echo("records    " + ", ".join(f"{n} {table}" for table, n in report.counts.items()))
    for label, n in report.findings.items():
        click.echo(f"note       {n} {label}")
    if not report.healthy:
        raise click.exceptions.Exit(1)

from punchup.studio.web.command import studio as _studio_command; cli.add_command(_studio_command)  # noqa: E402,E702


def main(argv: list[str] | None = None) -> None:
    """Entry point: user mistakes become one line on stderr and exit code 2."""
    try:
        cli.main(args=argv, prog_name="punchup", standalone_mode=False)
    except _NO_ARGS_IS_HELP as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        sys.exit(0)
    except click.UsageError as exc:
        where = f" ({exc.ctx.command_path})" if exc.ctx else ""
        err_console.print(f"error{where}: {exc.format_message()}", markup=False, highlight=False)
        sys.exit(2)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.Abort:
        err_console.print("aborted", markup=False)
        sys.exit(130)
    except PunchupError as exc:
        err_console.print(f"error: {exc}", markup=False, highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted: finished work is kept in the store; run the same command to resume")
        sys.exit(130)


if __name__ == "__main__":
    main()
