"""Where the server may listen: loopback by default; anything else only when the writer asked for it by name."""

from __future__ import annotations

from dataclasses import dataclass

from punchup.errors import PunchupError
from punchup.util.urls import is_loopback

__all__ = ["BindDecision", "DEFAULT_HOST", "decide_bind", "is_loopback"]

DEFAULT_HOST = "127.0.0.1"


@dataclass(frozen=True)
class BindDecision:
    host: str
    warning: str | None


def decide_bind(host: str | None, explicit: bool) -> BindDecision:
    """`explicit` is True only when --host was typed on the command line (an env var or config does not count),
    because exposing unreviewed drafts and model calls to a network should never happen by accident."""
    chosen = host or DEFAULT_HOST
    if is_loopback(chosen):
        return BindDecision(chosen, None)
    if not explicit:
        raise PunchupError(f"refusing to listen on non-loopback address {chosen}; pass --host {chosen} explicitly to allow it")
    return BindDecision(chosen, f"warning: listening on {chosen}, which is not loopback; anyone who can reach it "
                                "can read and change your stories and spend your model calls (there is no login)")
