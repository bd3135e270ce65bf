"""The punch-up room on the real embedded SmolLM2: alts, more, a passage's pitches, a pass, accept.

Structure is asserted (counts, seeds, lengths, what was saved), never taste.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from punchup.models import CachedModel
from punchup.studio import Studio
from punchup.studio.room import Pick
from punchup.studio.runaway import length_limit
from punchup.studio.steering import Steering
from tests.conftest import _without_punchup_settings

pytestmark = pytest.mark.real

SETUP = "My dentist retired, and now he just stares at my mouth at parties."
SCRIPT = ("INT. LIGHTHOUSE - NIGHT\n\nNell trims the wick. Cal drips on the floor.\n\n"
          "NELL\nYou can't stay here.\n\nCAL\nOne more night. The boat needs a day.\n\nNELL\nThe inspector comes Tuesday.")


async def test_the_room_on_the_real_model(smollm2, store):
    studio = Studio(store, lambda model_id: CachedModel(smollm2, store), writer="local/smollm2", max_tokens=48)

    board = await studio.alts(SETUP, n=3, mine=["He says my gums have potential."], keep=2,
                              steering=Steering(tone="deadpan"))
    drafted = [p for p in board.pitches if not p.by_writer]
    assert 1 <= len(drafted) <= 3 and len(drafted) + len(board.dropped) == 3
    assert all(len(p.text) <= length_limit(160) for p in drafted)  # about a joke's length, never a runaway
    assert any(p.by_writer and p.author == "writer" for p in board.pitches)
    assert sum(p.keeper for p in board.pitches) == 2 and board.judge == "craft/heuristic-lm"
    assert all(p.recipe_line.startswith("local/smollm2 · seed") and "deadpan" in p.recipe_line for p in drafted)
    more = await studio.alts(SETUP, n=2, more=True, steering=Steering(tone="deadpan"))
    assert more.new_seeds == [3, 4] and more.earlier_seeds == [0, 1, 2] and more.calls_made == 2

    studio.new("A lighthouse keeper must report the smuggler who saved her life.", title="The Keeper")
    studio.edit("premise", "Nell keeps the light. She owes Cal her life. The inspector comes Tuesday.")
    studio.edit("characters", "NELL — keeper\nCAL — smuggler")
    studio.edit("beats", "1. Cal washes up.\n2. Nell hides him.")
    studio.edit("scene-1", "INT. LIGHTHOUSE - NIGHT\nPurpose: Nell hides Cal\nCharacters: NELL, CAL")
    studio.edit("script-1", SCRIPT)
    before = studio.node("script-1").node
    pitches = await studio.pitch("script-1", "rewrite", {"quote": "You can't stay here."}, n=2, instruction="meaner")
    assert studio.text("script-1") == SCRIPT and studio.node("script-1").node.versions == before.versions
    assert all(len(p.text) <= length_limit(len("You can't stay here.")) for p in pitches.pitches)

    result, _ = await studio.punch_pass("script-1", n=2, max_lines=3)
    assert [b.original for b in result.boards] == ["You can't stay here.", "One more night. The boat needs a day.",
                                                   "The inspector comes Tuesday."]
    line = next(b for b in result.boards if b.pitches)
    pick = line.pitches[0]
    made = studio.call_counts()[0]
    await studio.accept_pitches("script-1", "alts", [Pick(start=line.start, end=line.end, seed=pick.seed, hash=pick.hash)],
                                base_hash=result.base_hash)
    assert studio.call_counts()[0] == made  # accepting draws the pitch from the store
    text = studio.text("script-1")
    assert pick.text in text and text.startswith(SCRIPT[:line.start]) and text.endswith(SCRIPT[line.end:])
    shares = {s.author: s.percent for s in studio.authorship().shares}
    assert shares["human"] > 50 and "local/smollm2" in shares


def test_cli_alts_on_a_terminal_stream_the_text_as_it_arrives(tmp_path):
    """In a pseudo-terminal the status line shows each alt's text while the model writes it."""
    leader, follower = pty.openpty()
    exe = Path(sys.executable).with_name("punchup")
    process = subprocess.Popen([str(exe), "write", "alts", "--setup", SETUP, "-n", "2", "--max-tokens", "48",
                                "--judge", "none", "--store", str(tmp_path / "s.db")],
                               stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, cwd=tmp_path,
                               env={**_without_punchup_settings(os.environ), "COLUMNS": "200"})
    os.close(follower)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the follower side closed: the command is done
            break
        if not chunk:
            break
        chunks.append(chunk)
    assert process.wait(timeout=600) == 0
    shown = b"".join(chunks).decode("utf-8", errors="replace")
    writing = [line for line in shown.split("\r\x1b[K") if "· writing ·" in line]
    assert len(writing) >= 2, shown[-2000:]  # the status line was rewritten as text arrived
    assert "alts 2/2 · seed" in shown  # and every alt landed with its own line
