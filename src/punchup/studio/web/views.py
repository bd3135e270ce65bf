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


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """(tag, text) runs turning old into new word by word: tag is "equal", "del" or "ins"."""
    from difflib import SequenceMatcher

    a, b = re.findall(r"\s+|[^\s]+", old), re.findall(r"\s+|[^\s]+", new)
    runs: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            runs.append(("equal", "".join(a[i1:i2])))
            continue
        if i2 > i1:
            runs.append(("del", "".join(a[i1:i2])))
        if j2 > j1:
            runs.append(("ins", "".join(b[j1:j2])))
    return runs


def when(stamp: str) -> str:
    """'2026-12-01T16:55:00.123+00:00' -> '1 Dec 2026, 16:55 UTC' (the raw ISO stamp stays in a title)."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return f"{moment.day} {moment:%b %Y, %H:%M} UTC"


@dataclass(frozen=True)
class ScriptLine:
    kind: str  # heading, action, character, parenthetical, dialogue, transition, section, synopsis
    text: str


_HEADING = re.compile(r"^\s*(?:\.(?!\.)|(?:INT|EXT|EST|INT\./EXT|I/E)[ .])", re.IGNORECASE)
_CHARACTER = re.compile(r"^\s*(?:@.+|[A-Z][A-Z0-9 .'\-]*(?:\s*\([^)]*\))?\s*\^?)$")
_TRANSITION = re.compile(r"^\s*(?:>.*|[A-Z ]+TO:)$")


def fountain_lines(text: str) -> list[ScriptLine]:
    """A Fountain scene read as screenplay elements, for the formatted preview (the template escapes every text)."""
    lines: list[ScriptLine] = []
    in_dialogue = False
    blocks = re.split(r"\n\s*\n", text.replace("\r\n", "\n").strip())
    for block in blocks:
        rows = [row for row in block.split("\n") if row.strip()]
        in_dialogue = False
        for index, row in enumerate(rows):
            stripped = row.strip()
            if index == 0 and _HEADING.match(row) and len(rows) == 1:
                lines.append(ScriptLine("heading", stripped.lstrip(".").upper()))
            elif stripped.startswith("#"):
                lines.append(ScriptLine("section", stripped.lstrip("#").strip()))
            elif stripped.startswith("="):
                lines.append(ScriptLine("synopsis", stripped.lstrip("=").strip()))
            elif index == 0 and _TRANSITION.match(row) and len(rows) == 1:
                lines.append(ScriptLine("transition", stripped.lstrip(">").strip()))
            elif index == 0 and len(rows) > 1 and _CHARACTER.match(row) and any(c.isalpha() for c in stripped):
                lines.append(ScriptLine("character", stripped.lstrip("@")))
                in_dialogue = True
            elif in_dialogue and stripped.startswith("("):
                lines.append(ScriptLine("parenthetical", stripped))
            elif in_dialogue:
                lines.append(ScriptLine("dialogue", stripped))
            else:
                lines.append(ScriptLine("action", stripped))
    return lines


def template_globals() -> dict[str, object]:
    """Helpers the studio's templates call (each returns data; the templates escape every text)."""
    from punchup.studio.ranking import confidence, craft_reasons
    from punchup.studio.steering import FORMATS
    from punchup.studio.structure import TEMPLATES, slots_for

    return {"diff": word_diff, "when": when, "fountain_lines": fountain_lines, "craft_reasons": craft_reasons,
            "confidence": confidence, "steer_formats": tuple(FORMATS), "structures": tuple(TEMPLATES),
            "slots_for": slots_for}
