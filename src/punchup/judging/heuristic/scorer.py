"""The fitted part of `craft/heuristic`: standardised craft features, one weight each, and what they say.

A text's craft score is a weighted sum of its standardised features (see
features.py); benchmarks/fit_heuristic.py sets the weights (the directions of
craft advice with one fitted strength, advice.py, unless a fully fitted set does
better on held-out sources) and ships them as weights.json. Pairwise,
P(x better) = sigmoid(w · (z(x) − z(y))), antisymmetric by construction.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from punchup.judging.heuristic.features import (
    FEATURE_BY_NAME,
    FEATURE_VERSION,
    MODEL_FEATURES,
    text_features,
)
from punchup.util.hashing import content_key

WEIGHTS_PATH = Path(__file__).with_name("weights.json")
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
    def _consistent(self) -> HeuristicWeights:
        sizes = {len(self.features), len(self.means), len(self.scales), len(self.weights)}
        unknown = [name for name in self.features if name not in FEATURE_BY_NAME]
        if len(sizes) != 1 or unknown or min(self.scales, default=1.0) <= 0:
            raise ValueError(f"inconsistent heuristic weights (unknown features: {unknown or 'none'})")
        return self

    @property
    def version(self) -> str:
        """Part of every cached heuristic judgment: new weights never reuse old verdicts."""
        return content_key(self.model_dump(exclude={"fit"}))[:16]

    @property
    def method(self) -> str:
        """How they were set (refit.METHODS); weights shipped before the "advice" method were "logistic"."""
        return str(self.fit.get("method_key", "logistic"))

    @property
    def model_features(self) -> list[str]:
        """The features these weights need a language model for (predictability.py); none for `craft/heuristic`."""
        needing = {feature.name for feature in MODEL_FEATURES}
        return [name for name in self.features if name in needing]

    @property
    def sources(self) -> list[str]:
        """The data sources these weights were fitted on: accuracy there is training accuracy."""
        return list(self.fit.get("sources") or self.fit.get("data") or [])


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
        """The margin note: what the text does, in an editor's words (the number lives in `raw`)."""
        feature = FEATURE_BY_NAME[self.feature]
        return feature.more if self.difference > 0 else feature.less

    def record(self) -> dict[str, Any]:
        return {"feature": self.feature, "difference": round(self.difference, 4), "logit": round(self.logit, 4)}


Vector = tuple[float, ...]  # one value per feature, in the weights' feature order; a dozen, so plain Python
Measure = Callable[[str], dict[str, float]]  # a text's raw feature values by name (text_features, plus model ones)


class CraftScorer:
    """Pure arithmetic on one set of weights; knows nothing about packs or the store."""

    def __init__(self, weights: HeuristicWeights, measure: Measure = text_features):
        self.weights = weights
        self.measure = measure

    def standardised(self, text: str) -> Vector:
        values = self.measure(text)
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
        """Margin notes for the features that moved the verdict most, for and against the text."""
        top = self.contributions(delta)[:RATIONALE_FEATURES]
        helped = [c.phrase() for c in top if c.logit > 0]
        hurt = [c.phrase() for c in top if c.logit < 0]
        parts = ([f"in its favour: {', '.join(helped)}"] if helped else []) + ([f"against it: {', '.join(hurt)}"] if hurt else [])
        return "; ".join(parts) or "nothing in its craft habits sets it apart"


def difference(x: Vector, y: Vector) -> Vector:
    return tuple(a - b for a, b in zip(x, y))
