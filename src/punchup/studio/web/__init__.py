"""The studio web app: a thin FastAPI + Jinja2 layer over `punchup.studio.Studio` (no story logic here)."""

from __future__ import annotations

from punchup.studio.web.app import create_app
from punchup.studio.web.bind import BindDecision, decide_bind, is_loopback

__all__ = ["BindDecision", "create_app", "decide_bind", "is_loopback"]
