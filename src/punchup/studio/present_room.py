"""Terminal renderings of pitch boards and punch-up passes (the web renders the same records as HTML)."""

from __future__ import annotations

import textwrap

from punchup.studio.pitching import Pitch, PitchBoard
from punchup.studio.present import node_line
from punchup.studio.records import NodeView
from punchup.studio.room import PassResult


def _flat(text: str, width: int = 70) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _seeds(seeds: list[int]) -> str:
    if not seeds:
        return "none"
    return f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {seeds[0]}–{seeds[-1]}"


def pitch_block(pitch: Pitch, indent: int = 2) -> str:
    star = "★" if pitch.keeper else " "
    score = "unranked" if pitch.judge is None else ("no score" if pitch.score is None else f"{pitch.score:.1f}")
    who = "yours" if pitch.by_writer else pitch.recipe_line
    pad = " " * indent
    lines = [f"{pad}{star} [{pitch.ref}] {score:>8}  {who}"]
    lines.append(textwrap.indent(textwrap.fill(pitch.text.strip(), 96) or "(empty)", pad + "      "))
    if pitch.reasons:
        lines.append(f"{pad}      why: {'; '.join(pitch.reasons[:3])}")
    if pitch.notes:
        lines.append(f"{pad}      note: {'; '.join(pitch.notes)}")
    return "\n".join(lines)


def board_report(board: PitchBoard, picked: str | None = None, view: NodeView | None = None) -> str:
    drawn = len([p for p in board.pitches if not p.by_writer])
    mine = len(board.pitches) - drawn
    if board.label:
        what = "alts for the line" if board.kind == "alts" else "rewrites of the passage"
        head = f"{board.label}: {what} “{_flat(board.original, 60)}”"
    else:
        head = f"alts for “{_flat(board.setup, 60)}”"
    new = f"{len(board.new_seeds)} new on {_seeds(board.new_seeds)}"
    if board.earlier_seeds:
        new += f", with {len(board.earlier_seeds)} drawn before ({_seeds(board.earlier_seeds)})"
    lines = [f"{head} · {new}" + (f" · {mine} of yours" if mine else "") + f" · judge {board.judge}, best first"]
    if board.instruction:
        lines.append(f"  asked: {board.instruction}")
    lines.extend(pitch_block(p) for p in board.pitches)
    if not board.pitches:
        lines.append("  (no usable pitches: every draft was dropped)")
    lines.append(f"ranking: {board.confidence}" + (f" · ★ {board.keepers} keeper(s)" if board.keepers else ""))
    if board.dropped:
        lines.append("dropped: " + "; ".join(board.dropped))
    if view is not None:
        lines.append(f"put [{picked}] in → {node_line(view)}")
    elif board.label:
        lines.append("nothing saved · put one in with --pick N (or W1 for yours) · new seeds with --more")
    else:
        lines.append("new seeds with --more")
    lines.append(f"{board.calls_made} model calls, {board.calls_cached} from the store")
    return "\n".join(lines)


def pass_report(result: PassResult, view: NodeView | None = None) -> str:
    lines = [f"punch-up pass over {result.label}: {len(result.boards)} lines, alts best first (★ the judge's pick)"]
    for number, board in enumerate(result.boards, start=1):
        lines.append(f"line {number}: “{_flat(board.original, 80)}”")
        lines.extend(pitch_block(p, indent=4) for p in board.pitches)
        if not board.pitches:
            lines.append("      (no usable alts)")
    if view is not None:
        lines.append(f"accepted → {node_line(view)}")
    else:
        lines.append(f"nothing saved · put alts in with: punchup write punchup {result.label} --accept LINE:ALT[,LINE:ALT]")
    lines.append(f"{result.calls_made} model calls, {result.calls_cached} from the store")
    return "\n".join(lines)
