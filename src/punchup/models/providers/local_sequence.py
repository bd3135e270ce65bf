"""One request's life inside the batching engine: its sampler chain, its tokens, its stop rules.

Everything here depends only on the request (its prompt, sampling parameters
and seed), never on the other sequences sharing the batch: that is what makes a
request's text the same whether it ran alone or beside seven others.

The text rules follow llama-cpp-python's `create_completion`, so the batched
provider writes what the single-sequence one did: end-of-generation tokens stop
without appearing, a stop string cuts the text before it, a token that leaves a
UTF-8 character unfinished is not checked until the character is complete,
`max_tokens` (clamped to the context window) ends with finish reason "length".
"""

from __future__ import annotations

import ctypes
import json
import threading
import time
import weakref
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

import llama_cpp

from punchup.models.base import GenerateConfig

# The sampling defaults of llama-cpp-python's create_chat_completion, which this provider used to call:
# keeping them keeps a seed's text what it was.
TOP_K = 40
MIN_P = 0.05
TYPICAL_P = 1.0


@dataclass
class Request:
    """What a caller asked for, handed from the event loop to the engine thread."""

    messages: list[dict[str, str]]
    config: GenerateConfig
    future: Future[dict[str, Any]] = field(default_factory=Future)
    submitted: float = field(default_factory=time.perf_counter)
    # Set from the caller's side when it stops waiting (a cancelled task): the engine drops the sequence.
    cancelled: threading.Event = field(default_factory=threading.Event)
    # Called from the engine thread with the text so far after each token (see punchup.models.text_stream).
    on_text: Callable[[str], None] | None = None


@lru_cache(maxsize=64)
def _grammar(schema_json: str) -> tuple[bytes, bytes]:
    from llama_cpp.llama_grammar import LlamaGrammar

    grammar = LlamaGrammar.from_json_schema(schema_json, verbose=False)
    return grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")


def build_sampler(vocab: Any, config: GenerateConfig) -> Any:
    """A sampler chain of this request's own: its grammar state and its random stream (seeded) are nobody else's."""
    chain = llama_cpp.llama_sampler_chain_init(llama_cpp.llama_sampler_chain_default_params())
    add = lambda sampler: llama_cpp.llama_sampler_chain_add(chain, sampler)  # noqa: E731
    if config.json_schema is not None:
        text, root = _grammar(json.dumps(config.json_schema))
        grammar = llama_cpp.llama_sampler_init_grammar(vocab, text, root)
        if not grammar:
            llama_cpp.llama_sampler_free(chain)
            raise ValueError("the JSON schema could not be turned into a grammar")
        add(grammar)
    if config.temperature == 0.0:
        add(llama_cpp.llama_sampler_init_greedy())
    else:
        add(llama_cpp.llama_sampler_init_top_k(TOP_K))
        add(llama_cpp.llama_sampler_init_typical(TYPICAL_P, 1))
        add(llama_cpp.llama_sampler_init_top_p(config.top_p, 1))
        add(llama_cpp.llama_sampler_init_min_p(MIN_P, 1))
        add(llama_cpp.llama_sampler_init_temp(config.temperature))
        add(llama_cpp.llama_sampler_init_dist(config.seed & 0xFFFFFFFF))
    return chain


_PIECES: "weakref.WeakKeyDictionary[Any, dict[int, bytes]]" = weakref.WeakKeyDictionary()  # per loaded model


def _piece(model: Any, token: int) -> bytes:
    """A token's bytes as llama-cpp-python's detokenize appends them (remembered: a vocabulary never changes)."""
    table = _PIECES.setdefault(model, {})
    if token not in table:
        size = 32
        while True:
            buffer = (ctypes.c_char * size)()
            n = llama_cpp.llama_token_to_piece(model.vocab, token, buffer, size, 0, False)
            if n >= 0:
                table[token] = bytes(buffer[:n])
                break
            size = -n  # the piece needs this many bytes
    return table[token]


def _unfinished_utf8(text: bytes) -> int:
    """How many more bytes the last (multi-byte) character needs, as create_completion counts them."""
    missing = 0
    tail = text[-3:]
    for k, char in enumerate(tail):
        k = len(tail) - k
        for num, pattern in ((2, 192), (3, 224), (4, 240)):
            if num > k and pattern & char == pattern:
                missing = num - k
    return missing


def _without_stop_prefix(text: bytes, stops: list[bytes]) -> bytes:
    """`text` less any tail that is the beginning of a stop string."""
    keep = len(text)
    for stop in stops:
        for size in range(min(len(stop) - 1, len(text)), 0, -1):
            if text.endswith(stop[:size]):
                keep = min(keep, len(text) - size)
                break
    return text[:keep]


FILLER_TOKEN = 0  # any id in the vocabulary: a filler row sits in a stream no decoding row reads, and is removed


class Sequence:
    """A request admitted to the batch under one sequence id (its own KV stream)."""

    def __init__(self, request: Request, seq_id: int, prompt: list[int], stops: list[str], max_tokens: int,
                 sampler: Any, model: Any):
        self.request = request
        self.seq_id = seq_id
        self.prompt = prompt
        self.stops = [s.encode("utf-8") for s in stops if s]
        self.max_tokens = max_tokens
        self.sampler = sampler
        self.model = model  # llama_cpp's internal LlamaModel: detokenize and end-of-generation tokens
        self.fed = 0  # prompt tokens already sent to the model
        self.completion: list[int] = []
        self.pending: int | None = None  # a sampled token not yet fed back
        self.output_index = -1  # row of this sequence's logits in the batch just decoded, -1 if none
        self._multibyte_wait = 0
        self._raw = b""  # the completion's token pieces, appended one by one (detokenizing it all is O(n) a step)
        self.text = b""
        self.finish_reason: str | None = None

    @property
    def prefilling(self) -> bool:
        return self.fed < len(self.prompt)

    @property
    def position(self) -> int:
        """Where the pending (last sampled) token goes: right after the prompt and the tokens before it."""
        return len(self.prompt) + len(self.completion) - 1

    def sample(self, ctx: Any) -> None:
        token = llama_cpp.llama_sampler_sample(self.sampler, ctx, self.output_index)
        self.output_index = -1
        self._accept(token)

    def _accept(self, token: int) -> None:
        if llama_cpp.llama_vocab_is_eog(self.model.vocab, token):
            self._finish(self._detokenized(), "stop")
            return
        self.completion.append(token)
        self.pending = token
        self._raw += _piece(self.model, token)
        text = self._detokenized()
        if (missing := _unfinished_utf8(text)) > 0:
            self._multibyte_wait = missing
        if self._multibyte_wait > 0:
            self._multibyte_wait -= 1
            return  # as create_completion: not even the max_tokens check until the character is whole
        found = [s for s in self.stops if s in text]
        if found:
            self._finish(text[: text.index(found[0])], "stop")
        elif len(self.completion) >= self.max_tokens:
            self._finish(text, "length")
        elif self.request.on_text is not None:
            # Text that could still turn out to start a stop string is held back, so nothing streamed is ever
            # taken back by the finished text.
            self.request.on_text(_without_stop_prefix(text, self.stops).decode("utf-8", errors="ignore"))

    def _detokenized(self) -> bytes:
        """What llama-cpp-python's detokenize(completion) gives, without going over every token again."""
        starts_with_bos = bool(self.completion) and self.completion[0] == self.model.token_bos()
        return self._raw[1:] if starts_with_bos and self._raw[:1] == b" " else self._raw

    def _finish(self, text: bytes, reason: str) -> None:
        self.text = text
        self.finish_reason = reason
        self.pending = None

    @property
    def finished(self) -> bool:
        return self.finish_reason is not None

    def result(self) -> dict[str, Any]:
        return {
            "text": self.text.decode("utf-8", errors="ignore"),
            "finish_reason": self.finish_reason or "stop",
            "prompt_tokens": len(self.prompt),
            "completion_tokens": len(self.completion),
            "latency_s": time.perf_counter() - self.request.submitted,
        }

    def close(self) -> None:
        if self.sampler is not None:
            llama_cpp.llama_sampler_free(self.sampler)
            self.sampler = None


def _put(batch: Any, n: int, token: int, pos: int, seq_id: int, logits: bool) -> None:
    batch.token[n] = token
    batch.pos[n] = pos
    batch.n_seq_id[n] = 1
    batch.seq_id[n][0] = seq_id
    batch.logits[n] = logits


def fill_decode(batch: Any, sequences: list[Sequence], fillers: list[tuple[int, int]] | None = None) -> int:
    """One decode step's tokens: every given sequence's last sampled token, and filler rows (slot, position)
    without logits, all in slot order (llama.cpp groups consecutive sequence ids into one micro-batch)."""
    rows = sorted([(seq.seq_id, seq.position, seq) for seq in sequences] +
                  [(slot, position, None) for slot, position in fillers or []], key=lambda row: row[:2])
    for n, (slot, position, seq) in enumerate(rows):
        if seq is None:
            _put(batch, n, FILLER_TOKEN, position, slot, False)
        else:
            seq.output_index = n
            _put(batch, n, seq.pending, position, slot, True)
            seq.pending = None
    batch.n_tokens = len(rows)
    return len(rows)


def fill_prefill(batch: Any, seq: Sequence, capacity: int) -> int:
    """The next chunk of one sequence's prompt (up to `capacity` tokens); the last prompt token asks for logits.

    No chunk is a single token unless the whole prompt is: llama.cpp decodes a one-token chunk with another
    attention kernel, whose logits differ from those of the same token in a longer chunk (local_prefix.py).
    """
    end = min(len(seq.prompt), seq.fed + capacity)
    if len(seq.prompt) - end == 1 and end - seq.fed > 1:
        end -= 1
    for n, pos in enumerate(range(seq.fed, end)):
        _put(batch, n, seq.prompt[pos], pos, seq.seq_id, pos == len(seq.prompt) - 1)
    batch.n_tokens = end - seq.fed
    seq.fed = end
    seq.output_index = batch.n_tokens - 1 if not seq.prefilling else -1
    return batch.n_tokens
