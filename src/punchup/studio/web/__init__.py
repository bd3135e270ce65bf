"""The studio web app: a thin FastAPI + Jinja2 layer over `punchup.studio.Studio` (no story logic here).

Names load on first use, so registering `punchup studio` does not import FastAPI for every command.
"""

from __future__ import annotations

import importlib
from typing import Any

_LAZY = {
    "create_app": "punchup.studio.web.app",
    "BindDecision": "punchup.studio.web.bind",
    "decide_bind": "punchup.studio.web.bind",
    "is_loopback": "punchup.studio.web.bind",
}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'punchup.studio.web' has no attribute {name!r}")
    return getattr(importlib.import_module(_LAZY[name]), name)
