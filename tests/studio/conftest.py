"""Studio fixtures: a scripted story-writing fake model, a scripted judge, and a Studio on a fresh store."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

import pytest

from punchup.models import CachedModel, GenerateConfig, Message, get_model
from punchup.models.fake import FakeModel, script
from punchup.store import Store
from punchup.studio import Studio

WRITER = "fake/studio-writer"
JUDGE = "fake/studio-judge"


def tag(messages: list[Message]) -> str:
    """A short mark of the prompt, so a node regenerated from changed parents gets a different text."""
    return hashlib.sha256(messages[-1].content.encode()).hexdigest()[:6]


def beat_number(prompt: str) -> int:
    match = re.search(r"BEAT (\d+) OF|SCENE (\d+)", prompt)
    return int(next(g for g in match.groups() if g)) if match else 0


def story_reply(messages: list[Message], config: GenerateConfig) -> str:
    """Well-shaped replies for each node kind, varying with the seed and the prompt."""
    prompt = messages[-1].content
    mark = f"take {config.seed} {tag(messages)}"
    if "Develop the logline into a premise" in prompt:
        return f"Nell keeps the last lighthouse and owes her life to a smuggler ({mark})."
    if "Write the story bible" in prompt:
        return f"NELL — keeper; wants quiet ({mark})\nCAL — smuggler; wants to be forgotten\nPLACE: THE LIGHT — a tower on a rock"
    if "Outline the story as a numbered list" in prompt:
        return f"1. Nell finds Cal's boat ({mark}).\n2. Cal begs her silence.\n3. Nell lights the lamp."
    if "Turn this beat into a scene card" in prompt:
        n = beat_number(prompt)
        return f"INT. LIGHTHOUSE ROOM {n} - NIGHT\nPurpose: the turn of beat {n} ({mark})\nCharacters: NELL, CAL"
    if "Write this scene in Fountain" in prompt:
        n = beat_number(prompt)
        return (f"INT. LIGHTHOUSE ROOM {n} - NIGHT\n\nNell trims the wick ({mark}).\n\n"
                f"NELL\nYou can't stay.\n\nCAL\n(quietly)\nOne more night.")
    if "as prose" in prompt:
        return f"Nell trimmed the wick and did not look at him ({mark})."
    return f"reply ({mark})"


def judge_reply(messages: list[Message], config: GenerateConfig) -> str:
    """Every criterion gets 2 + (seed mod 8) of the candidate's "take N": later takes rank higher."""
    text = messages[-1].content
    takes = re.findall(r"take (\d+)", text)  # the candidate comes after the brief in the judge's prompt
    score = 2 + int(takes[-1]) % 8 if takes else 5
    values: dict[str, Any] = {}
    for name, spec in (config.json_schema or {}).get("properties", {}).items():
        values[name] = f"take scored {score}" if name == "rationale" else (score if score in spec.get("enum", [score]) else spec["enum"][0])
    return json.dumps(values)


class Scripted:
    def __init__(self, writer: FakeModel, judge: FakeModel):
        self.writer = writer
        self.judge = judge


@pytest.fixture
def fakes() -> Scripted:
    return Scripted(script("studio-writer", story_reply), script("studio-judge", judge_reply))


def make_studio(store: Store, **options: Any) -> Studio:
    return Studio(store, lambda model_id: CachedModel(get_model(model_id), store), writer=WRITER, judge=JUDGE, **options)


@pytest.fixture
def studio(store: Store, fakes: Scripted) -> Studio:
    return make_studio(store)


async def write_story(studio: Studio, scenes: int = 2, n: int = 2, pack: str = "screenplay") -> None:
    """A whole tree: every node expanded, alternative 1 chosen everywhere."""
    studio.new("A lighthouse keeper owes her life to the smuggler she must report.", pack=pack, title="The Light")
    for parent, child in (("logline", "premise"), ("premise", "characters"), ("characters", "beats")):
        await studio.expand(parent, n=n)
        studio.choose(child, 1)
    await studio.expand("beats", n=1, max_scenes=scenes)
    leaf = "script" if pack == "screenplay" else "prose"
    for i in range(1, scenes + 1):
        studio.choose(f"scene-{i}", 1)
        await studio.expand(f"scene-{i}", n=1)
        studio.choose(f"{leaf}-{i}", 1)


def statuses(studio: Studio) -> dict[str, str]:
    return {node.label: node.status for node in studio.show().nodes}


def kinds_called(model: FakeModel, since: int = 0) -> list[str]:
    """Which node kinds the writer model was asked for, in call order."""
    markers = {
        "Develop the logline": "premise", "Write the story bible": "characters", "Outline the story": "beats",
        "Turn this beat into a scene card": "scene", "Write this scene in Fountain": "script",
    }
    called = []
    for messages, _ in model.calls[since:]:
        prompt = messages[-1].content
        kind = next((k for marker, k in markers.items() if marker in prompt), "other")
        called.append(f"{kind}-{beat_number(prompt)}" if kind in ("scene", "script") else kind)
    return called
