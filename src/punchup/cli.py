"""The `punchup` command: parse flags, call the library, print. No logic lives here."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any, Callable

import click
from rich.console import Console

from punchup.__about__ import __version__
from punchup.config import Settings
from punchup.errors import PunchupError

# click >= 8.2 raises this for a bare `punchup`; older versions print help themselves.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())

console = Console()
err_console = Console(stderr=True)


def store_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--store",
        envvar="PUNCHUP_STORE",
        default="punchup.db",
        show_default=True,
        help="Store file (SQLite) or database URL; env PUNCHUP_STORE.",
    )(fn)


def base_url_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--base-url",
        envvar="PUNCHUP_OPENAI_BASE_URL",
        default=None,
        help="OpenAI-compatible server(s) for openai/ models, comma-separated for a pool.",
    )(fn)


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
