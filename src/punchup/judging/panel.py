"""A panel of judges ("local/smollm2+craft/heuristic"): every member judges, the verdicts are averaged.

A panel is more robust than any one member when their errors differ (a small
LLM's position bias, a heuristic's blindness to meaning). Per criterion the
members vote (the mean decides win, tie or loss, since rankings need one of
those); the pair's score_x is the plain mean of the members' score_x, so
calibration sees partial agreement. A member that fails is left out of the
average and named in the rationale; the panel fails only when every member
failed. The Store keeps each member's own judgment, so
adding a member to a panel re-uses the others' cached verdicts.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from punchup.judging.records import CriterionOutcome, PairJudging, PairResult, RubricJudging, RubricResult
from punchup.packs import Pack, Persona, PromptSpec


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


def _vote(scores: Sequence[float]) -> float:
    """Win, tie or loss by the members' mean: rankings (Bradley-Terry) take only 1, 0.5 or 0 per criterion."""
    mean = _mean(scores)
    return 0.5 if abs(mean - 0.5) < 1e-9 else 1.0 if mean > 0.5 else 0.0


def _joined(parts: list[tuple[str, str]], separator: str) -> str:
    return separator.join(f"{name}: {text}" for name, text in parts if text)


def _failures(members: Sequence[str], results: Sequence[RubricResult | PairResult]) -> str | None:
    failed = [f"{name} failed ({result.error or 'no verdict'})" for name, result in zip(members, results) if not result.ok]
    return "; ".join(failed) or None


class PanelRubricJudge:
    def __init__(self, name: str, members: Sequence[RubricJudging]):
        self.name = name
        self.members = list(members)

    async def judge(self, pack: Pack, prompt: PromptSpec, text: str, persona: Persona | None = None) -> RubricResult:
        results = await asyncio.gather(*(m.judge(pack, prompt, text, persona) for m in self.members))
        names = [m.name for m in self.members]
        ok = [r for r in results if r.ok]
        failures = _failures(names, results)
        panel = RubricResult(
            ok=bool(ok), judge=self.name, pack=pack.name, pack_version=pack.version, prompt_id=prompt.id,
            persona=persona.id if persona else None,
            injection=sorted({reason for r in results for reason in r.injection}),
            error=None if ok else failures,
            raw=_joined([(n, r.raw) for n, r in zip(names, results)], "\n=== next member ===\n"),
            cached=all(r.cached for r in results),
        )
        if not ok:
            return panel
        # A criterion is averaged over the members that scored it; rounding keeps the 1..10 integer scale.
        criteria = [key for r in ok for key in r.scores]
        panel.scores = {key: round(_mean([r.scores[key] for r in ok if key in r.scores])) for key in dict.fromkeys(criteria)}
        # Not judged by the panel only if no member judged it.
        panel.not_judged = [key for key in dict.fromkeys(k for r in ok for k in r.not_judged) if key not in panel.scores]
        overalls = [r.overall for r in ok if r.overall is not None]
        panel.overall = _mean(overalls) if overalls else None
        # Moves are verdicts, not numbers: the first member (in spec order) that checked them speaks.
        panel.moves = next((r.moves for r in ok if r.moves), {})
        alt_lists = [r.alts for r in ok if r.alts]
        if alt_lists and all(len(a) == len(alt_lists[0]) for a in alt_lists):
            panel.alts = [round(_mean(column)) for column in zip(*alt_lists)]
        elif alt_lists:
            panel.alts = alt_lists[0]
        rationale = _joined([(n, r.rationale) for n, r in zip(names, results) if r.ok], " | ")
        panel.rationale = f"{rationale} | {failures}" if failures else rationale
        return panel


class PanelPairJudge:
    def __init__(self, name: str, members: Sequence[PairJudging]):
        self.name = name
        self.members = list(members)

    async def judge_pair(self, pack: Pack, prompt: PromptSpec, text_x: str, text_y: str) -> PairResult:
        results = await asyncio.gather(*(m.judge_pair(pack, prompt, text_x, text_y) for m in self.members))
        names = [m.name for m in self.members]
        ok = [r for r in results if r.ok and r.score_x is not None]
        failures = _failures(names, results)
        panel = PairResult(
            ok=bool(ok), judge=self.name, pack=pack.name, pack_version=pack.version, prompt_id=prompt.id,
            injection_x=sorted({reason for r in results for reason in r.injection_x}),
            injection_y=sorted({reason for r in results for reason in r.injection_y}),
            error=None if ok else failures,
            raw=_joined([(n, r.raw) for n, r in zip(names, results)], "\n=== next member ===\n"),
            cached=all(r.cached for r in results),
        )
        if not ok:
            return panel
        for criterion in pack.pairwise:
            outcomes = [r.outcomes[criterion.id] for r in ok if criterion.id in r.outcomes]
            if outcomes:
                panel.outcomes[criterion.id] = CriterionOutcome(
                    score_x=_vote([o.score_x for o in outcomes]),
                    flipped=any(o.flipped for o in outcomes),
                    margin=_mean([o.margin for o in outcomes]),
                )
        panel.score_x = _mean([r.score_x for r in ok])  # type: ignore[misc]  # ok members all have one
        panel.flips = sum(r.flips for r in ok)
        rationale = _joined([(n, r.rationale) for n, r in zip(names, results) if r.ok], " | ")
        panel.rationale = f"{rationale} | {failures}" if failures else rationale
        return panel
