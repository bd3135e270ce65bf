"""The bench report: one self-contained HTML file per run, and run-to-run comparison.

    render_report(store, run) -> str          the HTML
    write_report(store, run, path) -> Path     written atomically
    compare_runs(store, run_a, run_b)          rankings that moved beyond their CIs

Names load on first use (PEP 562): rendering pulls in matplotlib, which a
cached bench re-run that leaves its report alone should not pay for.
"""

from __future__ import annotations

from punchup.util.lazy import lazy_attributes

_LAZY = {
    "ComparisonResult": "punchup.report.compare",
    "RankSwap": "punchup.report.compare",
    "RatingChange": "punchup.report.compare",
    "compare_runs": "punchup.report.compare",
    "format_comparison": "punchup.report.compare",
    "default_report_path": "punchup.report.paths",
    "render_report": "punchup.report.render",
    "write_report": "punchup.report.render",
}

__all__ = sorted(_LAZY)

__getattr__ = lazy_attributes(__name__, _LAZY)
