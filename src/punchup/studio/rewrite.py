"""Targeted rewrites: a span, a continuation, or the whole text resized to N words.

A span rewrite may only change the selected characters. Whatever the model
returns (just the passage, or the whole text with the passage changed), the
new text is assembled as before + replacement + after and then checked: if
anything outside the span differs from the original bytes, it raises.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from punchup.studio.outline import clean_generation
from punchup.studio.tree import StudioError

_MARKERS = re.compile("[⟦⟧]")
_SPAN = re.compile(r"^\s*(\d*)\s*:\s*(\d*)\s*$")


class SpanIntegrityError(StudioError):
    """A rewrite would have changed text outside the selected span (a bug, never a user mistake)."""


def parse_span(raw: str, length: int) -> tuple[int, int]:
    """'A:B' (character offsets, end exclusive; 'A:' runs to the end, ':B' from the start)."""
    match = _SPAN.match(raw)
    if not match:
        raise StudioError(f"span '{raw}' is not START:END in characters (e.g. 120:180)")
    start = int(match.group(1)) if match.group(1) else 0
    end = int(match.group(2)) if match.group(2) else length
    check_span(start, end, length)
    return start, end


def check_span(start: int, end: int, length: int) -> None:
    if start < 0 or end > length or start >= end:
        raise StudioError(f"span {start}:{end} is not inside the text (0:{length}, start before end)")


def _map_offset(matcher: SequenceMatcher, offset: int, at_end: bool) -> int:
    """Where a position of the original text lands in the reply, following the diff's aligned runs."""
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if i1 <= offset < i2 or (at_end and offset == i2 and i1 < i2):
            if tag == "equal":
                return j1 + (offset - i1)
            return j2 if at_end else j1
    return len(matcher.b) if at_end else 0


def extract_replacement(reply: str, text: str, start: int, end: int) -> str:
    """The model's new version of text[start:end], even when it sent back more than the passage."""
    reply = _MARKERS.sub("", clean_generation(reply))
    before, after = text[:start], text[end:]
    surroundings = len(before.strip()) + len(after.strip())
    if surroundings and reply.startswith(before) and reply.endswith(after) and len(reply) >= len(before) + len(after):
        return reply[len(before): len(reply) - len(after)]
    # The whole text came back, edited here and there: take what aligns with the span.
    if surroundings > (end - start) and len(reply) > 0.6 * len(text):
        matcher = SequenceMatcher(None, text, reply, autojunk=False)
        shared = sum(size for _, _, size in matcher.get_matching_blocks())
        if shared > 0.5 * surroundings:
            return reply[_map_offset(matcher, start, False): _map_offset(matcher, end, True)]
    return reply


def fit_whitespace(original: str, replacement: str) -> str:
    """Keep the span's own leading and trailing whitespace, which models drop, so the seams stay intact."""
    core = replacement.strip()
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()):]
    return f"{lead}{core}{trail}" if core else ""


def splice_checked(text: str, start: int, end: int, replacement: str) -> str:
    new = text[:start] + replacement + text[end:]
    if new[:start] != text[:start] or new[start + len(replacement):] != text[end:]:
        raise SpanIntegrityError(f"rewrite of span {start}:{end} changed text outside the span")
    if len(new) != len(text) - (end - start) + len(replacement):
        raise SpanIntegrityError(f"rewrite of span {start}:{end} changed the text's length outside the span")
    return new


def continuation_separator(text: str, continuation: str, kind: str) -> str:
    if not text or text[-1].isspace() or continuation[:1].isspace():
        return ""
    return " " if kind in ("logline", "premise") else "\n\n"
