"""The model a writer profile writes with: its base model, or its samplers wrapped around it.

Token-level samplers (antislop, unusual) become one TokenSamplerModel;
best_of wraps whatever is below it. Every layer goes through a CachedModel on
the same Store, so each candidate, each sampled text and each pick is
recorded, and a re-run makes no model calls.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

from punchup.errors import PunchupError
from punchup.improve.samplers.settings import SamplerSettings
from punchup.judging.factory import DEFAULT_JUDGE, JudgeSet, build_judges, judge_models
from punchup.models.base import Model
from punchup.models.cached import CachedModel, CallStats
from punchup.models.pool import ModelPool
from punchup.packs import Pack, PromptSpec
from punchup.store import Store
from punchup.registry import samplers as sampler_registry


def check_sampler(model_id: str, sampler: SamplerSettings | None) -> None:
    """Fail now, with one line, if the samplers cannot run on `model_id` (e.g. antislop on an HTTP model)."""
    if sampler is not None and (sampler.antislop or sampler.unusual):
        sampler_registry.get("antislop" if sampler.antislop else "unusual")(model_id, sampler.antislop, sampler.unusual)


def check_samplers(writers: Iterable[Any]) -> set[str]:
    """Check every writer's samplers; returns the model ids their best-of judges need, to check with the rest."""
    needed: set[str] = set()
    for writer in writers:
        check_sampler(writer.model, writer.sampler)
        if writer.sampler is not None and writer.sampler.best_of is not None:
            needed |= set(judge_models(writer.sampler.best_of.judge or DEFAULT_JUDGE))
    return needed


class WriterModels:
    """Sampler models for the writers of one bench (or studio), built once and shared by every call."""

    def __init__(self, pool: ModelPool, judges_for: Callable[[str], JudgeSet], default_judge: str = DEFAULT_JUDGE):
        self.pool = pool
        self.judges_for = judges_for
        self.default_judge = default_judge
        self._token_models: dict[str, CachedModel] = {}
        self._judges: dict[str, JudgeSet] = {}
        self.stats: dict[str, CallStats] = {}  # per sampler: texts it wrote (made) and served from the store (cached)

    def _cached(self, inner: Model, counted_as: str) -> CachedModel:
        # Kept apart from the pool's counts, which say how many calls reached real models.
        return CachedModel(inner, self.pool.store, self.stats.setdefault(counted_as, CallStats()))

    def base(self, model_id: str, sampler: SamplerSettings | None) -> CachedModel:
        """The model below best_of: the plain model, or its token-level sampler."""
        if sampler is None or not (sampler.antislop or sampler.unusual):
            return self.pool(model_id)
        key = f"{model_id}|{sampler.antislop}|{sampler.unusual}"
        if key not in self._token_models:
            factory = sampler_registry.get("antislop" if sampler.antislop else "unusual")
            self._token_models[key] = self._cached(model := factory(model_id, sampler.antislop, sampler.unusual), model.name)
        return self._token_models[key]

    def __call__(self, model_id: str, sampler: SamplerSettings | None, pack: Pack, prompt: PromptSpec) -> CachedModel:
        """The writer's model for one prompt: best_of judges against the prompt's own pack and brief."""
        below = self.base(model_id, sampler)
        if sampler is None or sampler.best_of is None:
            return below
        best_of = sampler_registry.get("best_of")
        spec = sampler.best_of.judge or self.default_judge
        if spec not in self._judges:
            self._judges[spec] = self.judges_for(spec)
        judges = self._judges[spec]
        model = best_of(below, sampler.best_of, judges, pack, prompt)
        return self._cached(model, model.label)


def profile_model(spec: str, store: Store, options_for: Callable[[str], dict[str, Any]] | None = None) -> CachedModel:
    """The model behind an inline writer with token-level samplers (`local/smollm2@antislop`), for places that
    take a model id rather than a bench writer, such as the studio. best_of is refused there: the studio
    already writes alternatives and ranks them with its judge, which is best-of-N with the writer choosing."""
    from punchup.bench.writers import parse_inline

    writer = parse_inline(spec)
    if writer.sampler is None:
        raise PunchupError(f"'{spec}': only sampler options (antislop, unusual) can follow '@' here")
    if writer.sampler.best_of is not None:
        raise PunchupError(f"'{spec}': @best_of is for benches; the studio already generates alternatives and ranks them")
    extra = [key for key in ("system_prompt", "temperature", "top_p", "max_tokens") if getattr(writer, key) is not None]
    if extra or writer.craft_notes:
        raise PunchupError(f"'{spec}': only sampler options (antislop, unusual) can follow '@' here; the studio sets the rest")
    check_sampler(writer.model, writer.sampler)
    pool = ModelPool(store, options_for)
    return WriterModels(pool, lambda judge: build_judges(judge, store, pool)).base(writer.model, writer.sampler)
