"""The bench report: one self-contained HTML file per run, and run-to-run comparison.

    render_report(store, run) -> str          the HTML
    write_report(store, run, path) -> Path     written atomically
    compare_runs(store, run_a, run_b)          rankings that moved beyond their CIs
"""

from punchup.report.compare import ComparisonResult, RankSwap, RatingChange, compare_runs, format_comparison
from punchup.report.render import default_report_path, render_report, write_report

__all__ = [
    "ComparisonResult",
    "RankSwap",
    "RatingChange",
    "compare_runs",
    "default_report_path",
    "format_comparison",
    "render_report",
    "write_report",
]
