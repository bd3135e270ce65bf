"""Judge prompt templates (Jinja2, plain text, so no HTML escaping here)."""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2


def move_key(move: str) -> str:
    """'dolly zoom' -> 'dolly_zoom', 'push-in' -> 'push_in': a JSON key a small model can copy."""
    return re.sub(r"[^a-z0-9]+", "_", move.lower()).strip("_")


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("punchup.judging.llm", "prompts"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )
    env.filters["move_key"] = move_key
    return env


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context).strip() + "\n"


# Bump when a template changes meaningfully: it is part of every judgment's cache key.
TEMPLATE_VERSION = "1"
