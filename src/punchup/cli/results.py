"""`punchup results`, `report` and `compare`: read finished runs from the store (no model calls)."""

from __future__ import annotations

from pathlib import Path

import click

from punchup.cli.options import console, store_option


@click.command()
@click.option("--run", "run_name", default=None, help="Run name (default: the latest run).")
@click.option("--json", "as_json", is_flag=True, help="Print the whole summary as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="Print the leaderboard as CSV.")
@store_option
def results(run_name: str | None, as_json: bool, as_csv: bool, store: str) -> None:
    """Print a finished run's tables from the store (no model calls)."""
    from punchup.cli.bench import load_summary
    from punchup.cli.present import leaderboard_csv, print_summary, summary_json

    if as_json and as_csv:
        raise click.UsageError("--json and --csv cannot be combined")
    summary = load_summary(store, run_name)
    if as_json:
        click.echo(summary_json(summary))
    elif as_csv:
        click.echo(leaderboard_csv(summary), nl=False)
    else:
        print_summary(console, summary)


@click.command()
@click.option("--run", "run_name", default=None, help="Run name (default: the latest run).")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="HTML file (default: report-RUN.html).")
@store_option
def report(run_name: str | None, output: Path | None, store: str) -> None:
    """Write one self-contained HTML report for a run (opens offline, prints cleanly)."""
    from punchup.cli.bench import latest_run
    from punchup.report import default_report_path, write_report
    from punchup.store import Store

    opened = Store(store)
    run = run_name or latest_run(opened, store)
    path = write_report(opened, run, output or default_report_path(run))
    click.echo(f"report written to {path}")


@click.command()
@click.argument("run_a")
@click.argument("run_b")
@store_option
def compare(run_a: str, run_b: str, store: str) -> None:
    """Which rankings changed beyond their CIs between two comparable runs."""
    from punchup.report import compare_runs, format_comparison
    from punchup.store import Store

    click.echo(format_comparison(compare_runs(Store(store), run_a, run_b)))
