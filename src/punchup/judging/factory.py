"""Judges by name: an LLM judge for any "provider/name" model, built-in `craft/...` judges, and panels "A+B".

Everything that judges (bench, `punchup judge`, calibrate, studio) asks this
module for a JudgeSet, so a new kind of judge plugs in here once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from punchup.errors import PunchupError
from punchup.judging.heuristic import HEURISTIC_JUDGE, HeuristicJudge
from punchup.judging.pairwise import PairwiseJudge
from punchup.judging.panel import PanelPairJudge, PanelRubricJudge
from punchup.judging.records import PairJudging, RubricJudging
from punchup.judging.rubric import RubricJudge
from punchup.models import CachedModel
from punchup.store import Store

BUILTIN_PREFIX = "craft/"
# The judge used when none is named: deterministic, offline, and calibrated (see docs/calibration.md).
DEFAULT_JUDGE = "craft/heuristic"
BUILTIN_JUDGES = (HEURISTIC_JUDGE,)


@dataclass
class JudgeSet:
    name: str
    rubric: RubricJudging
    pairwise: PairJudging
    models: list[str]  # the models behind it, for self-preference warnings (built-in judges are not models)


def panel_members(spec: str) -> list[str]:
    """The judge names in a spec: "a/x" -> ["a/x"], "a/x+craft/heuristic" -> both."""
    members = [part.strip() for part in spec.split("+")]
    if not spec.strip() or any(not m for m in members):
        raise PunchupError(f"judge '{spec}' has an empty member: write judges joined by '+', e.g. local/smollm2+{HEURISTIC_JUDGE}")
    repeated = sorted({m for m in members if members.count(m) > 1})
    if repeated:
        raise PunchupError(f"judge '{spec}' lists {', '.join(repeated)} more than once")
    for member in members:
        if member.startswith(BUILTIN_PREFIX) and member not in BUILTIN_JUDGES:
            raise PunchupError(f"unknown built-in judge '{member}' in '{spec}' (built-in judges: {', '.join(BUILTIN_JUDGES)})")
    return members


def judge_models(spec: str) -> list[str]:
    """The real model ids a judge spec needs (so a CLI can check them before opening the store)."""
    return [m for m in panel_members(spec) if not m.startswith(BUILTIN_PREFIX)]


def build_judges(spec: str, store: Store, model_for: Callable[[str], CachedModel]) -> JudgeSet:
    """`spec` is a model id (local/smollm2, openai/gpt-4o-mini), a built-in judge (craft/heuristic),
    or a panel of them joined by '+'."""
    members = panel_members(spec)
    singles = [_build_single(member, store, model_for) for member in members]
    models = judge_models(spec)
    if len(singles) == 1:
        return JudgeSet(name=spec.strip(), rubric=singles[0][0], pairwise=singles[0][1], models=models)
    name = "+".join(members)
    return JudgeSet(
        name=name,
        rubric=PanelRubricJudge(name, [rubric for rubric, _ in singles]),
        pairwise=PanelPairJudge(name, [pairwise for _, pairwise in singles]),
        models=models,
    )


def _build_single(member: str, store: Store, model_for: Callable[[str], CachedModel]) -> tuple[RubricJudging, PairJudging]:
    if member == HEURISTIC_JUDGE:
        heuristic = HeuristicJudge(store)
        return heuristic, heuristic
    model = model_for(member)
    return RubricJudge(model, store), PairwiseJudge(model, store)
