"""Token-level access to a local llama.cpp model, for samplers that must steer single tokens.

The samplers hold their own `llama_cpp.Llama` (the same GGUF the `local/`
provider resolves), so they never share a context with the provider's
engine. `logits_after(tokens)` keeps the KV cache for the longest prefix it
has already evaluated: a rewind is just a shorter token list, and only what
changed is evaluated again.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, Sequence

import numpy as np

from punchup.errors import ModelError, PunchupError
from punchup.models.base import Message
from punchup.models.registry import split_model_id

DEFAULT_CONTEXT = 4096
# The local provider's llama.cpp defaults (top_k 40, min_p 0.05), so sampler texts are drawn
# from the same distribution as plain `local/` texts, apart from what the sampler changes.
TOP_K = 40
MIN_P = 0.05


class TokenBackend(Protocol):
    """What a token-level sampler needs from a model."""

    n_ctx: int

    def prompt_tokens(self, messages: list[Message]) -> list[int]: ...

    def piece(self, token: int) -> bytes: ...

    def is_end(self, token: int) -> bool: ...

    def logits_after(self, tokens: Sequence[int]) -> np.ndarray: ...

    def reset(self) -> None: ...


def pick_token(logits: np.ndarray, banned: set[int] | frozenset[int], temperature: float, top_p: float, u: float) -> int:
    """One token: greedy at temperature 0, else top-k, top-p, min-p, temperature, then the draw `u` in [0, 1)."""
    if banned:
        logits = logits.copy()
        logits[list(banned)] = -np.inf
    if temperature <= 0:
        return int(np.argmax(logits))
    k = min(TOP_K, logits.shape[0])
    top = np.argpartition(-logits, k - 1)[:k]
    top = top[np.argsort(-logits[top], kind="stable")]
    raw = logits[top].astype(np.float64)
    probs = np.exp(raw - raw[0])
    probs /= probs.sum()
    keep = int(np.searchsorted(np.cumsum(probs), top_p) + 1)
    keep = max(1, min(keep, int((probs >= MIN_P * probs[0]).sum())))
    scaled = np.exp((raw[:keep] - raw[0]) / temperature)
    cumulative = np.cumsum(scaled)
    return int(top[min(int(np.searchsorted(cumulative, u * cumulative[-1], side="right")), keep - 1)])


def draws(seed: int, n: int) -> np.ndarray:
    """One uniform draw per position: a rewind re-draws a position with the same number, so the
    same seed always gives the same text and a backtrack changes nothing before the phrase."""
    return np.random.default_rng(seed % 2**63).random(n)


class LlamaBackend:
    def __init__(self, path: Path, n_ctx: int = DEFAULT_CONTEXT, n_threads: int | None = None, lora: Path | None = None):
        from llama_cpp import Llama, llama_chat_format

        try:
            self.llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads or min(2, os.cpu_count() or 1),
                             verbose=False, seed=0, lora_path=str(lora) if lora else None)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"cannot load GGUF {path}: {exc}") from None
        self.n_ctx = n_ctx
        self.n_vocab = self.llm.n_vocab()
        template = self.llm.metadata.get("tokenizer.chat_template")
        if not template:
            raise ModelError(f"{path.name} has no chat template, which token-level samplers need to format messages")
        eos = self.llm.token_eos()
        self._formatter = llama_chat_format.Jinja2ChatFormatter(
            template=template, eos_token=self._token_text(eos), bos_token=self._token_text(self.llm.token_bos()),
            stop_token_ids=[eos])
        self._evaluated: list[int] = []
        self._pieces: dict[int, bytes] = {}

    def _token_text(self, token: int) -> str:
        return self.llm.detokenize([token], special=True).decode("utf-8", "replace") if token >= 0 else ""

    def prompt_tokens(self, messages: list[Message]) -> list[int]:
        prompt = self._formatter(messages=[m.model_dump() for m in messages]).prompt
        return self.llm.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)

    def piece(self, token: int) -> bytes:
        if token not in self._pieces:
            self._pieces[token] = self.llm.detokenize([token])
        return self._pieces[token]

    def is_end(self, token: int) -> bool:
        import llama_cpp

        return bool(llama_cpp.llama_vocab_is_eog(self.llm._model.vocab, token))

    def reset(self) -> None:
        """Forget the KV cache: llama.cpp's numbers differ slightly between a batch and single tokens, so
        every text evaluates its prompt afresh and the same seed always gives the same text."""
        self._evaluated = []

    def logits_after(self, tokens: Sequence[int]) -> np.ndarray:
        import llama_cpp

        shared = 0
        limit = min(len(tokens), len(self._evaluated))
        while shared < limit and tokens[shared] == self._evaluated[shared]:
            shared += 1
        shared = min(shared, len(tokens) - 1)  # the last token is always evaluated: its logits are the answer
        # Truncating n_tokens makes eval() drop the KV cache from there: the rewind.
        self.llm.n_tokens = shared
        self.llm.eval(list(tokens[shared:]))
        self._evaluated = list(tokens)
        row = llama_cpp.llama_get_logits_ith(self.llm.ctx, -1)
        return np.ctypeslib.as_array(row, shape=(self.n_vocab,)).copy()

    def close(self) -> None:
        self.llm.close()


_backends: dict[str, Any] = {}
_backends_lock = threading.Lock()


@dataclass(frozen=True)
class LocalWeights:
    """A local model's GGUF, plus the LoRA adapter of `local/BASE@lora=...` when there is one."""

    path: Path
    adapter: Path | None = None

    def label(self, model_id: str) -> str:
        """The model id with the adapter named by its content, so a retrained adapter never reuses old texts."""
        if self.adapter is None:
            return model_id
        from punchup.models.providers.local import file_digest

        return f"{model_id.partition('@lora=')[0]}@lora=sha256:{file_digest(self.adapter)[:16]}"


def local_gguf(model_id: str, sampler: str) -> LocalWeights:
    """The weights behind `local/NAME[@lora=...]`; any other provider gets one line saying why not (nothing loads)."""
    provider, name = split_model_id(model_id)
    if provider != "local":
        raise PunchupError(f"@{sampler} needs token-level control of the model, which only local/ (llama.cpp) "
                           f"models give; '{model_id}' cannot run it")
    from punchup.models.providers.local import file_digest, resolve_gguf

    base, marker, ref = name.partition("@lora=")
    path = resolve_gguf(base)
    if not marker:
        return LocalWeights(path)
    from punchup.improve.tune.adapters import resolve_adapter  # the provider's own resolution and checks

    return LocalWeights(path, resolve_adapter(ref, path, file_digest(path)))


def local_backend(weights: LocalWeights) -> TokenBackend:
    """This process's token backend for some weights, loaded on first use; one sampler model in memory at a time."""
    key = f"{weights.path.resolve()}|{weights.adapter.resolve() if weights.adapter else ''}"
    with _backends_lock:
        if key not in _backends:
            for backend in _backends.values():
                backend.close()
            _backends.clear()
            _backends[key] = LlamaBackend(weights.path, lora=weights.adapter)
        return _backends[key]


def close_backends() -> None:
    # Free the weights while the interpreter is intact: llama-cpp-python's __del__ fails noisily at shutdown.
    with _backends_lock:
        for backend in _backends.values():
            backend.close()
        _backends.clear()
