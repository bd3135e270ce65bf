"""Vocabulary diversity within one text and across samples of one prompt.

Within a text, plain type-token ratio falls as texts get longer, so long
stories would look poorer than short ones; the moving-average TTR (MATTR)
measures it over fixed windows instead. Across samples, distinct-n and
pairwise overlap show mode collapse: a writer that tells the same story for
every seed.
"""

from __future__ import annotations

from collections import Counter
from itertools import combinations

from pydantic import BaseModel, ConfigDict

from punchup.metrics.length import words
from punchup.metrics.repetition import ngrams

MATTR_WINDOW = 50


def lexical_diversity(text: str, window: int = MATTR_WINDOW) -> float:
    """Moving-average type-token ratio over ``window``-word windows.

    Texts shorter than one window fall back to plain type-token ratio; a text
    without words scores 0.0.
    """
    tokens = words(text)
    if not tokens:
        return 0.0
    if len(tokens) <= window:
        return len(set(tokens)) / len(tokens)
    # Slide the window one token at a time, updating counts incrementally so
    # long texts stay linear rather than window * length.
    counts = Counter(tokens[:window])
    distinct_total = len(counts)
    for leaving, entering in zip(tokens, tokens[window:]):
        counts[leaving] -= 1
        if counts[leaving] == 0:
            del counts[leaving]
        counts[entering] += 1
        distinct_total += len(counts)
    window_count = len(tokens) - window + 1
    return distinct_total / (window_count * window)


class SampleDiversity(BaseModel):
    """Diversity across several generations for the same prompt.

    ``mean_pairwise_similarity`` is None when there are fewer than two
    samples, because similarity needs a pair.
    """

    model_config = ConfigDict(frozen=True)

    distinct_1: float
    distinct_2: float
    mean_pairwise_similarity: float | None


def _distinct_n(token_lists: list[list[str]], n: int) -> float:
    pooled = [gram for tokens in token_lists for gram in ngrams(tokens, n)]
    if not pooled:
        return 0.0
    return len(set(pooled)) / len(pooled)


def _jaccard(first: set[tuple[str, ...]], second: set[tuple[str, ...]]) -> float:
    union = first | second
    return len(first & second) / len(union) if union else 1.0


def _pair_similarity(first: list[str], second: list[str]) -> float:
    first_bigrams, second_bigrams = set(ngrams(first, 2)), set(ngrams(second, 2))
    if first_bigrams or second_bigrams:
        return _jaccard(first_bigrams, second_bigrams)
    # One-word (or empty) texts have no bigrams; compare their words instead
    # so "yes" vs "no" is not reported as identical.
    return _jaccard({(token,) for token in first}, {(token,) for token in second})


def sample_diversity(texts: list[str]) -> SampleDiversity:
    """Distinct-1/2 over the pooled samples and mean bigram Jaccard over all pairs.

    Identical samples give similarity 1.0 (mode collapse); samples sharing no
    word pairs give 0.0.
    """
    token_lists = [words(text) for text in texts]
    similarity: float | None = None
    if len(token_lists) >= 2:
        pair_scores = [_pair_similarity(first, second) for first, second in combinations(token_lists, 2)]
        similarity = sum(pair_scores) / len(pair_scores)
    return SampleDiversity(
        distinct_1=_distinct_n(token_lists, 1),
        distinct_2=_distinct_n(token_lists, 2),
        mean_pairwise_similarity=similarity,
    )
