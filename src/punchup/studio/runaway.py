"""Keeping a model's replacement the size of what it replaces: token budgets, repeats cut, length capped.

Small models asked to rewrite a 67-character joke can answer with 342
characters of one phrase repeated. A replacement is therefore (1) generated
under a token budget scaled to the selection, (2) cut where it starts to
repeat itself (a phrase three times running, or a sentence said again), and
(3) capped at a multiple of the selection's length, at a sentence end where
there is one. What was done is reported, so the writer knows.
"""

from __future__ import annotations

import re

GROWTH = 2.5  # a replacement may be this many times the selection (plus SLACK characters)
SLACK = 60
MAX_PHRASE_WORDS = 12
_SENTENCE_END = re.compile(r"[.!?…][\"')\]]*(?=\s|$)")


def token_budget(selection_chars: int) -> int:
    """Tokens for a replacement of a selection this long (about 4 characters a token, with room to grow)."""
    return max(24, min(1024, int(selection_chars * GROWTH / 3.5) + 24))


def length_limit(selection_chars: int) -> int:
    return int(selection_chars * GROWTH) + SLACK


def _cut_repeated_phrase(text: str) -> str | None:
    """Text with the first phrase said three or more times in a row kept once; None when there is none."""
    spans = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    words = [text[a:b].lower().strip(".,;:!?\"'") for a, b in spans]
    for i in range(len(words)):
        for size in range(1, MAX_PHRASE_WORDS + 1):
            if i + 3 * size > len(words):
                break
            phrase = words[i:i + size]
            if phrase == words[i + size:i + 2 * size] == words[i + 2 * size:i + 3 * size] and any(phrase):
                run_end = i + 3 * size
                while words[run_end:run_end + size] == phrase:
                    run_end += size
                kept = text[: spans[i + size - 1][1]]
                rest = text[spans[run_end - 1][1]:] if run_end < len(words) else ""
                return (kept + rest).rstrip()
    return None


def _cut_repeated_sentence(text: str) -> str | None:
    seen: set[str] = set()
    start = 0
    for match in _SENTENCE_END.finditer(text):
        sentence = " ".join(text[start:match.end()].lower().split())
        if len(sentence) > 3 and sentence in seen:
            return text[:start].rstrip()
        seen.add(sentence)
        start = match.end()
    return None


def _cap(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, limit + 1) if m.end() <= limit]
    if ends and ends[-1] >= limit // 3:
        return text[: ends[-1]]
    cut = text[:limit]
    return cut[: cut.rfind(" ")].rstrip() if " " in cut else cut


def contain(replacement: str, selection_chars: int) -> tuple[str, list[str]]:
    """The replacement with runaway repeats cut and its length capped; and notes on what was cut."""
    notes: list[str] = []
    text = replacement
    for cut, why in ((_cut_repeated_phrase, "a phrase repeated"), (_cut_repeated_sentence, "a sentence repeated")):
        shorter = cut(text)
        if shorter is not None and shorter.strip() and shorter != text:
            notes.append(f"cut {len(text) - len(shorter)} characters of {why}")
            text = shorter
    limit = length_limit(selection_chars)
    capped = _cap(text, limit)
    if capped != text and capped.strip():
        notes.append(f"cut to {len(capped)} characters (the selection is {selection_chars})")
        text = capped
    return text, notes
