"""The punch-up room in headless Chromium on the real embedded SmolLM2, with screenshots:
alts for a setup, more with new seeds, a formatted script preview, and a punch-up pass with preview and accept.

Structure is asserted (pitches, seeds, what was saved), never taste.
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

SETUP = "My dentist retired, and now he just stares at my mouth at parties."
SCRIPT = ("INT. LIGHTHOUSE - NIGHT\n\nNell trims the wick. Cal drips on the floor.\n\n"
          "NELL\nYou can't stay here.\n\nCAL\n(shivering)\nOne more night. The boat needs a day.")
# Generous: a few seconds a pitch on an idle 2-core machine, many times more when the tests share the CPU.
WAIT_MS = 900_000


@pytest.fixture
def served(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[str, Studio]]:
    max_tokens = getattr(request, "param", 32)  # short pitches, unless a test asks for long ones
    studio = Studio.open(str(tmp_path / "studio.db"), writer="local/smollm2", max_tokens=max_tokens)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(studio), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the studio server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", studio
    server.should_exit = True
    thread.join(timeout=30)


def test_alts_more_preview_and_a_punch_up_pass_in_the_browser(served, artifacts: Path):
    url, studio = served
    with chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))

        # Alts for a setup, the writer's own among them; the progress element counts them in.
        page.goto(url + "/")
        page.locator("#alts-link").click()
        page.locator("#alts-form textarea[name=setup]").fill(SETUP)
        page.locator("#alts-form textarea[name=mine]").fill("He says my gums have potential.")
        page.locator("#alts-form input[name=n]").fill("2")
        clicked = time.monotonic()
        page.locator("#alts-form button[type=submit]").click()
        page.locator(".progress .done-count").wait_for()
        page.locator(".landed li, #board").first.wait_for(timeout=WAIT_MS)
        first_text_s = time.monotonic() - clicked  # the first alternative's text on screen (or the whole board)
        page.locator("#board").wait_for(timeout=WAIT_MS)
        board = page.locator("#board")
        assert board.locator("article.pitch.yours").count() == 1
        assert 2 <= board.locator("article.pitch").count() <= 3 and board.locator(".star").count() >= 1
        assert "seed" in board.locator("article.pitch:not(.yours) .recipe").first.inner_text()
        page.screenshot(path=str(artifacts / "room-1-alts.png"), full_page=True)

        # More: new seeds, ranked with the earlier ones, and the board says so.
        page.locator("#more-form input[name=n]").fill("1")
        page.locator("#more").click()
        page.locator("#board-message", has_text="1 new on seed 2").wait_for(timeout=WAIT_MS)
        assert "ranked with 2 drawn before" in page.locator("#board-message").inner_text()
        page.screenshot(path=str(artifacts / "room-2-more.png"), full_page=True)

        # A scene the writer wrote, previewed as a screenplay page.
        studio.new("A lighthouse keeper must report the smuggler who saved her life.", title="The Keeper")
        for label, text in (("premise", "Nell owes Cal her life."), ("characters", "NELL — keeper\nCAL — smuggler"),
                            ("beats", "1. Cal washes up."), ("scene-1", "INT. LIGHTHOUSE - NIGHT\nPurpose: Nell hides Cal"),
                            ("script-1", SCRIPT)):
            studio.edit(label, text)
        story_id = studio.story().id
        page.goto(f"{url}/stories/{story_id}?node=script-1")
        page.locator("#script-preview summary").click()
        preview = page.locator("#script-preview .screenplay")
        assert preview.locator(".sp-heading").inner_text() == "INT. LIGHTHOUSE - NIGHT"
        assert preview.locator(".sp-character").all_inner_texts() == ["NELL", "CAL"]
        assert preview.locator(".sp-parenthetical").inner_text() == "(shivering)"
        page.screenshot(path=str(artifacts / "room-3-script-preview.png"), full_page=True)

        # A punch-up pass: each dialogue line with its alts; nothing saved until the picks are accepted.
        page.locator("#pass-form input[name=n]").fill("1")
        page.locator("#pass-form input[name=lines]").fill("2")
        page.locator("#pass-form button[type=submit]").click()
        page.locator("#pass, #flash .error").first.wait_for(timeout=WAIT_MS)
        assert page.locator("#flash .error").count() == 0, page.locator("#flash").inner_text()
        lines = page.locator("#pass .pass-line")
        assert lines.count() == 2 and lines.first.locator("legend .text").inner_text() == "You can't stay here."
        assert studio.text("script-1", story_id) == SCRIPT
        line = lines.first if lines.first.locator("article.pitch").count() else lines.nth(1)
        line.locator("details.preview summary").first.click()  # the alt shown in place, in the whole text
        assert line.locator("details.preview mark").first.inner_text().strip()
        page.screenshot(path=str(artifacts / "room-4-pass.png"), full_page=True)
        line.locator("input[type=radio]").nth(1).check()  # 0 is "keep the line"
        page.locator("#accept-pass").click()
        page.locator("#accepted").wait_for(timeout=WAIT_MS)
        after = studio.text("script-1", story_id)
        assert after != SCRIPT and after.startswith("INT. LIGHTHOUSE - NIGHT\n\nNell trims the wick.")
        page.screenshot(path=str(artifacts / "room-5-accepted.png"), full_page=True)
        assert errors == []
    (artifacts / "room-timings.txt").write_text(f"first alternative text on screen: {first_text_s:.1f}s\n", encoding="utf-8")


@pytest.mark.parametrize("served", [200], indirect=True)
def test_alts_stream_their_text_into_the_page_while_the_model_writes(served, artifacts: Path):
    url, _ = served
    with chromium_page() as page:
        page.goto(url + "/alts")
        page.locator("#alts-form textarea[name=setup]").fill(SETUP)
        page.locator("#alts-form input[name=n]").fill("2")
        page.locator("#alts-form button[type=submit]").click()
        # Text under way shows before any alt is done; it grows between polls.
        page.wait_for_function("() => { const t = document.querySelector('.progress .writing li .text');"
                               " return t && t.textContent.trim().length > 0; }", timeout=WAIT_MS)
        first = page.locator(".progress .writing li .text").first.inner_text()
        assert first.strip() and page.locator("#board").count() == 0
        page.screenshot(path=str(artifacts / "room-6-streaming.png"), full_page=True)
        page.wait_for_function(
            "(first) => { const t = document.querySelector('.progress .writing li .text');"
            " return !t || t.textContent.length > first.length; }", arg=first, timeout=WAIT_MS)
        page.locator("#board").wait_for(timeout=WAIT_MS)
        assert page.locator(".progress").count() == 0
