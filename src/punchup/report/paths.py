"""Where a run's report goes by default; kept apart from rendering so finding the path imports nothing heavy."""

from __future__ import annotations

import re
from pathlib import Path


def default_report_path(run: str) -> Path:
    """report-<run>.html in the current folder, with the run name made safe for a file name."""
    return Path(f"report-{re.sub(r'[^A-Za-z0-9._-]+', '_', run).strip('_') or 'run'}.html")
