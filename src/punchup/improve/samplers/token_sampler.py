"""A local model sampled token by token: @antislop, @unusual, or both in one pass.

It is a Model like any other (so it is cached through the Store, seeded, and
benched), named after its base model and its settings, so a changed phrase
list or schedule never reuses an old text.
"""

from __future__ import annotations

import asyncio
import atexit
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from punchup.errors import ModelError
from punchup.improve.samplers.decode import DecodeSettings, Schedule, decode
from punchup.improve.samplers.phrases import PhraseList
from punchup.improve.samplers.settings import AntislopSettings, UnusualSettings
from punchup.improve.samplers.tokens import TokenBackend, close_backends, local_backend, local_gguf
from punchup.models.base import GenerateConfig, Generation, Message, Model

# Bump when the decoding loop changes what it writes: cached texts of the old loop are then not reused.
ALGORITHM_VERSION = "1"

# llama.cpp contexts are not re-entrant: every token-level sampler of the process takes turns on one thread.
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="punchup-sampler")
atexit.register(close_backends)


def phrase_list(settings: AntislopSettings) -> PhraseList:
    return PhraseList.from_file(Path(settings.phrases)) if settings.phrases else PhraseList.slop()


def schedule(settings: UnusualSettings) -> Schedule:
    return Schedule(hot=settings.hot, cool=settings.cool, opening=settings.opening)


class TokenSamplerModel(Model):
    def __init__(self, model_id: str, antislop: AntislopSettings | None = None, unusual: UnusualSettings | None = None,
                 backend: Callable[[], TokenBackend] | None = None):
        if antislop is None and unusual is None:
            raise ValueError("a token sampler needs antislop or unusual settings")
        sampler = "antislop" if antislop is not None else "unusual"
        label = model_id
        if backend is None:
            weights = local_gguf(model_id, sampler)  # one clear line for non-local providers, before anything loads
            label = weights.label(model_id)
            backend = lambda: local_backend(weights)  # noqa: E731 - loaded on the sampler thread, on first use
        self._backend = backend
        self.base = model_id
        self.phrases = phrase_list(antislop) if antislop is not None else None
        self.max_backtracks = antislop.max_backtracks if antislop is not None else 0
        self.schedule = schedule(unusual) if unusual is not None else None
        parts = []
        if self.phrases is not None:
            parts.append(f"@antislop({self.phrases.id},backtracks={self.max_backtracks})")
        if self.schedule is not None:
            parts.append(f"@unusual(hot={self.schedule.hot:g},cool={self.schedule.cool:g},opening={self.schedule.opening})")
        self.name = f"{label}{''.join(parts)}#v{ALGORITHM_VERSION}"

    async def check(self) -> str:
        return f"ok (token-level sampler on {self.base})"

    def _generate_sync(self, messages: list[Message], config: GenerateConfig) -> Generation:
        if config.json_schema is not None:
            raise ModelError(f"{self.name} writes free text; it cannot follow a JSON schema (use the plain model to judge)")
        backend = self._backend()
        started = time.perf_counter()
        settings = DecodeSettings(temperature=config.temperature, top_p=config.top_p, max_tokens=config.max_tokens,
                                  seed=config.seed, stop=config.stop, phrases=self.phrases,
                                  max_backtracks=self.max_backtracks, schedule=self.schedule)
        decoded = decode(backend, backend.prompt_tokens(messages), settings)
        trace = {"sampler": [kind for kind, on in (("antislop", self.phrases), ("unusual", self.schedule)) if on],
                 **({"phrase_list": self.phrases.id} if self.phrases else {}), **decoded.trace()}
        return Generation(text=decoded.text, finish_reason=decoded.finish_reason, prompt_tokens=decoded.prompt_tokens,
                          completion_tokens=decoded.completion_tokens, latency_s=time.perf_counter() - started,
                          model=self.name, seed=config.seed, trace=trace)

    async def generate(self, messages: list[Message], config: GenerateConfig) -> Generation:
        return await asyncio.get_running_loop().run_in_executor(_executor, self._generate_sync, messages, config)
