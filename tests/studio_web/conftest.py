"""Studio web fixtures: the app on scripted fake models (the studio tests' writer and judge), served by uvicorn
on 127.0.0.1, and an HTTP client that talks to it as the studio's own page does (Origin, form posts)."""

from __future__ import annotations

import re
import threading
import time
from contextlib import contextmanager
from typing import Any, Iterator

import httpx
import pytest
from httpx import Client as TestClient  # the tests' type hints; a real HTTP client now

from punchup.store import Store
from punchup.studio import Studio
from punchup.studio.web import create_app
from tests.conftest import free_port
from tests.studio.conftest import Scripted, fakes, make_studio  # noqa: F401  (fakes is a fixture)

LOGLINE = "A lighthouse keeper owes her life to the smuggler she must report."


@pytest.fixture
def studio(store: Store, fakes: Scripted) -> Studio:  # noqa: F811
    return make_studio(store)


@contextmanager
def live_server(app: Any) -> Iterator[str]:
    """The app under a real uvicorn on a free 127.0.0.1 port, in a thread; the lifespan runs at start and stop."""
    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the studio server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        assert not thread.is_alive(), "the studio server did not stop"


def page_client(base_url: str) -> httpx.Client:
    """Requests as the studio's page sends them: same Origin, url-encoded forms (htmx sends that type even
    for a bare button)."""
    return httpx.Client(base_url=base_url, timeout=60.0, headers={
        "Origin": base_url, "Content-Type": "application/x-www-form-urlencoded"})


@pytest.fixture
def client(studio: Studio) -> Iterator[httpx.Client]:
    with live_server(create_app(studio)) as base_url, page_client(base_url) as http:
        yield http


def new_story(client: TestClient, title: str = "The Light", pack: str = "screenplay") -> int:
    response = client.post("/stories", data={"logline": LOGLINE, "pack": pack, "title": title}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def wait_for_task(client: TestClient, html: str, timeout: float = 120.0) -> str:
    """Poll the task URL a task fragment names, as the browser does, until it hands back the workspace."""
    import time

    url = re.search(r'hx-get="(/tasks/\d+)"', html).group(1)  # type: ignore[union-attr]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(url)
        assert response.status_code == 200, response.text
        if response.headers.get("HX-Retarget") == "#workspace":
            return response.text
        time.sleep(0.05)
    raise AssertionError(f"task {url} did not finish in {timeout}s")


def expand(client: TestClient, story_id: int, label: str, n: int = 2, **form: str) -> str:
    response = client.post(f"/stories/{story_id}/nodes/{label}/expand", data={"n": str(n), **form})
    assert response.status_code == 200, response.text
    assert 'hx-trigger="every 500ms"' in response.text  # a progress element that polls
    return wait_for_task(client, response.text)


def choose(client: TestClient, story_id: int, label: str, alt: int = 1) -> str:
    response = client.post(f"/stories/{story_id}/nodes/{label}/choose", data={"alt": str(alt)})
    assert response.status_code == 200, response.text
    return response.text


def statuses(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-label="([a-z0-9-]+)" data-status="(\w+)"', html))
