"""A board of pitches for one spot: N model drafts on N seeds plus the writer's own, ranked together.

Used for setup alts (alts.py) and for span punch-ups (proposals.py). Nothing
here writes a node: a board is a proposal, and only accepting a pitch
(proposals.accept_pitch) changes the text. Drafts that add nothing are
dropped with a reason (empty, unchanged, an echo of the prompt, a duplicate);
the writer's own alts are never dropped, and are credited to the writer.
"""

from __future__ import annotations

import re
from typing import Callable, Literal

from pydantic import BaseModel, Field

from punchup.judging.factory import JudgeSet
from punchup.packs import Pack
from punchup.studio.candidates import Draft, Progress, draw, plan_seeds
from punchup.studio.ranking import confidence, craft_reasons, score_texts
from punchup.studio.records import text_hash
from punchup.studio.steering import Recipe, Steering
from punchup.studio.tree import StudioError
from punchup.models import CachedModel, GenerateConfig, Message

WRITER = "writer"
MAX_OWN_ALTS = 50


class Pitch(BaseModel):
    ref: str  # "1", "2", ... for model drafts (in seed order), "W1", "W2", ... for the writer's own
    text: str
    by_writer: bool
    author: str  # "writer" or the model id
    seed: int | None = None
    recipe: Recipe | None = None
    recipe_line: str = ""
    notes: list[str] = Field(default_factory=list)
    judge: str | None = None
    score: float | None = None
    rationale: str = ""
    reasons: list[str] = Field(default_factory=list)
    keeper: bool = False
    preview: str | None = None  # a node punch-up: the whole text with this pitch in place
    hash: str = ""  # of the pitch text: accepting checks the regenerated draft against it


class PitchBoard(BaseModel):
    kind: Literal["alts", "rewrite"]
    label: str | None = None  # the node, for a line or passage in a scene
    start: int = 0
    end: int = 0
    original: str = ""  # the line or passage being punched up ("" for a bare setup)
    setup: str = ""
    base_hash: str | None = None  # the node text the board was made from
    instruction: str = ""
    steering: Steering = Field(default_factory=Steering)
    judge: str
    pitches: list[Pitch]  # best first
    confidence: str
    keepers: int
    earlier_seeds: list[int] = Field(default_factory=list)
    new_seeds: list[int] = Field(default_factory=list)
    dropped: list[str] = Field(default_factory=list)
    calls_made: int = 0
    calls_cached: int = 0


_NUMBERING = re.compile(r"^\s*(?:\d{1,3}\s*[.):]|[-*•])\s+")


def own_alts(texts: list[str]) -> list[str]:
    """The writer's alts as they typed them, less list numbering or bullets."""
    alts = [" ".join(_NUMBERING.sub("", t).split()) for t in texts if _NUMBERING.sub("", t).strip()]
    if len(alts) > MAX_OWN_ALTS:
        raise StudioError(f"{len(alts)} of your own alts is more than {MAX_OWN_ALTS}; split them over several runs")
    return alts


def keep_drafts(drafts: list[Draft], original: str, echoes: list[str]) -> tuple[list[Draft], list[str]]:
    """Drafts worth showing, and why the others were dropped."""
    kept: list[Draft] = []
    dropped: list[str] = []
    seen: dict[str, int] = {}
    flat_original = " ".join(original.split()).lower()
    flat_echoes = [" ".join(e.split()).lower() for e in echoes if e.strip()]
    for draft in sorted(drafts, key=lambda d: d.seed):
        flat = " ".join(draft.text.split()).lower()
        if not flat:
            dropped.append(f"seed {draft.seed}: empty")
        elif flat_original and flat == flat_original:
            dropped.append(f"seed {draft.seed}: unchanged (the model gave the passage back as it was)")
        elif any(flat == e or (len(e) > 20 and e in flat) for e in flat_echoes):
            dropped.append(f"seed {draft.seed}: echoed the prompt")
        elif flat in seen:
            dropped.append(f"seed {draft.seed}: the same as seed {seen[flat]}")
        else:
            seen[flat] = draft.seed
            kept.append(draft)
    return kept, dropped


async def build_board(*, kind: Literal["alts", "rewrite"], model: CachedModel, messages: list[Message],
                      config: GenerateConfig, seed: int, n: int, more: bool, steering: Steering, instruction: str,
                      clean: Callable[[str], tuple[str, list[str]]], original: str, echoes: list[str], mine: list[str],
                      judges: JudgeSet | None, pack: Pack, brief: str, keep: int, preview: Callable[[str], str] | None = None,
                      on_draft: Progress | None = None, **where: object) -> PitchBoard:
    earlier, new = plan_seeds(model, messages, config, seed, n, more)
    drafts = await draw(model, messages, config, earlier + new, steering, instruction, clean, on_draft,
                        label=str(where.get("label") or "alts"))
    kept, dropped = keep_drafts(drafts, original, echoes)
    pitches = [
        Pitch(ref=str(i), text=d.text, by_writer=False, author=d.model, seed=d.seed, recipe=d.recipe,
              recipe_line=d.recipe.line(), notes=d.notes)
        for i, d in enumerate(kept, start=1)
    ]
    pitches += [Pitch(ref=f"W{i}", text=t, by_writer=True, author=WRITER, recipe_line="your own")
                for i, t in enumerate(own_alts(mine), start=1)]
    for pitch in pitches:
        pitch.hash = text_hash(pitch.text)
        pitch.preview = preview(pitch.text) if preview else None
    judge_name = "none"
    if judges is not None and pitches:
        judge_name = judges.name
        results = await score_texts(judges, pack, f"studio-{kind}", brief, [p.text for p in pitches])
        for pitch, result in zip(pitches, results):
            pitch.judge = judges.name
            pitch.score = result.overall if result.ok else None
            pitch.rationale = result.rationale if result.ok else f"judgment failed: {result.error}"
            pitch.reasons = craft_reasons(pitch.rationale) if result.ok else [pitch.rationale]
    order = sorted(pitches, key=lambda p: (p.score is None, -(p.score or 0.0), p.by_writer, p.ref))
    keepers = 0
    for pitch in order:
        if keepers < keep and pitch.score is not None:  # unranked pitches have no keepers
            pitch.keeper = True
            keepers += 1
    return PitchBoard(
        kind=kind, judge=judge_name, pitches=order, confidence=confidence([p.score for p in order]) if judges else "unranked",
        keepers=keepers, earlier_seeds=earlier, new_seeds=new, dropped=dropped, instruction=instruction,
        steering=steering, original=original, **where,  # type: ignore[arg-type]
    )
