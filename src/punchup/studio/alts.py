"""Alts: "here is my setup (or a line in my scene), give me N alts, ranked, keepers starred".

Each alt is one call on its own seed (so any one can be drawn again, and
"more" draws new seeds), cleaned of numbering and labels, kept about the
size of a joke, and ranked with the writer's own alts by the comedy pack's
judge. For a line in a scene the prompt shows the scene around it, and an
alt replaces exactly that line when the writer accepts it (proposals.py).
"""

from __future__ import annotations

import re

from punchup.models import GenerateConfig, Message
from punchup.packs import Pack
from punchup.studio.outline import clean_generation
from punchup.studio.prompts import render
from punchup.studio.runaway import contain, token_budget
from punchup.studio.steering import Steering

ALTS_PACK = "comedy"
ALT_CHARS = 160  # the size of a joke, when there is no line to match
_LABEL = re.compile(r"^\s*(?:\d{1,2}\s*[.):]\s*|[-*•]\s+|(?:alt(?:ernate)?|punchline|joke|line)\s*\d*\s*:\s*)", re.IGNORECASE)
_QUOTES = "\"'“”‘’"


def alts_messages(pack: Pack, medium: str, setup: str, steering: Steering, line: str = "",
                  before: str = "", after: str = "") -> list[Message]:
    system = render("system.j2", medium=medium, craft=pack.craft_notes)
    user = render("alts.j2", setup=setup, line=line, before=before, after=after, steering=steering.block())
    return [Message(role="system", content=system), Message(role="user", content=user)]


def alts_config(pack: Pack, line: str, temperature: float | None, cap: int | None) -> GenerateConfig:
    budget = token_budget(max(len(line), ALT_CHARS))
    if cap is not None:
        budget = min(budget, cap)
    return GenerateConfig(temperature=pack.generation.temperature if temperature is None else temperature,
                          max_tokens=max(16, budget), seed=0)


def clean_alt(reply: str, line: str) -> tuple[str, list[str]]:
    """One joke out of a reply: the first item, without its number, label or quotes, about a line long."""
    lines = [l for l in clean_generation(reply).splitlines() if l.strip()]
    if not lines:
        return "", []
    first = _LABEL.sub("", lines[0]).strip()
    if len(first) >= 2 and first[0] in _QUOTES and first[-1] in _QUOTES:
        first = first[1:-1].strip()
    notes = [f"kept the first of {len(lines)} lines"] if len(lines) > 1 else []
    text, cut = contain(first, max(len(line), ALT_CHARS))
    return text, notes + cut


def alts_brief(setup: str, line: str) -> str:
    if line:
        return f"Pitch a funnier alt for this line of a scene: {line} (the scene so far ends: {setup[-400:]})"
    return f"Pitch an alt (a punchline) for this setup: {setup}"
