"""The OpenAI-compatible provider against hostile or careless endpoints (real HTTP on 127.0.0.1): keys go only
where they belong, credentials never reach a message or the store, a slow drip or a flood cannot hold a run."""

from __future__ import annotations

import json
import sqlite3
import time
from http.server import BaseHTTPRequestHandler
from typing import Any

import pytest

from punchup.errors import ModelError
from punchup.models.base import GenerateConfig, Message
from punchup.models.providers.openai_compat import OpenAICompatModel
from tests.conftest import free_port
from tests.scripted_server import LoopbackServer, completion

HELLO = [Message(role="user", content="hi")]
OPENAI_SECRET = "sk-openai-account-secret-0001"
PUNCHUP_SECRET = "sk-punchup-server-secret-0002"


class HostileServer(LoopbackServer):
    """Records each request's Authorization header; `mode` decides the answer: ok, drip, flood, flood-chunked."""

    def __init__(self, mode: str = "ok"):
        self.mode = mode
        self.authorizations: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                return

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                server.authorizations.append(self.headers.get("Authorization"))
                body = json.dumps(completion("fine")).encode()
                try:
                    if server.mode == "drip":  # headers at once, then one byte a second: never a read timeout
                        self._head(len(body))
                        for byte in body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(1.0)
                    elif server.mode == "flood":
                        self._head(64 * 1024 * 1024)
                        chunk = b" " * 65536
                        for _ in range(1024):
                            self.wfile.write(chunk)
                    elif server.mode == "flood-chunked":
                        self.send_response(200)
                        self.send_header("Content-Type", "application/json")
                        self.send_header("Transfer-Encoding", "chunked")
                        self.end_headers()
                        chunk = b" " * 65536
                        for _ in range(1024):
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    else:
                        self._head(len(body))
                        self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    return  # the client hung up, as it should

            def _head(self, length: int) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(length))
                self.end_headers()

        self._serve(Handler)


@pytest.fixture
def keys(monkeypatch):
    monkeypatch.setenv("OPENAI_API_KEY", OPENAI_SECRET)
    monkeypatch.delenv("PUNCHUP_OPENAI_API_KEY", raising=False)


# -- 10. keys go only where they belong ----------------------------------------------------------------
async def test_the_openai_key_is_not_sent_to_another_server(keys):
    with HostileServer() as server:
        model = OpenAICompatModel("m", base_url=server.base_url, max_retries=0)
        await model.generate(HELLO, GenerateConfig())
        await model.aclose()
    assert server.authorizations and all(OPENAI_SECRET not in (a or "") for a in server.authorizations)


async def test_the_punchup_key_or_a_per_url_key_is_sent_instead(keys, monkeypatch):
    monkeypatch.setenv("PUNCHUP_OPENAI_API_KEY", PUNCHUP_SECRET)
    with HostileServer() as server:
        model = OpenAICompatModel("m", base_url=server.base_url, max_retries=0)
        await model.generate(HELLO, GenerateConfig())
        await model.aclose()
        per_url = OpenAICompatModel("m", base_url=server.base_url.replace("http://", "http://:url-key-0003@"), max_retries=0)
        await per_url.generate(HELLO, GenerateConfig())
        assert "url-key-0003" not in per_url.endpoints[0].base_url
        await per_url.aclose()
    assert server.authorizations == [f"Bearer {PUNCHUP_SECRET}", "Bearer url-key-0003"]


def test_openais_own_api_gets_the_openai_key(keys):
    model = OpenAICompatModel("gpt-x", base_url="https://api.openai.com/v1")
    assert model.endpoints[0].client.api_key == OPENAI_SECRET
    elsewhere = OpenAICompatModel("m", base_url="https://api.openai.com.evil.example/v1")
    assert elsewhere.endpoints[0].client.api_key != OPENAI_SECRET


@pytest.mark.parametrize("url", ["http://10.1.2.3:8000/v1", "http://gpu-box.lan/v1", "http://:k3y-0004@192.168.0.9/v1"])
def test_no_key_goes_over_plain_http_beyond_loopback(monkeypatch, url):
    monkeypatch.setenv("PUNCHUP_OPENAI_API_KEY", PUNCHUP_SECRET)
    with pytest.raises(ModelError, match="plain http") as refused:
        OpenAICompatModel("m", base_url=url)
    assert PUNCHUP_SECRET not in str(refused.value) and "k3y-0004" not in str(refused.value)


def test_plain_http_beyond_loopback_is_fine_without_a_key(monkeypatch):
    monkeypatch.delenv("PUNCHUP_OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert OpenAICompatModel("m", base_url="http://10.1.2.3:8000/v1").endpoints[0].base_url == "http://10.1.2.3:8000/v1"


def test_credentials_in_a_url_reach_neither_the_message_nor_the_store(tmp_path, capsys):
    from punchup.cli.main import main

    down = f"http://alice:pa55-word-0005@127.0.0.1:{free_port()}/v1?api_key=q-key-0006"
    store = tmp_path / "s.db"
    with pytest.raises(SystemExit) as exited:
        main(["generate", "--model", "openai/x", "--base-url", down, "-p", "hi", "--store", str(store)])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and "unreachable" in err
    with sqlite3.connect(store) as db:
        stored = " ".join(str(row) for row in db.execute("SELECT * FROM calls"))
    for secret in ("pa55-word-0005", "alice", "q-key-0006"):
        assert secret not in err and secret not in stored
    assert "***" in err


# -- 11. a wall-clock limit and a size cap ------------------------------------------------------------
async def test_a_server_dripping_one_byte_a_second_is_cut_off_at_the_wall_clock_limit():
    with HostileServer("drip") as server:
        model = OpenAICompatModel("m", base_url=server.base_url, max_retries=1, backoff_s=0.01, timeout_s=2.0)
        started = time.monotonic()
        with pytest.raises(ModelError, match="within 2 s"):
            await model.generate(HELLO, GenerateConfig())
        elapsed = time.monotonic() - started
        await model.aclose()
    assert elapsed < 7.0, elapsed  # two attempts of 2 s, not the 10 minutes a 600-byte drip takes
    assert model.fault_counts() == {"timeout": 2}


@pytest.mark.parametrize("mode", ["flood", "flood-chunked"])
async def test_a_reply_larger_than_the_cap_is_refused_without_reading_it_all(mode):
    with HostileServer(mode) as server:
        model = OpenAICompatModel("m", base_url=server.base_url, max_retries=3, backoff_s=0.01)
        with pytest.raises(ModelError, match="larger than"):
            await model.generate(HELLO, GenerateConfig())
        await model.aclose()
    assert len(server.authorizations) == 1  # not retried: the same request would flood again


def test_generate_with_punchup_timeout_stops_in_time(tmp_path, monkeypatch, capsys):
    from punchup.cli.main import main

    monkeypatch.setenv("PUNCHUP_TIMEOUT", "2")
    with HostileServer("drip") as server:
        started = time.monotonic()
        with pytest.raises(SystemExit) as exited:
            main(["generate", "--model", "openai/x", "--base-url", server.base_url, "-p", "hi",
                  "--store", str(tmp_path / "s.db")])
        elapsed = time.monotonic() - started
    assert exited.value.code == 2 and "within 2 s" in capsys.readouterr().err
    assert elapsed < 20.0, elapsed  # five attempts of 2 s plus backoff; the drip alone would take ~10 minutes

