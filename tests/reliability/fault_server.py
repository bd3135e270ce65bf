"""A fault-injecting OpenAI-compatible server on 127.0.0.1 for reliability tests.

Each request draws one outcome: a normal completion, or (at the configured
rate) a 500, a 429 with Retry-After, a hang past the client's timeout, a dropped
connection, a truncated body, malformed JSON, or empty content. Completions
honour a JSON schema in response_format, so judges get parseable replies.
"""

from __future__ import annotations

import contextlib
import json
import random
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.scripted_server import LoopbackServer, send_json

FAULTS = ("http-500", "http-429", "hang", "drop", "truncate", "malformed", "empty")


def fill_schema(schema: dict[str, Any], rng: random.Random) -> Any:
    if "enum" in schema:
        return rng.choice(schema["enum"])
    kind = schema.get("type")
    if kind == "object":
        return {k: fill_schema(v, rng) for k, v in schema.get("properties", {}).items()}
    if kind in ("integer", "number"):
        return rng.randint(1, 10)
    return "a plain rationale"[: schema.get("maxLength", 100)]


def completion(content: str) -> bytes:
    return json.dumps({
        "id": "f", "object": "chat.completion", "created": 0, "model": "faulty",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 10, "completion_tokens": len(content.split()), "total_tokens": 10},
    }).encode()


class FaultServer(LoopbackServer):
    def __init__(self, fault_rate: float, hang_s: float = 3.0, seed: int = 0):
        self.fault_rate = fault_rate
        self.hang_s = hang_s
        self.rng = random.Random(seed)
        self.outcomes: Counter[str] = Counter()
        self.injected = 0
        self.lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with server.lock:
                    # faults take turns, so every kind appears even in a short run
                    fault = FAULTS[server.injected % len(FAULTS)] if server.rng.random() < server.fault_rate else "ok"
                    server.injected += fault != "ok"
                    server.outcomes[fault] += 1
                    seed = server.rng.random()
                if fault == "http-500":
                    return self._send(500, b'{"error": "injected"}')
                if fault == "http-429":
                    return self._send(429, b'{"error": "slow down"}', {"Retry-After": "0.05"})
                if fault == "hang":
                    time.sleep(server.hang_s)
                    # the client has given up by now; a write to its closed socket is expected to fail
                    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                        self._send(200, completion("too late"))
                    return
                if fault == "drop":
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "truncate":
                    data = completion("cut short")
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data[: len(data) // 2])
                    self.close_connection = True
                    self.connection.close()
                    return
                if fault == "malformed":
                    return self._send(200, b'{"id": "f", "choices": [{"index": 0, "mess')
                if fault == "empty":
                    return self._send(200, completion(""))
                fmt = body.get("response_format") or {}
                schema = fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema")
                rng = random.Random(f"{seed}{body.get('seed')}")
                text = (json.dumps(fill_schema(schema, rng)) if schema
                        else f"A scene by {body.get('model')} in plain words, seed {body.get('seed')}.")
                self._send(200, completion(text))

            def _send(self, status: int, data: bytes, headers: dict[str, str] | None = None) -> None:
                send_json(self, status, data, headers)

        self._serve(Handler)
