"""Small pure helpers the routes share: download names and types, rewrite diffs, score display."""

from __future__ import annotations

import re
from dataclasses import dataclass

from punchup.studio.export import safe_filename

CONTENT_TYPES: dict[str, str] = {
    "fountain": "text/plain; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
    "pdf": "application/pdf",
    "fdx": "application/xml",
}
# The engine's slug is already strict; checking again here means a future change there can never
# put a quote, a separator or a CR/LF into a response header.
_SAFE_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}\.(fountain|md|pdf|fdx)$")


def download_name(title: str, fmt: str) -> str:
    name = safe_filename(title, fmt)
    return name if _SAFE_NAME.match(name) else f"story.{fmt}"


def content_disposition(title: str, fmt: str) -> str:
    return f'attachment; filename="{download_name(title, fmt)}"'


@dataclass(frozen=True)
class SpanDiff:
    """A span rewrite changes only text[start:end], so the diff is exactly four pieces."""

    before: str
    removed: str
    added: str
    after: str


def span_diff(old: str, new: str, start: int, end: int, new_end: int) -> SpanDiff:
    return SpanDiff(before=old[:start], removed=old[start:end], added=new[start:new_end], after=old[end:])


def score_text(score: float | None) -> str:
    return "unranked" if score is None else f"{score:.1f}/10"
