"""The punch-up room: alts for a setup or a line, N rewrites of a passage, a line-by-line pass, and accepting one.

Boards (pitching.py) are proposals and write nothing. Accepting draws the
chosen pitch again from its seed (an answer from the call cache, so no model
call), checks it is the text the writer saw, and splices it in: only the
passage changes, characters the pitch kept as they were keep their author,
and the write is a compare-and-set on the node's revision.
"""

from __future__ import annotations

from typing import Callable, Literal

from pydantic import BaseModel

from punchup.judging.factory import JudgeSet
from punchup.models import CachedModel, GenerateConfig, Message
from punchup.packs import Pack, load_pack
from punchup.studio.alts import ALTS_PACK, alts_brief, alts_config, alts_messages, clean_alt
from punchup.studio.candidates import Progress, draw
from punchup.studio.defaults import REWRITE_TEMPERATURE
from punchup.studio.lines import pass_lines
from punchup.studio.mine import MiningSettings
from punchup.studio.pitching import PitchBoard, build_board
from punchup.studio.prompts import KIND_NAMES, prompt_hash, render
from punchup.studio.provenance import HUMAN, Source, ai_source, splice_edit
from punchup.studio.records import Node, text_hash
from punchup.studio.repository import StoryRepository
from punchup.studio.rewrite import extract_replacement, fit_whitespace, splice_checked
from punchup.studio.runaway import contain, token_budget
from punchup.studio.selection import around
from punchup.studio.steering import Steering
from punchup.studio.tree import StudioError

Mode = Literal["alts", "rewrite"]
DEFAULT_REWRITE = "Make it sharper and funnier; keep what it means."


class Pick(BaseModel):
    """One pitch to put in: where (offsets in the text the board was made from) and which (a seed or your text)."""

    start: int
    end: int
    seed: int | None = None
    text: str | None = None  # the writer's own alt
    hash: str | None = None  # the pitch text the writer saw


class PassResult(BaseModel):
    label: str
    base_hash: str
    boards: list[PitchBoard]  # one per line, in text order
    calls_made: int = 0
    calls_cached: int = 0


class PunchRoom:
    def __init__(self, repo: StoryRepository, model_for: Callable[[str], CachedModel],
                 judges_for: Callable[[str], JudgeSet], settings: MiningSettings):
        self.repo, self.model_for, self.judges_for, self.settings = repo, model_for, judges_for, settings
        self._alts_pack: Pack | None = None

    @property
    def alts_pack(self) -> Pack:
        if self._alts_pack is None:
            self._alts_pack = load_pack(ALTS_PACK)
        return self._alts_pack

    def _judges(self, judge: str | None, model: CachedModel) -> JudgeSet | None:
        spec = judge or self.settings.judge or model.name
        return None if spec == "none" else self.judges_for(spec)

    def _cap(self) -> int | None:
        return self.settings.max_tokens

    # -- the prompts of one spot -------------------------------------------------------------
    def _recipe(self, mode: Mode, medium: str, kind: str, text: str, start: int, end: int, instruction: str,
                steering: Steering) -> tuple[list[Message], GenerateConfig, Callable[[str], tuple[str, list[str]]]]:
        line = text[start:end]
        if mode == "alts":
            before, after = around(text, start, end)
            messages = alts_messages(self.alts_pack, medium, before, steering, line=line, before=before, after=after)
            config = alts_config(self.alts_pack, line, self.settings.temperature, self._cap())
            return messages, config, lambda reply: self._fit(line, *clean_alt(reply, line))
        marked = f"{text[:start]}⟦{line}⟧{text[end:]}"
        user = render("rewrite_span.j2", kind_name=KIND_NAMES.get(kind, "passage"), medium=medium, marked=marked,
                      instruction=instruction or DEFAULT_REWRITE, span_words=max(1, len(line.split())),
                      steering=steering.block())
        messages = [Message(role="system", content=render("system.j2", medium=medium, craft="")),
                    Message(role="user", content=user)]
        budget = min(token_budget(len(line)), self._cap() or token_budget(len(line)))
        config = GenerateConfig(temperature=REWRITE_TEMPERATURE, max_tokens=max(16, budget), seed=0)

        def clean(reply: str) -> tuple[str, list[str]]:
            contained, notes = contain(extract_replacement(reply, text, start, end).strip(), len(line))
            return self._fit(line, contained, notes)

        return messages, config, clean

    @staticmethod
    def _fit(line: str, text: str, notes: list[str]) -> tuple[str, list[str]]:
        return (fit_whitespace(line, text) if text.strip() else ""), notes

    # -- boards ---------------------------------------------------------------------------------
    async def setup_alts(self, setup: str, *, n: int, mine: list[str], steering: Steering, seed: int, more: bool,
                         keep: int, judge: str | None, model_id: str | None, on_draft: Progress | None = None) -> PitchBoard:
        if not setup.strip():
            raise StudioError("the setup is empty: give the premise of the joke (your alts are judged against it)")
        model = self.model_for(model_id or self.settings.writer)
        pack = self.alts_pack
        messages = alts_messages(pack, "comedy", setup, steering)
        config = alts_config(pack, "", self.settings.temperature, self._cap())
        return await build_board(
            kind="alts", model=model, messages=messages, config=config, seed=seed, n=n, more=more, steering=steering,
            instruction="", clean=lambda reply: clean_alt(reply, ""), original="", echoes=[setup], mine=mine,
            judges=self._judges(judge, model), pack=pack, brief=alts_brief(setup, ""), keep=keep, on_draft=on_draft,
            setup=setup.strip(),
        )

    async def span_board(self, node: Node, medium: str, pack: Pack, mode: Mode, start: int, end: int, *, n: int,
                         instruction: str, mine: list[str], steering: Steering, seed: int, more: bool, keep: int,
                         judge: str | None, model_id: str | None, on_draft: Progress | None = None) -> PitchBoard:
        text = node.text or ""
        if not text:
            raise StudioError(f"'{node.label}' has no text yet; choose an alternative or write it first")
        model = self.model_for(model_id or node.model or self.settings.writer)
        messages, config, clean = self._recipe(mode, medium, node.kind, text, start, end, instruction, steering)
        before, _ = around(text, start, end)
        judge_pack = self.alts_pack if mode == "alts" else pack
        brief = alts_brief(before, text[start:end]) if mode == "alts" else f"Rewrite this passage: {instruction or DEFAULT_REWRITE}"
        return await build_board(
            kind=mode, model=model, messages=messages, config=config, seed=seed, n=n, more=more, steering=steering,
            instruction=instruction, clean=clean, original=text[start:end], echoes=[instruction], mine=mine,
            judges=self._judges(judge, model), pack=judge_pack, brief=brief, keep=keep,
            preview=lambda pitch: text[:start] + pitch + text[end:], on_draft=on_draft,
            label=node.label, start=start, end=end, base_hash=node.content_hash,
        )

    async def punch_pass(self, node: Node, medium: str, pack: Pack, *, n: int, max_lines: int, steering: Steering,
                         seed: int, judge: str | None, model_id: str | None, on_draft: Progress | None = None) -> PassResult:
        text = node.text or ""
        spans = pass_lines(text, node.kind, max_lines)
        if not spans:
            raise StudioError(f"'{node.label}' has no lines to punch up")
        boards = [
            await self.span_board(node, medium, pack, "alts", start, end, n=n, instruction="", mine=[], steering=steering,
                                  seed=seed, more=False, keep=1, judge=judge, model_id=model_id, on_draft=on_draft)
            for start, end in spans
        ]
        return PassResult(label=node.label, base_hash=node.content_hash, boards=boards)

    # -- accepting ------------------------------------------------------------------------------
    async def accept(self, node: Node, medium: str, mode: Mode, picks: list[Pick], *, base_hash: str,
                     instruction: str, steering: Steering, model_id: str | None) -> None:
        """Put the picked pitches into the text (one version, one undo), or refuse if anything moved."""
        if node.locked:
            raise StudioError(f"'{node.label}' is locked; unlock it before you punch it up")
        text = node.text or ""
        if node.content_hash != base_hash:
            raise StudioError(f"'{node.label}' changed since these pitches were made; make them again")
        if not picks:
            raise StudioError("pick at least one pitch to accept")
        ordered = sorted(picks, key=lambda p: p.start, reverse=True)
        for later, earlier in zip(ordered, ordered[1:]):
            if earlier.end > later.start:
                raise StudioError("two picks overlap; pick one pitch per line")
        model = self.model_for(model_id or node.model or self.settings.writer)
        new_text, provenance = text, list(node.provenance)
        for pick in ordered:  # from the end, so earlier offsets stay valid
            if not (0 <= pick.start < pick.end <= len(text)):
                raise StudioError(f"pick {pick.start}:{pick.end} is outside the text (0:{len(text)})")
            replacement, source = await self._pitch_text(model, medium, mode, node, text, pick, instruction, steering)
            provenance = splice_edit(provenance, new_text, pick.start, pick.end, replacement, source)
            new_text = splice_checked(new_text, pick.start, pick.end, replacement)
        if new_text == text:
            raise StudioError("the picked pitches leave the text as it is; nothing to accept")
        state = node.state().model_copy(update={"text": new_text, "provenance": provenance})
        if not self.repo.save_state(node, state, "punch-up", expect_revision=node.revision):
            raise StudioError(f"'{node.label}' changed while the pitch was being put in; nothing was saved")

    async def _pitch_text(self, model: CachedModel, medium: str, mode: Mode, node: Node, text: str, pick: Pick,
                          instruction: str, steering: Steering) -> tuple[str, Source]:
        line = text[pick.start:pick.end]
        if pick.text is not None:
            if not pick.text.strip():
                raise StudioError("your alt is empty")
            return fit_whitespace(line, " ".join(pick.text.split())), HUMAN
        if pick.seed is None:
            raise StudioError("a pick names a seed (a model's pitch) or your own text")
        messages, config, clean = self._recipe(mode, medium, node.kind, text, pick.start, pick.end, instruction, steering)
        draft = (await draw(model, messages, config, [pick.seed], steering, instruction, clean))[0]
        if not draft.text.strip():
            raise StudioError(f"seed {pick.seed} gave an empty pitch; pick another")
        if pick.hash and text_hash(draft.text) != pick.hash:
            raise StudioError(f"seed {pick.seed} no longer gives the pitch you saw (did the model or settings change?)")
        return draft.text, ai_source(model.name, prompt_hash(messages))
