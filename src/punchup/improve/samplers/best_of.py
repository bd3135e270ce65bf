"""@best_of=N: N seeded candidates, a judge picks one.

Selection is a single-elimination bracket of pairwise judgments (each judged
in both orders by the pairwise judge; a tie keeps the earlier candidate) or
the best rubric score. Every candidate is a cached model call and every
verdict a stored judgment, and the trace names them all, with the cost
against one sample. The selecting judge is named in the writer's settings so
the report can warn when it is also the bench's judge: choosing and measuring
with one judge inflates its scores.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Protocol

from punchup.errors import ModelError
from punchup.improve.samplers.settings import BestOfSettings
from punchup.judging.factory import JudgeSet
from punchup.metrics.length import word_count
from punchup.models.base import GenerateConfig, Generation, Message, Model
from punchup.packs import Pack, PromptSpec
from punchup.util.hashing import content_key


class SampleModel(Protocol):
    name: str

    async def generate(self, messages: list[Message], config: GenerateConfig, sample_index: int = 0) -> Generation: ...


def candidate_seed(seed: int, index: int) -> int:
    """Candidate 0 is the single sample itself (same seed), so best-of-N and plain runs are paired draws."""
    return seed if index == 0 else int(content_key([seed, "best_of", index])[:8], 16)


class BestOfModel(Model):
    def __init__(self, inner: SampleModel, settings: BestOfSettings, judges: JudgeSet, pack: Pack, prompt: PromptSpec):
        self.inner = inner
        self.settings = settings
        self.judges = judges
        self.pack, self.prompt = pack, prompt
        #: the writer-level name, shared by every prompt (call counts are kept under it)
        self.label = f"{inner.name}@best_of(n={settings.n},judge={judges.name},select={settings.select})"
        # The pick depends on the pack's criteria, not only on the brief the writer saw: both enter the cache key.
        self.name = f"{self.label}[{pack.name}:{content_key([pack.content_hash, prompt.id])[:12]}]"

    async def generate(self, messages: list[Message], config: GenerateConfig) -> Generation:
        started = time.perf_counter()
        candidates = list(await asyncio.gather(*(
            self.inner.generate(messages, config.model_copy(update={"seed": candidate_seed(config.seed, i)}), sample_index=i)
            for i in range(self.settings.n))))
        texts = [c.text for c in candidates]
        if self.settings.select == "rubric":
            chosen, verdicts = await self._by_rubric(texts)
        else:
            chosen, verdicts = await self._by_bracket(texts)
        tokens = [c.completion_tokens for c in candidates]
        trace: dict[str, Any] = {
            "sampler": ["best_of"], "n": self.settings.n, "judge": self.judges.name, "select": self.settings.select,
            "chosen": chosen,
            "candidates": [{"seed": c.seed, "tokens": c.completion_tokens, "words": word_count(c.text),
                            **({"trace": c.trace} if c.trace else {})} for c in candidates],
            "verdicts": verdicts,
            "failed_verdicts": sum(not v["ok"] for v in verdicts),
            "generation_calls": self.settings.n,
            "cost_multiplier": round(sum(tokens) / tokens[0], 3) if tokens[0] else float(self.settings.n),
        }
        best = candidates[chosen]
        return Generation(text=best.text, finish_reason=best.finish_reason, prompt_tokens=best.prompt_tokens,
                          completion_tokens=best.completion_tokens, latency_s=time.perf_counter() - started,
                          model=self.name, seed=config.seed, trace=trace)

    async def _by_rubric(self, texts: list[str]) -> tuple[int, list[dict[str, Any]]]:
        results = await asyncio.gather(*(self.judges.rubric.judge(self.pack, self.prompt, t) for t in texts))
        verdicts = [{"candidate": i, "ok": r.ok and r.overall is not None, "overall": r.overall,
                     **({"error": r.error} if r.error else {})} for i, r in enumerate(results)]
        scored = [(v["overall"], -v["candidate"]) for v in verdicts if v["ok"]]
        if not scored:
            raise ModelError(f"{self.name}: the judge scored none of the {len(texts)} candidates: {results[0].error}")
        return -max(scored)[1], verdicts

    async def _by_bracket(self, texts: list[str]) -> tuple[int, list[dict[str, Any]]]:
        alive = list(range(len(texts)))
        verdicts: list[dict[str, Any]] = []
        round_number = 0
        while len(alive) > 1:
            round_number += 1
            pairs = [(alive[i], alive[i + 1]) for i in range(0, len(alive) - 1, 2)]
            results = await asyncio.gather(*(self.judges.pairwise.judge_pair(self.pack, self.prompt, texts[a], texts[b])
                                              for a, b in pairs))
            winners = []
            for (a, b), result in zip(pairs, results):
                # A failed judgment decides nothing: the earlier candidate stays, and the failure is counted.
                b_wins = result.ok and result.score_x is not None and result.score_x < 0.5
                winners.append(b if b_wins else a)
                verdicts.append({"round": round_number, "a": a, "b": b, "ok": result.ok, "score_a": result.score_x,
                                 "winner": winners[-1], **({"error": result.error} if result.error else {})})
            if len(alive) % 2:
                winners.append(alive[-1])  # a bye
            alive = winners
        if verdicts and not any(v["ok"] for v in verdicts):
            raise ModelError(f"{self.name}: every judgment failed, so no candidate could be chosen: {verdicts[0].get('error')}")
        return alive[0], verdicts
