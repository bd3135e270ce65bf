"""Where characters speak: quoted dialogue and Fountain dialogue blocks, which the weaker rules ignore."""

from __future__ import annotations

import re

_FOUNTAIN_CUE = re.compile(r"@?[A-Z][A-Z0-9 .'\-]*[A-Z0-9.]\s*(?:\([^)]*\))?\s*\^?")
_SCENE_HEADING = re.compile(r"(?:INT|EXT|EST|I/E|INT\./EXT)[. ]")


def speech_spans(text: str) -> list[tuple[int, int]]:
    """Character offsets of quoted dialogue and of Fountain dialogue blocks.

    Words a character says to another character are not the text addressing its
    judge, so the weaker rules ignore matches that start inside these spans.
    """
    spans: list[tuple[int, int]] = []
    offset = 0
    for paragraph in re.split(r"(\n\s*\n)", text):  # a quote left open ends with its paragraph
        if paragraph.strip():
            opened: int | None = None
            for index, char in enumerate(paragraph):
                if char == '"':
                    if opened is None:
                        opened = index
                    else:
                        spans.append((offset + opened, offset + index + 1))
                        opened = None
        offset += len(paragraph)

    lines = text.split("\n")
    position = 0
    in_block = False
    previous_blank = True
    for line in lines:
        stripped = line.strip()
        if not stripped:
            in_block = False
        elif in_block:
            spans.append((position, position + len(line)))
        elif (
            previous_blank
            and len(stripped) <= 40
            and ":" not in stripped
            and _FOUNTAIN_CUE.fullmatch(stripped)
            and not _SCENE_HEADING.match(stripped)
            and not stripped.endswith("TO")
        ):
            in_block = True
        previous_blank = not stripped
        position += len(line) + 1
    return spans
