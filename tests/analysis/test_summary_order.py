"""The leaderboard must not depend on the order items reached the store (a resumed run stores them out of order)."""

import random
from types import SimpleNamespace

from punchup.bench.state import BenchState
from punchup.analysis.summary import leaderboard


def _state(order_seed: int) -> BenchState:
    rng = random.Random(0)
    items = []
    for writer in ("w/a", "w/b"):
        for prompt in range(9):
            key = f"fiction/p{prompt}/{writer}/0"
            items.append((key, {"writer": writer, "ok": True}, {"overall": round(rng.uniform(2, 9), 2)}))
    random.Random(order_seed).shuffle(items)
    state = BenchState(packs=[])
    for key, generation, rubric in items:
        state.generations[key] = generation
        state.rubric[key] = rubric
    return state


def test_rubric_interval_is_the_same_whatever_order_items_were_stored_in():
    config = SimpleNamespace(writers=[SimpleNamespace(name="w/a"), SimpleNamespace(name="w/b")], seed=0)
    boards = [leaderboard(config, _state(order_seed)) for order_seed in range(6)]
    assert all(board == boards[0] for board in boards)
    assert boards[0][0]["rubric"]["low"] < boards[0][0]["rubric"]["high"]  # a real interval, not a collapsed one
