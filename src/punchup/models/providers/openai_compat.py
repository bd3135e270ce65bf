"""Provider `openai`: any OpenAI-compatible server (vLLM, llama.cpp server, Ollama, OpenAI).

Several base URLs form a pool; each endpoint has its own concurrency limit and
a call goes to the endpoint with the fewest calls in flight. Retries with
exponential backoff cover 429, 5xx, timeouts and dropped connections; the
official client's own retries are off so there is one policy, ours.

Credentials: OPENAI_API_KEY goes only to OpenAI's own API; any other server
gets PUNCHUP_OPENAI_API_KEY or the key written into its URL (https://:KEY@host),
which is taken out of the URL and sent as the bearer header. No key ever goes
over plain http to a non-loopback host, and every URL shown or stored is
redacted. Each call has a wall-clock limit and a cap on the reply's size: a
server dripping one byte a second cannot hold a run, nor a huge body fill memory.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from punchup.errors import ModelError
from punchup.models.base import GenerateConfig, Generation, Message, Model
from punchup.models.providers.openai_safety import (
    MAX_REPLY_BYTES,
    NO_KEY,
    ReplyTooLarge,
    WallClockTimeout,
    capped_http_client,
    endpoint_credentials,
)
from punchup.util.urls import redact

BASE_URL_ENV = "PUNCHUP_OPENAI_BASE_URL"
DEFAULT_BASE_URL = "https://api.openai.com/v1"


@dataclass
class Endpoint:
    base_url: str  # as shown: credentials redacted
    client: Any
    limit: asyncio.Semaphore
    in_flight: int = 0
    consecutive_failures: int = 0
    resting_until: float = 0.0  # monotonic time before which a failing endpoint gets no new calls

    def record_failure(self) -> None:
        self.consecutive_failures += 1
        self.resting_until = time.monotonic() + min(30.0, 0.5 * 2**self.consecutive_failures)

    def record_success(self) -> None:
        self.consecutive_failures = 0
        self.resting_until = 0.0


def _retry_after(exc: Exception) -> float | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    value = headers.get("retry-after") if hasattr(headers, "get") else None
    try:
        return min(float(value), 60.0) if value is not None else None
    except ValueError:
        return None


class OpenAICompatModel(Model):
    def __init__(
        self,
        name: str,
        base_url: str | list[str] | None = None,
        concurrency: int = 8,
        max_retries: int = 4,
        backoff_s: float = 0.5,
        json_mode: str = "json_schema",
        timeout_s: float | None = None,
    ):
        import openai

        self._openai = openai
        self.name = f"openai/{name}"
        self.remote_name = name
        urls = base_url or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL
        if isinstance(urls, str):
            urls = [u.strip() for u in urls.split(",") if u.strip()]
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise ModelError(f"base URL '{redact(url)}' must start with http:// or https://")
        targets = [endpoint_credentials(url) for url in urls]
        self._secrets = tuple(key for _, key in targets if key)
        self.max_retries = max_retries
        self.backoff_s = backoff_s
        self.timeout_s = timeout_s
        self.faults: Counter[str] = Counter()  # every failed attempt by kind, retried or not
        self.json_mode = json_mode
        self.endpoints = [
            Endpoint(
                base_url=redact(url),
                client=openai.AsyncOpenAI(base_url=url, api_key=key or NO_KEY, max_retries=0,
                                          http_client=capped_http_client(MAX_REPLY_BYTES)),
                limit=asyncio.Semaphore(concurrency),
            )
            for url, key in targets
        ]

    def _pick(self) -> Endpoint:
        """The least busy endpoint among those not resting after failures (all rest: least recently failed)."""
        clock = time.monotonic()
        healthy = [e for e in self.endpoints if e.resting_until <= clock]
        if not healthy:
            return min(self.endpoints, key=lambda e: e.resting_until)
        return min(healthy, key=lambda e: e.in_flight)

    def _request(self, messages: list[Message], config: GenerateConfig) -> dict[str, Any]:
        request: dict[str, Any] = dict(
            model=self.remote_name,
            messages=[m.model_dump() for m in messages],
            temperature=config.temperature,
            top_p=config.top_p,
            max_tokens=config.max_tokens,
            seed=config.seed,
            timeout=self._limit_s(config),
        )
        if config.stop:
            request["stop"] = list(config.stop)
        if config.json_schema is not None:
            if self.json_mode == "json_schema":
                request["response_format"] = {
                    "type": "json_schema",
                    "json_schema": {"name": "reply", "schema": config.json_schema},
                }
            else:
                # The schema rides along: llama.cpp's server honours it, others ignore it.
                request["response_format"] = {"type": "json_object", "schema": config.json_schema}
        return request

    def _schema_rejected(self, exc: Exception, request: dict[str, Any]) -> bool:
        response_format = request.get("response_format") or {}
        if response_format.get("type") != "json_schema" or not isinstance(exc, self._openai.APIStatusError):
            return False
        # 400/422 from most servers; llama-cpp-python's server reports its validation error as a 500.
        return exc.status_code in (400, 422) or "response_format" in str(exc)

    def _limit_s(self, config: GenerateConfig) -> float:
        return min(config.timeout_s, self.timeout_s or config.timeout_s)

    def _describe(self, error: Exception | None) -> str:
        return redact(_describe(error), self._secrets)

    async def _call(self, endpoint: Endpoint, request: dict[str, Any], limit_s: float) -> Any:
        """One attempt under a wall-clock limit: the client's own timeout is per read, so a slow drip never trips it."""
        try:
            return await asyncio.wait_for(endpoint.client.chat.completions.create(**request), timeout=limit_s)
        except asyncio.TimeoutError:
            raise WallClockTimeout(f"no complete reply within {limit_s:g} s") from None
        except self._openai.APIConnectionError as exc:
            if isinstance(exc.__cause__, ReplyTooLarge):  # the client wraps whatever its transport raised
                raise exc.__cause__ from None
            raise

    def fault_counts(self) -> dict[str, int]:
        return dict(self.faults)

    def _retryable(self, exc: Exception) -> bool:
        o = self._openai
        if isinstance(exc, (o.APITimeoutError, o.APIConnectionError, o.RateLimitError, MalformedReply, WallClockTimeout)):
            return True
        return isinstance(exc, o.APIStatusError) and exc.status_code >= 500

    async def generate(self, messages: list[Message], config: GenerateConfig) -> Generation:
        request = self._request(messages, config)
        failures = 0
        while True:
            endpoint = self._pick()
            async with endpoint.limit:
                endpoint.in_flight += 1
                started = time.perf_counter()
                try:
                    reply = await self._call(endpoint, request, self._limit_s(config))
                    generation = _to_generation(reply, self.name, config, time.perf_counter() - started)
                    endpoint.record_success()
                    return generation
                except (self._openai.OpenAIError, MalformedReply, WallClockTimeout, ReplyTooLarge) as exc:
                    error: Exception = exc
                except ValueError as exc:  # the client's JSON decoding of a broken body
                    error = MalformedReply(f"malformed reply body: {str(exc)[:80]}")
                finally:
                    endpoint.in_flight -= 1
            if self._schema_rejected(error, request):
                # llama.cpp's server only knows json_object(+schema): switch once and resend at once.
                self.json_mode = "json_object"
                request = self._request(messages, config)
                continue
            self.faults[_fault_kind(error)] += 1
            if not self._retryable(error):
                raise ModelError(f"{self.name} at {endpoint.base_url}: {self._describe(error)}")
            endpoint.record_failure()
            failures += 1
            if failures > self.max_retries:
                urls = ", ".join(e.base_url for e in self.endpoints)
                raise ModelError(f"{self.name}: gave up after {failures} attempts at {urls}: {self._describe(error)}")
            delay = _retry_after(error) or self.backoff_s * 2 ** (failures - 1)
            await asyncio.sleep(delay * (0.75 + 0.5 * random.random()))

    async def check(self) -> str:
        endpoint = self.endpoints[0]
        try:
            await endpoint.client.models.list(timeout=5.0)
        except self._openai.OpenAIError as exc:
            return f"unreachable ({endpoint.base_url}: {self._describe(exc)})"
        return f"ok ({endpoint.base_url})"

    async def aclose(self) -> None:
        for endpoint in self.endpoints:
            await endpoint.client.close()


def _describe(exc: Exception | None) -> str:
    if exc is None:
        return "no attempt made"
    status = getattr(exc, "status_code", None)
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if isinstance(exc, Exception) and type(exc).__name__ == "APIConnectionError":
        text = "server unreachable (connection refused or dropped)"
    return f"HTTP {status}: {text[:200]}" if status else text[:200]


class MalformedReply(Exception):
    """A 200 answer that is not a usable completion (broken JSON, no choices, empty content): retried."""


def _fault_kind(exc: Exception) -> str:
    if isinstance(exc, MalformedReply):
        return "malformed"
    if isinstance(exc, ReplyTooLarge):
        return "too-large"
    status = getattr(exc, "status_code", None)
    if status is not None:
        return f"http-{status}"
    return "timeout" if "Timeout" in type(exc).__name__ else "connection"


def _to_generation(reply: Any, name: str, config: GenerateConfig, latency: float) -> Generation:
    choices = getattr(reply, "choices", None)
    if not choices:
        raise MalformedReply("the server returned no choices")
    choice = choices[0]
    message = getattr(choice, "message", None)
    text = getattr(message, "content", None) or ""
    if not text and choice.finish_reason != "length":
        raise MalformedReply("the server returned empty content")
    usage = getattr(reply, "usage", None)
    return Generation(
        text=text,
        finish_reason=choice.finish_reason or "stop",
        prompt_tokens=getattr(usage, "prompt_tokens", 0) or 0,
        completion_tokens=getattr(usage, "completion_tokens", 0) or 0,
        latency_s=latency,
        model=name,
        seed=config.seed,
    )


def create(name: str, options: dict[str, Any]) -> Model:
    return OpenAICompatModel(name, **options)
