"""Turn a bench's stored items into the figures people read: rankings, rubric means, pack figures, judge quality."""

from __future__ import annotations

from collections import defaultdict
from statistics import mean
from typing import TYPE_CHECKING, Any

import numpy as np

from punchup.packs.checks import all_checks
from punchup.analysis.records import BenchSummary
from punchup.analysis.ranking import Outcome, rank_with_ci, rubric_mean_ci
from punchup.improve.samplers.traces import sampler_costs, selection_bias_warnings

if TYPE_CHECKING:
    from punchup.bench.config import BenchConfig
    from punchup.bench.state import BenchState

LOVE_SCORE = 9  # a persona at or above this loves the piece
FLIP_WARNING = 0.30


def outcomes(pairs: dict[str, dict[str, Any]]) -> list[Outcome]:
    """One outcome per pairwise criterion of every successful pair judgment."""
    found = []
    for _, record in sorted(pairs.items()):
        if not record["ok"]:
            continue
        for outcome in record["outcomes"].values():
            found.append(Outcome(f"{record['pack']}/{record['prompt_id']}", record["writer_a"], record["writer_b"],
                                 outcome["score_x"], record["words_a"], record["words_b"]))
    return found


def _ci(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    m, low, high = rubric_mean_ci(values, n_boot=500)
    return {"mean": round(m, 3), "low": round(low, 3), "high": round(high, 3), "n": len(values)}


def leaderboard(config: "BenchConfig", state: "BenchState") -> list[dict[str, Any]]:
    writers = [w.name for w in config.writers]
    found = outcomes(state.pairs)
    raw = {r.writer: r for r in rank_with_ci(found, writers, seed=config.seed)} if found else {}
    controlled = {r.writer: r for r in rank_with_ci(found, writers, seed=config.seed, length_control=True)} if found else {}
    rows = []
    for writer in writers:
        # Sorted so a resumed run, whose items reach the store in another
        # order, bootstraps the same resamples as an uninterrupted one.
        keys = sorted(k for k, g in state.generations.items() if g["writer"] == writer)
        ok = [k for k in keys if state.generations[k]["ok"]]
        metric_rows = [state.metrics[k] for k in ok if k in state.metrics]
        overall = [state.rubric[k]["overall"] for k in ok if k in state.rubric and state.rubric[k]["overall"] is not None]
        similarity = [d["mean_pairwise_similarity"] for g, d in state.diversity.items()
                      if g.endswith(f"/{writer}") and d["mean_pairwise_similarity"] is not None]
        refusals = [m["refusal"]["label"] for m in metric_rows]
        row: dict[str, Any] = {
            "writer": writer,
            "generations": len(keys),
            "failed_generations": len(keys) - len(ok),
            "rubric": _ci(overall),
            "words": round(mean(m["words"] for m in metric_rows), 1) if metric_rows else None,
            "slop_per_1000": round(mean(m["slop_per_1000"] for m in metric_rows), 2) if metric_rows else None,
            "repetition": round(mean(m["repetition_3gram"] for m in metric_rows), 3) if metric_rows else None,
            "lexical_diversity": round(mean(m["lexical_diversity"] for m in metric_rows), 3) if metric_rows else None,
            "sample_similarity": round(mean(similarity), 3) if similarity else None,
            "refusal_rate": round(sum(r == "refuse" for r in refusals) / len(refusals), 3) if refusals else None,
        }
        for label, table in (("elo", raw), ("elo_lc", controlled)):
            rated = table.get(writer)
            row[label] = None if rated is None else {"elo": round(rated.elo, 1), "low": round(rated.ci_low, 1),
                                                      "high": round(rated.ci_high, 1), "rank": rated.rank,
                                                      "wins": rated.wins, "losses": rated.losses, "ties": rated.ties}
        rows.append(row)
    rows.sort(key=lambda r: (-(r["elo"] or {"elo": -1e9})["elo"], -((r["rubric"] or {"mean": 0})["mean"])))
    return rows


def criteria_table(state: "BenchState") -> dict[str, dict[str, dict[str, Any]]]:
    """pack -> writer -> criterion -> mean with CI (raw 1-10 scores; negative criteria are marked in the pack)."""
    scores: dict[str, dict[str, dict[str, list[int]]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for key, result in state.rubric.items():
        if result["ok"]:
            writer = state.generations[key]["writer"]
            for criterion, score in result["scores"].items():
                scores[result["pack"]][writer][criterion].append(score)
            for criterion in result.get("not_judged") or []:
                scores[result["pack"]][writer].setdefault(criterion, [])
    # A criterion the judge never scored for a writer is None: "not judged by this judge", never a number.
    return {pack: {w: {c: _ci([float(v) for v in vals]) if vals else None for c, vals in crits.items()}
                   for w, crits in writers.items()}
            for pack, writers in scores.items()}


def persona_love(state: "BenchState") -> dict[str, dict[str, Any]]:
    texts: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for key, result in state.personas.items():
        if result["ok"] and result["overall"] is not None:
            generation_key = key.rsplit("/", 1)[0]
            texts[state.generations[generation_key]["writer"]][generation_key].append(result["overall"])
    return {
        writer: {
            "love_rate": round(sum(max(s) >= LOVE_SCORE for s in by_text.values()) / len(by_text), 3),
            "mean": round(mean(v for s in by_text.values() for v in s), 2),
            "texts": len(by_text),
        }
        for writer, by_text in texts.items()
    }


def judge_quality(config: "BenchConfig", state: "BenchState", judge_models: list[str]) -> dict[str, Any]:
    pairs = list(state.pairs.values())
    judged_pairs = [p for p in pairs if p["ok"]]
    criteria_judged = sum(len(p["outcomes"]) for p in judged_pairs)
    flips = sum(p["flips"] for p in judged_pairs)
    rubric = list(state.rubric.values()) + list(state.personas.values())
    lengths, scores = [], []
    for key, result in state.rubric.items():
        if result["overall"] is not None and key in state.metrics:
            lengths.append(state.metrics[key]["words"])
            scores.append(result["overall"])
    correlation = None
    if len(scores) >= 3 and np.std(scores) > 0 and np.std(lengths) > 0:
        correlation = round(float(np.corrcoef(lengths, scores)[0, 1]), 3)
    flagged_texts = {k for k, r in state.rubric.items() if r.get("injection")}
    flip_rate = round(flips / criteria_judged, 3) if criteria_judged else None
    warnings = []
    if flip_rate is not None and flip_rate > FLIP_WARNING:
        warnings.append(f"judge order-flip rate {flip_rate:.0%} exceeds {FLIP_WARNING:.0%}: its pairwise verdicts are mostly ties")
    for writer in config.writers:
        if writer.model in judge_models:
            warnings.append(f"self-preference risk: writer '{writer.name}' uses the judge's own model {writer.model}")
    warnings.extend(selection_bias_warnings(config.writers, config.judge))
    return {
        "judge": config.judge,
        "flip_rate": flip_rate,
        "pair_judgments": len(pairs),
        "failed_pair_judgments": len(pairs) - len(judged_pairs),
        "rubric_judgments": len(rubric),
        "failed_rubric_judgments": sum(not r["ok"] for r in rubric),
        "failed_share": round((len(pairs) - len(judged_pairs) + sum(not r["ok"] for r in rubric)) / max(1, len(pairs) + len(rubric)), 3),
        "injections_flagged": len(flagged_texts),
        "score_length_correlation": correlation,
        "warnings": warnings,
    }


def summarize(config: "BenchConfig", state: "BenchState", version: str, judge_models: list[str],
              calls: dict[str, dict[str, int]]) -> BenchSummary:
    from punchup.judging.llm.ask import JUDGE_CONFIG
    from punchup.metrics import SLOP_LIST_VERSION

    return BenchSummary.model_validate({
        "run": config.run,
        "config": config.model_dump(),
        "punchup_version": version,
        "judge_config": JUDGE_CONFIG.cache_fields(),
        "packs": [{"name": p.name, "version": p.version, "hash": p.content_hash, "prompts": len(p.prompts)} for p in state.packs],
        "slop_list_version": SLOP_LIST_VERSION,
        "leaderboard": leaderboard(config, state),
        "criteria": criteria_table(state),
        **{check.summary_key: check.figure(state) for check in all_checks()},  # camera, comedy, refusal
        "personas": persona_love(state),
        "judge_quality": judge_quality(config, state, judge_models),
        "samplers": sampler_costs(state.generations.values()),
        "calls": calls,
    })
