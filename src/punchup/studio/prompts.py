"""Prompts for every node kind and every rewrite, rendered from Jinja2 templates in studio/prompts/.

Each prompt carries the chosen texts of the node's ancestors (and the story
bible) so that a node never contradicts what it is built on, and tells the
model the exact output shape the parsers expect.
"""

from __future__ import annotations

from functools import lru_cache

import jinja2
from pydantic import BaseModel

from punchup.util.hashing import content_key
from punchup.models import Message
from punchup.packs import Pack
from punchup.studio.outline import beat_entries, parse_scene_card
from punchup.studio.records import Node
from punchup.studio.steering import Steering
from punchup.studio.tree import Kind, StudioError, label_for

KIND_NAMES: dict[str, str] = {
    "logline": "logline",
    "premise": "premise",
    "characters": "story bible",
    "beats": "beat outline",
    "scene": "scene card",
    "script": "screenplay scene",
    "prose": "scene of prose",
}


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("punchup.studio", "prompts"),
        autoescape=False,  # plain-text prompts, never HTML
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, **context: object) -> str:
    return _environment().get_template(template).render(**context).strip() + "\n"


class PromptContext(BaseModel):
    """What a prompt may show of the story; empty strings are left out of the prompt."""

    medium: str
    logline: str = ""
    premise: str = ""
    characters: str = ""
    beats: str = ""
    show_beats: bool = False
    beat_entry: str = ""
    beat_number: int = 0
    beats_total: int = 0
    scene_card: str = ""
    heading: str = ""
    unusual: bool = False
    steering: str = ""  # the writer's notes, tone, format and length, rendered (steering.py)
    slots: list[str] = []  # the story's beat template (structure.py)
    previous_beat: str = ""  # continuity: the beats either side of this scene's
    next_beat: str = ""
    previous_scene: str = ""  # the scene card before this one


def medium_of(leaf: Kind) -> str:
    return "screenplay" if leaf == "script" else "short story"


def _text(nodes: dict[str, Node], label: str) -> str:
    node = nodes.get(label)
    return (node.text or "") if node else ""


def context_for(kind: Kind, ordinal: int, nodes: dict[str, Node], leaf: Kind, unusual: bool = False,
                steering: Steering | None = None, slots: list[str] | None = None) -> PromptContext:
    """The ancestors a node of this kind is written from (more for outlines, less for long scenes),
    with the writer's steering and, for scenes, what comes either side of them (continuity)."""
    steer = (steering or Steering()).model_copy(update={"unusual": unusual or (steering is not None and steering.unusual)})
    unusual = steer.unusual
    # The premise prompt has its own "one unusual thing" line; elsewhere the steering block carries it.
    block = (steer.model_copy(update={"unusual": False}) if kind == "premise" else steer).block()
    context = PromptContext(medium=medium_of(leaf), logline=_text(nodes, "logline"), unusual=unusual, steering=block,
                            slots=list(slots or []) if kind == "beats" else [])
    if kind in ("characters", "beats", "scene", "script", "prose"):
        context.premise = _text(nodes, "premise")
    if kind in ("beats", "scene", "script", "prose"):
        context.characters = _text(nodes, "characters")
    if kind in ("scene", "script", "prose"):
        entries = beat_entries(_text(nodes, "beats"))
        if ordinal > len(entries):
            count = f"{len(entries)} entry" if len(entries) == 1 else f"{len(entries)} entries"
            raise StudioError(f"the beats outline has {count}, so there is no beat for {label_for(kind, ordinal)}"
                              " (orphaned: give the beats that entry back, or keep this scene as it is)")
        context.beats = _text(nodes, "beats")
        context.show_beats = kind == "scene"
        context.beat_entry = entries[ordinal - 1]
        context.beat_number = ordinal
        context.beats_total = len(entries)
        context.previous_beat = entries[ordinal - 2] if ordinal > 1 else ""
        context.next_beat = entries[ordinal] if ordinal < len(entries) else ""
        # The scene card before this one, for a script or prose scene (not for a scene card: sibling cards are
        # drafted together from the beats, and one must not change another's prompt by being chosen).
        context.previous_scene = _text(nodes, label_for("scene", ordinal - 1)) if ordinal > 1 and kind != "scene" else ""
    if kind in ("script", "prose"):
        card_text = _text(nodes, label_for("scene", ordinal))
        context.scene_card = card_text
        context.heading = parse_scene_card(card_text).heading or ""
    return context


def node_messages(kind: Kind, pack: Pack, context: PromptContext) -> list[Message]:
    if kind == "logline":
        raise StudioError("the logline is the writer's: edit it instead of generating it")
    craft = pack.craft_notes if kind in ("script", "prose") else ""
    beat_range = "five to eight" if context.medium == "screenplay" else "four to six"
    system = render("system.j2", medium=context.medium, craft=craft)
    user = render(f"{kind}.j2", beat_range=beat_range, **context.model_dump())
    return [Message(role="system", content=system), Message(role="user", content=user)]


def span_messages(kind: Kind, context: PromptContext, text: str, start: int, end: int, instruction: str) -> list[Message]:
    marked = f"{text[:start]}⟦{text[start:end]}⟧{text[end:]}"
    user = render("rewrite_span.j2", kind_name=KIND_NAMES[kind], medium=context.medium, marked=marked, instruction=instruction,
                  span_words=max(1, len(text[start:end].split())), steering=context.steering)
    return [Message(role="system", content=render("system.j2", medium=context.medium, craft="")), Message(role="user", content=user)]


def continue_messages(kind: Kind, context: PromptContext, text: str, instruction: str) -> list[Message]:
    story = context.model_dump(exclude={"medium"})
    user = render("continue.j2", kind_name=KIND_NAMES[kind], text=text, instruction=instruction, medium=context.medium, **story)
    return [Message(role="system", content=render("system.j2", medium=context.medium, craft="")), Message(role="user", content=user)]


def resize_messages(kind: Kind, context: PromptContext, text: str, words: int, instruction: str) -> list[Message]:
    user = render(
        "resize.j2", kind_name=KIND_NAMES[kind], medium=context.medium, text=text,
        words=words, current_words=len(text.split()), instruction=instruction,
    )
    return [Message(role="system", content=render("system.j2", medium=context.medium, craft="")), Message(role="user", content=user)]


def prompt_hash(messages: list[Message]) -> str:
    """Short hash of a prompt: recorded in provenance so a span can be traced to the prompt that wrote it."""
    return content_key([m.model_dump() for m in messages])[:16]


def judge_brief(kind: Kind, context: PromptContext) -> str:
    """The brief the judges read: what this node was asked to be, for which story."""
    what = KIND_NAMES[kind]
    about = context.beat_entry or context.premise or context.logline
    return f"Write the {what} of a {context.medium}: {about}".strip()[:1500]
