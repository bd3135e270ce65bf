"""Text -> standardisable vectors for reward models: the `[embed]` extra's MiniLM sentence encoder.

Vectors are memoised per text in this process: a calibration judges every pair in
both orders and a bench scores each text against several rivals.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from punchup.judging.heuristic.embeddings import embed

_MEMO: dict[str, np.ndarray] = {}
MEMO_LIMIT = 20000


def embed_texts(texts: Sequence[str]) -> np.ndarray:
    missing = list(dict.fromkeys(t for t in texts if t not in _MEMO))
    if missing:
        if len(_MEMO) + len(missing) > MEMO_LIMIT:
            _MEMO.clear()
        for text, vector in zip(missing, embed(missing)):
            _MEMO[text] = vector
    return np.array([_MEMO[t] for t in texts])
