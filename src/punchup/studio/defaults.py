"""The studio's tunable defaults, in one place so a change is one line."""

from __future__ import annotations

# The judge that ranks alternatives when the writer names none is punchup.judging.factory.DEFAULT_JUDGE,
# the same one the bench uses.

# Judge spec that skips ranking (alternatives keep their generation order).
NO_JUDGE = "none"

# Upper bounds on generated length per kind; script and prose use the pack's own budget.
KIND_MAX_TOKENS: dict[str, int] = {"premise": 220, "characters": 400, "beats": 450, "scene": 120}

# A node whose text is more than this share the writer's own is "human-written": cascades keep it.
HUMAN_WRITTEN = 0.5

# Temperature of span rewrites, continuations and resizes.
REWRITE_TEMPERATURE = 0.7
