"""The token-by-token loop behind @antislop and @unusual: sample, check, and rewind when a banned phrase completes.

Antislop (after sam-paech's antislop sampler): when a banned phrase is
complete, cut the text back to the token where the phrase began, forbid that
token at that position, and continue from there. Forbidding the whole phrase's
first token only at that one position keeps everything else the model knows
how to write; a plain token ban would forbid the word everywhere. Backtracks
are bounded per text, so a model that keeps reaching for slop still finishes.

Unusual: a temperature schedule, hot for the opening (the first sentence, or
a number of tokens) and cool after, so the surprise is chosen once and then
followed through.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from punchup.improve.samplers.phrases import PhraseList
from punchup.improve.samplers.tokens import TokenBackend, draws, pick_token

# The end of the first sentence: terminal punctuation (maybe closing quotes) then space, or a line break after text.
_SENTENCE_END = re.compile(r"\S[.!?\u2026][\"')\]\u201d\u2019]*\s|\S\s*\n")


@dataclass(frozen=True)
class Schedule:
    """Temperature `hot` for the opening, `cool` after. opening: "sentence" or a token count."""

    hot: float
    cool: float
    opening: str | int = "sentence"
    max_opening_tokens: int = 64  # a sentence that never ends stops being the opening here

    def in_opening(self, position: int, text: str) -> bool:
        if isinstance(self.opening, int):
            return position < self.opening
        return position < self.max_opening_tokens and _SENTENCE_END.search(text) is None


@dataclass(frozen=True)
class DecodeSettings:
    temperature: float
    top_p: float
    max_tokens: int
    seed: int
    stop: tuple[str, ...] = ()
    phrases: PhraseList | None = None
    max_backtracks: int = 0
    schedule: Schedule | None = None


@dataclass
class Decoded:
    text: str
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int
    backtracks: int = 0
    tokens_regenerated: int = 0
    phrases_avoided: Counter[str] = field(default_factory=Counter)
    budget_exhausted: bool = False
    opening: str | None = None  # the text written hot, for @unusual

    def trace(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        if self.opening is not None:
            data["opening"] = self.opening
        return {**data, "backtracks": self.backtracks, "tokens_regenerated": self.tokens_regenerated,
                "phrases_avoided": dict(sorted(self.phrases_avoided.items())), "backtrack_budget_exhausted": self.budget_exhausted}


class _Text:
    """The generated tokens, their text, and where each token starts in it (for mapping a phrase back to a token)."""

    def __init__(self, backend: TokenBackend):
        self.backend = backend
        self.tokens: list[int] = []
        self.starts: list[int] = []  # character offset of each token's first character
        self._bytes = b""
        self.text = ""

    def append(self, token: int) -> None:
        self.starts.append(len(self.text))
        self.tokens.append(token)
        self._bytes += self.backend.piece(token)
        self.text = self._bytes.decode("utf-8", "ignore")  # a split multi-byte character waits for its next token

    def cut(self, position: int) -> None:
        for token in self.tokens[position:]:
            self._bytes = self._bytes[: len(self._bytes) - len(self.backend.piece(token))]
        del self.tokens[position:], self.starts[position:]
        self.text = self._bytes.decode("utf-8", "ignore")

    def token_at(self, char: int) -> int:
        """The token whose text contains character `char`."""
        position = 0
        for i, start in enumerate(self.starts):
            if start > char:
                break
            position = i
        return position


def decode(backend: TokenBackend, prompt: list[int], settings: DecodeSettings) -> Decoded:
    if len(prompt) >= backend.n_ctx:
        from punchup.errors import ModelError

        raise ModelError(f"the prompt ({len(prompt)} tokens) does not fit the context window ({backend.n_ctx})")
    out = _Text(backend)
    backend.reset()
    # The prompt is evaluated once, as one batch; a rewind to the very start reuses these logits, since
    # evaluating the prompt's last token alone would give slightly different numbers.
    first_logits = backend.logits_after(prompt)
    uniform = draws(settings.seed, settings.max_tokens)
    banned: dict[int, set[int]] = {}  # position -> tokens forbidden there (valid while the text before it is unchanged)
    result = Decoded(text="", finish_reason="length", prompt_tokens=len(prompt), completion_tokens=0)
    schedule, phrases = settings.schedule, settings.phrases
    opening_end: int | None = None
    stop_at = -1
    while len(out.tokens) < settings.max_tokens and len(prompt) + len(out.tokens) < backend.n_ctx:
        position = len(out.tokens)
        temperature = settings.temperature
        if schedule is not None:
            hot = schedule.in_opening(position, out.text)
            temperature = schedule.hot if hot else schedule.cool
            if not hot and opening_end is None:
                opening_end = position
        logits = first_logits if position == 0 else backend.logits_after(prompt + out.tokens)
        token = pick_token(logits, banned.get(position, set()), temperature, settings.top_p, float(uniform[position]))
        finished = backend.is_end(token)
        if not finished:
            out.append(token)
        stop_at = min((i for i in (out.text.find(s) for s in settings.stop) if i >= 0), default=-1)
        finished = finished or stop_at >= 0
        if phrases is not None and not result.budget_exhausted:
            span = phrases.completed(out.text if stop_at < 0 else out.text[:stop_at], finished)
            if span is not None:
                if result.backtracks >= settings.max_backtracks:
                    result.budget_exhausted = True
                else:
                    start = out.token_at(span.start)
                    banned = {p: tokens for p, tokens in banned.items() if p <= start}
                    banned.setdefault(start, set()).add(out.tokens[start])
                    result.backtracks += 1
                    result.tokens_regenerated += len(out.tokens) - start
                    result.phrases_avoided[span.label] += 1
                    out.cut(start)
                    if opening_end is not None and opening_end > start:
                        opening_end = None
                    continue
        if finished:
            result.finish_reason = "stop"
            break
    text = out.text[:stop_at] if stop_at >= 0 else out.text
    result.text = text
    result.completion_tokens = len(out.tokens)
    if schedule is not None:
        result.opening = out.text[: out.starts[opening_end]] if opening_end is not None and opening_end < len(out.starts) else text
    return result
