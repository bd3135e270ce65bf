"""Which pairs of writers to judge on which prompts: all pairs for a few writers, ~n log n for many.

Kept apart from punchup.analysis.ranking so scheduling a bench needs no numpy.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations


def _sparse_pairs(ordered_writers: list[str]) -> list[tuple[str, str]]:
    """Neighbours at distances 1, 2, 4, 8... in rating order: about n log2 n pairs.

    Close neighbours are compared most because their order is least certain;
    the doubling distances still connect every writer to distant ones so the
    ratings form one comparable scale.
    """
    pairs: list[tuple[str, str]] = []
    distance = 1
    while distance < len(ordered_writers):
        pairs.extend(
            (ordered_writers[i], ordered_writers[i + distance]) for i in range(len(ordered_writers) - distance)
        )
        distance *= 2
    return pairs


def _uses_all_pairs(n_writers: int, budget: int | None, all_pairs_up_to: int) -> bool:
    # Many writers always get the sparse schedule: all pairs grow as n^2 whether or not a budget is set.
    return n_writers <= all_pairs_up_to


def schedule_pairs(
    writers: Sequence[str],
    prompt_ids: Sequence[str],
    current: dict[str, float] | None = None,
    budget: int | None = None,
    all_pairs_up_to: int = 6,
) -> list[tuple[str, str, str]]:
    """Which (prompt_id, writer_a, writer_b) comparisons to judge.

    With few writers every pair meets on every prompt. With
    more writers, writers are ordered by ``current`` rating (best first;
    unrated writers take the mean rating; ties keep the given order) and
    paired with neighbours at distances 1, 2, 4, 8...; each round gives every
    pair one more prompt, rotating prompts so they are spread evenly. A
    ``budget`` caps the number of comparisons in both cases; close pairs are
    kept first.
    """
    names = list(writers)
    if len(set(names)) != len(names):
        raise ValueError("writers contains duplicates")
    prompts = list(prompt_ids)
    if len(names) < 2 or not prompts or (budget is not None and budget <= 0):
        return []

    if _uses_all_pairs(len(names), budget, all_pairs_up_to):
        schedule = [(prompt, a, b) for prompt in prompts for a, b in combinations(names, 2)]
        return schedule if budget is None else schedule[:budget]

    ratings = current or {}
    known = [ratings[name] for name in names if name in ratings]
    fallback = sum(known) / len(known) if known else 0.0
    given_order = {name: index for index, name in enumerate(names)}
    ordered = sorted(names, key=lambda name: (-ratings.get(name, fallback), given_order[name]))
    pairs = _sparse_pairs(ordered)

    schedule = []
    for round_index in range(len(prompts)):
        for pair_index, (a, b) in enumerate(pairs):
            # Pair k gets prompt (k + round) mod P: distinct prompts per pair
            # across rounds, and different pairs start on different prompts.
            schedule.append((prompts[(pair_index + round_index) % len(prompts)], a, b))
            if len(schedule) == budget:
                return schedule
    return schedule


def pair_count(n_writers: int, n_prompts: int, budget: int | None = None, all_pairs_up_to: int = 6) -> int:
    """Number of comparisons :func:`schedule_pairs` returns for these sizes."""
    if n_writers < 2 or n_prompts <= 0 or (budget is not None and budget <= 0):
        return 0
    if _uses_all_pairs(n_writers, budget, all_pairs_up_to):
        total = n_writers * (n_writers - 1) // 2 * n_prompts
    else:
        distinct_pairs = len(_sparse_pairs([str(index) for index in range(n_writers)]))
        total = distinct_pairs * n_prompts
    return total if budget is None else min(total, budget)
