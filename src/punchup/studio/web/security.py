"""Who may talk to the studio: every request is checked here before any route sees it.

The studio holds a writer's unreleased work and spends their model calls, and a
web page the writer happens to visit can send requests to 127.0.0.1. So:

- Host must name this server: a loopback name (or the --host the writer typed)
  with the bound port. A DNS-rebinding page reaches 127.0.0.1 under its own
  name, so its requests carry `Host: evil.example:PORT` and are refused.
- Anything but GET/HEAD must come from this very origin (Origin checked against
  the same names, or `Sec-Fetch-Site: same-origin` when a client sends no
  Origin), and as an url-encoded form, the only body the app parses.
- Listening beyond loopback requires a random per-launch token (given once as
  ?token=..., then kept in a SameSite=Strict cookie), since anyone who can
  reach the port could otherwise read the stories.
- Every answer forbids framing (clickjacking) and MIME sniffing; the CSP only
  allows the studio's own scripts and styles.

A plain ASGI middleware rather than a route dependency: it also guards /static
and any route added later, and it sees requests FastAPI would reject itself.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qs, urlsplit

from punchup.studio.web.bind import is_loopback

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
WILDCARD_HOSTS = ("0.0.0.0", "[::]")  # noqa: S104 - names to recognise, not to bind
TOKEN_COOKIE = "punchup_studio_token"
TOKEN_HEADER = "x-punchup-token"
FORM_TYPE = "application/x-www-form-urlencoded"
SAFE_METHODS = ("GET", "HEAD")
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy",
     b"default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"),
    (b"x-content-type-options", b"nosniff"),
    # The token may sit in the address bar: no Referer to other sites. (Not no-referrer: with it Chromium
    # sends `Origin: null` on the studio's own form posts, which the origin check must refuse.)
    (b"referrer-policy", b"same-origin"),
)

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]


def new_token() -> str:
    return secrets.token_urlsafe(24)


def host_name(host: str) -> str:
    """How a Host header spells an address: IPv6 in brackets, lower case."""
    name = host.strip().lower()
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"
    return name


def split_host(value: str) -> tuple[str, int | None]:
    """'Example:80' -> ('example', 80); '[::1]:8765' -> ('[::1]', 8765); a bad port -> port None."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value.partition("]")
        name, port = name + "]", rest.removeprefix(":")
    else:
        name, _, port = value.partition(":")
    if not port:
        return name, 80
    return (name, int(port)) if port.isdigit() and len(port) <= 5 else (name, None)


@dataclass(frozen=True)
class Policy:
    """The names this server answers to and the launch token, if one is required."""

    names: frozenset[str]
    any_name: bool  # bound to a wildcard address: any name reaches it, so the token does the guarding
    token: str | None

    @classmethod
    def for_host(cls, host: str | None, token: str | None = None) -> "Policy":
        names = set(LOOPBACK_NAMES)
        if host:
            names.add(host_name(host))
        wildcard = host is not None and host_name(host) in WILDCARD_HOSTS
        if host is not None and not is_loopback(host) and token is None:
            raise ValueError("a studio listening beyond loopback needs a launch token")
        return cls(frozenset(names), wildcard, token)

    def host_problem(self, host: str, port: int | None) -> str | None:
        name, given_port = split_host(host)
        if not name or (not self.any_name and name not in self.names):
            return f"refused: Host '{host[:80]}' is not this studio (open it as http://127.0.0.1:{port}/)"
        if port is not None and given_port != port:
            return f"refused: Host '{host[:80]}' names another port than this studio's ({port})"
        return None

    def origin_problem(self, origin: str | None, fetch_site: str | None, host: str) -> str | None:
        if fetch_site is not None and fetch_site != "same-origin":
            return f"refused a request from another site (Sec-Fetch-Site: {fetch_site[:40]})"
        if origin is None:
            return None if fetch_site == "same-origin" else "refused: a change must come from the studio's own page (no Origin)"
        parts = urlsplit(origin)
        if parts.scheme != "http" or parts.netloc.lower() != host.strip().lower():
            return f"refused a request from another site (Origin {origin[:80]})"
        return None

    def token_ok(self, scope: Scope, headers: dict[str, str]) -> bool:
        if self.token is None:
            return True
        offered = [headers.get(TOKEN_HEADER, ""), _query_token(scope), _cookie_token(headers)]
        return any(hmac.compare_digest(candidate.encode(), self.token.encode()) for candidate in offered if candidate)


def _query_token(scope: Scope) -> str:
    values = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token", [])
    return values[-1] if values else ""


def _cookie_token(headers: dict[str, str]) -> str:
    cookie = SimpleCookie()
    try:
        cookie.load(headers.get("cookie", ""))
    except Exception:  # noqa: BLE001 - a malformed Cookie header is the client's; it just carries no token
        return ""
    morsel = cookie.get(TOKEN_COOKIE)
    return morsel.value if morsel else ""


class StudioGuard:
    """ASGI middleware applying a Policy to every HTTP request and adding the security headers to every answer."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], policy: Policy):
        self.app = app
        self.policy = policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":  # the studio has no websockets; refuse rather than pass unchecked
            await send({"type": "websocket.close", "code": 1008})
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        problem, status = self._problem(scope, headers), 403
        if problem is None and scope["method"] not in SAFE_METHODS:
            content_type = headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != FORM_TYPE:
                problem, status = f"refused: a change must be sent as a form ({FORM_TYPE})", 415
        if problem is not None:
            await _refuse(send, status, problem)
            return
        await self.app(scope, receive, self._with_headers(send, scope, headers))

    def _problem(self, scope: Scope, headers: dict[str, str]) -> str | None:
        server = scope.get("server")
        host = headers.get("host", "")
        problem = self.policy.host_problem(host, server[1] if server else None)
        if problem:
            return problem
        if not self.policy.token_ok(scope, headers):
            return "refused: this studio needs its launch token; open the address `punchup studio` printed"
        if scope["method"] not in SAFE_METHODS:
            return self.policy.origin_problem(headers.get("origin"), headers.get("sec-fetch-site"), host)
        return None

    def _with_headers(self, send: Send, scope: Scope, headers: dict[str, str]) -> Send:
        set_cookie = self.policy.token is not None and _query_token(scope) == self.policy.token and \
            _cookie_token(headers) != self.policy.token

        async def send_secured(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                extra = list(SECURITY_HEADERS)
                if set_cookie:
                    extra.append((b"set-cookie", f"{TOKEN_COOKIE}={self.policy.token}; HttpOnly; SameSite=Strict; "
                                                 "Path=/".encode("latin-1")))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return send_secured


async def _refuse(send: Send, status: int, line: str) -> None:
    body = (line + "\n").encode("utf-8")
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode()),
        *SECURITY_HEADERS]})
    await send({"type": "http.response.body", "body": body})
