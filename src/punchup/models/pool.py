"""One CachedModel per model id for a command or a bench, all recording into the same store."""

from __future__ import annotations

from typing import Any, Callable

from punchup.models.cached import CachedModel, CallStats
from punchup.models.registry import get_model
from punchup.store import Store

OptionsFor = Callable[[str], dict[str, Any]]


class ModelPool:
    def __init__(self, store: Store, options_for: OptionsFor | None = None):
        self.store = store
        self.options_for = options_for or (lambda model_id: {})
        self.models: dict[str, CachedModel] = {}
        self.stats: dict[str, CallStats] = {}

    def __call__(self, model_id: str) -> CachedModel:
        if model_id not in self.models:
            stats = self.stats.setdefault(model_id, CallStats())
            self.models[model_id] = CachedModel(get_model(model_id, **self.options_for(model_id)), self.store, stats)
        return self.models[model_id]

    def call_counts(self) -> dict[str, dict[str, int]]:
        """Each model's call counters as they are now (a copy, not the live counters)."""
        return {model_id: dict(vars(stats)) for model_id, stats in self.stats.items()}

    def fault_counts(self) -> dict[str, dict[str, int]]:
        return {model_id: faults for model_id, model in self.models.items() if (faults := model.fault_counts())}

    async def aclose(self) -> None:
        for model in self.models.values():
            await model.aclose()


def check_models(model_ids: list[str] | set[str], options_for: OptionsFor) -> None:
    """Resolve every model id now, so unknown providers or missing files fail before any store is opened."""
    for model_id in sorted(set(model_ids)):
        get_model(model_id, **options_for(model_id))
