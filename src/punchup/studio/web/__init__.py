"""The studio web app: a thin FastAPI + Jinja2 layer over `punchup.studio.Studio` (no story logic here).

Names load on first use, so registering `punchup studio` does not import FastAPI for every command.
"""

from __future__ import annotations

from punchup.util.lazy import lazy_attributes

_LAZY = {
    "create_app": "punchup.studio.web.app",
    "BindDecision": "punchup.studio.web.bind",
    "decide_bind": "punchup.studio.web.bind",
    "is_loopback": "punchup.studio.web.bind",
}

__all__ = list(_LAZY)

__getattr__ = lazy_attributes(__name__, _LAZY)
