"""How much of a text reads as a Fountain screenplay scene, without a parser library.

Fountain's own rules, checked line by line: a scene heading (INT./EXT. ...),
action paragraphs, and dialogue blocks that open with a CHARACTER cue in
capitals on its own line, directly followed by the spoken line. A shot list, a
prose story or a chat answer scores near 0; a well-formed scene near 1. What
the lines say is not judged here, only that the scene is laid out so a
production could read it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADING = re.compile(r"^\s*(?:\.(?=[A-Z])|(?:INT|EXT|EST|INT\.?/EXT|I/E)[. ])", re.IGNORECASE)
# A cue: capitals (with digits, spaces, apostrophes, periods, hyphens), an optional (V.O.)/(CONT'D), optional ^.
_CUE = re.compile(r"^\s*@?(?=[^a-z]*[A-Z])[A-Z0-9 .'\-]{2,38}(?:\s*\([^)\n]{1,20}\))?\s*\^?\s*$")
_TRANSITION = re.compile(r"^\s*(?:[A-Z ]+ TO:|>.*|FADE (?:IN|OUT)\.?:?)\s*$")
_PARENTHETICAL = re.compile(r"^\s*\([^)\n]*\)\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[-*\u2022])\s+")


@dataclass(frozen=True)
class FountainShape:
    headings: int
    cues: int  # dialogue blocks: a cue followed directly by a spoken line
    action_lines: int
    list_lines: int  # numbered or bulleted lines: a shot list or notes, not a scene
    lines: int

    @property
    def validity(self) -> float:
        """0..1: heading present, dialogue blocks present, mostly scene lines rather than list lines."""
        if not self.lines:
            return 0.0
        heading = 1.0 if self.headings else 0.0
        dialogue = min(1.0, self.cues / 3)
        listed = self.list_lines / self.lines
        return round(max(0.0, 0.35 * heading + 0.45 * dialogue + 0.2 * (self.action_lines > 0) - listed), 3)


def fountain_shape(text: str) -> FountainShape:
    lines = text.replace("\r\n", "\n").split("\n")
    headings = cues = action = listed = nonblank = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        nonblank += 1
        previous_blank = index == 0 or not lines[index - 1].strip()
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if _LIST_ITEM.match(line):
            listed += 1
        elif _HEADING.match(stripped) and previous_blank:
            headings += 1
        elif (previous_blank and following and _CUE.match(stripped) and not _TRANSITION.match(stripped)
              and len(stripped.split()) <= 4):
            cues += 1
        elif _PARENTHETICAL.match(stripped) or _TRANSITION.match(stripped):
            continue
        elif previous_blank:
            action += 1
    return FountainShape(headings=headings, cues=cues, action_lines=action, list_lines=listed, lines=nonblank)
