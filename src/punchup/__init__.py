"""punchup: measure, mine and improve AI creative writing.

The public API. Names are imported on first use (PEP 562), so `import punchup`
and the CLI start fast and optional dependencies load only when needed.
"""

from __future__ import annotations

import importlib
from typing import Any

from punchup.__about__ import __version__
from punchup.errors import ModelError, PunchupError, StoreError

_LAZY = {
    # models
    "Model": "punchup.models",
    "Message": "punchup.models",
    "GenerateConfig": "punchup.models",
    "Generation": "punchup.models",
    "CachedModel": "punchup.models",
    "get_model": "punchup.models",
    "register_provider": "punchup.models",
    # store
    "Store": "punchup.store",
    # packs
    "Pack": "punchup.packs",
    "load_pack": "punchup.packs",
    "load_packs": "punchup.packs",
    "list_packs": "punchup.packs",
    # judges
    "RubricJudge": "punchup.judging",
    "PairwiseJudge": "punchup.judging",
    "detect_injection": "punchup.judging",
    "build_judges": "punchup.judging.factory",
    "calibrate": "punchup.calibrate",
    # metrics and ranking
    "text_metrics": "punchup.metrics",
    "rank_with_ci": "punchup.ranking",
    # bench and report
    "Bench": "punchup.bench",
    "BenchConfig": "punchup.bench",
    "WriterProfile": "punchup.writers",
    "write_report": "punchup.report",
    # studio
    "Studio": "punchup.studio",
}

__all__ = ["ModelError", "PunchupError", "StoreError", "__version__", *_LAZY]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'punchup' has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value  # later lookups skip this function
    return value
