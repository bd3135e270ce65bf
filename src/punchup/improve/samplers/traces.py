"""What each writer's samplers bought and cost over a run, from the traces stored with its texts."""

from __future__ import annotations

from typing import Any, Iterable


def selection_bias_warnings(writers: Iterable[Any], bench_judge: str) -> list[str]:
    """A warning per best-of writer whose selecting judge is (part of) the bench's judge.

    Picking the best of N with the judge that then scores the pick measures the judge's taste
    twice: the writer's scores are inflated under that judge and say little about quality.
    """
    from punchup.judging.factory import DEFAULT_JUDGE, panel_members

    measuring = set(panel_members(bench_judge))
    warnings = []
    for writer in writers:
        best_of = writer.sampler.best_of if writer.sampler else None
        if best_of is None:
            continue
        shared = sorted(measuring & set(panel_members(best_of.judge or DEFAULT_JUDGE)))
        if shared:
            warnings.append(f"selection bias: writer '{writer.name}' picks its best of {best_of.n} with "
                            f"{', '.join(shared)}, which also judges this bench, so its scores are inflated; "
                            f"compare it under a second judge")
    return warnings


def sampler_costs(generations: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per writer with a sampler: texts, backtracks, phrases avoided, tokens regenerated, best-of cost."""
    totals: dict[str, dict[str, Any]] = {}
    for record in generations:
        trace = record.get("sampler")
        if not record.get("ok") or not trace:
            continue
        row = totals.setdefault(record["writer"], {"texts": 0, "backtracks": 0, "tokens_regenerated": 0,
                                                    "phrases_avoided": 0, "budget_exhausted": 0,
                                                    "cost_multiplier_sum": 0.0, "failed_verdicts": 0})
        row["texts"] += 1
        for part in [trace] + [c.get("trace") or {} for c in trace.get("candidates", [])]:
            row["backtracks"] += part.get("backtracks", 0)
            row["tokens_regenerated"] += part.get("tokens_regenerated", 0)
            row["phrases_avoided"] += sum((part.get("phrases_avoided") or {}).values())
            row["budget_exhausted"] += bool(part.get("backtrack_budget_exhausted"))
        row["cost_multiplier_sum"] += trace.get("cost_multiplier", 1.0)
        row["failed_verdicts"] += trace.get("failed_verdicts", 0)
    for row in totals.values():
        row["mean_cost_multiplier"] = round(row.pop("cost_multiplier_sum") / row["texts"], 3)
    return totals
