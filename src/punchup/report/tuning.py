"""The report's "tuning" panel: a LoRA-tuned writer against its base, under this run's judge and any other.

Shown when the run has a writer `MODEL@lora=...` and a writer of the same MODEL
without it. Other runs in the store with the same two writers but another judge
(e.g. the same held-out prompts judged by an LLM) give the second judge's verdict.
"""

from __future__ import annotations

from typing import Any

from punchup.improve.effect import tuning_effect
from punchup.store import Store


def _writer_pairs(config: dict[str, Any]) -> list[tuple[str, str]]:
    """(base name, tuned name) for every tuned writer whose base model is also a writer of the run."""
    writers = config.get("writers") or []
    plain = {w["model"]: w["name"] for w in writers if "@lora=" not in w["model"]}
    return [(plain[base], w["name"]) for w in writers if "@lora=" in w["model"]
            and (base := w["model"].split("@lora=", 1)[0]) in plain]


def _other_judge_runs(store: Store, run: str, judge: str, base: str, tuned: str) -> list[str]:
    found = []
    for entry in store.runs():
        if entry["name"] == run:
            continue
        other = store.get_run(entry["name"]) or {}
        config = other.get("config") or {}
        names = {w.get("name") for w in config.get("writers") or []}
        if config.get("judge") != judge and {base, tuned} <= names:
            found.append(entry["name"])
    return found


def tuning_view(store: Store, run: str) -> list[dict[str, Any]]:
    stored = store.get_run(run) or {}
    config = stored.get("config") or {}
    judge = str(config.get("judge") or "")
    panels = []
    for base, tuned in _writer_pairs(config):
        runs = [run, *_other_judge_runs(store, run, judge, base, tuned)]
        effect = tuning_effect(store, runs, base, tuned, training_judge=None)
        panels.append({"base": base, "tuned": tuned, "runs": runs, "judges": effect.judges,
                       "signals": effect.signals, "flags": effect.flags,
                       "criteria": sorted({c for j in effect.judges for c in j.criteria})})
    return panels
