"""Judges by name: registered judge families (`craft/heuristic`, `reward/NAME`, plug-ins), an LLM judge for
any "provider/name" model, and panels "A+B".

Everything that judges (bench, `punchup judge`, calibrate, studio) asks this module for a JudgeSet. A new
kind of judge registers a family in `punchup.registry.judges` (or an entry point) and needs no edit here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from punchup import registry
from punchup.errors import PunchupError
from punchup.judging.llm.pairwise import PairwiseJudge
from punchup.judging.llm.rubric import RubricJudge
from punchup.judging.panel import PanelPairJudge, PanelRubricJudge
from punchup.judging.records import JudgeFamily, PairJudging, RubricJudging
from punchup.models import CachedModel
from punchup.store import Store

# The judge used when none is named: deterministic, offline, calibrated, and the built-in judge that holds up
# best on sources it was not fitted to (leave-one-source-out; see docs/calibration.md and the README).
DEFAULT_JUDGE = "craft/heuristic-lm"


@dataclass
class JudgeSet:
    name: str
    rubric: RubricJudging
    pairwise: PairJudging
    models: list[str]  # the models behind it, for self-preference warnings (built-in judges are not models)


def family_of(member: str) -> JudgeFamily | None:
    """The registered family a judge id belongs to, or None when the id names a model (an LLM judge)."""
    family, sep, _ = member.partition("/")
    return registry.judges.get(family) if sep and family in registry.judges else None


def panel_members(spec: str) -> list[str]:
    """The judge names in a spec: "a/x" -> ["a/x"], "a/x+craft/heuristic" -> both."""
    members = [part.strip() for part in spec.split("+")]
    if not spec.strip() or any(not m for m in members):
        raise PunchupError(f"judge '{spec}' has an empty member: write judges joined by '+', e.g. local/smollm2+{DEFAULT_JUDGE}")
    repeated = sorted({m for m in members if members.count(m) > 1})
    if repeated:
        raise PunchupError(f"judge '{spec}' lists {', '.join(repeated)} more than once")
    for member in members:
        family = family_of(member)
        if family is not None:
            prefix, _, name = member.partition("/")
            known = family.names()
            if name not in known:
                listed = ", ".join(f"{prefix}/{n}" for n in known) or "none yet"
                raise PunchupError(f"unknown built-in judge '{member}' in '{spec}' (known {prefix}/ judges: {listed})")
    return members


def judge_models(spec: str) -> list[str]:
    """The real model ids a judge spec needs (so a CLI can check them before opening the store)."""
    return [m for m in panel_members(spec) if family_of(m) is None]


def build_judges(spec: str, store: Store, model_for: Callable[[str], CachedModel]) -> JudgeSet:
    """`spec` is a model id (local/smollm2, openai/gpt-4o-mini), a registered judge (craft/heuristic),
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
    family = family_of(member)
    if family is not None:
        return family.build(member.partition("/")[2], store, model_for)
    model = model_for(member)
    return RubricJudge(model, store), PairwiseJudge(model, store)
