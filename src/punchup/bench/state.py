"""What the bench's stages produce, and the keys and seeds that address it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from punchup.packs import Pack
from punchup.util.hashing import content_key


@dataclass
class BenchState:
    """Everything the stages produced, keyed so later stages and the summary can find it."""

    packs: list[Pack]
    generations: dict[str, dict[str, Any]] = field(default_factory=dict)
    metrics: dict[str, dict[str, Any]] = field(default_factory=dict)
    diversity: dict[str, dict[str, Any]] = field(default_factory=dict)
    rubric: dict[str, dict[str, Any]] = field(default_factory=dict)
    personas: dict[str, dict[str, Any]] = field(default_factory=dict)
    pairs: dict[str, dict[str, Any]] = field(default_factory=dict)


def generation_key(pack: str, prompt: str, writer: str, sample: int) -> str:
    return f"{pack}/{prompt}/{writer}/{sample}"


def sample_seed(base: int, pack: str, prompt: str, sample: int) -> int:
    # Writers share the seed of a (prompt, sample), so their texts are paired draws.
    return int(content_key([base, pack, prompt, sample])[:8], 16)
