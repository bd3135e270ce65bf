"""Where the server may listen: loopback by default; anything else only when the writer asked for it by name."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from punchup.errors import PunchupError

DEFAULT_HOST = "127.0.0.1"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost; everything else (0.0.0.0, a LAN address, a hostname) is not."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a hostname may resolve anywhere: treat it as exposed


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
