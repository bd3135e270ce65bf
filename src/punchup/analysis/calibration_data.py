"""Calibration data: preference pairs from JSONL files, and pairs built from scored paragraphs.

Two kinds of line are read. A preference pair: `text_a`, `text_b`, `preferred`
("a"/"b"), optional `prompt`, `source`, `id`. A scored paragraph: `text` and a
numeric `score` (e.g. an expert-derived quality score 0-10); a file of those is
turned into pairs deterministically: duplicates merged, the paragraphs shuffled
with a fixed seed and paired off, and a pair kept only where the scores differ
by at least MIN_SCORE_GAP (smaller gaps are within the noise of the labels).
A grading instruction appended to a scored paragraph (the LAMP release ends
every paragraph with the JSON answer format its graders were asked for) is cut
off: it is not part of the writing, and a judge would otherwise learn from it
(it is the same words in both texts of a pair, but rates and shares of features
are diluted by it unevenly, and no real text has it).
Every pair keeps its source (the `source` field, or the file's name), which is
what leave-one-source-out holds out.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError

from punchup.errors import PunchupError
from punchup.util.userfiles import MAX_DATA_BYTES, loads_json, read_limited_text

MIN_SCORE_GAP = 2.0
PAIRING_SEED = 0
_GRADING_INSTRUCTION = re.compile(r"\s*You must produce your answer in the following JSON format:.*\Z", re.DOTALL)


class PreferencePair(BaseModel):
    """One line of a calibration file (unknown extra fields are allowed and ignored)."""

    text_a: str = Field(min_length=1)
    text_b: str = Field(min_length=1)
    preferred: Literal["a", "b"]
    prompt: str | None = None
    source: str | None = None
    id: str | int | None = None


class LoadedPair(BaseModel):
    pair: PreferencePair
    source: str  # the pair's `source`, or its file's name
    where: str  # file:line, for messages


def load_pairs(paths: list[Path]) -> list[LoadedPair]:
    """Every pair of every file; PunchupError names the file and line of the first problem."""
    if not paths:
        raise PunchupError("calibration needs at least one data file (--data FILE)")
    loaded: list[LoadedPair] = []
    for index, path in enumerate(paths):
        if path in paths[:index]:
            raise PunchupError(f"calibration data {path} is given twice")
        loaded.extend(_load_file(path))
    return loaded


def _load_file(path: Path) -> list[LoadedPair]:
    if not path.exists():
        raise PunchupError(f"calibration data {path} does not exist")
    # The limits every user file shares (size, UTF-8, nesting): see punchup.util.userfiles.
    lines = read_limited_text(path, f"calibration data {path}", PunchupError, MAX_DATA_BYTES).splitlines()
    pairs = []
    scored: list[tuple[str, float, str]] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        record = loads_json(line, where, PunchupError)
        if not isinstance(record, dict):
            raise PunchupError(f"{where}: expected a JSON object with text_a, text_b and preferred")
        if "text" in record and "score" in record and "text_a" not in record:
            scored.append(_scored(record, where))
            continue
        if isinstance(record.get("preferred"), str):
            record["preferred"] = record["preferred"].strip().lower()
        try:
            pair = PreferencePair.model_validate(record)
        except ValidationError as exc:
            raise PunchupError(f"{where}: {_first_problem(exc)}") from None
        pairs.append(LoadedPair(pair=pair, source=pair.source or path.name, where=where))
    if scored and pairs:
        raise PunchupError(f"calibration data {path} mixes preference pairs and scored paragraphs; use one kind per file")
    if scored:
        pairs = pairs_from_scores(scored, path)
    if not pairs:
        raise PunchupError(f"calibration data {path} has no pairs"
                           + (f" (no two scored paragraphs differ by {MIN_SCORE_GAP:g} or more)" if scored else ""))
    return pairs


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    field = ".".join(str(p) for p in error["loc"]) or "line"
    if error["type"] == "missing":
        return f"missing field '{field}'"
    if field == "preferred":
        return f"'preferred' must be \"a\" or \"b\", got {error.get('input')!r}"
    return f"field '{field}': {error['msg']}"




def _scored(record: dict[str, Any], where: str) -> tuple[str, float, str]:
    text, score = record["text"], record["score"]
    if not isinstance(text, str) or not text.strip():
        raise PunchupError(f"{where}: field 'text' must be a non-empty string")
    if isinstance(score, bool) or not isinstance(score, (int, float)):
        raise PunchupError(f"{where}: field 'score' must be a number, got {score!r}")
    text = _GRADING_INSTRUCTION.sub("", text)
    if not text.strip():
        raise PunchupError(f"{where}: field 'text' holds only a grading instruction")
    return text, float(score), str(record.get("source") or "")


def pairs_from_scores(scored: list[tuple[str, float, str]], path: Path) -> list[LoadedPair]:
    """Disjoint pairs of scored paragraphs whose scores differ by at least MIN_SCORE_GAP; the higher one is preferred."""
    by_text: dict[str, list[float]] = {}
    first_line: dict[str, int] = {}
    for index, (text, score, _) in enumerate(scored):
        by_text.setdefault(text, []).append(score)
        first_line.setdefault(text, index)
    texts = sorted(by_text, key=lambda t: first_line[t])
    rng = random.Random(PAIRING_SEED)
    rng.shuffle(texts)
    pairs = []
    for number, (a, b) in enumerate(zip(texts[0::2], texts[1::2])):
        score_a, score_b = (sum(by_text[t]) / len(by_text[t]) for t in (a, b))
        if abs(score_a - score_b) < MIN_SCORE_GAP:
            continue
        pair = PreferencePair(text_a=a, text_b=b, preferred="a" if score_a > score_b else "b", id=f"scored-{number}")
        pairs.append(LoadedPair(pair=pair, source=path.name, where=f"{path}:pair {number}"))
    return pairs
