"""Click options and consoles shared by every command group (main CLI, `write`, `studio`)."""

from __future__ import annotations

import sys
from typing import Any, Callable

import click
from rich.console import Console

# Piped output (CI logs, files) gets wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 160)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 400)


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
