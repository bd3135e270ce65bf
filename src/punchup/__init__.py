"""punchup: measure, mine and improve AI creative writing.

The public API. Names are imported on first use (PEP 562), so `import punchup`
and the CLI start fast and optional dependencies load only when needed.
"""

from __future__ import annotations

from punchup.__about__ import __version__
from punchup.errors import ModelError, PunchupError, StoreError
from punchup.util.lazy import lazy_attributes

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
    "calibrate": "punchup.analysis.calibrate",
    # metrics and ranking
    "text_metrics": "punchup.metrics",
    "rank_with_ci": "punchup.analysis.ranking",
    # bench and report
    "Bench": "punchup.bench.run",
    "BenchConfig": "punchup.bench.config",
    "WriterProfile": "punchup.bench.writers",
    "write_report": "punchup.report",
    # samplers (writer options @antislop, @best_of=N, @unusual)
    "SamplerSettings": "punchup.improve.samplers.settings",
    "WriterModels": "punchup.improve.samplers.build",
    # improve: training data, LoRA tuning, the tuning effect
    "export_run": "punchup.improve.export",
    "read_rows": "punchup.improve.rows",
    "run_tune": "punchup.improve.tune.run",
    "tuning_effect": "punchup.improve.effect",
    # studio
    "Studio": "punchup.studio",
}

__all__ = ["ModelError", "PunchupError", "StoreError", "__version__", *_LAZY]

__getattr__ = lazy_attributes(__name__, _LAZY)
