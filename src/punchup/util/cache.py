"""The folder for files punchup derives and can always derive again (converted and batch-friendly weights)."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "PUNCHUP_CACHE"


def cache_root() -> Path:
    configured = os.environ.get(CACHE_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".cache" / "punchup"
