"""`punchup models`: the providers, the default model and whether each is reachable."""

from __future__ import annotations

import asyncio

import click

from punchup.cli.options import base_url_option
from punchup.config import Settings


@click.command()
@base_url_option
def models(base_url: str | None) -> None:
    """List providers, the default model and whether each is reachable."""
    from punchup.models.status import model_status

    for row in asyncio.run(model_status(Settings.from_env(), base_url)):
        click.echo(f"{row['model']:<28} {row['status']}")
