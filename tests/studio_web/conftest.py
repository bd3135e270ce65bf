"""Studio web fixtures: the app on scripted fake models (the studio tests' writer and judge) and a TestClient."""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from fastapi.testclient import TestClient

from punchup.store import Store
from punchup.studio import Studio
from punchup.studio.web import create_app
from tests.studio.conftest import Scripted, fakes, make_studio  # noqa: F401  (fakes is a fixture)

LOGLINE = "A lighthouse keeper owes her life to the smuggler she must report."


@pytest.fixture
def studio(store: Store, fakes: Scripted) -> Studio:  # noqa: F811
    return make_studio(store)


@pytest.fixture
def client(studio: Studio) -> Iterator[TestClient]:
    with TestClient(create_app(studio)) as test_client:  # the context runs the lifespan, so the model loop stops
        yield test_client


def new_story(client: TestClient, title: str = "The Light", pack: str = "screenplay") -> int:
    response = client.post("/stories", data={"logline": LOGLINE, "pack": pack, "title": title}, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def wait_for_task(client: TestClient, html: str, timeout: float = 20.0) -> str:
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
    assert 'hx-trigger="every 1s"' in response.text  # a progress element that polls
    return wait_for_task(client, response.text)


def choose(client: TestClient, story_id: int, label: str, alt: int = 1) -> str:
    response = client.post(f"/stories/{story_id}/nodes/{label}/choose", data={"alt": str(alt)})
    assert response.status_code == 200, response.text
    return response.text


def statuses(html: str) -> dict[str, str]:
    return dict(re.findall(r'data-label="([a-z0-9-]+)" data-status="(\w+)"', html))
