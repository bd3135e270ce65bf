"""The punch-up room over HTTP on scripted fake models: alts, pitches for a selection, a pass, more, accept."""

from __future__ import annotations

import re
import time

from fastapi.testclient import TestClient

from punchup.studio import Studio
from tests.studio.conftest import write_story
from tests.studio_web.conftest import new_story

SETUP = "My dentist retired, and now he just stares at my mouth at parties."


def finish(client: TestClient, html: str, timeout: float = 60.0) -> str:
    """Poll a room task as the page does until the board (or pass) replaces it."""
    url = re.search(r'hx-get="(/room/tasks/\d+)"', html).group(1)  # type: ignore[union-attr]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = client.get(url)
        assert response.status_code == 200, response.text
        if 'id="board"' in response.text or 'id="pass"' in response.text:
            return response.text
        assert "failed" not in response.text, response.text
        time.sleep(0.05)
    raise AssertionError(f"{url} did not finish in {timeout}s")


def seeds_of(html: str) -> list[int]:
    return sorted(int(s) for s in re.findall(r'class="pitch[^"]*" data-ref="\d+" data-seed="(\d+)"', html))


def test_alts_for_a_setup_rank_your_own_among_them_and_more_draws_new_seeds(client: TestClient):
    page = client.get("/alts")
    assert page.status_code == 200 and 'id="alts-form"' in page.text
    started = client.post("/alts", data={"setup": SETUP, "n": "3", "mine": "1. He flosses with my name.\n", "keep": "2",
                                         "notes": "keep it kind"})
    # The fakes answer at once, so a pitch may land before the first page is rendered: any count of 3.
    assert started.status_code == 200 and re.search(r"[0-3] of 3 done", started.text)
    board = finish(client, started.text)
    assert seeds_of(board) == [0, 1, 2]
    assert board.count('class="star"') == 2  # keepers starred
    assert "He flosses with my name." in board and "yours" in board
    assert "notes: “keep it kind”" in board  # each pitch shows its recipe
    assert "3 new on seeds 0–2" in board

    more = finish(client, client.post("/alts", data={"setup": SETUP, "n": "2", "seed": "0", "more": "on",
                                                      "notes": "keep it kind"}).text)
    assert seeds_of(more) == [0, 1, 2, 3, 4] and "2 new on seeds 3–4, ranked with 3 drawn before" in more


def test_pitches_for_a_selection_save_nothing_until_accept(client: TestClient, studio: Studio):
    story_id = new_story(client)
    import asyncio

    asyncio.run(_story(studio))
    text = studio.text("script-1", story_id)
    versions = studio.node("script-1", story_id).node.versions
    start = text.index("You can't stay.")
    form = {"start": str(start), "end": str(start + 15), "selected": "You can't stay.", "mode": "rewrite",
            "instruction": "meaner", "n": "2"}
    board = finish(client, client.post(f"/stories/{story_id}/room/script-1/pitch", data=form).text)
    assert len(seeds_of(board)) == 2 and "Nothing is saved until you accept one." in board
    assert "<del>You can&#39;t stay.</del>" in board or "<del>You" in board  # the diff against the selection
    assert studio.text("script-1", story_id) == text and studio.node("script-1", story_id).node.versions == versions

    accept = re.search(r'<form hx-post="(/stories/\d+/room/script-1/accept)"(.*?)</form>', board, re.S)
    fields = dict(re.findall(r'name="([\w-]+)" value="([^"]*)"', accept.group(2)))
    fields = {k: v.replace("&#39;", "'").replace("&amp;", "&").replace("&quot;", '"') for k, v in fields.items()}
    done = client.post(accept.group(1), data=fields)
    assert done.status_code == 200 and 'id="accepted"' in done.text
    new_text = studio.text("script-1", story_id)
    assert new_text != text and new_text[:start] == text[:start] and "You can't stay." not in new_text
    again = client.post(accept.group(1), data=fields)  # the same pitch onto the new text: refused
    assert again.status_code == 400 and "changed since" in again.text


async def _story(studio: Studio) -> None:
    # The web test's story (created through HTTP) grows to a scene with the engine, as the CLI would.
    for parent, child in (("logline", "premise"), ("premise", "characters"), ("characters", "beats")):
        await studio.expand(parent, n=1)
        studio.choose(child, 1)
    await studio.expand("beats", n=1, max_scenes=1)
    studio.choose("scene-1", 1)
    await studio.expand("scene-1", n=1)
    studio.choose("script-1", 1)


def test_a_pass_shows_each_line_with_its_alts_and_accepts_the_picks(client: TestClient, studio: Studio):
    import asyncio

    asyncio.run(write_story(studio, scenes=1, n=1))
    story_id = studio.story().id
    text = studio.text("script-1", story_id)
    result = finish(client, client.post(f"/stories/{story_id}/room/script-1/pass", data={"n": "2", "lines": "4"}).text)
    assert result.count('class="pass-line"') == 2 and "You can&#39;t stay." in result
    form = re.search(r'<form hx-post="(/stories/\d+/room/script-1/accept)"(.*?)</form>', result, re.S)
    hidden = dict(re.findall(r'type="hidden" name="([\w-]+)" value="([^"]*)"', form.group(2)))
    picks = re.findall(r'name="pick-2" value="([^"]+)"', form.group(2))
    done = client.post(form.group(1), data={**hidden, "pick-2": picks[0]})
    assert done.status_code == 200
    new_text = studio.text("script-1", story_id)
    assert "One more night." not in new_text and "You can't stay." in new_text  # line 1 kept, line 2 replaced
    assert new_text != text


def test_expand_more_says_what_it_drew_and_shows_recipes(client: TestClient, studio: Studio):
    from tests.studio_web.conftest import expand

    story_id = new_story(client)
    first = expand(client, story_id, "logline", n=2, notes="set it in winter")
    assert "seeds 0–1" in first and "notes: “set it in winter”" in first
    client.post(f"/stories/{story_id}/nodes/premise/choose", data={"alt": "1"})
    more = expand(client, story_id, "premise", n=2, more="on")
    assert "2 new alternatives on seeds 2–3" in more
    assert len(re.findall(r'class="alt[^"]*" data-number="\d+"', more)) == 4
    assert "Compare with the current text" in more and 'id="alt-confidence"' in more  # a diff and how sure the judge is


def test_small_things_favicon_dates_settings_preview_provenance_delete(client: TestClient, studio: Studio):
    import asyncio

    assert client.get("/favicon.ico").status_code == 200
    asyncio.run(write_story(studio, scenes=1, n=1))
    story_id = studio.story().id
    index = client.get("/").text
    assert re.search(r"last changed \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC", index)
    saved = client.post(f"/stories/{story_id}/settings", data={"title": "The Lamp", "author": "Ada Writer",
                                                             "structure": "tv-half-hour", "format": "single-cam"})
    assert saved.status_code == 200, saved.text
    assert studio.story(story_id).title == "The Lamp" and studio.story(story_id).settings.author == "Ada Writer"
    script = client.get(f"/stories/{story_id}/workspace?node=script-1").text
    assert 'class="sp-heading"' in script and 'class="sp-character">NELL' in script and 'class="sp-dialogue"' in script
    assert 'class="src-ai"' in script  # the provenance view marks the model's text
    studio.edit("script-1", studio.text("script-1", story_id) + "\n\nNELL\nGo.", story_id)
    script = client.get(f"/stories/{story_id}/workspace?node=script-1").text
    assert 'class="src-human"' in script and "started from this, edited" in script and ">Chosen<" not in script
    refused = client.post(f"/stories/{story_id}/delete", data={"confirm": "wrong"})
    assert refused.status_code == 400 and studio.stories()
    gone = client.post(f"/stories/{story_id}/delete", data={"confirm": "The Lamp"})
    assert gone.status_code == 200 and gone.headers["HX-Redirect"] == "/" and studio.stories() == []


def test_the_writer_types_or_edits_their_own_beat_slots_in_the_web(client: TestClient, studio: Studio):
    import asyncio

    import html

    from punchup.studio.structure import TEMPLATES

    asyncio.run(write_story(studio, scenes=1, n=1))
    story_id = studio.story().id
    settings = {"title": "The Lamp", "author": "", "format": ""}
    page = client.post(f"/stories/{story_id}/settings", data={**settings, "structure": "tv-half-hour"}).text
    assert studio.story(story_id).settings.structure == "tv-half-hour"
    assert html.unescape(page).count(TEMPLATES["tv-half-hour"][0]) == 1  # the template's slots, ready to edit
    own = "COLD OPEN: the lamp goes out\nACT ONE: Cal arrives\nTAG: the inspector's boat"
    page = client.post(f"/stories/{story_id}/settings", data={**settings, "structure": "own", "slots": own}).text
    assert studio.story(story_id).settings.structure == own
    assert re.search(r'<option value="own" selected>your own slots', page) and "ACT ONE: Cal arrives" in page
    refused = client.post(f"/stories/{story_id}/settings", data={**settings, "structure": "own", "slots": " "})
    assert refused.status_code == 400 and "write your beat slots" in refused.text
    assert studio.story(story_id).settings.structure == own


def test_training_consent_is_shown_granted_and_withdrawn_in_the_web_and_no_other_page_can_grant_it(
        client: TestClient, studio: Studio):
    import asyncio

    from punchup.improve.studio_rows import licensed_story_ids

    asyncio.run(write_story(studio, scenes=1, n=1))
    story_id = studio.story().id
    page = client.get(f"/stories/{story_id}/workspace").text
    assert "Not licensed for training: nothing from this story is ever exported." in page
    foreign = client.post(f"/stories/{story_id}/license", data={"train": "yes", "by": "Mallory"},
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and licensed_story_ids(studio.store) == []
    nameless = client.post(f"/stories/{story_id}/license", data={"train": "yes", "by": " "})
    assert nameless.status_code == 400 and licensed_story_ids(studio.store) == []
    page = client.post(f"/stories/{story_id}/license", data={"train": "yes", "by": "Ada Writer"}).text
    assert "Licensed for training by Ada Writer" in page and licensed_story_ids(studio.store) == [story_id]
    assert re.search(r"<li>\d{1,2} \w{3} \d{4}, \d\d:\d\d UTC · train · by Ada Writer</li>", page)
    page = client.post(f"/stories/{story_id}/license", data={"train": "no", "by": "Ada Writer"}).text
    assert "Not licensed for training" in page and licensed_story_ids(studio.store) == []
    assert page.count("· by Ada Writer</li>") == 2  # the history keeps both decisions
