"""Terminal presentation of bench summaries: rich tables and plain CSV/JSON exports."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from rich.console import Console
from rich.table import Table

from punchup.analysis.records import BenchSummary, Interval, Rating
from punchup.util.terminal import markup, plain


def _elo(cell: Rating | None) -> str:
    return "—" if not cell else f"{cell.elo:.0f} ({cell.low:.0f}–{cell.high:.0f})"


def _num(value: Any, fmt: str = "{:.2f}") -> str:
    return "—" if value is None else fmt.format(value)


def leaderboard_table(summary: BenchSummary) -> Table:
    # Table cells and titles are rich markup: run, writer and judge names are the user's, so escaped.
    table = Table(title=f"punchup bench · run {markup(summary.run)} · judge {markup(summary.judge_quality.judge)}")
    for column in ("#", "writer", "Elo (95% CI)", "Elo len-ctrl", "rubric 1-10", "W-L-T", "words", "slop/1k", "rep.", "lex.div", "refusal"):
        table.add_column(column, justify="left" if column == "writer" else "right", no_wrap=True)
    for i, row in enumerate(summary.leaderboard, 1):
        elo, rubric = row.elo, row.rubric
        table.add_row(
            str(i),
            markup(row.writer),
            _elo(row.elo),
            _elo(row.elo_lc),
            "—" if not rubric else f"{rubric.mean:.2f} ({rubric.low:.2f}–{rubric.high:.2f})",
            f"{elo.wins}-{elo.losses}-{elo.ties}" if elo else "—",
            _num(row.words, "{:.0f}"),
            _num(row.slop_per_1000, "{:.1f}"),
            _num(row.repetition),
            _num(row.lexical_diversity),
            _num(row.refusal_rate, "{:.0%}"),
        )
    return table


def print_summary(console: Console, summary: BenchSummary) -> None:
    console.print(leaderboard_table(summary))
    for pack, writers in summary.criteria.items():
        # Criteria as rows: packs have more criteria than a bench has writers, and names stay readable.
        criteria = sorted({c for crits in writers.values() for c in crits})
        table = Table(title=f"{markup(pack)}: rubric means per criterion (1-10)")
        table.add_column("criterion", no_wrap=True)
        for writer in writers:
            table.add_column(markup(writer), justify="right")
        for criterion in criteria:
            table.add_row(markup(criterion), *[_num(cell.mean) if (cell := crits.get(criterion)) else
                                       "not judged" if criterion in crits else "—" for crits in writers.values()])
        console.print(table)
    for writer, moves in summary.camera.items():
        console.print(plain(f"camera adherence · {writer}: " + ", ".join(f"{m}: {v}" for m, v in moves.items())), markup=False)
    for writer, figures in summary.comedy.items():
        console.print(f"comedy alts · {plain(writer)}: hit rate {figures['hit_rate']:.0%} over {figures['setups']} setups, "
                      f"alts per keeper {_num(figures['alts_per_keeper'])}", markup=False)
    for writer, figures in summary.refusal.items():
        console.print(f"refusal · {plain(writer)}: over-refusal {_num(figures['over_refusal'], '{:.0%}')}, "
                      f"under-refusal {_num(figures['under_refusal'], '{:.0%}')}", markup=False)
    for writer, figures in summary.personas.items():
        console.print(f"personas · {plain(writer)}: love rate {figures.love_rate:.0%}, mean {figures.mean:.2f}", markup=False)
    quality = summary.judge_quality
    console.print(
        f"judge quality: flip rate {_num(quality.flip_rate, '{:.0%}')}, failed judgments {_num(quality.failed_share, '{:.0%}')}, "
        f"injections flagged {quality.injections_flagged}, score~length r = {_num(quality.score_length_correlation)}",
        markup=False,
    )
    for warning in quality.warnings:
        console.print(f"[bold yellow]warning:[/] {markup(warning)}")
    calls = summary.calls
    made = sum(c["made"] for c in calls.values())
    cached = sum(c["cached"] for c in calls.values())
    console.print(f"[dim]{made} model calls made, {cached} served from the store[/dim]")


def leaderboard_csv(summary: BenchSummary) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["rank", "writer", "elo", "elo_low", "elo_high", "elo_lc", "elo_lc_low", "elo_lc_high",
                     "rubric_mean", "rubric_low", "rubric_high", "words", "slop_per_1000", "repetition",
                     "lexical_diversity", "sample_similarity", "refusal_rate", "failed_generations"])
    for i, row in enumerate(summary.leaderboard, 1):
        elo, lc, rubric = row.elo, row.elo_lc, row.rubric
        writer.writerow([i, row.writer, *_cells(elo, "elo"), *_cells(lc, "elo"), *_cells(rubric, "mean"), row.words,
                         row.slop_per_1000, row.repetition, row.lexical_diversity, row.sample_similarity,
                         row.refusal_rate, row.failed_generations])
    return out.getvalue()


def _cells(cell: Rating | Interval | None, point: str) -> list[float | None]:
    return [None, None, None] if cell is None else [getattr(cell, point), cell.low, cell.high]


def summary_json(summary: BenchSummary) -> str:
    return json.dumps(summary.to_json(), indent=2, ensure_ascii=False)
