"""Refit the craft judges' weights on preference pairs: what fit_heuristic.py ships and calibrate's leave-one-source-out uses.

Two methods: "advice" (advice.py: directions fixed by craft advice, one strength per kind of evidence
fitted; what ships, because it holds up better on the source it was not fitted to) and "logistic"
(every weight fitted). `craft/heuristic-lm` adds the model feature (predictability.py) to the columns.
A refit uses the method the shipped weights record, so calibrate measures what ships.

Features are every craft feature except length and off-target length: length would add about a
point of accuracy on the development pairs (imitations run a little long) but would teach the
judge "shorter wins", which then dominates on bench texts far outside the lengths it was fitted on.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial

import numpy as np

from punchup.judging.heuristic.features import (
    FEATURE_NAMES,
    FEATURE_VERSION,
    text_features,
)
from punchup.judging.heuristic.advice import fit_advice
from punchup.judging.heuristic.fit import FittedModel, fit_pairs, groups_sharing_texts
from punchup.judging.heuristic.predictability import MODEL_FEATURE
from punchup.judging.heuristic.scorer import HeuristicWeights, Measure

LEFT_OUT = ("length", "off_target_length")
FITTED = tuple(name for name in FEATURE_NAMES if name not in LEFT_OUT)
FITTED_WITH_MODEL = FITTED + (MODEL_FEATURE,)  # craft/heuristic-lm's features
CLIP = 3.0
DECISION_MARGIN = 0.02  # the judge's tie band on P, as a band on w·d below
TIE_BAND = math.log((0.5 + DECISION_MARGIN) / (0.5 - DECISION_MARGIN))

Pair = tuple[str, str, bool]  # (text a, text b, a preferred)

METHODS = ("advice", "logistic")
METHOD_NOTES = {
    "advice": "unit weights in the directions of craft advice (judging/heuristic/advice.py) on standardised features, "
              "times one strength per kind of evidence (the craft habits; each model feature) fitted by logistic regression",
    "logistic": "L2 logistic regression on standardised feature differences, both orders, no intercept; L2 by grouped CV",
}


def fitter(method: str, features: Sequence[str]) -> Callable[..., FittedModel]:
    """The fitting function of a method (fit_pairs' arguments) for these feature columns."""
    return partial(fit_advice, features=features) if method == "advice" else fit_pairs


def feature_rows(texts: Sequence[str], names: Sequence[str] = FITTED, measure: Measure = text_features) -> np.ndarray:
    rows = []
    for text in texts:
        values = measure(text)
        rows.append([values[name] for name in names])
    return np.array(rows, dtype=float).reshape(len(texts), len(names))


def weights_from_pairs(pairs: Sequence[Pair], sources: Sequence[str], fit_notes: dict | None = None,
                       method: str = "advice", features: Sequence[str] = FITTED,
                       measure: Measure = text_features) -> HeuristicWeights:
    """Fitted weights for these pairs; `sources` names the data they came from (accuracy there is training accuracy).

    `features` and `measure` default to craft/heuristic's; craft/heuristic-lm passes FITTED_WITH_MODEL and its
    meter's measure (predictability.WithOpenEndedness)."""
    if len(pairs) < 10:
        raise ValueError(f"refitting needs at least 10 pairs, got {len(pairs)}")
    first = feature_rows([a for a, _, _ in pairs], features, measure)
    second = feature_rows([b for _, b, _ in pairs], features, measure)
    wins = np.array([1.0 if a_wins else 0.0 for _, _, a_wins in pairs])
    groups = groups_sharing_texts([(a, b) for a, b, _ in pairs])
    model = fitter(method, features)(first, second, wins, groups, CLIP, TIE_BAND)
    return HeuristicWeights(
        feature_version=FEATURE_VERSION,
        features=list(features),
        means=[round(float(v), 6) for v in model.scaler.means],
        scales=[round(float(v), 6) for v in model.scaler.scales],
        weights=[round(float(v), 6) for v in model.weights],
        clip=CLIP,
        l2=model.l2,
        score_spread=round(model.spread, 6),
        fit={"sources": sorted(set(sources)), "pairs": len(pairs), "training_accuracy": round(model.training_accuracy, 4),
             "method_key": method, "method": METHOD_NOTES[method], **(fit_notes or {})},
    )
