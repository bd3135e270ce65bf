"""Craft advice as the judge's weights: each direction fixed in advance, one strength per kind of evidence fitted.

A logistic fit on the development pairs learns what separates *those* pairs: fitted
on one source and scored on the other it reaches 58-64 %, and features such as
mean sentence length change sign between sources. The advice of writing manuals
does not depend on the data set: vary the rhythm, cut the stock phrase, show rather
than name the feeling, put the reader in the scene, let dialogue speak without
adverbs and fancy tags, prefer the particular. Taken at equal strength on
standardised features (unit weights, which are known to travel better between
populations than fitted ones), those directions score 61-62 % on each
development source (benchmarks/fit_heuristic.py), and nothing about either source
chose them: the data only sets the standardisation (from the texts, without their
labels) and one common strength, which scales the confidence and the tie band but
decides no verdict.

Features without a settled direction in craft advice (mean sentence length, long
and short sentences, lexical variety, similes, semicolons) get no weight.

`craft/heuristic-lm` adds one feature of another kind, how open-ended the text is
to a language model (predictability.py), also in an advised direction (surprise
the reader). It gets a strength of its own, so two numbers are fitted: how much to
trust the habits and how much the model's reading. Their ratio does decide
verdicts where the two disagree; under leave-one-source-out it held up better than
one common strength (benchmarks/fit_heuristic.py; both are in the README).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from punchup.judging.heuristic.features import MODEL_FEATURES
from punchup.judging.heuristic.fit import FittedModel, Standardiser, fit_logistic, fitted_model, symmetric_rows

# +1: the better text has more of it; -1: less. The reason is the advice, in a script editor's words.
ADVICE: dict[str, int] = {
    "cliches": -1,  # cut the stock phrase
    "repetition": -1,  # do not say it twice
    "sentence_length_variation": +1,  # vary the rhythm: a long line, then a short one that lands
    "filter_words": -1,  # put the reader in the scene, not behind a watcher (felt, saw, noticed)
    "ly_adverbs": -1,  # let the verb work
    "fancy_dialogue_tags": -1,  # "said" and let the line carry the tone
    "abstract_nouns": -1,  # show the grief, do not name it
    "specifics": +1,  # the particular name, place and number
    "trailing_participles": -1,  # the stock ", doing X" machine rhythm
    "triads": -1,  # the reflexive list of three
    "em_dashes": -1,  # the dash habit of generated prose
    "exclamations": -1,  # let the sentence carry the force
    # craft/heuristic-lm only (predictability.py): surprise the reader; the expected next word, again and again,
    # is the stock phrase at the scale of a word
    "open_endedness": +1,
}
STRENGTH_L2 = 1e-4  # the strengths are barely regularised: one or two numbers, hundreds of pairs


def directions(features: Sequence[str]) -> np.ndarray:
    return np.array([float(ADVICE.get(name, 0)) for name in features])


def strength_groups(features: Sequence[str]) -> list[list[int]]:
    """Column indices that share one fitted strength: the craft habits together, each model-measured feature alone.

    A habit count and a language model's reading of the whole text are different kinds of evidence, on scales
    no advice relates; one common strength would let the dozen habits outvote the model feature by count alone."""
    model = {feature.name for feature in MODEL_FEATURES}
    habits = [i for i, name in enumerate(features) if name not in model]
    return [group for group in [habits] + [[i] for i, name in enumerate(features) if name in model] if group]


def fit_advice(features_first: np.ndarray, features_second: np.ndarray, first_wins: np.ndarray, groups: np.ndarray,
               clip: float = 3.0, tie_band: float = 0.0, lambdas: tuple[float, ...] = (), *,
               features: Sequence[str]) -> FittedModel:
    """Unit weights in the advised directions times a strength per group fitted on these pairs (fit_pairs' shape)."""
    del groups, lambdas  # nothing is selected, so there is nothing to cross-validate
    signs = directions(features)
    scaler = Standardiser.fit(np.vstack([features_first, features_second]), clip)
    differences = scaler.apply(features_first) - scaler.apply(features_second)
    members = strength_groups(features)
    advised = np.column_stack([differences[:, group] @ signs[group] for group in members])
    strengths = fit_logistic(*symmetric_rows(advised, first_wins), l2=STRENGTH_L2)
    weights = np.zeros(len(features))
    for group, strength in zip(members, strengths):
        # a source where the advice fails gets a faint judge, never a reversed one
        weights[group] = max(float(strength), 1e-3) * signs[group]
    return fitted_model(scaler, STRENGTH_L2, weights, features_first, features_second, first_wins, tie_band)
