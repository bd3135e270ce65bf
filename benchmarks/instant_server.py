"""A minimal OpenAI-compatible chat server on 127.0.0.1 that answers instantly (benchmarks only).

Raw asyncio HTTP/1.1 with keep-alive, so the server is never the bottleneck
when measuring client-side overhead. Run in its own process.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import socket
import time

BODY = json.dumps(
    {
        "id": "c",
        "object": "chat.completion",
        "created": 0,
        "model": "instant",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "A short reply."}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
    }
).encode()
RESPONSE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
    + str(len(BODY)).encode()
    + b"\r\nConnection: keep-alive\r\n\r\n"
    + BODY
)


async def _handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            if length:
                await reader.readexactly(length)
            writer.write(RESPONSE)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError):
        pass  # the client closed its keep-alive connection: normal end of a session
    finally:
        writer.close()


def _serve(port: int, stop_after_s: float) -> None:
    async def main() -> None:
        server = await asyncio.start_server(_handle, "127.0.0.1", port, backlog=1024)
        async with server:
            await asyncio.sleep(stop_after_s)  # stops by itself even if the benchmark dies

    asyncio.run(main())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(stop_after_s: float = 600.0) -> tuple[str, multiprocessing.Process]:
    port = free_port()
    process = multiprocessing.Process(target=_serve, args=(port, stop_after_s), daemon=True)
    process.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return f"http://127.0.0.1:{port}/v1", process
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("instant server did not start")
