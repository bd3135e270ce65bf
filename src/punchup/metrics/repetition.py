"""Within-text repetition: how much of a text re-uses its own word n-grams.

Looping or padded generations repeat multi-word phrases; healthy prose
rarely repeats the same three words in a row, so the share of repeated
trigrams separates the two without needing a judge.
"""

from __future__ import annotations

from collections import Counter

from punchup.metrics.length import words


def ngrams(tokens: list[str], n: int) -> list[tuple[str, ...]]:
    """Consecutive n-grams of ``tokens`` (empty when there are fewer than n tokens)."""
    if n < 1:
        raise ValueError(f"n-gram size must be at least 1, got {n}")
    return [tuple(tokens[start : start + n]) for start in range(len(tokens) - n + 1)]


def repetition(text: str, n: int = 3) -> float:
    """Share of the text's word n-grams that repeat an n-gram seen earlier in it.

    0.0 means every n-gram is new; values near 1.0 mean the text loops. A
    text too short to contain two n-grams scores 0.0, since nothing could
    have repeated.
    """
    grams = ngrams(words(text), n)
    if len(grams) < 2:
        return 0.0
    seen: set[tuple[str, ...]] = set()
    repeats = 0
    for gram in grams:
        if gram in seen:
            repeats += 1
        else:
            seen.add(gram)
    return repeats / len(grams)


def repeated_ngrams(text: str, n: int = 3, top: int = 5) -> list[tuple[str, int]]:
    """The ``top`` most frequent n-grams occurring more than once, as (phrase, count).

    Ties keep first-appearance order so explanations are stable.
    """
    counts = Counter(ngrams(words(text), n))
    # Counter preserves insertion order, and sorted() is stable, so equal
    # counts stay in the order they first appeared.
    repeated = sorted(((gram, count) for gram, count in counts.items() if count > 1), key=lambda item: -item[1])
    return [(" ".join(gram), count) for gram, count in repeated[:top]]
