"""The lines a punch-up pass works through: dialogue in a Fountain scene, sentences in prose and outlines."""

from __future__ import annotations

import re

_CUE = re.compile(r"^\s*[A-Z][A-Z0-9 .'\-]{0,40}(?:\s*\((?:V\.O\.|O\.S\.|O\.C\.|CONT'D)\))?\s*\^?$")
_SLUG = re.compile(r"^\s*\.?(?:INT|EXT|EST|I/E)[ .]", re.IGNORECASE)
_PAREN = re.compile(r"^\s*\(.*\)\s*$")
_SENTENCE = re.compile(r"[^.!?…\n]+[.!?…]+[\"'”’)]*|[^.!?…\n]+$", re.MULTILINE)


def dialogue_lines(script: str) -> list[tuple[int, int]]:
    """Spans of the dialogue lines (not cues, parentheticals, headings or action) of a Fountain scene."""
    spans: list[tuple[int, int]] = []
    in_dialogue = False
    offset = 0
    for line in script.split("\n"):
        stripped = line.strip()
        if not stripped:
            in_dialogue = False
        elif in_dialogue and not _PAREN.match(line):
            start = offset + (len(line) - len(line.lstrip()))
            spans.append((start, offset + len(line.rstrip())))
        elif not in_dialogue and _CUE.match(line) and not _SLUG.match(line) and any(c.isalpha() for c in stripped):
            in_dialogue = True
        offset += len(line) + 1
    return spans


def sentences(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _SENTENCE.finditer(text):
        raw = match.group(0)
        start = match.start() + (len(raw) - len(raw.lstrip()))
        end = match.start() + len(raw.rstrip())
        if end - start >= 12:
            spans.append((start, end))
    return spans


def pass_lines(text: str, kind: str, limit: int) -> list[tuple[int, int]]:
    """Up to `limit` spans for a pass, in text order: dialogue for scripts, else sentences (quoted speech first)."""
    if kind == "script":
        found = dialogue_lines(text)
        if found:
            return found[:limit]
    found = sentences(text)
    spoken = [s for s in found if any(q in text[s[0]:s[1]] for q in "\"“")]
    chosen = (spoken + [s for s in found if s not in spoken])[:limit]
    return sorted(chosen)
