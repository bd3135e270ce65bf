"""A toy token backend for unit tests of the decoding logic: a bigram model over a dozen word tokens.

Each token's successors are ranked; every other token follows in vocabulary
order, far behind, so greedy decoding after a ban is predictable.
"""

from __future__ import annotations

from typing import Sequence

import numpy as np

from punchup.models.base import Message

VOCAB = ["<end>", ".", " A", " The", " shiver", " chill", " down", " her", " spine", " back", " cat", " sat", " caf\u00e9"]
END = 0
PROMPT = [99]  # one pseudo prompt token, outside the vocabulary

SUCCESSORS = {
    99: [" A", " The"],
    " A": [" shiver", " chill", " cat"],
    " The": [" cat"],
    " shiver": [" down"],
    " chill": [" down"],
    " down": [" her"],
    " her": [" spine", " back"],
    " spine": ["."],
    " back": ["."],
    " cat": [" sat"],
    " sat": ["."],
    ".": ["<end>"],
}


class ToyBackend:
    n_ctx = 64

    def __init__(self) -> None:
        self.evaluated: list[list[int]] = []  # every sequence asked about, for tests of the rewind

    def prompt_tokens(self, messages: list[Message]) -> list[int]:
        return list(PROMPT)

    def piece(self, token: int) -> bytes:
        return VOCAB[token].encode("utf-8") if token != END else b""

    def is_end(self, token: int) -> bool:
        return token == END

    def reset(self) -> None:
        self.evaluated.append([])  # marks where a new text starts

    def logits_after(self, tokens: Sequence[int]) -> np.ndarray:
        self.evaluated.append(list(tokens))
        last = tokens[-1]
        key = last if last == 99 else VOCAB[last]
        logits = -np.arange(len(VOCAB), dtype=np.float32) - 20.0  # everything else: far behind, in vocabulary order
        for rank, word in enumerate(SUCCESSORS.get(key, ["<end>"])):
            logits[VOCAB.index(word)] = 10.0 - 1.0 * rank
        return logits


def ids(*words: str) -> list[int]:
    return [VOCAB.index(w) for w in words]
