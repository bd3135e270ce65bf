"""Training a reward head: the Bradley-Terry loss on standardised embedding differences.

The same fitting code as `craft/heuristic` (L2 logistic regression on feature
differences, every pair in both orders, no intercept, L2 chosen by grouped
cross-validation), with stronger shrinkage allowed: 384 dimensions against a few
hundred pairs overfit otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from punchup.judging.heuristic.fit import fit_pairs, groups_sharing_texts
from punchup.judging.reward.model import RewardWeights

LAMBDAS = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0)
CLIP = 4.0


def train_reward(name: str, vectors_first: np.ndarray, vectors_second: np.ndarray, pairs: Sequence[tuple[str, str, bool]],
                 sources: Sequence[str], fit_notes: dict | None = None) -> RewardWeights:
    wins = np.array([1.0 if a_wins else 0.0 for _, _, a_wins in pairs])
    groups = groups_sharing_texts([(a, b) for a, b, _ in pairs])
    model = fit_pairs(vectors_first, vectors_second, wins, groups, CLIP, lambdas=LAMBDAS)
    return RewardWeights(
        name=name,
        # Six significant digits, not six decimals: a nearly constant dimension's scale must not round to 0.
        means=[float(f"{v:.6g}") for v in model.scaler.means],
        scales=[float(f"{v:.6g}") for v in model.scaler.scales],
        weights=[float(f"{v:.6g}") for v in model.weights],
        clip=CLIP,
        l2=model.l2,
        score_spread=round(model.spread, 6),
        fit={"sources": sorted(set(sources)), "pairs": len(pairs), "training_accuracy": round(model.training_accuracy, 4),
             **(fit_notes or {})},
    )
