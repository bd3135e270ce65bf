"""Both orders of a pairwise judgment combined, every case written out: score, flip and margin.

The forward call shows x as A, the backward call shows x as B. A verdict for x in both orders stands with
the mean of the two margins; any disagreement (including a win in one order and a tie in the other) is a
tie with margin 0 and counts as a flip; a tie in both orders is a tie with margin 0 and no flip.
"""

from __future__ import annotations

import json

import pytest

from punchup.judging.llm.pairwise import PairwiseJudge
from punchup.judging.orders import combine_orders
from punchup.models import CachedModel, get_model
from punchup.models.fake import script
from punchup.packs import load_pack

FICTION = load_pack("fiction")  # two pairwise criteria: prefer_to_read, craft
FIRST, SECOND = (c.id for c in FICTION.pairwise)


def verdicts(first: str, first_margin: int, second: str = "tie", second_margin: int = 1) -> dict:
    return {FIRST: first, f"{FIRST}_margin": first_margin, SECOND: second, f"{SECOND}_margin": second_margin}


@pytest.mark.parametrize(
    "forward, forward_margin, backward, backward_margin, score_x, flipped, margin",
    [
        ("A", 3, "B", 1, 1.0, False, 2.0),  # x wins both orders: the mean margin, not the first one
        ("A", 1, "B", 3, 1.0, False, 2.0),
        ("A", 2, "B", 3, 1.0, False, 2.5),
        ("B", 3, "A", 2, 0.0, False, 2.5),  # y wins both orders
        ("B", 1, "A", 1, 0.0, False, 1.0),
        ("A", 3, "A", 3, 0.5, True, 0.0),  # "A" both times: position bias, a tie
        ("B", 2, "B", 2, 0.5, True, 0.0),
        ("A", 3, "tie", 3, 0.5, True, 0.0),  # a win plus a tie is a tie, not a win
        ("tie", 3, "B", 3, 0.5, True, 0.0),
        ("B", 2, "tie", 1, 0.5, True, 0.0),  # a loss plus a tie is a tie too
        ("tie", 1, "A", 2, 0.5, True, 0.0),
        ("tie", 3, "tie", 3, 0.5, False, 0.0),  # agreeing ties: no flip, no margin
    ],
)
def test_every_combination_of_two_orders(forward, forward_margin, backward, backward_margin, score_x, flipped, margin):
    outcome = combine_orders(FICTION, verdicts(forward, forward_margin), verdicts(backward, backward_margin))[FIRST]
    assert (outcome.score_x, outcome.flipped, outcome.margin) == (score_x, flipped, margin)


def test_criteria_are_combined_independently():
    outcomes = combine_orders(FICTION, verdicts("A", 3, "B", 1), verdicts("B", 1, "A", 3))
    assert set(outcomes) == {FIRST, SECOND}
    assert (outcomes[FIRST].score_x, outcomes[FIRST].flipped, outcomes[FIRST].margin) == (1.0, False, 2.0)
    assert (outcomes[SECOND].score_x, outcomes[SECOND].flipped, outcomes[SECOND].margin) == (0.0, False, 2.0)


def reply(first: str, first_margin: int, second: str, second_margin: int) -> str:
    return json.dumps({"rationale": "Reasons.", **verdicts(first, first_margin, second, second_margin)})


async def test_the_judgment_averages_criteria_and_counts_flips(store):
    # Criterion 1: x wins both orders (margins 3 and 1). Criterion 2: "A" both times, a flip.
    script("orders-judge", [reply("A", 3, "A", 2), reply("B", 1, "A", 1)])
    judge = PairwiseJudge(CachedModel(get_model("fake/orders-judge"), store), store)
    text_x, text_y = "aaa text", "bbb text"
    result = await judge.judge_pair(FICTION, FICTION.prompts[0], text_x, text_y)
    forward_body = get_model("fake/orders-judge").calls[0][0][-1].content
    x_shown_first = forward_body.index(text_x) < forward_body.index(text_y)
    first_score = 1.0 if x_shown_first else 0.0  # the replies favour whichever text was shown as A first
    assert result.ok and result.flips == 1
    assert result.outcomes[FIRST].score_x == first_score and result.outcomes[FIRST].margin == 2.0
    assert result.outcomes[SECOND].score_x == 0.5 and result.outcomes[SECOND].flipped
    assert result.score_x == (first_score + 0.5) / 2  # the mean over criteria: 0.75 or 0.25
    mirrored = await judge.judge_pair(FICTION, FICTION.prompts[0], text_y, text_x)
    assert mirrored.cached and mirrored.score_x == 1.0 - result.score_x
    assert mirrored.outcomes[FIRST].score_x == 1.0 - first_score and mirrored.outcomes[FIRST].margin == 2.0
