"""Naming the passage to work on without counting characters: a quote, a line number, or START:END.

Whatever names it, the result is code-point offsets into the node's text
(what Python and the engine count), checked against the text as it is now.
"""

from __future__ import annotations

from punchup.studio.rewrite import check_span, parse_span
from punchup.studio.tree import StudioError

CONTEXT_CHARS = 1200


def find_quote(text: str, quote: str, occurrence: int | None = None) -> tuple[int, int]:
    """The span of `quote` in text: it must occur once, or `occurrence` (from 1) says which."""
    wanted = quote.strip()
    if not wanted:
        raise StudioError("the quote is empty: give some words of the passage, exactly as they are in the text")
    places = []
    at = text.find(wanted)
    while at != -1:
        places.append(at)
        at = text.find(wanted, at + 1)
    if not places:
        raise StudioError(f"“{_short(wanted)}” is not in the text (quote it exactly, or use --line N)")
    if occurrence is None and len(places) > 1:
        raise StudioError(f"“{_short(wanted)}” occurs {len(places)} times; add --occurrence 1..{len(places)} or quote more of it")
    index = (occurrence or 1) - 1
    if not 0 <= index < len(places):
        raise StudioError(f"“{_short(wanted)}” occurs {len(places)} time(s), so there is no occurrence {occurrence}")
    return places[index], places[index] + len(wanted)


def line_span(text: str, number: int) -> tuple[int, int]:
    """The span of line `number` (from 1, as an editor counts them), without its line break."""
    lines = text.split("\n")
    if not 1 <= number <= len(lines):
        raise StudioError(f"there is no line {number}: the text has {len(lines)} lines")
    start = sum(len(line) + 1 for line in lines[: number - 1])
    end = start + len(lines[number - 1])
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    if not text[start:end].strip():
        raise StudioError(f"line {number} is blank")
    return start, end


def locate(text: str, *, quote: str | None = None, line: int | None = None, span: str | None = None,
           occurrence: int | None = None) -> tuple[int, int]:
    given = [name for name, value in (("quote", quote), ("line", line), ("span", span)) if value is not None]
    if len(given) != 1:
        raise StudioError("name the passage with exactly one of a quote, a line number or START:END")
    if quote is not None:
        return find_quote(text, quote, occurrence)
    if line is not None:
        return line_span(text, line)
    start, end = parse_span(span or "", len(text))
    check_span(start, end, len(text))
    return start, end


def around(text: str, start: int, end: int, chars: int = CONTEXT_CHARS) -> tuple[str, str]:
    """The text before and after a span, each cut to about `chars` at a line break."""
    before, after = text[:start], text[end:]
    if len(before) > chars:
        cut = before.find("\n", len(before) - chars)
        before = before[cut + 1:] if cut != -1 else before[-chars:]
    if len(after) > chars:
        cut = after.rfind("\n", 0, chars)
        after = after[:cut] if cut > 0 else after[:chars]
    return before, after


def _short(text: str, width: int = 50) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
