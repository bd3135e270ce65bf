"""Judge prompt templates (Jinja2, plain text, so no HTML escaping here)."""

from __future__ import annotations

from functools import lru_cache

import jinja2


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("punchup.judging.llm", "prompts"),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
    )


def render(template: str, **context: object) -> str:
    return environment().get_template(template).render(**context).strip() + "\n"


# Bump when a template changes meaningfully: it is part of every judgment's cache key.
TEMPLATE_VERSION = "1"
