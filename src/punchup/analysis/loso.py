"""Leave-one-source-out: how a fittable judge does on a kind of writing it was never fitted to.

Cross-validation inside one data set measures how well a judge learns *that*
kind of pair; the number that matters is accuracy on another kind. For every
source in the calibration data, the judge is refitted on the pairs of every
other source (minus any pair that shares a text with the held-out source) and
scored on the held-out source only. A judge that cannot be refitted (an LLM
judge) is scored as it is, and its figures say so.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from pydantic import BaseModel

from punchup.analysis.calibration_data import LoadedPair
from punchup.judging.records import PairJudging, PairResult

CONCURRENCY = 8


@runtime_checkable
class Refittable(Protocol):
    """A judge that can be fitted anew on preference pairs (`craft/heuristic`, `reward/NAME`)."""

    fitted_sources: list[str]

    def refit(self, pairs: list[tuple[str, str, bool]], sources: list[str]) -> PairJudging: ...


class HeldOut(BaseModel):
    pairs: int
    accuracy: float | None
    fitted_on: list[str]  # the sources the refitted judge saw: never the held-out one
    training_pairs: int


def training_split(loaded: Sequence[LoadedPair], held_out: str) -> tuple[list[LoadedPair], list[LoadedPair]]:
    """(train, test): test is every pair of `held_out`; train every other pair that shares no text with test."""
    test = [item for item in loaded if item.source == held_out]
    test_texts = {text for item in test for text in (item.pair.text_a, item.pair.text_b)}
    train = [item for item in loaded if item.source != held_out
             and item.pair.text_a not in test_texts and item.pair.text_b not in test_texts]
    return train, test


def _credit(item: LoadedPair, result: PairResult) -> float | None:
    if not result.ok or result.score_x is None:
        return None
    return result.score_x if item.pair.preferred == "a" else 1.0 - result.score_x


async def leave_one_source_out(judge: Refittable, loaded: Sequence[LoadedPair], pack, prompt_for) -> dict[str, HeldOut]:
    """source -> accuracy of the judge refitted without that source; empty when there is only one source."""
    sources = sorted({item.source for item in loaded})
    if len(sources) < 2:
        return {}
    figures: dict[str, HeldOut] = {}
    slots = asyncio.Semaphore(CONCURRENCY)
    for source in sources:
        train, test = training_split(loaded, source)
        fitted_on = sorted({item.source for item in train})
        refitted = judge.refit([(i.pair.text_a, i.pair.text_b, i.pair.preferred == "a") for i in train], fitted_on)

        async def one(item: LoadedPair, judge: PairJudging) -> float | None:
            async with slots:
                return _credit(item, await judge.judge_pair(pack, prompt_for(item.pair), item.pair.text_a, item.pair.text_b))

        credits = [c for c in await asyncio.gather(*(one(item, refitted) for item in test)) if c is not None]
        figures[source] = HeldOut(pairs=len(test), accuracy=sum(credits) / len(credits) if credits else None,
                                  fitted_on=fitted_on, training_pairs=len(train))
    return figures


def summary_line(figures: dict[str, HeldOut]) -> str:
    """"wq 61% (fitted on lamp), lamp 55% (fitted on wq); mean over sources 58%"."""
    parts = [f"{name} {f.accuracy:.0%}" if f.accuracy is not None else f"{name} n/a" for name, f in figures.items()]
    scored = [f.accuracy for f in figures.values() if f.accuracy is not None]
    return ", ".join(parts) + (f"; mean over sources {sum(scored) / len(scored):.0%}" if scored else "")
