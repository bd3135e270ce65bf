"""What the OpenAI-compatible provider may send where, and how much it will take back.

OPENAI_API_KEY goes only to OpenAI's own API; any other server gets
PUNCHUP_OPENAI_API_KEY or the key written into its URL (https://:KEY@host),
taken out of the URL and sent as the bearer header instead. No key goes over
plain http to a host beyond loopback. Replies are capped in size while they
stream in, and each call has a wall-clock limit (the client's own timeout is
per read: a server dripping a byte a second never trips it).
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import urlsplit

from punchup.errors import ModelError
from punchup.util.urls import is_loopback, redact, split_credentials

KEY_ENV = "PUNCHUP_OPENAI_API_KEY"  # for any server
OPENAI_KEY_ENV = "OPENAI_API_KEY"  # for OpenAI's own API only
OPENAI_HOSTS = ("api.openai.com",)
NO_KEY = "sk-no-key"  # local servers ignore the key but the client insists on one
MAX_REPLY_BYTES = 8 * 1024 * 1024  # a completion of 32k tokens is well under 1 MB of JSON


def is_openai(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and (parts.hostname or "") in OPENAI_HOSTS


def endpoint_credentials(url: str) -> tuple[str, str | None]:
    """(the URL to call, the key to send it or None), refusing a key over plain http beyond loopback."""
    clean, key = split_credentials(url)
    key = key or os.environ.get(KEY_ENV) or (os.environ.get(OPENAI_KEY_ENV) if is_openai(clean) else None)
    parts = urlsplit(clean)
    if key and parts.scheme == "http" and not is_loopback(parts.hostname or ""):
        raise ModelError(f"refusing to send an API key over plain http to {parts.hostname} ({redact(url)}): "
                         "use https, a loopback address, or no key")
    return clean, key


class ReplyTooLarge(Exception):
    """The server's reply passed MAX_REPLY_BYTES: not retried (the same request would do it again)."""


def capped_http_client(limit: int) -> Any:
    """An httpx client whose response bodies stop at `limit` bytes (declared or streamed)."""
    import importlib

    import openai

    # The HTTP library the installed openai client is built on (httpx, or its successor httpx2 in openai 3).
    client_class = next(c for c in openai.DefaultAsyncHttpxClient.__mro__[1:] if c.__name__ == "AsyncClient")
    httpx = importlib.import_module(client_class.__module__.split(".")[0])

    class CappedStream(httpx.AsyncByteStream):
        def __init__(self, stream: Any):
            self.stream = stream

        async def __aiter__(self):  # type: ignore[override]
            seen = 0
            async for chunk in self.stream:
                seen += len(chunk)
                if seen > limit:
                    raise ReplyTooLarge(f"the reply is larger than {limit:,} bytes")
                yield chunk

        async def aclose(self) -> None:
            await self.stream.aclose()

    class CappedTransport(httpx.AsyncHTTPTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            response = await super().handle_async_request(request)
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                await response.aclose()
                raise ReplyTooLarge(f"the reply is larger than {limit:,} bytes ({int(declared):,} declared)")
            return httpx.Response(response.status_code, headers=response.headers,
                                  stream=CappedStream(response.stream), extensions=response.extensions)

    # The openai client's own connection limits: a bare transport keeps only 20 idle connections, so at
    # concurrency 32 every call beyond them opened and closed a connection (the harness benchmark's profile).
    limits = httpx.Limits(max_connections=1000, max_keepalive_connections=100, keepalive_expiry=5.0)
    return openai.DefaultAsyncHttpxClient(transport=CappedTransport(limits=limits))


class WallClockTimeout(Exception):
    """The whole call (connect, wait, every byte of the reply) took longer than its limit: retried."""
