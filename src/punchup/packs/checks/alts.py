"""`alts` (comedy pack): N alternates per setup, each scored on its own; reported as hit rate and alts per keeper."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any, Callable

KEEPER_SCORE = 8  # an alt at or above this is one you would pitch
MAX_ALTS = 20

_NUMBERED_ITEM = re.compile(r"^\s*\(?(\d{1,2})[.)]\s+", re.MULTILINE)


def numbered_items(text: str) -> list[str]:
    """The items of a numbered list ("1. ...", "2) ..."), continuation lines kept with their item."""
    starts = list(_NUMBERED_ITEM.finditer(text))
    return [text[m.end() : (starts[i + 1].start() if i + 1 < len(starts) else len(text))].strip() for i, m in enumerate(starts)]


def _enum_int(low: int, high: int) -> dict[str, Any]:
    return {"type": "integer", "enum": list(range(low, high + 1))}


class AltsCheck:
    name = "alts"
    summary_key = "comedy"

    def reply_fields(self, prompt: Any) -> dict[str, dict[str, Any]]:
        return {f"alt_{i}": _enum_int(1, 10) for i in range(1, (prompt.alts or 0) + 1)}

    def instructions(self, prompt: Any) -> str:
        if not prompt.alts:
            return ""
        return (f'The brief asks for {prompt.alts} alternates ("alts"). Score each alt on its own from 1 (dead on arrival) '
                f"to 10 (a keeper you would pitch): alt_1 ... alt_{prompt.alts}. Missing alts score 1.")

    def read_reply(self, prompt: Any, values: dict[str, Any]) -> dict[str, Any]:
        return {"alts": [values.pop(f"alt_{i}") for i in range(1, prompt.alts + 1)]} if prompt.alts else {}

    def measure(self, prompt: Any, text: str, score_text: Callable[[str], int]) -> tuple[dict[str, Any], list[str]]:
        """Score each delivered alt with `score_text`; an alt that is not there scores 1."""
        if not prompt.alts:
            return {}, []
        delivered = [item for item in numbered_items(text)[: prompt.alts] if item.split()]
        missing = prompt.alts - len(delivered)
        scores = [score_text(item) for item in delivered] + [1] * missing
        return {"alts": scores}, ["alts scored one by one" + (f"; {missing} missing, scored 1" if missing else "")]

    def figure(self, state: Any) -> dict[str, dict[str, Any]]:
        """writer -> hit rate (share of setups with at least one keeper) and alts per keeper (all alts / keepers)."""
        per_writer: dict[str, list[list[int]]] = defaultdict(list)
        for key, result in state.rubric.items():
            if result["ok"] and result.get("alts"):
                per_writer[state.generations[key]["writer"]].append(result["alts"])
        figures = {}
        for writer, lists in per_writer.items():
            keepers = sum(sum(s >= KEEPER_SCORE for s in alts) for alts in lists)
            total_alts = sum(len(alts) for alts in lists)
            figures[writer] = {
                "setups": len(lists),
                "hit_rate": round(sum(max(alts) >= KEEPER_SCORE for alts in lists) / len(lists), 3),
                "alts_per_keeper": round(total_alts / keepers, 2) if keepers else None,
            }
        return figures


CHECK = AltsCheck()
