"""The studio in headless Chromium under attack: markup in an error stays text, another site cannot frame the
studio, the vendored htmx runs under the CSP, and a writer's session still works (scripted fake models)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator

import pytest

from punchup.studio.web import create_app
from tests.report.helpers import chromium_page
from tests.studio_web.conftest import live_server

PAYLOAD = '<img src=x onerror="window.__pwned=1">'


@pytest.fixture
def server(studio) -> Iterator[str]:
    with live_server(create_app(studio)) as base:
        yield base


def test_an_error_quoting_markup_is_shown_as_text_and_the_page_works(server: str):
    with chromium_page() as page:
        problems: list[str] = []
        page.on("pageerror", lambda error: problems.append(str(error)))
        # The 400 itself is logged by the browser and htmx; what must never appear is a blocked script or style.
        page.on("console", lambda message: problems.append(message.text)
                if "Content Security Policy" in message.text or "Refused to" in message.text else None)
        page.goto(server + "/")
        page.locator("#new-story textarea[name=logline]").fill("A keeper owes her life to a smuggler.")
        page.locator("#new-story button").click()
        page.locator('#tree li[data-label="logline"]').wait_for()

        page.locator("#write-own input[name=label]").fill(PAYLOAD)  # an unknown node: the error quotes it
        page.locator("#write-own textarea").fill("x")
        page.locator("#write-own button").click()
        error = page.locator("#flash .error")
        error.wait_for()
        assert PAYLOAD in error.inner_text()  # literally, as text
        assert page.locator("#flash img").count() == 0 and page.evaluate("window.__pwned") is None

        # A request whose validation fails: FastAPI's own 422 body echoes the raw input, markup and all.
        page.evaluate("""(payload) => {
            const button = document.createElement("button");
            button.id = "probe"; button.textContent = "probe";
            button.setAttribute("hx-get", "/stories/" + payload + "/workspace");
            document.querySelector("main").appendChild(button);
            if (window.htmx) { window.htmx.process(button); }
        }""", PAYLOAD)
        page.locator("#probe").click()
        page.locator("#flash .error", has_text="story_id").wait_for()
        page.wait_for_timeout(300)  # an injected onerror would have fired by now
        assert page.locator("#flash img").count() == 0 and page.evaluate("window.__pwned") is None

        # htmx still drives the page: an edit swaps the workspace and clears the error bar.
        page.locator("#edit-form textarea").fill("A keeper, a smuggler, a debt.")
        page.locator("#edit-form button").click()
        page.locator('#tree li[data-label="logline"] .excerpt', has_text="a debt").wait_for()
        assert page.locator("#flash").is_hidden()
        assert problems == [], problems  # no CSP violation, no script error


class Attacker(BaseHTTPRequestHandler):
    target = ""

    def log_message(self, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        body = f'<!doctype html><iframe id="frame" src="{self.target}/" width="800" height="600"></iframe>'.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_another_site_cannot_frame_the_studio(server: str):
    Attacker.target = server
    attacker = ThreadingHTTPServer(("127.0.0.1", 0), Attacker)
    thread = threading.Thread(target=attacker.serve_forever, daemon=True)
    thread.start()
    try:
        with chromium_page() as page:
            page.goto(f"http://localhost:{attacker.server_address[1]}/")
            page.wait_for_timeout(1500)  # give the frame every chance to load
            frame = page.frame_locator("#frame")
            assert frame.locator("#new-story").count() == 0  # the studio's page never rendered inside it
    finally:
        attacker.shutdown()
        attacker.server_close()
