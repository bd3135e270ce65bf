"""Text as it arrives: drafts stream their text so far, the web's progress and the CLI's status line show it.

Fake models stream word by word (as the local provider streams token by token; the
real path is in tests/models/test_local_streaming.py and the room's browser test).
"""

from __future__ import annotations

import io

from punchup.cli.write_common import DraftPrinter
from punchup.models import GenerateConfig, as_messages, current_listener, streaming
from punchup.models.fake import script
from punchup.studio.candidates import DraftEvent
from punchup.studio.web.tasks import DraftProgress
from tests.studio.conftest import write_story

SETUP = "My dentist retired, and now he just stares at my mouth at parties."


def event(seed: int, text: str, partial: bool, done: int = 0) -> DraftEvent:
    return DraftEvent(label="alts", done=done, total=2, seed=seed, text=text, cached=False, seconds=1.5,
                      partial=partial)


async def test_every_draft_streams_growing_prefixes_of_its_own_text_before_it_lands(studio, fakes):
    events: list[DraftEvent] = []
    board = await studio.alts(SETUP, n=3, keep=1, on_draft=events.append)
    by_seed: dict[int, list[DraftEvent]] = {}
    for e in events:
        by_seed.setdefault(e.seed, []).append(e)
    assert sorted(by_seed) == [0, 1, 2]
    for seed, seen in by_seed.items():
        *partials, last = seen
        assert not last.partial and all(e.partial for e in partials) and len(partials) >= 2
        texts = [e.text for e in partials]
        assert all(len(a) < len(b) and b.startswith(a) for a, b in zip(texts, texts[1:]))
        pitch = next(p for p in board.pitches if p.seed == seed)
        assert pitch.text.startswith(texts[0].strip()[:5])  # the stream is this seed's draft, not another's
    assert [e.done for e in events if not e.partial] == [1, 2, 3]
    # Nothing new to write: a re-run is served from the store and streams nothing.
    again: list[DraftEvent] = []
    await studio.alts(SETUP, n=3, keep=1, on_draft=again.append)
    assert not any(e.partial for e in again) and all(e.cached for e in again) and len(again) == 3


async def test_an_expand_streams_each_alternative(studio, fakes):
    await write_story(studio, scenes=1, n=1)
    events: list[DraftEvent] = []
    await studio.expand("premise", n=2, more=True, on_draft=events.append)
    partial_seeds = {e.seed for e in events if e.partial}
    landed = [e for e in events if not e.partial]
    assert len(landed) == 2 and partial_seeds == {e.seed for e in landed}


async def test_the_listener_is_per_task_and_gone_after_the_block():
    seen: list[str] = []
    assert current_listener() is None
    with streaming(seen.append):
        assert current_listener() is not None
        await script("stream-probe", ["one two three"]).generate(as_messages("count"), GenerateConfig())
    assert current_listener() is None
    assert seen == ["one", "one two"]  # the whole text arrives with the Generation, not as a partial


def test_web_progress_keeps_the_latest_text_of_drafts_under_way_and_lists_the_landed():
    progress = DraftProgress()
    progress(event(1, "He", True))
    progress(event(0, "Floss", True))
    progress(event(1, "He says", True))
    assert [(e.seed, e.text) for e in progress.writing()] == [(0, "Floss"), (1, "He says")]
    progress(event(1, "He says my gums.", False, done=1))
    assert [(e.seed, e.text) for e in progress.writing()] == [(0, "Floss")]
    assert [e.text for e in progress.landed] == ["He says my gums."]


def test_the_cli_status_line_streams_on_a_terminal_and_stays_out_of_logs():
    terminal = io.StringIO()
    printer = DraftPrinter(terminal, live=True)
    printer.REFRESH_S = 0.0
    printer(event(0, "He says\x1b[31m my", True))
    printer(event(0, "He says my gums", True))
    printer(event(0, "He says my gums.", False, done=1))
    shown = terminal.getvalue()
    assert shown.count("\r\x1b[K") == 3  # two status rewrites, then the landed line clears the status
    assert "alts 1/2 · seed 0 · writing · He says[31m my" in shown  # the model's escape code is not passed on
    assert shown.endswith("\r\x1b[K  alts 1/2 · seed 0 · 1.5s · He says my gums.\n")
    log = io.StringIO()
    quiet = DraftPrinter(log, live=False)
    quiet(event(0, "He says", True))
    quiet(event(0, "He says my gums.", False, done=1))
    assert log.getvalue() == "  alts 1/2 · seed 0 · 1.5s · He says my gums.\n"
