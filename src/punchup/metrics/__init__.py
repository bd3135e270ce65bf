"""Judge-free metrics: cheap, deterministic signals computed from text alone.

They complement judge scores: slop and repetition flag generic or looping
prose, diversity flags mode collapse across samples, and the refusal
classifier keeps refusals from being scored as if they were stories.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from punchup.metrics.diversity import SampleDiversity, lexical_diversity, sample_diversity
from punchup.metrics.length import word_count, words
from punchup.metrics.refusal import RefusalLabel, RefusalVerdict, classify_refusal
from punchup.metrics.repetition import repeated_ngrams, repetition
from punchup.metrics.slop import SLOP_LIST_VERSION, SLOP_PHRASES, SlopScore, slop_index

__all__ = [
    "SLOP_LIST_VERSION",
    "SLOP_PHRASES",
    "RefusalLabel",
    "RefusalVerdict",
    "SampleDiversity",
    "SlopScore",
    "TextMetrics",
    "classify_refusal",
    "lexical_diversity",
    "repeated_ngrams",
    "repetition",
    "sample_diversity",
    "slop_index",
    "text_metrics",
    "word_count",
    "words",
]


class TextMetrics(BaseModel):
    """All single-text metrics for one generation.

    ``slop_list_version`` is kept so stored slop rates are only compared with
    rates computed from the same phrase list.
    """

    model_config = ConfigDict(frozen=True)

    words: int
    slop_per_1000: float
    slop_phrases: list[str]
    repetition_3gram: float
    lexical_diversity: float
    refusal: RefusalVerdict
    slop_list_version: str = SLOP_LIST_VERSION


def text_metrics(text: str) -> TextMetrics:
    """Compute every judge-free single-text metric for one generation."""
    slop = slop_index(text)
    return TextMetrics(
        words=slop.words,
        slop_per_1000=slop.hits_per_1000_words,
        slop_phrases=slop.phrases,
        repetition_3gram=repetition(text, n=3),
        lexical_diversity=lexical_diversity(text),
        refusal=classify_refusal(text),
    )
