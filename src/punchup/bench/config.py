"""What a bench run is: writers, judge, packs, preset, samples and seed. Stored with the run so it resumes."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from punchup.bench.writers import WriterProfile, parse_writers
from punchup.judging.factory import DEFAULT_JUDGE

PRESETS: dict[str, dict[str, Any]] = {
    # quick: a few prompts, short texts, no personas: the whole pipeline in minutes on a laptop
    "quick": {"prompts_per_pack": 3, "max_tokens": 256, "personas": False, "samples": 1},
    "full": {"prompts_per_pack": None, "max_tokens": None, "personas": True, "samples": None},
}
# Calls in flight at once; the embedded model decodes as many together (models/providers/local.py DEFAULT_PARALLEL).
DEFAULT_CONCURRENCY = 16
QUICK_WRITERS = ["local/smollm2", "local/smollm2@craft;name=smollm2+craft", "local/smollm2@temp=1.2;name=smollm2-hot"]
QUICK_PACKS = "fiction,screenplay,comedy"


class BenchConfig(BaseModel):
    run: str
    writers: list[WriterProfile]
    judge: str
    packs: list[str]
    preset: Literal["quick", "full"] = "quick"
    samples: int | None = Field(None, ge=1, le=50)
    seed: int = 0
    pair_budget: int | None = Field(None, ge=1)
    prompts_per_pack: int | None = None
    max_tokens: int | None = None
    personas: bool = False
    only_prompts: list[str] | None = None  # `pack/prompt` ids (e.g. an export's held-out list); overrides prompts_per_pack

    @classmethod
    def build(cls, run: str, writers: list[str] | None, judge: str | None, packs: str | None, preset: str,
              samples: int | None, seed: int, pair_budget: int | None, *, prompts: int | None = None,
              max_tokens: int | None = None, only_prompts: list[str] | None = None) -> "BenchConfig":
        """Explicit flags win over the preset's defaults."""
        defaults = PRESETS[preset]
        return cls(
            run=run,
            writers=parse_writers(writers or QUICK_WRITERS),
            judge=judge or DEFAULT_JUDGE,
            packs=[p.strip() for p in (packs or QUICK_PACKS).split(",") if p.strip()],
            preset=preset,  # type: ignore[arg-type]
            samples=samples or defaults["samples"],
            seed=seed,
            pair_budget=pair_budget,
            prompts_per_pack=prompts or defaults["prompts_per_pack"],
            max_tokens=max_tokens or defaults["max_tokens"],
            personas=defaults["personas"],
            only_prompts=only_prompts or None,
        )
