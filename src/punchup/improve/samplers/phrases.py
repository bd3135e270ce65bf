"""The phrases antislop refuses to write: punchup's versioned slop list, or a user's own file.

A phrase counts as written only once it is complete: followed by a character
that cannot continue the word, or at the end of a finished text. "hues of" at
the very end of an unfinished text might still become "hues often", so the
sampler waits one more token before rewinding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from punchup.errors import PunchupError
from punchup.metrics.slop import SLOP_LIST_VERSION, slop_spans
from punchup.util.hashing import content_key
from punchup.util.textfiles import read_user_text

# Phrases are short; scanning the tail of the text keeps each check cheap on long texts.
SCAN_WINDOW_CHARS = 400
MAX_PHRASES = 20000


@dataclass(frozen=True)
class Span:
    label: str
    start: int  # character offsets in the scanned text
    end: int


class PhraseList:
    """Finds banned phrases in generated text; `id` names the list in cache keys and reports."""

    def __init__(self, id: str, pattern: re.Pattern[str] | None = None):
        self.id = id
        self._pattern = pattern  # None: the built-in slop list

    @classmethod
    def slop(cls) -> "PhraseList":
        return cls(f"slop-v{SLOP_LIST_VERSION}")

    @classmethod
    def from_file(cls, path: Path) -> "PhraseList":
        text = read_user_text(path, "antislop phrase file")
        phrases = sorted({_normalise(line) for line in text.splitlines() if _normalise(line) and not line.lstrip().startswith("#")},
                         key=lambda p: (-len(p), p))  # longest first: the alternation prefers the fuller phrase
        if not phrases:
            raise PunchupError(f"antislop phrase file {path} has no phrases (one phrase per line, '#' starts a comment)")
        if len(phrases) > MAX_PHRASES:
            raise PunchupError(f"antislop phrase file {path} has {len(phrases)} phrases; at most {MAX_PHRASES} are supported")
        alternatives = "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in phrases)
        # \b only where the phrase edge is a word character, so phrases like "...!" still match.
        pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        return cls(f"file-{content_key(phrases)[:12]}", pattern)

    def spans(self, text: str, start: int = 0) -> Iterator[Span]:
        if self._pattern is None:
            yield from (Span(label, s, e) for label, s, e in slop_spans(text, start))
            return
        for match in self._pattern.finditer(text, start):
            yield Span(_normalise(match.group(0)), match.start(), match.end())

    def completed(self, text: str, finished: bool) -> Span | None:
        """The first banned phrase in `text` that can no longer grow into something else."""
        for span in self.spans(text, max(0, len(text) - SCAN_WINDOW_CHARS)):
            if span.end < len(text) or finished:
                return span
        return None


def _normalise(phrase: str) -> str:
    return " ".join(phrase.replace("\u2019", "'").split()).lower()
