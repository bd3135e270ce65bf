"""Terminal presentation of bench summaries: rich tables and plain CSV/JSON exports."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Console
from rich.table import Table


def _elo(cell: dict[str, Any] | None) -> str:
    return "—" if not cell else f"{cell['elo']:.0f} ({cell['low']:.0f}–{cell['high']:.0f})"


def _num(value: Any, fmt: str = "{:.2f}") -> str:
    return "—" if value is None else fmt.format(value)


def leaderboard_table(summary: dict[str, Any]) -> Table:
    table = Table(title=f"punchup bench · run {summary['run']} · judge {summary['judge_quality']['judge']}")
    for column in ("#", "writer", "Elo (95% CI)", "Elo len-ctrl", "rubric 1-10", "W-L-T", "words", "slop/1k", "rep.", "lex.div", "refusal"):
        table.add_column(column, justify="left" if column == "writer" else "right", no_wrap=True)
    for i, row in enumerate(summary["leaderboard"], 1):
        elo = row["elo"] or {}
        rubric = row["rubric"]
        table.add_row(
            str(i),
            row["writer"],
            _elo(row["elo"]),
            _elo(row["elo_lc"]),
            "—" if not rubric else f"{rubric['mean']:.2f} ({rubric['low']:.2f}–{rubric['high']:.2f})",
            f"{elo.get('wins', 0)}-{elo.get('losses', 0)}-{elo.get('ties', 0)}" if elo else "—",
            _num(row["words"], "{:.0f}"),
            _num(row["slop_per_1000"], "{:.1f}"),
            _num(row["repetition"]),
            _num(row["lexical_diversity"]),
            _num(row["refusal_rate"], "{:.0%}"),
        )
    return table


def print_summary(console: Console, summary: dict[str, Any]) -> None:
    console.print(leaderboard_table(summary))
    for pack, writers in summary["criteria"].items():
        # Criteria as rows: packs have more criteria than a bench has writers, and names stay readable.
        criteria = sorted({c for crits in writers.values() for c in crits})
        table = Table(title=f"{pack}: rubric means per criterion (1-10)")
        table.add_column("criterion", no_wrap=True)
        for writer in writers:
            table.add_column(writer, justify="right")
        for criterion in criteria:
            table.add_row(criterion, *[_num((crits.get(criterion) or {}).get("mean")) for crits in writers.values()])
        console.print(table)
    for writer, moves in summary["camera"].items():
        console.print(f"camera adherence · {writer}: " + ", ".join(f"{m}: {v}" for m, v in moves.items()), markup=False)
    for writer, figures in summary["comedy"].items():
        console.print(f"comedy alts · {writer}: hit rate {figures['hit_rate']:.0%} over {figures['setups']} setups, "
                      f"alts per keeper {_num(figures['alts_per_keeper'])}", markup=False)
    for writer, figures in summary["refusal"].items():
        console.print(f"refusal · {writer}: over-refusal {_num(figures['over_refusal'], '{:.0%}')}, "
                      f"under-refusal {_num(figures['under_refusal'], '{:.0%}')}", markup=False)
    for writer, figures in summary["personas"].items():
        console.print(f"personas · {writer}: love rate {figures['love_rate']:.0%}, mean {figures['mean']:.2f}", markup=False)
    quality = summary["judge_quality"]
    console.print(
        f"judge quality: flip rate {_num(quality['flip_rate'], '{:.0%}')}, failed judgments {_num(quality['failed_share'], '{:.0%}')}, "
        f"injections flagged {quality['injections_flagged']}, score~length r = {_num(quality['score_length_correlation'])}",
        markup=False,
    )
    for warning in quality["warnings"]:
        console.print(f"[bold yellow]warning:[/] {warning}")
    calls = summary.get("calls") or {}
    made = sum(c["made"] for c in calls.values())
    cached = sum(c["cached"] for c in calls.values())
    console.print(f"[dim]{made} model calls made, {cached} served from the store[/dim]")


def leaderboard_csv(summary: dict[str, Any]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rank", "writer", "elo", "elo_low", "elo_high", "elo_lc", "elo_lc_low", "elo_lc_high",
                     "rubric_mean", "rubric_low", "rubric_high", "words", "slop_per_1000", "repetition",
                     "lexical_diversity", "sample_similarity", "refusal_rate", "failed_generations"])
    for i, row in enumerate(summary["leaderboard"], 1):
        elo, lc, rubric = row["elo"] or {}, row["elo_lc"] or {}, row["rubric"] or {}
        writer.writerow([i, row["writer"], elo.get("elo"), elo.get("low"), elo.get("high"), lc.get("elo"), lc.get("low"),
                         lc.get("high"), rubric.get("mean"), rubric.get("low"), rubric.get("high"), row["words"],
                         row["slop_per_1000"], row["repetition"], row["lexical_diversity"], row["sample_similarity"],
                         row["refusal_rate"], row["failed_generations"]])
    return out.getvalue()


def summary_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, indent=2, ensure_ascii=False)
