"""Addresses people type: is it this machine, and what may be shown of it (never its credentials)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit, urlunsplit

# user:token@ in an address, and query values whose names say they are secrets.
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@]+@")
_SECRET_QUERY = re.compile(r"(?i)([?&](?:api[_-]?key|key|token|access[_-]?token|secret|password|sig)=)[^&#\s]+")
REDACTED = "***"


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 and localhost; everything else (0.0.0.0, a LAN address, a hostname) is not."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # a hostname may resolve anywhere: treat it as exposed


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Text safe to print or store: credentials in any URL inside it, and the given secret values, masked."""
    text = _SECRET_QUERY.sub(rf"\1{REDACTED}", _USERINFO.sub(rf"\1{REDACTED}@", text))
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


def split_credentials(url: str) -> tuple[str, str | None]:
    """('https://user:tok@host/v1') -> ('https://host/v1', 'tok'): the address without its userinfo, and the
    secret it carried (the password, or a lone user part), so the secret can travel as a header instead."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    userinfo, _, hostport = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    clean = urlunsplit(SplitResult(parts.scheme, hostport, parts.path, parts.query, parts.fragment))
    return clean, (password or user or None)
