"""Both orders of a pairwise judgment, combined: agreement stands, disagreement is a tie.

Shared by every pairwise judge (LLM, built-in, learned), so position bias is handled in one place.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from punchup.judging.records import CriterionOutcome

if TYPE_CHECKING:
    from punchup.packs import Pack


def _score_first(verdict: str, first_is_a: bool) -> float:
    """Score (1 / 0.5 / 0) of the text that was shown as A when first_is_a, else as B."""
    if verdict == "tie":
        return 0.5
    return 1.0 if (verdict == "A") == first_is_a else 0.0


def combine_orders(pack: Pack, forward: dict[str, Any], backward: dict[str, Any]) -> dict[str, CriterionOutcome]:
    """forward showed x as A; backward showed x as B. Agreement stands, disagreement is a tie."""
    outcomes = {}
    for criterion in pack.pairwise:
        score_forward = _score_first(forward[criterion.id], first_is_a=True)
        score_backward = _score_first(backward[criterion.id], first_is_a=False)
        agree = score_forward == score_backward
        margin = (forward[f"{criterion.id}_margin"] + backward[f"{criterion.id}_margin"]) / 2 if agree else 0.0
        outcomes[criterion.id] = CriterionOutcome(
            score_x=score_forward if agree else 0.5, flipped=not agree, margin=margin if score_forward != 0.5 else 0.0
        )
    return outcomes
