"""Render a stored run as one self-contained HTML file.

No network: CSS is inline, plots are inline SVG, the only script is a
two-line print helper allowed by hash in the page's Content-Security-Policy.
The CSP (default-src 'none') is a second wall behind autoescaping: if model
text ever reached the page unescaped, the browser would still refuse to run
it or to fetch anything it points at.
"""

from __future__ import annotations

import base64
import hashlib
import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from punchup.errors import PunchupError
from punchup.report.load import load_report_data
from punchup.report.paths import default_report_path
from punchup.report.tuning import tuning_view
from punchup.report.views import (
    criteria_views,
    crafts_view,
    examples_view,
    judge_view,
    leaderboard_view,
    length_view,
)
from punchup.store import Store

TEMPLATES = Path(__file__).parent / "templates"
# Chromium and Firefox print closed <details> closed; open them all for paper.
PRINT_SCRIPT = "addEventListener('beforeprint',()=>document.querySelectorAll('details').forEach(d=>d.open=true));"


def _script_hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()


def content_security_policy() -> str:
    return ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
            f"script-src '{_script_hash(PRINT_SCRIPT)}'; base-uri 'none'; form-action 'none'")


def _format_number(value: Any, spec: str = ".2f", none: str = "—") -> str:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return none if value is None else str(value)
    return format(value, spec)


def _format_percent(value: Any, none: str = "—") -> str:
    return none if not isinstance(value, (int, float)) or isinstance(value, bool) else f"{value:.0%}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _environment() -> Environment:
    # autoescape=True, not select_autoescape: the template ends in ".j2", which the
    # extension-based default would leave unescaped.
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["num"] = _format_number
    env.filters["pct"] = _format_percent
    env.filters["plural"] = _plural
    return env


def render_report(store: Store, run: str) -> str:
    """The report of a finished run as an HTML string; PunchupError if the run is unknown or unfinished."""
    data = load_report_data(store, run)
    context = {
        "run": run,
        "summary": data.summary,
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "csp": content_security_policy(),
        "print_script": Markup(PRINT_SCRIPT),  # our constant; escaping would break it and its CSP hash
        "leaderboard": leaderboard_view(data),
        "criteria": criteria_views(data),
        "length": length_view(data),
        "crafts": crafts_view(data),
        "judge": judge_view(data),
        "examples": examples_view(data),
        "tuning": tuning_view(store, run),
    }
    return _environment().get_template("report.html.j2").render(context)


def write_report(store: Store, run: str, path: Path) -> Path:
    """Render and write atomically (a half-written report never replaces a good one); returns the path."""
    path = Path(path).expanduser()
    if path.is_dir():
        raise PunchupError(f"report path {path} is a folder; give a file name such as {path / default_report_path(run)}")
    if not path.parent.exists():
        raise PunchupError(f"report folder {path.parent} does not exist")
    html = render_report(store, run)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(html, encoding="utf-8")
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise PunchupError(f"cannot write report {path}: {exc.strerror or exc}") from None
    return path
