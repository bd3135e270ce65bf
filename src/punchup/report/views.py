"""Shape a run's stored data into what each report section shows.

Plain dicts and lists of numbers and strings for the template. Strings from
models, packs or users stay plain `str`, so Jinja's autoescape escapes them;
only SVGs this package draws itself are wrapped in Markup.
"""

from __future__ import annotations

from collections import defaultdict
from statistics import mean
from typing import Any

from markupsafe import Markup

from punchup.report import plots
from punchup.report.load import CriterionLabel, PackInfo, ReportData
from punchup.analysis.records import SamplerCosts
from punchup.analysis.summary import FLIP_WARNING, LOVE_SCORE
from punchup.improve.samplers.settings import describe_sampler
from punchup.packs.checks.alts import KEEPER_SCORE


def writer_order(data: ReportData) -> list[str]:
    """Leaderboard order first, then any writer only seen in stored items."""
    order = [row.writer for row in data.summary.leaderboard]
    for record in data.generations.values():
        if record.get("writer") not in order:
            order.append(record.get("writer"))
    return [str(w) for w in order]


def _interval_axis(cells: list[dict[str, Any] | None]) -> tuple[float, float]:
    """One Elo axis for every bar, padded so that a zero-width interval still shows as a dot off the edge."""
    lows = [c["low"] for c in cells if c]
    highs = [c["high"] for c in cells if c]
    if not lows:
        return 0.0, 1.0
    pad = max(10.0, (max(highs) - min(lows)) * 0.05)
    return min(lows) - pad, max(highs) + pad


def leaderboard_view(data: ReportData) -> dict[str, Any]:
    rows = [row.model_dump() for row in data.summary.leaderboard]
    # Raw and length-controlled share one axis, so the bars can be compared across columns.
    elo_min, elo_max = _interval_axis([r.get("elo") for r in rows] + [r.get("elo_lc") for r in rows])
    view_rows = []
    for position, row in enumerate(rows, 1):
        cells: dict[str, Any] = {}
        for key in ("elo", "elo_lc"):
            cell = row.get(key)
            cells[key] = None if not cell else {
                **cell, "bar": Markup(plots.ci_bar(cell["elo"], cell["low"], cell["high"], elo_min, elo_max, 120))}
        rubric = row.get("rubric")
        view_rows.append({
            **row, **cells, "position": position,
            "rubric": None if not rubric else {**rubric, "bar": Markup(plots.ci_bar(rubric["mean"], rubric["low"], rubric["high"], 1, 10, 100))},
        })
    return {"rows": view_rows, "elo_axis": (elo_min, elo_max), "has_ratings": any(r.get("elo") for r in rows),
            # one sample per prompt (the quick preset) has no similarity: drop the empty column
            "has_similarity": any(r.get("sample_similarity") is not None for r in rows)}


def _columns(pack: PackInfo | None, seen: set[str]) -> list[dict[str, Any]]:
    """Criteria in the pack's own order (how its author reads them), unknown ids last."""
    ordered = [c.id for c in pack.criteria if c.id in seen] if pack else []
    ordered += sorted(seen - set(ordered))
    labels = [pack.criterion(c) if pack else CriterionLabel(c, c, None) for c in ordered]
    return [{"id": label.id, "name": label.name, "negative": label.negative} for label in labels]


def criteria_views(data: ReportData) -> list[dict[str, Any]]:
    order = writer_order(data)
    views = []
    criteria = {pack: {w: {c: cell.model_dump() if cell else None for c, cell in crits.items()} for w, crits in writers.items()}
                for pack, writers in data.summary.criteria.items()}
    # The run's own pack order (what the user asked for), then anything the summary has beyond it.
    names = [n for n in data.packs if n in criteria] + sorted(set(criteria) - set(data.packs))
    for index, pack_name in enumerate(names):
        by_writer, pack = criteria[pack_name], data.packs.get(pack_name)
        writers = [w for w in order if w in by_writer]
        columns = _columns(pack, {c for crits in by_writer.values() for c in crits})
        # A criterion present with no value was not judged by this judge: say so, draw no number for it.
        cells = [[(by_writer[w].get(c["id"]) or ({"not_judged": True} if c["id"] in by_writer[w] else None))
                  for c in columns] for w in writers]
        measured = [j for j in range(len(columns)) if any(row[j] and not row[j].get("not_judged") for row in cells)]
        heatmap = plots.criteria_heatmap(
            f"heatmap-{index}", writers, [(columns[j]["name"], bool(columns[j]["negative"])) for j in measured],
            [[row[j]["mean"] if row[j] and not row[j].get("not_judged") else None for j in measured] for row in cells],
        ) if measured else ""
        views.append({
            "pack": pack_name, "info": pack, "writers": writers, "columns": columns,
            "not_judged": [c["name"] for j, c in enumerate(columns) if j not in measured],
            "rows": [{"criterion": c, "cells": [cells[i][j] for i in range(len(writers))]} for j, c in enumerate(columns)],
            "heatmap": Markup(heatmap),
        })
    return views


def length_view(data: ReportData) -> dict[str, Any]:
    points: dict[str, list[tuple[int, float]]] = {w: [] for w in writer_order(data)}
    for key, result in data.rubric.items():
        generation = data.generations.get(key)
        if generation and result.get("ok") and result.get("overall") is not None:
            points.setdefault(str(generation["writer"]), []).append((len(str(generation.get("text", "")).split()), float(result["overall"])))
    correlation = data.summary.judge_quality.score_length_correlation
    per_writer = [{"writer": w, "texts": len(p), "words": mean(x for x, _ in p) if p else None,
                   "overall": mean(y for _, y in p) if p else None} for w, p in points.items()]
    return {"svg": Markup(plots.length_scatter("length-scatter", points, correlation)), "correlation": correlation,
            "per_writer": per_writer}


def _fraction(cell: str) -> tuple[int, int]:
    correct, _, total = str(cell).partition("/")
    try:
        return int(correct), int(total)
    except ValueError:
        return 0, 0


def crafts_view(data: ReportData) -> dict[str, Any]:
    summary = data.summary
    order = writer_order(data)
    camera = summary.camera
    moves = sorted({m for per_move in camera.values() for m in per_move})
    camera_rows = []
    for writer in [w for w in order if w in camera]:
        cells = []
        for move in moves:
            correct, total = _fraction(camera[writer].get(move, "0/0"))
            cells.append(None if not total else {"correct": correct, "total": total,
                                                  "bar": Markup(plots.share_bar(correct / total, width=40))})
        camera_rows.append({"writer": writer, "cells": cells})
    comedy = [{"writer": w, **summary.comedy[w], "bar": Markup(plots.share_bar(summary.comedy[w]["hit_rate"]))}
              for w in order if w in summary.comedy]
    refusal = [{"writer": w, **summary.refusal[w]} for w in order if w in summary.refusal]
    personas = {w: summary.personas[w].model_dump() for w in order if w in summary.personas}
    persona_plot = Markup(plots.persona_scatter("persona-love", {w: (p["mean"], p["love_rate"]) for w, p in personas.items()})) if personas else None
    missing = [label for label, present in (("camera adherence (camera pack)", camera_rows), ("comedy alts (comedy pack)", comedy),
                                            ("reader personas (judged in the full preset)", personas),
                                            ("refusal calibration (refusal pack)", refusal)) if not present]
    return {"missing": missing, "moves": moves, "camera": camera_rows, "comedy": comedy, "refusal": refusal,
            "personas": [{"writer": w, **p} for w, p in personas.items()], "persona_plot": persona_plot,
            "persona_breakdown": _persona_breakdown(data, order),
            "keeper_score": KEEPER_SCORE, "love_score": LOVE_SCORE}


def _persona_breakdown(data: ReportData, order: list[str]) -> dict[str, Any]:
    """persona -> writer -> mean score, to show which reader drives a writer's love rate."""
    scores: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for key, result in data.personas.items():
        generation = data.generations.get(key.rsplit("/", 1)[0])
        if generation and result.get("ok") and result.get("overall") is not None:
            pack = data.packs.get(str(result.get("pack")))
            persona = str(result.get("persona"))
            label = pack.persona_names.get(persona, persona) if pack else persona
            scores[label][str(generation["writer"])].append(float(result["overall"]))
    writers = [w for w in order if any(w in by_writer for by_writer in scores.values())]
    rows = [{"persona": p, "cells": [mean(scores[p][w]) if scores[p].get(w) else None for w in writers]} for p in sorted(scores)]
    return {"writers": writers, "rows": rows}


def judge_view(data: ReportData) -> dict[str, Any]:
    quality = data.summary.judge_quality.model_dump()
    config = data.config
    flip_rate = quality.get("flip_rate")
    calls = data.summary.calls
    return {
        "quality": quality,
        "flip_warning": flip_rate is not None and flip_rate > FLIP_WARNING,
        "flip_threshold": FLIP_WARNING,
        # The flip warning gets its own prominent banner; the rest are listed as the summary wrote them.
        "other_warnings": [w for w in quality.get("warnings") or [] if "flip rate" not in w],
        "self_preference": [w for w in quality.get("warnings") or [] if "self-preference" in w],
        "judge": data.judge,
        "judge_config": data.summary.judge_config,
        "settings": [(k, config.get(k)) for k in ("preset", "seed", "samples", "prompts_per_pack", "max_tokens", "personas", "pair_budget")],
        "writers": [{**w, "sampler_text": describe_sampler(w.get("sampler")),
                     "sampler_costs": sampler_cost_text(data.summary.samplers.get(w.get("name")))}
                    for w in config.get("writers") or []],
        "packs": list(data.packs.values()),
        "punchup_version": data.summary.punchup_version,
        "slop_list_version": data.summary.slop_list_version,
        "calibration": data.calibration,
        "calls_made": sum(int(c.get("made", 0)) for c in calls.values()),
        "calls_cached": sum(int(c.get("cached", 0)) for c in calls.values()),
    }


def sampler_cost_text(costs: SamplerCosts | None) -> str:
    """What a writer's samplers did over the run, in words ("" when it has none)."""
    if costs is None:
        return ""
    parts = [f"{costs.texts} texts"]
    if costs.backtracks:
        parts.append(f"{costs.phrases_avoided} phrases avoided, {costs.backtracks} backtracks, "
                     f"{costs.tokens_regenerated} tokens regenerated")
    if costs.budget_exhausted:
        parts.append(f"backtrack budget ran out in {costs.budget_exhausted}")
    if costs.mean_cost_multiplier != 1.0:
        parts.append(f"generation cost ×{costs.mean_cost_multiplier:.2f}")
    if costs.failed_verdicts:
        parts.append(f"{costs.failed_verdicts} failed selection verdicts")
    return "; ".join(parts)


def _verdict(score_x: float | None, flipped: bool, writer_a: str, writer_b: str) -> str:
    if score_x is None:
        return "—"
    if score_x == 0.5:
        return "tie (orders disagreed)" if flipped else "tie"
    return writer_a if score_x > 0.5 else writer_b


def _card(data: ReportData, key: str, generation: dict[str, Any], pack: PackInfo | None,
          personas: list[dict[str, Any]]) -> dict[str, Any]:
    rubric = data.rubric.get(key) or {}
    raw_scores = rubric.get("scores") or {}
    scores = [{"label": c["name"], "negative": c["negative"], "score": raw_scores[c["id"]]} for c in _columns(pack, set(raw_scores))]
    text = str(generation.get("text") or "")
    return {"writer": generation.get("writer"), "ok": generation.get("ok"), "error": generation.get("error"),
            "text": text, "words": len(text.split()), "seed": generation.get("seed"), "rubric": rubric or None,
            "scores": scores, "moves": rubric.get("moves") or {}, "alts": rubric.get("alts") or [],
            "personas": [{"persona": pack.persona_names.get(str(r.get("persona")), r.get("persona")) if pack else r.get("persona"),
                          "overall": r.get("overall"), "rationale": r.get("rationale", ""), "ok": r.get("ok")} for r in personas]}


def _pair(pair: dict[str, Any], pack: PackInfo | None) -> dict[str, Any]:
    writer_a, writer_b = str(pair.get("writer_a")), str(pair.get("writer_b"))
    return {
        "writer_a": writer_a, "writer_b": writer_b, "ok": pair.get("ok"), "error": pair.get("error"),
        "rationale": pair.get("rationale", ""), "flips": pair.get("flips", 0),
        "injection": list(pair.get("injection_x") or []) + list(pair.get("injection_y") or []),
        "criteria": [{"label": pack.pairwise_names.get(c, c) if pack else c,
                      "verdict": _verdict(o.get("score_x"), bool(o.get("flipped")), writer_a, writer_b)}
                     for c, o in (pair.get("outcomes") or {}).items()],
    }


def examples_view(data: ReportData) -> list[dict[str, Any]]:
    """Prompts in the run's pack order and each pack's prompt order; writers in leaderboard order."""
    order = {w: i for i, w in enumerate(writer_order(data))}
    prompts: dict[tuple[str, str], dict[int, list[tuple[str, dict[str, Any]]]]] = defaultdict(lambda: defaultdict(list))
    for key, generation in data.generations.items():
        prompts[(str(generation.get("pack")), str(generation.get("prompt")))][int(generation.get("sample") or 0)].append((key, generation))
    pairs: dict[tuple[str, str, int], list[dict[str, Any]]] = defaultdict(list)
    for pair in data.pairs.values():
        pairs[(str(pair.get("pack")), str(pair.get("prompt_id")), int(pair.get("sample") or 0))].append(pair)
    personas: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for key, result in sorted(data.personas.items()):
        personas[key.rsplit("/", 1)[0]].append(result)

    pack_rank = {name: i for i, name in enumerate(data.packs)}

    def position(prompt: tuple[str, str]) -> tuple[int, int, str]:
        pack = data.packs.get(prompt[0])
        prompt_ids = list(pack.prompt_texts) if pack else []
        return (pack_rank.get(prompt[0], len(pack_rank)),
                prompt_ids.index(prompt[1]) if prompt[1] in prompt_ids else len(prompt_ids), "/".join(prompt))

    views = []
    for pack_name, prompt_id in sorted(prompts, key=position):
        pack = data.packs.get(pack_name)
        sample_views = []
        for sample, items in sorted(prompts[(pack_name, prompt_id)].items()):
            items.sort(key=lambda item: order.get(item[1].get("writer"), len(order)))
            sample_views.append({
                "sample": sample,
                "cards": [_card(data, key, generation, pack, personas.get(key, [])) for key, generation in items],
                "pairs": [_pair(p, pack) for p in pairs.get((pack_name, prompt_id, sample), [])],
            })
        views.append({"pack": pack_name, "prompt": prompt_id, "anchor": f"ex-{len(views)}",
                      "text": pack.prompt_texts.get(prompt_id) if pack else None, "samples": sample_views})
    return views
