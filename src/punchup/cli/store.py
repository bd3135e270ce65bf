"""`punchup doctor`: check the store (SQLite integrity, migrations, orphaned records)."""

from __future__ import annotations

import click

from punchup.cli.options import store_option


@click.command()
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
    if report.newer:
        click.echo(f"problem    {report.newer}")
    if not report.healthy:
        raise click.exceptions.Exit(1)
