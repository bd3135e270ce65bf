"""Word tokenisation shared by every judge-free metric.

All metrics count "words" the same way so that per-1000-word rates and
n-gram statistics are comparable across metrics and across writers.
"""

from __future__ import annotations

import re

# Letters and digits, allowing inner apostrophes (straight or curly) so that
# "didn't" and "writer's" stay one word instead of splitting into fragments.
_WORD_PATTERN = re.compile(r"[^\W_]+(?:['\u2019][^\W_]+)*")


def words(text: str) -> list[str]:
    """Lowercased word tokens of ``text``, in order."""
    return [match.group(0).lower().replace("\u2019", "'") for match in _WORD_PATTERN.finditer(text)]


def word_count(text: str) -> int:
    """Number of word tokens in ``text`` (same tokenisation as :func:`words`)."""
    return sum(1 for _ in _WORD_PATTERN.finditer(text))
