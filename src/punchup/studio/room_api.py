"""The Studio's punch-up room methods: alts for a setup, pitches for a passage, a pass, and accepting pitches.

A mixin of Studio (studio.py), kept apart so each file stays one idea; the
work itself is in room.py (boards and accepting) and pitching.py (ranking).
"""

from __future__ import annotations

from typing import Any, Awaitable, TypeVar

from punchup.studio.candidates import Progress
from punchup.studio.pitching import PitchBoard
from punchup.studio.prompts import medium_of
from punchup.studio.records import NodeView, Story
from punchup.studio.rewrite import check_span
from punchup.studio.room import Mode, PassResult, Pick
from punchup.studio.selection import locate
from punchup.studio.steering import Steering
from punchup.studio.tree import StudioError

T = TypeVar("T")


class RoomMethods:
    """Needs the Studio's _node, _fresh_view, call_counts, editor and room (a mixin: no import of studio.py)."""

    room: Any
    editor: Any
    async def alts(self, setup: str, *, n: int = 5, mine: list[str] | None = None, steering: Steering | None = None,
                   seed: int = 0, more: bool = False, keep: int = 3, judge: str | None = None, model: str | None = None,
                   on_draft: Progress | None = None) -> PitchBoard:
        """N ranked alts for a setup that is not in a story, with the writer's own ranked among them."""
        return await self._counted(self.room.setup_alts(setup, n=n, mine=mine or [], steering=steering or Steering(),
                                                        seed=seed, more=more, keep=keep, judge=judge, model_id=model,
                                                        on_draft=on_draft))

    async def pitch(self, label: str, mode: Mode, place: dict, *, n: int = 3, instruction: str = "",
                    mine: list[str] | None = None, steering: Steering | None = None, seed: int = 0, more: bool = False,
                    keep: int = 3, judge: str | None = None, model: str | None = None, story_id: int | None = None,
                    on_draft: Progress | None = None) -> PitchBoard:
        """Pitches for a passage of a node, named by quote, line, span (START:END) or start/end offsets; saves nothing."""
        story, pack, leaf, node = self._node(label, story_id)
        text = self.editor.require_text(node)
        if place.get("start") is not None:
            start, end = int(place["start"]), int(place["end"])
            check_span(start, end, len(text))
        else:
            start, end = locate(text, quote=place.get("quote"), line=place.get("line"), span=place.get("span"),
                                occurrence=place.get("occurrence"))
        return await self._counted(self.room.span_board(
            node, medium_of(leaf), pack, mode, start, end, n=n, instruction=instruction, mine=mine or [],
            steering=self._steer(story, steering), seed=seed, more=more, keep=keep, judge=judge, model_id=model,
            on_draft=on_draft))

    async def accept_pitches(self, label: str, mode: Mode, picks: list[Pick], *, base_hash: str, instruction: str = "",
                             steering: Steering | None = None, model: str | None = None,
                             story_id: int | None = None) -> NodeView:
        """Put picked pitches into the node's text (one version); the only call here that saves anything."""
        story, _, leaf, node = self._node(label, story_id)
        await self.room.accept(node, medium_of(leaf), mode, picks, base_hash=base_hash, instruction=instruction,
                               steering=self._steer(story, steering), model_id=model)
        return self._fresh_view(story.id, node.label)

    async def pitch_and_pick(self, label: str, mode: Mode, place: dict, *, pick: str | None = None,
                             **options: object) -> tuple[PitchBoard, NodeView | None]:
        """The CLI's one step: the board (from the store when made before) and, with `pick`, that pitch put in."""
        if pick is not None:  # refuse before any model call, not after the board is drawn
            self.editor.refuse_locked(self._node(label, options.get("story_id"))[3], "punch up")  # type: ignore[arg-type]
        board = await self.pitch(label, mode, place, **options)  # type: ignore[arg-type]
        if pick is None:
            return board, None
        return board, await self.accept_pitches(
            label, mode, [board_pick(board, pick)], base_hash=board.base_hash or "", instruction=board.instruction,
            steering=board.steering, model=options.get("model"), story_id=options.get("story_id"))  # type: ignore[arg-type]

    async def punch_pass(self, label: str, *, n: int = 2, max_lines: int = 6, steering: Steering | None = None,
                         seed: int = 0, judge: str | None = None, model: str | None = None, story_id: int | None = None,
                         accept: dict[int, str] | None = None,
                         on_draft: Progress | None = None) -> tuple[PassResult, NodeView | None]:
        """A punch-up pass: alts for each line of a node; with accept {line: pitch ref}, those are put in at once."""
        story, pack, leaf, node = self._node(label, story_id)
        self.editor.require_text(node)
        steer = self._steer(story, steering)
        result = await self._counted(self.room.punch_pass(node, medium_of(leaf), pack, n=n, max_lines=max_lines,
                                                          steering=steer, seed=seed, judge=judge, model_id=model,
                                                          on_draft=on_draft))
        if not accept:
            return result, None
        picks = []
        for line, ref in sorted(accept.items()):
            if not 1 <= line <= len(result.boards):
                raise StudioError(f"the pass has lines 1..{len(result.boards)}, not {line}")
            picks.append(board_pick(result.boards[line - 1], ref))
        view = await self.accept_pitches(label, "alts", picks, base_hash=result.base_hash, steering=steer, model=model,
                                         story_id=story.id)
        return result, view

    def _steer(self, story: Story, steering: Steering | None) -> Steering:
        steer = steering or Steering()
        return steer if steer.format or not story.settings.format else steer.model_copy(update={"format": story.settings.format})

    async def _counted(self, work: Awaitable[T]) -> T:
        before = self.call_counts()
        result = await work
        made, cached = (a - b for a, b in zip(self.call_counts(), before))
        if hasattr(result, "calls_made"):
            result = result.model_copy(update={"calls_made": made, "calls_cached": cached})  # type: ignore[attr-defined]
        return result


def board_pick(board: PitchBoard, ref: str) -> Pick:
    """The Pick for pitch `ref` of a board ("2", or "W1" for the writer's own)."""
    wanted = ref.strip().upper()
    for pitch in board.pitches:
        if pitch.ref.upper() == wanted:
            if pitch.by_writer:
                return Pick(start=board.start, end=board.end, text=pitch.text, hash=pitch.hash)
            return Pick(start=board.start, end=board.end, seed=pitch.seed, hash=pitch.hash)
    refs = ", ".join(p.ref for p in board.pitches) or "none"
    raise StudioError(f"there is no pitch {ref} here (pitches: {refs})")
