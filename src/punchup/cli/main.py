"""The `punchup` command: a click group whose commands load on first use. No logic lives here."""

from __future__ import annotations

import importlib
import sys

import click

from punchup.__about__ import __version__
from punchup.cli.options import err_console
from punchup.errors import PunchupError

# click >= 8.2 raises this for a bare `punchup`; older versions print help themselves.
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())

# name -> "module:object". A command's module is imported only when that command runs (or for --help),
# so `punchup write ...` never pays for the bench's imports. A new command group adds one line here.
COMMANDS = {
    "models": "punchup.cli.models:models",
    "generate": "punchup.cli.generate:generate",
    "packs": "punchup.cli.packs:packs",
    "judge": "punchup.cli.judge:judge",
    "bench": "punchup.cli.bench:bench",
    "results": "punchup.cli.results:results",
    "report": "punchup.cli.results:report",
    "compare": "punchup.cli.results:compare",
    "calibrate": "punchup.cli.calibrate:calibrate",
    "doctor": "punchup.cli.store:doctor",
    "write": "punchup.cli.write:write",
    "studio": "punchup.cli.studio:studio",
    "export": "punchup.cli.improve:export",
    "tune": "punchup.cli.improve:tune",
    "tune-judge": "punchup.cli.tune_judge:tune_judge",
}


class LazyGroup(click.Group):
    """A group that imports each command's module on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        target = COMMANDS.get(name)
        if target is None:
            return None
        module, _, attribute = target.partition(":")
        return getattr(importlib.import_module(module), attribute)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="punchup")
def cli() -> None:
    """punchup: measure, mine and improve AI creative writing."""


def main(argv: list[str] | None = None) -> None:
    """Entry point: user mistakes become one line on stderr and exit code 2."""
    try:
        # Without standalone mode click hands back a command's exit code (e.g. doctor's 1) instead of exiting.
        code = cli.main(args=argv, prog_name="punchup", standalone_mode=False)
        if isinstance(code, int) and not isinstance(code, bool) and code != 0:
            sys.exit(code)
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
