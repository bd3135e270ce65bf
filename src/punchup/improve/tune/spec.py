"""What a tune run is, checked before anything heavy loads: base GGUF, data, method, hyperparameters, seed.

Its key hashes what changes the adapter (the base file's bytes, the data file's
bytes, method, hyperparameters, seed, trainer version), so the same command with
the same inputs is served from the store, and a killed run resumes from its own
checkpoint and never from another run's.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from punchup.errors import PunchupError
from punchup.improve.rows import read_rows
from punchup.util.gguf import read_metadata
from punchup.util.hashing import content_key

# Bump when a change to the trainer changes the adapter it produces from the same inputs.
TRAINER_VERSION = 1
# Architectures whose GGUF transformers loads and whose LoRA tensors punchup writes back in llama.cpp's layout.
SUPPORTED_ARCHITECTURES = ("llama", "qwen2", "qwen3")
TUNE_EXTRA_HINT = "pip install 'punchup[tune]'"


class TuneParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    method: Literal["sft", "dpo"]
    epochs: int = Field(1, ge=1, le=100)
    lr: float = Field(2e-4, gt=0, le=1)
    rank: int = Field(8, ge=1, le=256)
    alpha: float = Field(16.0, gt=0)
    max_len: int = Field(256, ge=16, le=8192)
    batch: int = Field(4, ge=1, le=256)
    beta: float = Field(0.1, gt=0, le=10)  # DPO's KL strength
    max_steps: int | None = Field(None, ge=1)
    seed: int = 0


@dataclass(frozen=True)
class BaseModelFile:
    model_id: str  # as the user named it, e.g. local/smollm2
    path: Path
    sha256: str
    architecture: str
    metadata: dict[str, Any]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resolve_base(model_id: str) -> BaseModelFile:
    """A `local/...` model that is a GGUF file on this machine, of an architecture punchup can tune."""
    from punchup.models.registry import split_model_id

    provider, name = split_model_id(model_id)
    if provider != "local":
        raise PunchupError(f"--base {model_id}: tuning needs a local GGUF model (local/smollm2 or local/PATH.gguf), "
                           f"not a '{provider}/' model")
    if name.startswith("hf:"):
        raise PunchupError(f"--base {model_id}: download the GGUF first and pass local/PATH.gguf")
    from punchup.models.providers.local import resolve_gguf

    path = resolve_gguf(name.split("@", 1)[0])
    metadata = read_metadata(path)
    if metadata.get("general.type", "model") != "model":
        raise PunchupError(f"--base {model_id}: {path.name} is a GGUF {metadata['general.type']}, not a model")
    architecture = str(metadata.get("general.architecture", "?"))
    if architecture not in SUPPORTED_ARCHITECTURES:
        raise PunchupError(f"--base {model_id}: architecture '{architecture}' is not supported for tuning "
                           f"(supported: {', '.join(SUPPORTED_ARCHITECTURES)})")
    return BaseModelFile(model_id, path, file_sha256(path), architecture, metadata)


def check_tune_extra() -> None:
    """The [tune] extra's packages, named before any training starts."""
    import importlib.util

    missing = [name for name in ("torch", "transformers", "peft", "gguf") if importlib.util.find_spec(name) is None]
    if missing:
        raise PunchupError(f"punchup tune needs the [tune] extra (missing: {', '.join(missing)}): {TUNE_EXTRA_HINT}")


@dataclass(frozen=True)
class TuneSpec:
    base: BaseModelFile
    data_path: Path
    data_sha256: str
    rows: list[Any]  # validated rows (punchup.improve.rows), read once
    params: TuneParams

    @property
    def key(self) -> str:
        return content_key({"base": self.base.sha256, "data": self.data_sha256, "params": self.params.model_dump(),
                            "trainer": TRAINER_VERSION})


def build_spec(base: str, data: Path, params: TuneParams) -> TuneSpec:
    """Every check a user can fail, in the order they are cheapest; nothing is written."""
    rows = read_rows(data, params.method)
    resolved = resolve_base(base)
    check_tune_extra()
    return TuneSpec(resolved, data, file_sha256(data), rows, params)
