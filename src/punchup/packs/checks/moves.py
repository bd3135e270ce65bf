"""`moves` (camera pack): the camera moves a shot list must use, judged per move, reported as adherence."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Any

from pydantic_core import PydanticCustomError

# The camera pack's vocabulary. Prompts may only require these moves, so a
# judge can be given one fixed definition for each (see builtin/camera.yaml).
CAMERA_MOVES: tuple[str, ...] = (
    "pan",
    "tilt",
    "dolly in",
    "dolly out",
    "push-in",
    "tracking",
    "crane",
    "dolly zoom",
    "whip pan",
    "rack focus",
    "handheld",
)
MOVE_VERDICTS = ["correct", "incorrect", "missing"]


def canonical_move(value: Any) -> Any:
    """Pack authors write "Dolly In" or "push in" as often as "push-in"; accept the spelling and store the
    canonical name so judges see one vocabulary."""
    if not isinstance(value, str):
        return value
    spaced = " ".join(value.strip().lower().split())
    for candidate in (spaced, spaced.replace(" ", "-"), spaced.replace("-", " ")):
        if candidate in CAMERA_MOVES:
            return candidate
    raise PydanticCustomError(
        "unknown_camera_move",
        "unknown camera move {value} (known moves: {known})",
        {"value": repr(value), "known": ", ".join(CAMERA_MOVES)},
    )


def distinct_moves(moves: list[str]) -> list[str]:
    seen: set[str] = set()
    for move in moves:
        if move in seen:
            raise PydanticCustomError("duplicate_move", "camera move {move} is listed twice", {"move": repr(move)})
        seen.add(move)
    return moves


def move_key(move: str) -> str:
    """'dolly zoom' -> 'dolly_zoom', 'push-in' -> 'push_in': a JSON key a small model can copy."""
    return re.sub(r"[^a-z0-9]+", "_", move.lower()).strip("_")


def _inflected(word: str) -> str:
    if word.endswith("e"):
        return re.escape(word[:-1]) + r"(?:e|es|ed|ing)"
    if word.endswith("ing"):  # "tracking": also "we track", "tracks", "tracked"
        return re.escape(word[:-3]) + r"(?:ing|s|ed)?"
    return re.escape(word) + rf"(?:s|es|ed|ing|{re.escape(word[-1])}ed|{re.escape(word[-1])}ing)?"


# Compounds written as one word in CAMERA_MOVES but often split by writers ("hand-held").
_COMPOUNDS = {"handheld": "hand held"}


def _move_pattern(move: str) -> re.Pattern[str]:
    parts = re.split(r"[\s-]+", _COMPOUNDS.get(move, move))
    return re.compile(r"\b" + r"[\s-]*".join(_inflected(w) for w in parts) + r"\b", re.IGNORECASE)


def named_move(text: str, move: str) -> bool:
    """Whether the text names the move (any spelling); a longer move containing it ("whip pan" for "pan") does not count."""
    for other in CAMERA_MOVES:
        if other != move and re.search(rf"\b{re.escape(move)}\b", other):
            text = _move_pattern(other).sub(" ", text)
    return _move_pattern(move).search(text) is not None


class MovesCheck:
    name = "moves"
    summary_key = "camera"

    def reply_fields(self, prompt: Any) -> dict[str, dict[str, Any]]:
        return {f"move_{move_key(m)}": {"type": "string", "enum": MOVE_VERDICTS} for m in prompt.moves}

    def instructions(self, prompt: Any) -> str:
        if not prompt.moves:
            return ""
        return ('The brief requires these camera moves. For each, answer "correct" (used, and used as the move really '
                'works), "incorrect" (named but misused), or "missing":\n'
                + "\n".join(f"- move_{move_key(m)}: {m}" for m in prompt.moves))

    def read_reply(self, prompt: Any, values: dict[str, Any]) -> dict[str, Any]:
        return {"moves": {m: values.pop(f"move_{move_key(m)}") for m in prompt.moves}} if prompt.moves else {}

    def measure(self, prompt: Any, text: str, score_text: Any) -> tuple[dict[str, Any], list[str]]:
        if not prompt.moves:
            return {}, []
        moves = {m: "correct" if named_move(text, m) else "missing" for m in prompt.moves}
        return {"moves": moves}, ["moves checked by name only: 'correct' means named, not verified as used right"]

    def figure(self, state: Any) -> dict[str, dict[str, str]]:
        """writer -> move -> "correct/required" ("dolly zoom: 6/10"); "incorrect" and "missing" both miss."""
        counts: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
        for key, result in state.rubric.items():
            for move, verdict in (result.get("moves") or {}).items():
                cell = counts[state.generations[key]["writer"]][move]
                cell[0] += verdict == "correct"
                cell[1] += 1
        return {w: {m: f"{c}/{t}" for m, (c, t) in sorted(moves.items())} for w, moves in counts.items()}


CHECK = MovesCheck()
