"""The shape of a story: node kinds in order, who depends on whom, and the short node ids.

logline -> premise -> characters (the story bible) -> beats -> scene-N -> script-N
(or prose-N for short fiction). A scene depends on the beats AND the
characters, and a script on its scene AND the characters: the characters
node is reached along two paths (a diamond), which is why cascades run in
topological order.

Node ids are labels a writer can type: "logline", "premise", "characters",
"beats", "scene-3", "script-3" / "prose-3". "scenes" is not a node but an
expand target: one scene node per numbered entry of the beats.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Literal

from punchup.errors import PunchupError

if TYPE_CHECKING:
    from punchup.packs import Pack

Kind = Literal["logline", "premise", "characters", "beats", "scene", "script", "prose"]

# Topological order: every kind's parents come earlier in this tuple.
KIND_ORDER: tuple[Kind, ...] = ("logline", "premise", "characters", "beats", "scene", "script", "prose")
SINGLE_KINDS: tuple[Kind, ...] = ("logline", "premise", "characters", "beats")
NUMBERED_KINDS: tuple[Kind, ...] = ("scene", "script", "prose")
SCENES_TARGET = "scenes"

_NUMBERED = re.compile(r"(scene|script|prose)[\s_-]*(\d+)")
# Far beyond any story, and small enough that a label's number always fits SQLite and int().
MAX_SCENE_NUMBER = 9999


class StudioError(PunchupError):
    """A studio request that cannot be carried out (unknown node, locked node, bad span...)."""


def leaf_kind(pack: "Pack") -> Kind:
    """Screenplays end in Fountain scripts, short fiction in prose."""
    fmt = (pack.output_format or "").strip().lower()
    if fmt == "fountain":
        return "script"
    if fmt == "prose":
        return "prose"
    raise StudioError(
        f"pack '{pack.name}' writes {pack.output_format or 'no declared format'}; "
        "the studio writes screenplays (Fountain, e.g. pack screenplay) and short fiction (prose, e.g. pack fiction)"
        + ('; for comedy alts use: punchup write alts --setup "..."' if pack.name == "comedy" else "")
    )


def label_for(kind: Kind, ordinal: int = 0) -> str:
    return f"{kind}-{ordinal}" if kind in NUMBERED_KINDS else kind


def normalise_label(raw: str) -> str:
    """'Scene 3', 'scene3', 'SCENE_3' -> 'scene-3'; 'Premise ' -> 'premise'."""
    text = raw.strip().lower()
    match = _NUMBERED.fullmatch(text)
    if match:
        return f"{match.group(1)}-{_scene_number(match.group(2), raw)}"
    return text


def _scene_number(digits: str, label: str) -> int:
    # Checked on the digits first: int() of thousands of digits is refused (or slow) before any comparison.
    stripped = digits.lstrip("0") or "0"
    if len(stripped) > len(str(MAX_SCENE_NUMBER)) or int(stripped) > MAX_SCENE_NUMBER:
        raise StudioError(f"node '{label.strip()[:40]}': scene numbers go up to {MAX_SCENE_NUMBER}")
    return int(stripped)


def parse_label(label: str) -> tuple[Kind, int]:
    """The kind and scene number a label names; StudioError for anything else."""
    match = re.fullmatch(r"(scene|script|prose)-(\d+)", label)
    if match and _scene_number(match.group(2), label) >= 1:
        return match.group(1), int(match.group(2))  # type: ignore[return-value]
    if label in SINGLE_KINDS:
        return label, 0  # type: ignore[return-value]
    raise StudioError(
        f"unknown node '{label}': use logline, premise, characters, beats, scene-N, script-N or prose-N"
    )


def parents_of(kind: Kind, ordinal: int = 0) -> list[str]:
    """The labels a node of this kind is built on (its prompt includes their chosen texts)."""
    if kind == "logline":
        return []
    if kind == "premise":
        return ["logline"]
    if kind == "characters":
        return ["premise"]
    if kind == "beats":
        return ["premise", "characters"]
    if kind == "scene":
        return ["beats", "characters"]
    return [label_for("scene", ordinal), "characters"]


def child_label(kind: Kind, ordinal: int, leaf: Kind) -> str | None:
    """What expanding a chosen node of this kind generates next (None for a leaf)."""
    following = {"logline": "premise", "premise": "characters", "characters": "beats", "beats": SCENES_TARGET}
    if kind in following:
        return following[kind]
    if kind == "scene":
        return label_for(leaf, ordinal)
    return None


def sort_key(kind: str, ordinal: int) -> tuple[int, int]:
    """Sorting by this key is a topological order of the tree."""
    return KIND_ORDER.index(kind), ordinal  # type: ignore[arg-type]
