"""`craft/heuristic`: a deterministic judge built from judge-free craft features, no model needed.

Three layers, each honest about what it is:

* the craft score (scorer.py): standardised features with weights fitted to
  expert preferences; it is the `overall` of a rubric verdict and decides pairs;
* flaws (flaws.py): rules, not fits, for failures no weight may forgive (a loop,
  the brief echoed back, lorem ipsum, a refusal, the wrong format); each costs
  fixed logits, so junk loses to competent work of the same brief;
* criterion signals (criteria.py): the rubric criteria a judge-free signal can
  measure; every other criterion is listed in `not_judged`, never given a number.

Pairwise, P(x better) = sigmoid(w · (z(x) − z(y)) − (flaws(x) − flaws(y))),
antisymmetric by construction, so the two presentation orders cannot disagree;
both are still combined by the same code as the LLM judge. Rationales are margin
notes in the craft's words; the weights and logits behind them are in `raw`.

`craft/heuristic-lm` is the same judge with one more feature, how predictable the
text is word by word to the embedded model (predictability.py), and its own
weights (weights-lm.json). It reads every judged text with SmolLM2 once, so it is
model-backed, still deterministic and offline; it generalises better
(benchmarks/fit_heuristic.py), which is why it is the default judge.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from punchup.judging.guard import detect_injection
from punchup.judging.heuristic.criteria import NOT_JUDGED, criterion_signals
from punchup.judging.heuristic.flaws import Flaw, flaw_logits, flaws
from punchup.judging.heuristic.features import text_features
from punchup.judging.heuristic.scorer import (
    WEIGHTS_PATH,
    CraftScorer,
    HeuristicWeights,
    Measure,
    difference,
    load_weights,
    sigmoid,
)
from punchup.judging.orders import combine_orders
from punchup.judging.records import JudgeFamily, PairResult, RubricResult
from punchup.metrics.length import words
from punchup.packs import Pack, Persona, PromptSpec
from punchup.packs.checks import all_checks
from punchup.store import Store
from punchup.util.hashing import content_key

HEURISTIC_JUDGE = "craft/heuristic"
HEURISTIC_LM_JUDGE = "craft/heuristic-lm"
LM_WEIGHTS_PATH = WEIGHTS_PATH.with_name("weights-lm.json")
WEIGHTS_FOR = {HEURISTIC_JUDGE: WEIGHTS_PATH, HEURISTIC_LM_JUDGE: LM_WEIGHTS_PATH}
# Part of every cache key: a change to the flaw rules or criterion signals never reuses old verdicts.
RULES_VERSION = "4"
# |P - 0.5| within this is a tie: the features cannot tell the texts apart. The L2-regularised
# probabilities are conservative: at 0.05, 30 % of held-out expert pairs became ties and nested-CV
# accuracy fell from 79 % to 74 %; 0.02 ties about 12 % of them (see benchmarks/fit_heuristic.py).
DECISION_MARGIN = 0.02
# What an empty text costs in a comparison: more than any flaw, so it loses to anything with words.
EMPTY_LOGITS = 20.0

__all__ = ["DECISION_MARGIN", "HEURISTIC_JUDGE", "HEURISTIC_LM_JUDGE", "LM_WEIGHTS_PATH", "WEIGHTS_FOR", "WEIGHTS_PATH",
           "CraftScorer", "HeuristicJudge", "HeuristicWeights", "create", "fit_statement", "load_weights"]


def fit_statement(name: str = HEURISTIC_JUDGE) -> str:
    """How a craft judge's shipped weights were fitted and how they did on sources they never saw, for calibrate."""
    fit = load_weights(WEIGHTS_FOR[name]).fit
    sources = ", ".join(fit.get("sources") or fit.get("data") or [])
    held_out = fit.get("leave_one_source_out") or {}
    parts = [f"{name} weights were fitted on {sources} ({fit.get('pairs')} pairs)"]
    if held_out:
        parts.append("leave-one-source-out accuracy (fitted without the source it is scored on): "
                     + ", ".join(f"{source} {value:.0%}" for source, value in held_out.items()))
    if "cv_accuracy_mean_over_fold_seeds" in fit:
        parts.append(f"cross-validated within those sources {fit['cv_accuracy_mean_over_fold_seeds']:.0%}")
    parts.append(f"on its own training pairs it scores {fit.get('training_accuracy', 0):.0%} (training accuracy, not a test)")
    return "; ".join(parts) + "."


def _score_int(score: float) -> int:
    return min(10, max(1, round(score)))


def _margin_notes(found: list[Flaw]) -> str:
    return "; ".join(f.note for f in found)


def _measure(weights: HeuristicWeights, meter: Any) -> tuple[Measure, Any]:
    """What the weights' features are measured with, and the meter it reads texts with (None: text only)."""
    if not weights.model_features:
        return text_features, None
    from punchup.judging.heuristic.predictability import WithOpenEndedness, shared_meter

    meter = meter or shared_meter()
    return WithOpenEndedness(meter), meter


class HeuristicJudge:
    """Answers rubric and pairwise requests like the LLM judges, and caches verdicts in the Store.

    `meter` (a predictability.PredictabilityMeter) is used only by weights with a model feature; by
    default the process's shared meter on the embedded model, loaded on the first text it reads."""

    def __init__(self, store: Store, weights: HeuristicWeights | None = None, name: str = HEURISTIC_JUDGE,
                 meter: Any = None):
        self.store = store
        self.name = name
        weights = weights or load_weights(WEIGHTS_FOR[name])
        measure, self.meter = _measure(weights, meter)
        self.scorer = CraftScorer(weights, measure)

    @property
    def fitted_sources(self) -> list[str]:
        """Where the weights were fitted: calibrate labels accuracy on these sources as training accuracy."""
        return self.scorer.weights.sources

    def refit(self, pairs: list[tuple[str, str, bool]], sources: list[str]) -> HeuristicJudge:
        """The same judge with weights fitted on `pairs` only (calibrate's leave-one-source-out)."""
        from punchup.judging.heuristic.refit import (
            weights_from_pairs,  # numpy: only when fitting
        )

        weights = self.scorer.weights
        refitted = weights_from_pairs(pairs, sources, method=weights.method, features=weights.features,
                                      measure=self.scorer.measure)
        return HeuristicJudge(self.store, refitted, self.name, self.meter)

    def _key(self, kind: str, pack: Pack, prompt: PromptSpec, **subject: Any) -> str:
        return content_key({"kind": kind, "judge": self.name, "weights": self.scorer.weights.version, "rules": RULES_VERSION,
                            **({"measure": self.meter.version} if self.meter is not None else {}),
                            "pack": pack.content_hash, "prompt": prompt.id, "brief": prompt.text,
                            "target_words": prompt.target_words, **subject})

    async def judge(self, pack: Pack, prompt: PromptSpec, text: str, persona: Persona | None = None) -> RubricResult:
        key = self._key("rubric", pack, prompt, persona=persona.id if persona else None, text=text)
        stored = self.store.get_judgment(key)
        if stored is not None:
            return RubricResult.model_validate({**stored["result"], "cached": True})
        result = await self._off_the_event_loop(self.rubric, pack, prompt, text, persona)
        self.store.put_judgment(key, kind="persona" if persona else "rubric", judge=self.name, pack=pack.name,
                                pack_hash=pack.content_hash, subject=content_key(text), ok=result.ok,
                                result=result.model_dump(exclude={"cached"}), raw=result.raw, error=result.error)
        return result

    async def _off_the_event_loop(self, verdict: Any, *args: Any) -> Any:
        """A verdict that reads texts with the model (a third of a second each) runs in a worker thread, so a
        server's event loop keeps answering meanwhile; the text-only judge answers in microseconds, in place."""
        return await asyncio.to_thread(verdict, *args) if self.meter is not None else verdict(*args)

    def craft_linear(self, text: str, pack: Pack, prompt: PromptSpec) -> tuple[float, list[Flaw]]:
        """The logit a comparison uses: fitted craft score minus the fixed cost of each flaw."""
        if not words(text):
            return -EMPTY_LOGITS, [Flaw("empty", "no words at all", EMPTY_LOGITS)]
        found = flaws(text, pack, prompt)
        return self.scorer.linear(self.scorer.standardised(text)) - flaw_logits(found), found

    def rubric(self, pack: Pack, prompt: PromptSpec, text: str, persona: Persona | None = None) -> RubricResult:
        """A verdict without the store (the sanity suite and tests call this directly)."""
        result = RubricResult(ok=True, judge=self.name, pack=pack.name, pack_version=pack.version, prompt_id=prompt.id,
                              persona=persona.id if persona else None, injection=detect_injection(text).reasons)
        linear, found = self.craft_linear(text, pack, prompt)
        craft = self.scorer.to_ten(linear)
        basis = ("craft habits weighed as writing advice weighs them" if self.scorer.weights.method == "advice"
                 else "craft habits weighted by a fit to expert preferences")
        notes = [f"craft score {craft:.1f}/10 ({basis}"
                 + (f", less {flaw_logits(found):.0f} logits for: {_margin_notes(found)})" if found else ")")]
        signals = criterion_signals(text, pack, prompt) if words(text) else {}
        if persona is not None:
            result.not_judged = ["love"]
            notes.append(f"the {persona.name} persona is {NOT_JUDGED}")
        else:
            result.scores = {cid: signal.score for cid, signal in signals.items()}
            result.not_judged = [c.id for c in pack.rubric if c.id not in signals]
            notes.extend(f"{cid}: {signal.note}" for cid, signal in signals.items())
            if result.not_judged:
                notes.append(f"{', '.join(result.not_judged)}: {NOT_JUDGED}")
            if words(text):
                for check in all_checks():  # per-prompt fields: camera moves, comedy alts, ...
                    measured, check_notes = check.measure(prompt, text, lambda item: _score_int(self.scorer.craft_score(item)))
                    for field, value in measured.items():
                        setattr(result, field, value)
                    notes.extend(check_notes)
        z = self.scorer.standardised(text) if words(text) else ()
        if z:
            notes.append("against the average paragraph it was fitted on: " + self.scorer.explain(z))
        result.overall, result.rationale = round(craft, 3), "; ".join(notes)
        result.raw = json.dumps({"linear": round(linear, 4), "weights": self.scorer.weights.version,
                                 "flaws": [{"code": f.code, "logits": f.logits} for f in found],
                                 "contributions": [c.record() for c in self.scorer.contributions(z)] if z else []})
        return result

    async def judge_pair(self, pack: Pack, prompt: PromptSpec, text_x: str, text_y: str) -> PairResult:
        # Keyed in the order given: the heuristic is cheap, and its rationale speaks of "text 1" and "text 2".
        key = self._key("pairwise", pack, prompt, texts=[text_x, text_y])
        stored = self.store.get_judgment(key)
        if stored is not None:
            return PairResult.model_validate({**stored["result"], "cached": True})
        result = await self._off_the_event_loop(self.pair, pack, prompt, text_x, text_y)
        self.store.put_judgment(key, kind="pairwise", judge=self.name, pack=pack.name, pack_hash=pack.content_hash,
                                subject=f"{content_key(text_x)}|{content_key(text_y)}", ok=result.ok,
                                result=result.model_dump(exclude={"cached"}), raw=result.raw, error=result.error)
        return result

    def pair(self, pack: Pack, prompt: PromptSpec, text_x: str, text_y: str) -> PairResult:
        """A comparison without the store."""
        result = PairResult(ok=False, judge=self.name, pack=pack.name, pack_version=pack.version, prompt_id=prompt.id,
                            injection_x=detect_injection(text_x).reasons, injection_y=detect_injection(text_y).reasons)
        if not words(text_x) and not words(text_y):
            result.error = "neither text has words to judge"
            return result
        linear_x, flaws_x = self.craft_linear(text_x, pack, prompt)
        linear_y, flaws_y = self.craft_linear(text_y, pack, prompt)
        p_forward = sigmoid(linear_x - linear_y)  # x shown as A
        p_backward = sigmoid(linear_y - linear_x)  # y shown as A
        forward, backward = order_verdicts(pack, p_forward), order_verdicts(pack, p_backward)
        result.outcomes = combine_orders(pack, forward, backward)
        result.score_x = sum(o.score_x for o in result.outcomes.values()) / len(result.outcomes)
        result.flips = sum(o.flipped for o in result.outcomes.values())
        leader = {"A": "text 1", "B": "text 2", "tie": "neither text"}[_verdict(p_forward)]
        notes = [f"{leader} preferred (P(text 1 better) = {p_forward:.2f}; one craft verdict answers every pairwise question)"]
        for label, found in (("text 1", flaws_x), ("text 2", flaws_y)):
            if found:
                notes.append(f"{label}: {_margin_notes(found)}")
        delta = ()
        if words(text_x) and words(text_y):
            delta = difference(self.scorer.standardised(text_x), self.scorer.standardised(text_y))
            notes.append("text 1 against text 2, " + self.scorer.explain(delta))
        result.rationale = "; ".join(notes)
        result.ok = True
        result.raw = json.dumps({"p_forward": round(p_forward, 6), "p_backward": round(p_backward, 6),
                                 "weights": self.scorer.weights.version,
                                 "flaws_x": [f.code for f in flaws_x], "flaws_y": [f.code for f in flaws_y],
                                 "contributions": [c.record() for c in self.scorer.contributions(delta)] if delta else []})
        return result


def _verdict(p_first: float) -> str:
    return "A" if p_first > 0.5 + DECISION_MARGIN else "B" if p_first < 0.5 - DECISION_MARGIN else "tie"


def order_verdicts(pack: Pack, p_first: float) -> dict[str, Any]:
    """One presentation order as the LLM judge would answer it: a verdict and a 1..3 margin per criterion."""
    verdict = _verdict(p_first)
    strength = abs(p_first - 0.5)
    margin = 1 if strength <= 0.15 else 2 if strength <= 0.3 else 3
    return {key: value for c in pack.pairwise for key, value in ((c.id, verdict), (f"{c.id}_margin", margin))}


def _build(name: str, store: Store, model_for: Any) -> tuple[HeuristicJudge, HeuristicJudge]:
    # One object answers rubric and pairwise requests; it calls no model through model_for (the -lm judge
    # reads texts with its own predictability meter).
    judge = HeuristicJudge(store, name=f"craft/{name}")
    return judge, judge


# The `craft/` judge family in punchup.registry.judges.
create = JudgeFamily(names=lambda: [judge.partition("/")[2] for judge in WEIGHTS_FOR], build=_build)
