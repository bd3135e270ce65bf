"""The studio in headless Chromium on the real embedded SmolLM2: a writer's session end to end, with screenshots.

Structure is asserted (nodes, stale marks, downloads), never taste.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Iterator

import pytest
import uvicorn

from punchup.studio import Studio
from punchup.studio.web import create_app
from tests.conftest import free_port
from tests.report.helpers import chromium_page

pytestmark = [pytest.mark.real, pytest.mark.browser]

LOGLINE = "A lighthouse keeper must decide whether to report the smuggler who saved her life."
# The emoji makes the browser's UTF-16 selection offsets differ from Python's code points.
MY_PREMISE = "Nell 🔦 keeps the last manned lighthouse in Shetland and owes her life to Cal, the smuggler she is paid to report."
# Generous: about 60 s for the whole test on an idle 2-core machine, much more when other jobs share the CPU.
GENERATION_TIMEOUT_MS = 240_000
RESPONSIVE_TIMEOUT_MS = 60_000


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The real app (the CLI's Studio.open path, local/smollm2) under uvicorn in a thread; stops at test end."""
    studio = Studio.open(str(tmp_path / "studio.db"), writer="local/smollm2", max_tokens=48)
    port = free_port()
    config = uvicorn.Config(create_app(studio), host="127.0.0.1", port=port, log_level="warning")
    uvicorn_server = uvicorn.Server(config)
    thread = threading.Thread(target=uvicorn_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not uvicorn_server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the studio server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    uvicorn_server.should_exit = True
    thread.join(timeout=30)
    assert not thread.is_alive(), "the studio server did not stop"


def node(page, label: str):
    return page.locator(f'#tree li[data-label="{label}"]')


def expand_and_choose(page, label: str, child: str, shots: Path | None = None) -> None:
    page.locator("#expand-form input[name=n]").fill("2")
    page.locator("#expand-form button").click()
    page.locator(".progress .spinner").wait_for()  # the progress indicator while the model writes
    if shots:
        page.screenshot(path=str(shots / "studio-1-expanding.png"), full_page=True)
        # The page stays responsive while the model writes: the server answers another request before the
        # generation is over (the progress indicator is still there afterwards). No stopwatch: llama.cpp may hold
        # both cores, so the answer gets a generous ceiling instead of a few seconds.
        assert page.request.get(page.url, timeout=RESPONSIVE_TIMEOUT_MS).status == 200
        assert page.locator(".progress").count() == 1
    page.locator(f'#panel[data-label="{child}"]').wait_for(timeout=GENERATION_TIMEOUT_MS)
    assert page.locator("#alternatives li.alt").count() == 2
    if shots:
        page.screenshot(path=str(shots / "studio-2-ranked.png"), full_page=True)
    page.locator("#alternatives li.alt").first.locator("button.choose").click()
    page.locator(f'#tree li[data-label="{child}"][data-status="fresh"]').wait_for()


def test_a_writer_session_in_the_browser(server: str, artifacts: Path, tmp_path: Path):
    with chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(server + "/")
        page.locator("#new-story textarea[name=logline]").fill(LOGLINE)
        page.locator("#new-story input[name=title]").fill("The Keeper")
        page.locator("#new-story button").click()
        node(page, "logline").wait_for()
        assert page.title().startswith("The Keeper")

        expand_and_choose(page, "logline", "premise", shots=artifacts)
        expand_and_choose(page, "premise", "characters")
        assert {node(page, label).get_attribute("data-status") for label in ("logline", "premise", "characters")} == {"fresh"}

        # The writer rewrites the premise: what was built on it goes stale, visibly.
        node(page, "premise").locator("a").click()
        page.locator('#panel[data-label="premise"]').wait_for()
        page.locator("#edit-form textarea").fill(MY_PREMISE)
        page.locator("#edit-form button").click()
        stale = page.locator('#tree li[data-label="characters"][data-status="stale"]')
        stale.wait_for()
        assert "premise changed" in stale.inner_text()
        assert page.locator("#stale-count").inner_text() == "1 stale"
        page.screenshot(path=str(artifacts / "studio-3-stale.png"), full_page=True)

        old_characters = node(page, "characters").locator(".excerpt").inner_text()
        page.locator("#cascade-form button").click()
        page.locator("#cascade-report").wait_for(timeout=GENERATION_TIMEOUT_MS)
        assert node(page, "characters").get_attribute("data-status") == "fresh"
        assert "1 regenerated (characters)" in page.locator("#cascade-report").inner_text()
        assert node(page, "characters").locator(".excerpt").inner_text() != old_characters
        page.screenshot(path=str(artifacts / "studio-4-cascaded.png"), full_page=True)

        # A targeted rewrite of a passage after the emoji: the words the writer selected are the ones replaced.
        # The cascade left the premise open (clicking it again would race the re-render against the selection).
        page.locator('#panel[data-label="premise"]').wait_for()
        page.locator("#text-premise").evaluate(
            "(area, words) => { const at = area.value.indexOf(words); area.focus(); area.setSelectionRange(at, at + words.length); }",
            "Cal, the smuggler")
        page.locator("#rewrite-form input[name=instruction]").fill("make him sound dangerous")
        page.locator("#rewrite-form input[name=n]").fill("2")
        page.locator("#rewrite-form button[type=submit]").click()
        page.locator("#board, #flash .error").first.wait_for(timeout=GENERATION_TIMEOUT_MS)
        assert page.locator("#flash .error").count() == 0, page.locator("#flash").inner_text()
        board = page.locator("#board")
        assert board.locator(".original .text").inner_text() == "Cal, the smuggler"  # exactly the words selected
        assert 1 <= board.locator("article.pitch").count() <= 2
        assert page.locator("#text-premise").input_value() == MY_PREMISE  # nothing saved before Accept
        page.screenshot(path=str(artifacts / "studio-5-rewrite.png"), full_page=True)
        board.locator("button.accept").first.click()
        page.locator("#accepted").wait_for(timeout=GENERATION_TIMEOUT_MS)
        kept = page.locator("#text-premise").input_value()
        before, after = MY_PREMISE.split("Cal, the smuggler")
        assert kept.startswith(before) and kept.endswith(after) and kept != MY_PREMISE  # only the selection changed
        assert node(page, "characters").get_attribute("data-status") == "stale"  # built on the old premise

        with page.expect_download() as download_info:
            page.locator('#export a.download[href*="/export/fountain"]').click()
        download = download_info.value
        assert download.suggested_filename == "the-keeper.fountain"
        saved = tmp_path / download.suggested_filename
        download.save_as(saved)
        assert "Keeper" in saved.read_text(encoding="utf-8") or "KEEPER" in saved.read_text(encoding="utf-8").upper()
        assert "human" in page.locator("#authorship").inner_text()
        assert errors == []
