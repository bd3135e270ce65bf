"""Benchmark packs: per-craft prompts, rubrics, pairwise questions and reader personas.

Eight packs ship with punchup (``list_packs()``); writers can add their own as
YAML files and load them by path with ``load_pack`` / ``load_packs``.
"""

from punchup.packs.loader import builtin_pack_dir, list_packs, load_pack, load_packs
from punchup.packs.checks.moves import CAMERA_MOVES
from punchup.packs.schema import (
    Criterion,
    GenerationDefaults,
    Pack,
    PackError,
    PairwiseCriterion,
    Persona,
    PromptSpec,
)

__all__ = [
    "CAMERA_MOVES",
    "Criterion",
    "GenerationDefaults",
    "Pack",
    "PackError",
    "PairwiseCriterion",
    "Persona",
    "PromptSpec",
    "builtin_pack_dir",
    "list_packs",
    "load_pack",
    "load_packs",
]
