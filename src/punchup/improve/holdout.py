"""Held-out prompts: split exported rows by prompt (or pack) so a tuned model is never measured on what it trained on.

The split is a pure function of the prompt ids and the seed: the same export
always holds out the same prompts. Beside FILE.jsonl (training rows) it writes
FILE.holdout.jsonl (the held-out rows) and FILE.holdout.txt, one `pack/prompt`
per line, which `punchup bench --only-prompts FILE.holdout.txt` reads.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from punchup.errors import PunchupError
from punchup.util.hashing import content_key
from punchup.util.textfiles import read_user_text

SplitBy = Literal["prompt", "pack"]


def unit_of(row: dict[str, Any], split_by: SplitBy) -> str:
    meta = row.get("punchup") or {}
    pack, prompt = meta.get("pack", "?"), meta.get("prompt_id", "?")
    return pack if split_by == "pack" else f"{pack}/{prompt}"


def choose_holdout(units: list[str], fraction: float, seed: int, noun: str = "prompt") -> set[str]:
    """round(fraction * n) units, at least one, never all; chosen by a seeded hash, not by order."""
    distinct = sorted(set(units))
    if fraction <= 0:
        return set()
    if len(distinct) < 2:
        raise PunchupError(f"cannot hold out {fraction:.0%} of the {noun}s: the rows come from {len(distinct)} "
                           f"{noun}(s); export a run with more {noun}s or drop --holdout")
    count = min(len(distinct) - 1, max(1, round(fraction * len(distinct))))
    return set(sorted(distinct, key=lambda unit: content_key([seed, unit]))[:count])


def split_rows(rows: list[dict[str, Any]], fraction: float, seed: int,
               split_by: SplitBy = "prompt") -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[str]]:
    """(training rows, held-out rows, held-out prompt ids as pack/prompt)."""
    held = choose_holdout([unit_of(row, split_by) for row in rows], fraction, seed, split_by)
    train = [row for row in rows if unit_of(row, split_by) not in held]
    holdout = [row for row in rows if unit_of(row, split_by) in held]
    prompts = sorted({unit_of(row, "prompt") for row in holdout})
    return train, holdout, prompts


def holdout_paths(data_path: Path) -> tuple[Path, Path]:
    stem = data_path.name.removesuffix(".jsonl")
    return data_path.with_name(f"{stem}.holdout.jsonl"), data_path.with_name(f"{stem}.holdout.txt")


def read_prompt_list(path: Path) -> list[str]:
    """`pack/prompt` ids, one a line (# comments allowed): the prompts a bench may run."""
    ids = []
    for number, line in enumerate(read_user_text(path, "prompt list").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.count("/") != 1 or not all(line.split("/")):
            raise PunchupError(f"{path}:{number}: expected PACK/PROMPT, got '{line[:80]}'")
        ids.append(line)
    if not ids:
        raise PunchupError(f"prompt list {path} names no prompts")
    return ids


def select_prompts(packs: list[Any], prompt_ids: list[str]) -> list[Any]:
    """The packs cut to the listed `pack/prompt` ids (packs with none left are dropped); unknown ids are an error."""
    wanted = set(prompt_ids)
    known = {f"{pack.name}/{prompt.id}" for pack in packs for prompt in pack.prompts}
    unknown = sorted(wanted - known)
    if unknown:
        raise PunchupError(f"prompt list names prompts that the packs do not have: {', '.join(unknown[:5])}")
    cut = [pack.model_copy(update={"prompts": [p for p in pack.prompts if f"{pack.name}/{p.id}" in wanted]})
           for pack in packs]
    return [pack for pack in cut if pack.prompts]
