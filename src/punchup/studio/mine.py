"""Generate and mine: N seeded alternatives for a node, ranked by the pack's judges.

Sample i uses seed base + i through a CachedModel, and alternatives are keyed
by their model call, so running the same expand again makes no model calls
and adds no duplicate alternatives. Judgments are cached by the judges too.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Callable

from punchup.bench.generate import generate_samples
from punchup.judging.factory import JudgeSet
from punchup.models import CachedModel, GenerateConfig, Generation
from punchup.packs import Pack, PromptSpec
from punchup.judging.factory import DEFAULT_JUDGE
from punchup.studio.defaults import KIND_MAX_TOKENS, NO_JUDGE
from punchup.studio.candidates import DraftEvent, Progress, arriving
from punchup.studio.outline import beat_entries, clean_generation, strip_prompt_echo
from punchup.studio.prompts import context_for, judge_brief, node_messages, prompt_hash
from punchup.studio.records import Alternative, Node, RankedNode, Story
from punchup.studio.repository import StoryRepository
from punchup.studio.steering import Recipe, Steering
from punchup.studio.structure import slots_for
from punchup.studio.tree import (
    SCENES_TARGET,
    Kind,
    StudioError,
    child_label,
    label_for,
    normalise_label,
    parents_of,
    parse_label,
)


@dataclass
class MiningSettings:
    writer: str  # default writer model id
    judge: str | None = DEFAULT_JUDGE
    max_tokens: int | None = None  # a cap over every kind's budget (small models, quick tests)
    temperature: float | None = None  # None: the pack's temperature


def resolve_target(raw: str, nodes: dict[str, Node], leaf: Kind, more: bool) -> str:
    """Which node(s) `expand RAW` generates alternatives for.

    A node that already has a chosen text expands into its next child kind
    (logline -> premise -> characters -> beats -> scenes, scene-N -> script-N);
    a node without one, a kind not created yet, or any node with more=True
    gets more alternatives itself.
    """
    label = normalise_label(raw)
    if label == SCENES_TARGET:
        return label
    kind, ordinal = parse_label(label)
    if kind in ("script", "prose") and kind != leaf:
        raise StudioError(f"this story is written as {leaf}-N nodes, not {kind}-N")
    node = nodes.get(label)
    if node is not None and node.text is not None and not more:
        child = child_label(kind, ordinal, leaf)
        if child is not None:
            return child
    if kind == "logline":
        raise StudioError("the logline is the writer's own: edit it, or expand it into premises with: expand logline")
    return label


class Miner:
    def __init__(self, repo: StoryRepository, model_for: Callable[[str], CachedModel],
                 judges_for: Callable[[str], JudgeSet], settings: MiningSettings):
        self.repo = repo
        self.model_for = model_for
        self.judges_for = judges_for
        self.settings = settings

    def config(self, kind: Kind, pack: Pack, seed: int, max_tokens: int | None = None) -> GenerateConfig:
        budget = KIND_MAX_TOKENS.get(kind, pack.generation.max_tokens)
        for cap in (self.settings.max_tokens, max_tokens):
            if cap is not None:
                budget = min(budget, cap)
        temperature = pack.generation.temperature if self.settings.temperature is None else self.settings.temperature
        return GenerateConfig(temperature=temperature, max_tokens=budget, seed=seed)

    def scene_labels(self, nodes: dict[str, Node], max_scenes: int | None) -> list[str]:
        beats = nodes.get("beats")
        if beats is None or beats.text is None:
            raise StudioError("choose or write the beats before expanding them into scenes")
        entries = beat_entries(beats.text)
        if not entries:
            raise StudioError("the beats outline is empty; edit it into a numbered list first")
        count = len(entries) if max_scenes is None else min(len(entries), max_scenes)
        return [label_for("scene", i) for i in range(1, count + 1)]

    def first_new_seed(self, story: Story, label: str, seed: int) -> int:
        """`more`: the seed after every seed this node's alternatives were drawn on (at least `seed`)."""
        node = self.repo.find_node(story.id, label)
        drawn = [a.seed for a in self.repo.alternatives(node.id)] if node else []
        return max([seed, *(s + 1 for s in drawn)])

    async def generate_for(self, story: Story, pack: Pack, leaf: Kind, nodes: dict[str, Node], label: str, *,
                           n: int, model_id: str | None, judge: str | None, seed: int = 0, unusual: bool = False,
                           max_tokens: int | None = None, steering: Steering | None = None, more: bool = False,
                           on_draft: Progress | None = None) -> RankedNode:
        """Draft n alternatives for one node from its ancestors, store them, and rank them best first.

        With more=True the drafts are drawn on seeds this node never had, so they are new."""
        kind, ordinal = parse_label(label)
        for parent in parents_of(kind, ordinal):
            if parent not in nodes or nodes[parent].text is None:
                raise StudioError(f"choose or write '{parent}' before expanding '{label}'")
        steer = steering or Steering()
        if not steer.format and story.settings.format:
            steer = steer.model_copy(update={"format": story.settings.format})
        context = context_for(kind, ordinal, nodes, leaf, unusual, steer, slots_for(story.settings.structure))
        messages = node_messages(kind, pack, context)
        if more:
            seed = self.first_new_seed(story, label, seed)
        config = self.config(kind, pack, seed, max_tokens)
        model = self.model_for(model_id or self.settings.writer)
        started = time.perf_counter()
        done = 0

        def landed(i: int, generation: Generation) -> None:
            nonlocal done
            done += 1
            if on_draft is not None:
                on_draft(DraftEvent(label=label, done=done, total=n, seed=seed + i, text=generation.text,
                                    cached=generation.cached, seconds=time.perf_counter() - started))

        def stream(i: int, text: str) -> None:
            if on_draft is not None:
                on_draft(arriving(label, done, n, seed + i, text, started))

        generations = await generate_samples(model, messages, config, n, landed, stream)
        node = self.repo.ensure_node(story.id, label, kind, ordinal)
        hashed = prompt_hash(messages)
        alternatives: list[Alternative] = []
        for i, generation in enumerate(generations):
            text = strip_prompt_echo(clean_generation(generation.text), messages[-1].content)
            if not text:
                continue  # an empty draft is no option for the writer
            drawn = config.model_copy(update={"seed": seed + i})
            recipe = Recipe(model=model.name, seed=seed + i, temperature=drawn.temperature, max_tokens=drawn.max_tokens,
                            steering=steer.model_copy(update={"unusual": steer.unusual or unusual}))
            key = model.key(messages, drawn, i)
            alternatives.append(self.repo.add_alternative(node.id, key, text, model.name, hashed, seed + i, recipe))
        judge_spec = judge or self.settings.judge or model.name
        ranked = await self.rank(judge_spec, pack, kind, judge_brief(kind, context), alternatives)
        return RankedNode(label=label, alternatives=ranked, seeds=[seed + i for i in range(n)])

    async def rank(self, judge_spec: str, pack: Pack, kind: Kind, brief: str, alternatives: list[Alternative]) -> list[Alternative]:
        """Score each alternative with the judge's rubric and return them best first (failed judgments last)."""
        if judge_spec == NO_JUDGE or not alternatives:
            return alternatives
        judges = self.judges_for(judge_spec)
        spec = PromptSpec(id=f"studio-{kind}", text=brief)
        results = await asyncio.gather(*(judges.rubric.judge(pack, spec, alt.text) for alt in alternatives))
        scored: list[Alternative] = []
        for alt, result in zip(alternatives, results):
            rationale = result.rationale if result.ok else f"judgment failed: {result.error}"
            self.repo.score_alternative(alt.id, judges.name, result.overall, result.scores, rationale)
            scored.append(alt.model_copy(update={
                "judge": judges.name, "score": result.overall, "scores": result.scores, "rationale": rationale,
            }))
        return sorted(scored, key=lambda a: (a.score is None, -(a.score or 0.0), a.number))
