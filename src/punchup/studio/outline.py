"""Reading structure out of node texts: beat entries, scene cards, story bible names.

Models (small ones especially) do not always follow the requested shape, so
every parser has a documented fallback instead of failing the writer.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

_NUMBERED = re.compile(r"^\s*(?:\*\*)?(?:beat\s*)?(\d{1,3})\s*[.):\-]\s*(?:\*\*)?\s*(.*)$", re.IGNORECASE)
_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_FENCE = re.compile(r"^\s*```[\w-]*\s*$")
SLUG = re.compile(r"^\s*\.?((?:INT\.?/EXT|INT|EXT|EST|I/E)[ .].*)$", re.IGNORECASE)
_FIELD = re.compile(r"^\s*(?:\*\*)?(purpose|characters|people)(?:\*\*)?\s*:\s*(.*)$", re.IGNORECASE)
_BIBLE_NAME = re.compile(r"^\s*(?:[-*•]\s*)?(?:\d+[.)]\s*)?(?:PLACE:\s*)?([A-Z][A-Z0-9 .'\-]{1,40}?)\s*(?:—|–|-|:)\s+\S")


def clean_generation(text: str) -> str:
    """Drop markdown code fences and surrounding blank space a model wraps its answer in."""
    lines = [line for line in text.strip().splitlines() if not _FENCE.match(line)]
    return "\n".join(lines).strip()


def strip_prompt_echo(text: str, prompt: str) -> str:
    """Drop trailing lines that only repeat the prompt (small models echo its instructions at the end).

    Only the end: a draft rightly opens on lines the prompt gave it (a scene heading from the card)."""
    said = {" ".join(line.split()).lower() for line in prompt.splitlines() if len(line.strip()) >= 20}

    def echoed(line: str) -> bool:
        flat = " ".join(line.split()).lower()
        flat = _NUMBERED.sub(r"\2", flat) if _NUMBERED.match(flat) else flat
        return len(flat) >= 20 and any(flat in instruction or instruction in flat for instruction in said)

    lines = text.rstrip().splitlines()
    while lines and (not lines[-1].strip() or echoed(lines[-1])):
        lines.pop()
    return "\n".join(lines).strip()


def beat_entries(beats: str) -> list[str]:
    """The entries of a beats outline: a numbered list ("1. ...", "2) ..."), with wrapped lines joined.

    Fallbacks, in order: a bulleted list; then every non-blank line.
    """
    entries: list[str] = []
    for line in beats.splitlines():
        match = _NUMBERED.match(line)
        if match and match.group(2).strip():
            entries.append(match.group(2).strip())
        elif entries and line.strip() and not _BULLET.match(line):
            entries[-1] = f"{entries[-1]} {line.strip()}"
        elif entries and not line.strip():
            continue
    if entries:
        return entries
    bullets = [m.group(1).strip() for m in map(_BULLET.match, beats.splitlines()) if m and m.group(1).strip()]
    if bullets:
        return bullets
    return [line.strip() for line in beats.splitlines() if line.strip()]


class SceneCard(BaseModel):
    heading: str | None = None  # INT./EXT. line, upper-cased
    purpose: str = ""
    characters: list[str] = Field(default_factory=list)


def parse_scene_card(text: str) -> SceneCard:
    """Heading, purpose and characters present from a scene node's text (any missing part stays empty)."""
    card = SceneCard()
    loose: list[str] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        slug = SLUG.match(line)
        field = _FIELD.match(line)
        if slug and card.heading is None:
            card.heading = slug.group(1).strip().upper()
        elif field and field.group(1).lower() == "purpose":
            card.purpose = field.group(2).strip()
        elif field:
            card.characters = [c.strip().upper() for c in re.split(r",|;| and ", field.group(2)) if c.strip()]
        else:
            loose.append(line.strip())
    if not card.purpose and loose:
        card.purpose = " ".join(loose)
    return card


def bible_names(characters: str) -> list[str]:
    """Names at the start of "NAME — traits" lines of the story bible, in order."""
    names: list[str] = []
    for line in characters.splitlines():
        match = _BIBLE_NAME.match(line)
        if match and match.group(1).strip() not in names:
            names.append(match.group(1).strip())
    return names


def excerpt(text: str | None, width: int = 70) -> str:
    if not text:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"
