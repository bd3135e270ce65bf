"""`craft/heuristic`: a deterministic judge built from judge-free craft features, no model needed.

A text's craft score is a weighted sum of its standardised features (see
features.py); the weights were fitted to expert preferences by
benchmarks/fit_heuristic.py and ship as weights.json. Pairwise,
P(x better) = sigmoid(w · (z(x) − z(y))), which is antisymmetric by
construction, so the two presentation orders can never disagree; both are
still computed and combined by the same code as the LLM judge, so a flip would
show if it ever happened. Every verdict names the features that decided it.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from punchup.util.hashing import content_key
from punchup.judging.heuristic.features import FEATURE_BY_NAME, FEATURE_VERSION, text_features
from punchup.judging.injection import detect_injection
from punchup.judging.orders import combine_orders
from punchup.judging.records import JudgeFamily, PairResult, RubricResult
from punchup.metrics.length import words
from punchup.packs import CAMERA_MOVES, Pack, Persona, PromptSpec
from punchup.store import Store

HEURISTIC_JUDGE = "craft/heuristic"
WEIGHTS_PATH = Path(__file__).with_name("weights.json")
# |P - 0.5| within this is a tie: the features cannot tell the texts apart. The L2-regularised
# probabilities are conservative: at 0.05, 30 % of held-out expert pairs became ties and nested-CV
# accuracy fell from 79 % to 74 %; 0.02 ties about 12 % of them (see benchmarks/fit_heuristic.py).
DECISION_MARGIN = 0.02
RATIONALE_FEATURES = 3


class HeuristicWeights(BaseModel):
    """The fitted model: per-feature standardisation and weights, plus how the fit went."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    feature_version: str
    features: list[str]
    means: list[float]
    scales: list[float]
    weights: list[float]
    clip: float = Field(gt=0)  # standardised values are clipped so one outlier feature cannot decide alone
    l2: float
    score_spread: float = Field(gt=0)  # spread of w·z over training texts: one spread = ~2 points on 1..10
    fit: dict[str, Any] = Field(default_factory=dict)  # provenance and accuracy, for people

    @model_validator(mode="after")
    def _consistent(self) -> "HeuristicWeights":
        sizes = {len(self.features), len(self.means), len(self.scales), len(self.weights)}
        unknown = [name for name in self.features if name not in FEATURE_BY_NAME]
        if len(sizes) != 1 or unknown or min(self.scales, default=1.0) <= 0:
            raise ValueError(f"inconsistent heuristic weights (unknown features: {unknown or 'none'})")
        return self

    @property
    def version(self) -> str:
        """Part of every cached heuristic judgment: new weights never reuse old verdicts."""
        return content_key(self.model_dump(exclude={"fit"}))[:16]


def fit_statement() -> str:
    """How well the shipped weights did when fitted, for calibrate output and the README."""
    fit = load_weights().fit
    low, high = fit.get("cv_interval", [None, None])
    return (f"{HEURISTIC_JUDGE} weights were fitted on {', '.join(fit.get('data', []))} ({fit.get('pairs')} pairs): "
            f"cross-validated accuracy {fit.get('cv_accuracy_mean_over_fold_seeds', 0):.0%} (nested grouped CV, mean over "
            f"fold seeds; {fit.get('cv_accuracy', 0):.0%} at seed 0, 95% CI {low:.0%} to {high:.0%}); "
            f"on that same data its accuracy is training accuracy ({fit.get('training_accuracy', 0):.0%}).")


@lru_cache(maxsize=4)
def load_weights(path: Path = WEIGHTS_PATH) -> HeuristicWeights:
    weights = HeuristicWeights.model_validate(json.loads(path.read_text(encoding="utf-8")))
    if weights.feature_version != FEATURE_VERSION:
        # A developer changed features.py without refitting: the weights would mean something else.
        raise RuntimeError(f"{path} was fitted on features v{weights.feature_version}, code has v{FEATURE_VERSION}: "
                           "run benchmarks/fit_heuristic.py")
    return weights


def sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-value))


@dataclass(frozen=True)
class Contribution:
    feature: str
    difference: float  # standardised: how much more of the feature the text has than its rival (or the average)
    logit: float  # weight × difference: what it did to the verdict

    def phrase(self) -> str:
        feature = FEATURE_BY_NAME[self.feature]
        return f"{feature.more if self.difference > 0 else feature.less} ({self.logit:+.2f})"


Vector = tuple[float, ...]  # one value per feature, in the weights' feature order; a dozen, so plain Python


class CraftScorer:
    """Pure arithmetic on one set of weights; knows nothing about packs or the store."""

    def __init__(self, weights: HeuristicWeights):
        self.weights = weights

    def standardised(self, text: str) -> Vector:
        values = text_features(text)
        limit = self.weights.clip
        return tuple(
            min(limit, max(-limit, (values[name] - mean) / scale))
            for name, mean, scale in zip(self.weights.features, self.weights.means, self.weights.scales)
        )

    def linear(self, z: Vector) -> float:
        return math.fsum(w * value for w, value in zip(self.weights.weights, z))

    def to_ten(self, linear: float) -> float:
        """1..10: an average text of the training set lands at 5.5."""
        return 1.0 + 9.0 * sigmoid(linear / self.weights.score_spread)

    def craft_score(self, text: str) -> float:
        return self.to_ten(self.linear(self.standardised(text)))

    def contributions(self, delta: Vector) -> list[Contribution]:
        """Features ordered by how much they moved the verdict, zero effects left out."""
        items = [Contribution(name, d, w * d) for name, d, w in zip(self.weights.features, delta, self.weights.weights)]
        return sorted((c for c in items if abs(c.logit) >= 0.005), key=lambda c: -abs(c.logit))

    def explain(self, delta: Vector) -> str:
        return ", ".join(c.phrase() for c in self.contributions(delta)[:RATIONALE_FEATURES]) or "no feature differs"


def difference(x: Vector, y: Vector) -> Vector:
    return tuple(a - b for a, b in zip(x, y))


def _inflected(word: str) -> str:
    """A move word with its common inflections: pan/pans/panned/panning, dolly/dollies, crane/craning."""
    if word.endswith("y"):
        return re.escape(word[:-1]) + r"(?:y|ies|ied|ying)"
    if word.endswith("e"):
        return re.escape(word[:-1]) + r"(?:e|es|ed|ing)"
    if word.endswith("ing"):  # "tracking": also "we track", "tracks", "tracked"
        return re.escape(word[:-3]) + r"(?:ing|s|ed)?"
    return re.escape(word) + rf"(?:s|es|ed|ing|{re.escape(word[-1])}ed|{re.escape(word[-1])}ing)?"


# Compounds written as one word in CAMERA_MOVES but often split by writers ("hand-held").
_COMPOUNDS = {"handheld": "hand held"}


def _move_pattern(move: str) -> re.Pattern[str]:
    parts = re.split(r"[\s-]+", _COMPOUNDS.get(move, move))
    return re.compile(r"\b" + r"[\s-]*".join(_inflected(w) for w in parts) + r"\b", re.IGNORECASE)


def named_move(text: str, move: str) -> bool:
    """Whether the text names the move (any spelling); a longer move containing it ("whip pan" for "pan") does not count."""
    for other in CAMERA_MOVES:
        if other != move and re.search(rf"\b{re.escape(move)}\b", other):
            text = _move_pattern(other).sub(" ", text)
    return _move_pattern(move).search(text) is not None


_NUMBERED_ITEM = re.compile(r"^\s*\(?(\d{1,2})[.)]\s+", re.MULTILINE)


def numbered_items(text: str) -> list[str]:
    """The items of a numbered list ("1. ...", "2) ..."), continuation lines kept with their item."""
    starts = list(_NUMBERED_ITEM.finditer(text))
    return [text[m.end() : (starts[i + 1].start() if i + 1 < len(starts) else len(text))].strip() for i, m in enumerate(starts)]


def _score_int(score: float) -> int:
    return min(10, max(1, round(score)))


class HeuristicJudge:
    """Answers rubric and pairwise requests like the LLM judges, and caches verdicts in the Store."""

    name = HEURISTIC_JUDGE

    def __init__(self, store: Store, weights: HeuristicWeights | None = None):
        self.store = store
        self.scorer = CraftScorer(weights or load_weights())

    def _key(self, kind: str, pack: Pack, prompt: PromptSpec, **subject: Any) -> str:
        return content_key({"kind": kind, "judge": self.name, "weights": self.scorer.weights.version,
                            "pack": pack.content_hash, "prompt": prompt.id, **subject})

    async def judge(self, pack: Pack, prompt: PromptSpec, text: str, persona: Persona | None = None) -> RubricResult:
        key = self._key("rubric", pack, prompt, persona=persona.id if persona else None, text=text)
        stored = self.store.get_judgment(key)
        if stored is not None:
            return RubricResult.model_validate({**stored["result"], "cached": True})
        result = self._rubric(pack, prompt, text, persona)
        self.store.put_judgment(key, kind="persona" if persona else "rubric", judge=self.name, pack=pack.name,
                                pack_hash=pack.content_hash, subject=content_key(text), ok=result.ok,
                                result=result.model_dump(exclude={"cached"}), raw=result.raw, error=result.error)
        return result

    def _rubric(self, pack: Pack, prompt: PromptSpec, text: str, persona: Persona | None) -> RubricResult:
        result = RubricResult(ok=False, judge=self.name, pack=pack.name, pack_version=pack.version, prompt_id=prompt.id,
                              persona=persona.id if persona else None, injection=detect_injection(text).reasons)
        if not words(text):
            result.error = "text has no words to judge"
            return result
        z = self.scorer.standardised(text)
        craft = self.scorer.to_ten(self.scorer.linear(z))
        score = _score_int(craft)
        notes = [f"single craft score {craft:.1f}/10 from judge-free features, used for every criterion"]
        if persona is not None:
            result.scores = {"love": score}
            notes[0] += f" (the {persona.name} persona is not modelled)"
        else:
            # A negative criterion (cliché density) is scored so that its inverted value equals the craft score.
            result.scores = {c.id: (11 - score if c.negative else score) for c in pack.rubric}
            result.moves = {m: "correct" if named_move(text, m) else "missing" for m in prompt.moves}
            if result.moves:
                notes.append("moves checked by name only: 'correct' means named, not verified as used right")
            if prompt.alts:
                items = numbered_items(text)
                delivered = [item for item in items[: prompt.alts] if words(item)]
                missing = prompt.alts - len(delivered)
                result.alts = [_score_int(self.scorer.craft_score(item)) for item in delivered] + [1] * missing
                notes.append("alts scored one by one" + (f"; {missing} missing, scored 1" if missing else ""))
        notes.append("vs the average training text: " + self.scorer.explain(z))
        result.ok, result.overall, result.rationale = True, round(craft, 3), "; ".join(notes)
        result.raw = json.dumps({"linear": round(self.scorer.linear(z), 4), "weights": self.scorer.weights.version})
        return result

    async def judge_pair(self, pack: Pack, prompt: PromptSpec, text_x: str, text_y: str) -> PairResult:
        # Keyed in the order given: the heuristic is cheap, and its rationale speaks of "text 1" and "text 2".
        key = self._key("pairwise", pack, prompt, texts=[text_x, text_y])
        stored = self.store.get_judgment(key)
        if stored is not None:
            return PairResult.model_validate({**stored["result"], "cached": True})
        result = self._pair(pack, prompt, text_x, text_y)
        self.store.put_judgment(key, kind="pairwise", judge=self.name, pack=pack.name, pack_hash=pack.content_hash,
                                subject=f"{content_key(text_x)}|{content_key(text_y)}", ok=result.ok,
                                result=result.model_dump(exclude={"cached"}), raw=result.raw, error=result.error)
        return result

    def _pair(self, pack: Pack, prompt: PromptSpec, text_x: str, text_y: str) -> PairResult:
        result = PairResult(ok=False, judge=self.name, pack=pack.name, pack_version=pack.version, prompt_id=prompt.id,
                            injection_x=detect_injection(text_x).reasons, injection_y=detect_injection(text_y).reasons)
        empty = [label for label, text in (("text 1", text_x), ("text 2", text_y)) if not words(text)]
        if empty:
            result.error = f"{' and '.join(empty)} has no words to judge"
            return result
        z_x, z_y = self.scorer.standardised(text_x), self.scorer.standardised(text_y)
        p_forward = sigmoid(self.scorer.linear(difference(z_x, z_y)))  # x shown as A
        p_backward = sigmoid(self.scorer.linear(difference(z_y, z_x)))  # y shown as A
        forward, backward = _verdicts(pack, p_forward), _verdicts(pack, p_backward)
        result.outcomes = combine_orders(pack, forward, backward)
        result.score_x = sum(o.score_x for o in result.outcomes.values()) / len(result.outcomes)
        result.flips = sum(o.flipped for o in result.outcomes.values())
        leader = {"A": "text 1", "B": "text 2", "tie": "neither text"}[_verdict(p_forward)]
        result.rationale = (f"{leader} preferred, P(text 1 better) = {p_forward:.2f}; text 1 has "
                            + self.scorer.explain(difference(z_x, z_y)))
        result.ok = True
        result.raw = json.dumps({"p_forward": round(p_forward, 6), "p_backward": round(p_backward, 6),
                                 "weights": self.scorer.weights.version})
        return result


def _verdict(p_first: float) -> str:
    return "A" if p_first > 0.5 + DECISION_MARGIN else "B" if p_first < 0.5 - DECISION_MARGIN else "tie"


def _verdicts(pack: Pack, p_first: float) -> dict[str, Any]:
    """One presentation order as the LLM judge would answer it: a verdict and a 1..3 margin per criterion."""
    verdict = _verdict(p_first)
    strength = abs(p_first - 0.5)
    margin = 1 if strength <= 0.15 else 2 if strength <= 0.3 else 3
    return {key: value for c in pack.pairwise for key, value in ((c.id, verdict), (f"{c.id}_margin", margin))}


def _build(name: str, store: Store, model_for: Any) -> tuple[HeuristicJudge, HeuristicJudge]:
    judge = HeuristicJudge(store)  # one object answers rubric and pairwise requests; it needs no model
    return judge, judge


# The `craft/` judge family in punchup.registry.judges.
create = JudgeFamily(names=lambda: [HEURISTIC_JUDGE.partition("/")[2]], build=_build)
