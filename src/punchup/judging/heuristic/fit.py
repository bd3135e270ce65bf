"""Fitting the `craft/heuristic` weights: L2 logistic regression on feature differences.

A preference "a beats b" is modelled as P = sigmoid(w · (f(a) − f(b))) with no
intercept, and every pair enters in both orders (d, 1) and (−d, 0), so the fitted
judge cannot prefer a position. Features are standardised first so one
regularisation strength treats them alike. Cross-validation keeps whole groups
(a pair and its mirror; or every pair sharing a text) in one fold, because a
pair's mirror in the other fold would leak its answer.

Only numpy: the problem has a few hundred rows and a dozen columns, where
Newton's method converges in a handful of steps.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LAMBDAS: tuple[float, ...] = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0)


@dataclass(frozen=True)
class Standardiser:
    means: np.ndarray
    scales: np.ndarray
    clip: float = 3.0  # one extreme feature value (a 40-word text, a list of exclamations) cannot decide alone

    @classmethod
    def fit(cls, features: np.ndarray, clip: float = 3.0) -> "Standardiser":
        scales = features.std(axis=0)
        # A constant column carries no information; scale 1 keeps it at 0 instead of dividing by 0.
        return cls(means=features.mean(axis=0), scales=np.where(scales > 1e-12, scales, 1.0), clip=clip)

    def apply(self, features: np.ndarray) -> np.ndarray:
        return np.clip((features - self.means) / self.scales, -self.clip, self.clip)


def symmetric_rows(differences: np.ndarray, first_wins: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pair in both orders: (d, y) and (−d, 1 − y). Ties (y = 0.5) stay 0.5 both ways."""
    labels = first_wins.astype(float)
    return np.vstack([differences, -differences]), np.concatenate([labels, 1.0 - labels])


def fit_logistic(rows: np.ndarray, labels: np.ndarray, l2: float, iterations: int = 50) -> np.ndarray:
    """Weights minimising mean log-loss + l2/2 · |w|², without intercept, by Newton's method."""
    n, k = rows.shape
    weights = np.zeros(k)
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-(rows @ weights)))
        gradient = rows.T @ (p - labels) / n + l2 * weights
        hessian = (rows * (p * (1 - p))[:, None]).T @ rows / n + l2 * np.eye(k)
        step = np.linalg.solve(hessian, gradient)
        weights -= step
        if np.max(np.abs(step)) < 1e-10:
            break
    return weights


def grouped_folds(groups: np.ndarray, k: int, seed: int = 0) -> list[np.ndarray]:
    """Indices of each of k test folds; every group lands in exactly one fold."""
    unique = np.unique(groups)
    order = np.random.default_rng(seed).permutation(unique)
    k = min(k, len(unique))
    return [np.flatnonzero(np.isin(groups, order[i::k])) for i in range(k)]


def pair_accuracy(weights: np.ndarray, differences: np.ndarray, first_wins: np.ndarray, tie_band: float = 0.0) -> np.ndarray:
    """Per pair: 1 if w·d picks the winner, 0.5 when |w·d| <= tie_band (a tie), else 0."""
    margin = differences @ weights
    return np.where(np.abs(margin) <= tie_band, 0.5, ((margin > 0) == (first_wins > 0.5)).astype(float))


def cross_validated_accuracy(
    differences: np.ndarray, first_wins: np.ndarray, groups: np.ndarray, l2: float, k: int = 5, seed: int = 0
) -> float:
    """Mean held-out pair accuracy for one regularisation strength (differences already standardised)."""
    correct = np.zeros(len(first_wins))
    for test in grouped_folds(groups, k, seed):
        train = np.setdiff1d(np.arange(len(first_wins)), test)
        weights = fit_logistic(*symmetric_rows(differences[train], first_wins[train]), l2=l2)
        correct[test] = pair_accuracy(weights, differences[test], first_wins[test])
    return float(correct.mean())


def choose_l2(
    differences: np.ndarray, first_wins: np.ndarray, groups: np.ndarray, k: int = 5, lambdas: tuple[float, ...] = LAMBDAS
) -> float:
    """The strength with the best grouped CV accuracy; ties go to the stronger (simpler) one."""
    scores = [(cross_validated_accuracy(differences, first_wins, groups, l2, k), l2) for l2 in lambdas]
    best = max(score for score, _ in scores)
    return max(l2 for score, l2 in scores if score >= best - 1e-12)


def nested_cv_predictions(
    features_first: np.ndarray,
    features_second: np.ndarray,
    first_wins: np.ndarray,
    groups: np.ndarray,
    outer_k: int = 10,
    inner_k: int = 5,
    seed: int = 0,
    clip: float = 3.0,
    tie_band: float = 0.0,
    lambdas: tuple[float, ...] = LAMBDAS,
) -> np.ndarray:
    """Held-out correctness of every pair, with standardisation and l2 chosen inside each outer fold.

    Nothing about a test fold (not even its feature scales) is seen before it is scored,
    so the mean is an honest estimate of accuracy on new pairs like these.
    """
    correct = np.zeros(len(first_wins))
    everything = np.arange(len(first_wins))
    for test in grouped_folds(groups, outer_k, seed):
        train = np.setdiff1d(everything, test)
        scaler = Standardiser.fit(np.vstack([features_first[train], features_second[train]]), clip)
        train_diff = scaler.apply(features_first[train]) - scaler.apply(features_second[train])
        l2 = choose_l2(train_diff, first_wins[train], groups[train], inner_k, lambdas)
        weights = fit_logistic(*symmetric_rows(train_diff, first_wins[train]), l2=l2)
        test_diff = scaler.apply(features_first[test]) - scaler.apply(features_second[test])
        correct[test] = pair_accuracy(weights, test_diff, first_wins[test], tie_band)
    return correct


def cluster_bootstrap_ci(values: np.ndarray, groups: np.ndarray, n_boot: int = 2000, seed: int = 0) -> tuple[float, float]:
    """95 % percentile interval of the mean, resampling whole groups (pairs sharing a text are not independent)."""
    unique = np.unique(groups)
    sums = np.array([values[groups == g].sum() for g in unique])
    sizes = np.array([np.sum(groups == g) for g in unique])
    draws = np.random.default_rng(seed).integers(0, len(unique), size=(n_boot, len(unique)))
    means = sums[draws].sum(axis=1) / sizes[draws].sum(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return float(low), float(high)


def groups_sharing_texts(pairs: list[tuple[str, str]]) -> np.ndarray:
    """A group id per pair, joining pairs that share a text (directly or through other pairs).

    Preference sets often reuse one text against several rivals; splitting those
    pairs across folds would let the model meet a test text during training.
    """
    parent = list(range(len(pairs)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_seen: dict[str, int] = {}
    for index, pair in enumerate(pairs):
        for text in pair:
            if text in first_seen:
                parent[root(index)] = root(first_seen[text])
            else:
                first_seen[text] = index
    return np.array([root(i) for i in range(len(pairs))])


@dataclass(frozen=True)
class FittedModel:
    """One fit on one set of pairs: what HeuristicWeights stores."""

    scaler: Standardiser
    l2: float
    weights: np.ndarray
    spread: float  # spread of w·z over the training texts
    training_accuracy: float  # on the pairs it was fitted on: never a test figure


def fit_pairs(features_first: np.ndarray, features_second: np.ndarray, first_wins: np.ndarray, groups: np.ndarray,
              clip: float = 3.0, tie_band: float = 0.0, lambdas: tuple[float, ...] = LAMBDAS) -> FittedModel:
    """Standardise, choose the L2 strength by grouped CV, and fit on every pair given."""
    scaler = Standardiser.fit(np.vstack([features_first, features_second]), clip)
    differences = scaler.apply(features_first) - scaler.apply(features_second)
    l2 = choose_l2(differences, first_wins, groups, lambdas=lambdas)
    weights = fit_logistic(*symmetric_rows(differences, first_wins), l2=l2)
    return fitted_model(scaler, l2, weights, features_first, features_second, first_wins, tie_band)


def fitted_model(scaler: Standardiser, l2: float, weights: np.ndarray, features_first: np.ndarray,
                 features_second: np.ndarray, first_wins: np.ndarray, tie_band: float) -> FittedModel:
    """The fit as stored: its score spread over the training texts and its (training) accuracy on their pairs."""
    spread = float(np.std(np.vstack([scaler.apply(features_first), scaler.apply(features_second)]) @ weights))
    differences = scaler.apply(features_first) - scaler.apply(features_second)
    training = float(pair_accuracy(weights, differences, first_wins, tie_band).mean())
    return FittedModel(scaler, l2, weights, max(spread, 1e-6), training)


def leave_one_source_out(features_first: np.ndarray, features_second: np.ndarray, first_wins: np.ndarray,
                         groups: np.ndarray, sources: np.ndarray, clip: float = 3.0,
                         tie_band: float = 0.0, lambdas: tuple[float, ...] = LAMBDAS,
                         fitter: Callable[..., FittedModel] | None = None) -> dict[str, np.ndarray]:
    """source -> per-pair correctness on that source of a model fitted on every other source.

    The standardisation and the L2 strength are chosen on the training sources only, so
    nothing about the held-out source is seen before it is scored. `fitter` (default fit_pairs)
    takes fit_pairs' arguments: advice.fit_advice is the other method.
    """
    fitter = fitter or fit_pairs
    results: dict[str, np.ndarray] = {}
    for source in np.unique(sources):
        test, train = sources == source, sources != source
        if not train.any():
            continue
        model = fitter(features_first[train], features_second[train], first_wins[train], groups[train], clip, tie_band,
                       lambdas)
        test_diff = model.scaler.apply(features_first[test]) - model.scaler.apply(features_second[test])
        results[str(source)] = pair_accuracy(model.weights, test_diff, first_wins[test], tie_band)
    return results
