"""Settings read from the environment, so CI, servers and laptops differ only in variables."""

from __future__ import annotations

import os
from typing import Any

from pydantic import BaseModel

from punchup.errors import PunchupError
from punchup.models.registry import DEFAULT_MODEL, split_model_id


class Settings(BaseModel):
    store: str = "punchup.db"
    default_model: str = DEFAULT_MODEL
    openai_base_url: str | None = None
    concurrency: int = 8
    timeout_s: float | None = None  # per-call limit for HTTP models (PUNCHUP_TIMEOUT)
    # PUNCHUP_LOCAL_WEIGHTS=as-is: load local Q4_1 files as they are, not as their batch-friendly copy (the text
    # punchup wrote before the copy existed, so a store filled then is answered from its cache again)
    local_batch_weights: bool = True

    @classmethod
    def from_env(cls) -> "Settings":
        env = os.environ
        return cls(
            store=env.get("PUNCHUP_STORE") or "punchup.db",
            default_model=env.get("PUNCHUP_MODEL") or DEFAULT_MODEL,
            openai_base_url=env.get("PUNCHUP_OPENAI_BASE_URL"),
            concurrency=int(env.get("PUNCHUP_CONCURRENCY") or 8),
            timeout_s=float(env["PUNCHUP_TIMEOUT"]) if env.get("PUNCHUP_TIMEOUT") else None,
            local_batch_weights=_local_weights(env.get("PUNCHUP_LOCAL_WEIGHTS")),
        )

    def model_options(self, model_id: str, base_url: str | None = None) -> dict[str, Any]:
        """Provider-specific options from flags and settings (only `openai/` takes a base URL)."""
        provider, _ = split_model_id(model_id)
        if provider == "openai":
            return {"base_url": base_url or self.openai_base_url, "concurrency": self.concurrency, "timeout_s": self.timeout_s}
        if provider == "local" and not self.local_batch_weights:
            return {"batch_weights": False}
        return {}


def _local_weights(value: str | None) -> bool:
    if value in (None, "", "batch"):
        return True
    if value == "as-is":
        return False
    raise PunchupError(f"PUNCHUP_LOCAL_WEIGHTS must be 'batch' (the default) or 'as-is', not {value!r}")
