"""Judges by name: an LLM judge for any "provider/name" model (and, later, built-in judges and panels).

Everything that judges (bench, `punchup judge`, calibrate, studio) asks this
module for a JudgeSet, so a new kind of judge plugs in here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol

from punchup.judging.pairwise import PairwiseJudge
from punchup.judging.records import PairResult, RubricResult
from punchup.judging.rubric import RubricJudge
from punchup.models import CachedModel
from punchup.packs import Pack, Persona, PromptSpec
from punchup.store import Store


class RubricJudging(Protocol):
    name: str

    async def judge(self, pack: Pack, prompt: PromptSpec, text: str, persona: Persona | None = None) -> RubricResult: ...


class PairJudging(Protocol):
    name: str

    async def judge_pair(self, pack: Pack, prompt: PromptSpec, text_x: str, text_y: str) -> PairResult: ...


@dataclass
class JudgeSet:
    name: str
    rubric: RubricJudging
    pairwise: PairJudging
    models: list[str]  # the models behind it, for self-preference warnings


def build_judges(spec: str, store: Store, model_for: Callable[[str], CachedModel]) -> JudgeSet:
    """`spec` is a model id such as local/smollm2 or openai/gpt-4o-mini."""
    model = model_for(spec)
    return JudgeSet(name=spec, rubric=RubricJudge(model, store), pairwise=PairwiseJudge(model, store), models=[spec])
