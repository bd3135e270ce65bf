"""`reward/NAME`: a learned judge answering rubric and pairwise requests like every other judge.

Its verdict is the reward model's score (scorers.py: a head on frozen embeddings or a
fine-tuned encoder) minus the same fixed costs for disqualifying flaws that `craft/heuristic` charges (loops, an echoed brief, lorem
ipsum, refusals, the wrong format: judging/heuristic/flaws.py), so it passes the
sanity suite for the same reasons. A reward model has one number for a text; it
measures no criterion on its own, so every rubric criterion is "not judged by this
judge" and only `overall` is given. Refittable, so `punchup calibrate` reports its
leave-one-source-out accuracy like the heuristic's.
"""

from __future__ import annotations

import json
import math
from typing import Any

from punchup.judging.guard import detect_injection
from punchup.judging.heuristic.criteria import NOT_JUDGED
from punchup.judging.heuristic.flaws import Flaw, flaw_logits, flaws
from punchup.judging.heuristic.judge import EMPTY_LOGITS, order_verdicts
from punchup.judging.orders import combine_orders
from punchup.judging.records import JudgeFamily, PairResult, RubricResult
from punchup.judging.reward.model import reward_names, weights_path
from punchup.judging.reward.scorers import Scorer, load_scorer
from punchup.metrics.length import words
from punchup.packs import Pack, Persona, PromptSpec
from punchup.store import Store
from punchup.util.hashing import content_key


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, value))))


class RewardJudge:
    def __init__(self, store: Store, scorer: Scorer):
        self.store = store
        self.scorer = scorer
        self.name = f"reward/{scorer.name}"

    @property
    def fitted_sources(self) -> list[str]:
        return self.scorer.sources

    def refit(self, pairs: list[tuple[str, str, bool]], sources: list[str]) -> RewardJudge:
        return RewardJudge(self.store, self.scorer.refit(pairs, sources))

    def reward(self, text: str) -> float:
        return float(self.scorer.rewards([text])[0])

    def linear(self, text: str, pack: Pack, prompt: PromptSpec) -> tuple[float, list[Flaw]]:
        if not words(text):
            return -EMPTY_LOGITS, [Flaw("empty", "no words at all", EMPTY_LOGITS)]
        found = flaws(text, pack, prompt)
        return self.reward(text) - flaw_logits(found), found

    def _key(self, kind: str, pack: Pack, prompt: PromptSpec, **subject: Any) -> str:
        return content_key({"kind": kind, "judge": self.name, "weights": self.scorer.version, "pack": pack.content_hash,
                            "prompt": prompt.id, "brief": prompt.text, **subject})

    async def judge(self, pack: Pack, prompt: PromptSpec, text: str, persona: Persona | None = None) -> RubricResult:
        key = self._key("rubric", pack, prompt, persona=persona.id if persona else None, text=text)
        stored = self.store.get_judgment(key)
        if stored is not None:
            return RubricResult.model_validate({**stored["result"], "cached": True})
        linear, found = self.linear(text, pack, prompt)
        overall = 1.0 + 9.0 * _sigmoid(linear / self.scorer.spread)
        result = RubricResult(ok=True, judge=self.name, pack=pack.name, pack_version=pack.version, prompt_id=prompt.id,
                              persona=persona.id if persona else None, injection=detect_injection(text).reasons,
                              not_judged=["love"] if persona else [c.id for c in pack.rubric], overall=round(overall, 3))
        notes = [f"reward {overall:.1f}/10 from {self.scorer.description}, fitted on {', '.join(self.scorer.sources)}"]
        if found:
            notes.append("less " + "; ".join(f.note for f in found))
        notes.append(f"every criterion: {NOT_JUDGED}")
        result.rationale = "; ".join(notes)
        result.raw = json.dumps({"linear": round(linear, 4), "weights": self.scorer.version, "flaws": [f.code for f in found]})
        self.store.put_judgment(key, kind="persona" if persona else "rubric", judge=self.name, pack=pack.name,
                                pack_hash=pack.content_hash, subject=content_key(text), ok=True,
                                result=result.model_dump(exclude={"cached"}), raw=result.raw, error=None)
        return result

    async def judge_pair(self, pack: Pack, prompt: PromptSpec, text_x: str, text_y: str) -> PairResult:
        key = self._key("pairwise", pack, prompt, texts=[text_x, text_y])
        stored = self.store.get_judgment(key)
        if stored is not None:
            return PairResult.model_validate({**stored["result"], "cached": True})
        result = PairResult(ok=False, judge=self.name, pack=pack.name, pack_version=pack.version, prompt_id=prompt.id,
                            injection_x=detect_injection(text_x).reasons, injection_y=detect_injection(text_y).reasons)
        if not words(text_x) and not words(text_y):
            result.error = "neither text has words to judge"
        else:
            (linear_x, flaws_x), (linear_y, flaws_y) = self.linear(text_x, pack, prompt), self.linear(text_y, pack, prompt)
            p_forward = _sigmoid(linear_x - linear_y)
            forward, backward = order_verdicts(pack, p_forward), order_verdicts(pack, 1.0 - p_forward)
            result.outcomes = combine_orders(pack, forward, backward)
            result.score_x = sum(o.score_x for o in result.outcomes.values()) / len(result.outcomes)
            result.flips = sum(o.flipped for o in result.outcomes.values())
            notes = [f"P(text 1 better) = {p_forward:.2f} from the reward model"]
            notes += [f"{label}: {'; '.join(f.note for f in found)}" for label, found in (("text 1", flaws_x), ("text 2", flaws_y)) if found]
            result.ok, result.rationale = True, "; ".join(notes)
            result.raw = json.dumps({"p_forward": round(p_forward, 6), "weights": self.scorer.version})
        self.store.put_judgment(key, kind="pairwise", judge=self.name, pack=pack.name, pack_hash=pack.content_hash,
                                subject=f"{content_key(text_x)}|{content_key(text_y)}", ok=result.ok,
                                result=result.model_dump(exclude={"cached"}), raw=result.raw, error=result.error)
        return result


def _build(name: str, store: Store, model_for: Any) -> tuple[RewardJudge, RewardJudge]:
    judge = RewardJudge(store, load_scorer(weights_path(name)))
    return judge, judge


# The `reward/` judge family in punchup.registry.judges: one NAME per shipped or locally trained weights file.
create = JudgeFamily(names=reward_names, build=_build)
