"""The "advice" method of craft/heuristic: directions fixed by craft advice, one strength fitted."""

import numpy as np

from punchup.judging.heuristic.advice import ADVICE, directions, fit_advice
from punchup.judging.heuristic.fit import leave_one_source_out
from punchup.judging.heuristic.judge import load_weights
from punchup.judging.heuristic.refit import FITTED, TIE_BAND, weights_from_pairs

FEATURES = ("cliches", "sentence_length_variation", "semicolons")


def _pairs(rng: np.random.Generator, n: int, agree: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    first, second = rng.normal(size=(n, 3)), rng.normal(size=(n, 3))
    advised = (first - second) @ np.array([-1.0, 1.0, 0.0])  # fewer cliches, more varied rhythm
    wins = ((advised > 0) == agree).astype(float)
    return first, second, wins


def test_only_advised_features_get_weight_and_its_sign_is_the_advice():
    first, second, wins = _pairs(np.random.default_rng(0), 200, agree=True)
    model = fit_advice(first, second, wins, np.arange(200), features=FEATURES)
    assert model.weights[2] == 0.0  # semicolons: no settled advice
    assert model.weights[0] < 0 < model.weights[1] and abs(model.weights[0]) == abs(model.weights[1])
    assert model.training_accuracy > 0.95


def test_data_that_contradicts_the_advice_gets_a_faint_judge_never_a_reversed_one():
    first, second, wins = _pairs(np.random.default_rng(1), 200, agree=False)
    model = fit_advice(first, second, wins, np.arange(200), features=FEATURES)
    assert model.weights[0] <= 0 <= model.weights[1] and np.abs(model.weights).max() <= 1e-3


def test_leave_one_source_out_sets_the_strength_without_the_held_out_source():
    """Source B is scored by a fit that never saw it: its contradicting labels score near 0, not near 1."""
    rng = np.random.default_rng(2)
    a, b = _pairs(rng, 150, agree=True), _pairs(rng, 150, agree=False)
    first, second, wins = (np.vstack([a[i], b[i]]) if i < 2 else np.concatenate([a[i], b[i]]) for i in range(3))
    sources = np.array(["a"] * 150 + ["b"] * 150)
    held = leave_one_source_out(first, second, wins, np.arange(300), sources, tie_band=TIE_BAND,
                                fitter=lambda *args: fit_advice(*args, features=FEATURES))
    assert held["b"].mean() < 0.1  # fitted on a only: follows the advice, which b's labels contradict
    assert held["a"].mean() == 0.5  # fitted on b only: a faint judge, every verdict within the tie band


def test_shipped_weights_are_the_advice_method_and_follow_the_advice_exactly():
    weights = load_weights()
    assert weights.fit["method_key"] == "advice"  # it held up better held out (benchmarks/fit_heuristic.py)
    signs = directions(weights.features)
    assert all(np.sign(w) == s for w, s in zip(weights.weights, signs))
    assert {name for name, w in zip(weights.features, weights.weights) if w} == set(ADVICE) & set(weights.features)


def test_refit_records_its_method():
    texts = [("The rain fell. It fell and fell, grey as a ledger. I counted it.", "It was a dark and stormy night "
              "and my heart was heavy with grief and sorrow and pain.")] * 6 + [
        ("She said no. Then she said it again, slower.", "She exclaimed loudly, 'No!' and quickly, sadly left.")] * 6
    pairs = [(a, b, True) for a, b in texts]
    weights = weights_from_pairs(pairs, ["s"] * len(pairs), method="advice")
    assert weights.fit["method_key"] == "advice" and weights.features == list(FITTED)
    assert weights_from_pairs(pairs, ["s"] * len(pairs), method="logistic").fit["method_key"] == "logistic"
