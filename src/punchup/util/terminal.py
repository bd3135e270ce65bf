"""Model and user text made safe to print: no terminal escapes, and no rich markup taken from it.

Model output is untrusted. Printed raw, an ESC or OSC sequence can clear the
screen, retitle the window or write the clipboard; printed inside a rich markup
string, a `[/]` in a candidate is parsed as a closing tag (a MarkupError crash
that a cached judgment repeats on every re-run). Every place that prints model
or user text passes it through `plain` (for click.echo or markup=False) or
`markup` (for text inside a rich markup string).
"""

from __future__ import annotations

import functools
import re
from typing import Callable, ParamSpec

from rich.markup import escape

P = ParamSpec("P")

# C0 controls except tab and newline, DEL, C1 controls (0x9b is a one-byte CSI on some terminals),
# and the bidirectional overrides that reorder what is shown ("Trojan Source").
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(text: object) -> str:
    """`text` as printable characters: control characters other than newline and tab removed."""
    return _UNSAFE.sub("", str(text))


def markup(text: object) -> str:
    """`text` for a place inside a rich markup string: controls removed, square brackets escaped."""
    return escape(plain(text))


def plain_output(render: Callable[P, str]) -> Callable[P, str]:
    """For a function rendering records as terminal text: what it returns passes through `plain`."""

    @functools.wraps(render)
    def rendered(*args: P.args, **kwargs: P.kwargs) -> str:
        return plain(render(*args, **kwargs))

    return rendered
