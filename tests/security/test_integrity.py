"""No write is lost: compare-and-set on every node write, one transaction per operation (tested by killing
a real process between two statements), no writes to a store from a newer punchup, a WAL checkpoint on close,
and exports that never leave half a file."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from punchup.errors import PunchupError
from punchup.store import Store
from punchup.studio import Studio
from tests.studio.conftest import make_studio
from tests.studio_web.conftest import live_server, new_story, page_client

ROOT = Path(__file__).resolve().parents[2]
MY_TEXT = "Nell keeps the light and, she swears, her own counsel."


async def premise_story(studio: Studio) -> None:
    studio.new("A lighthouse keeper owes her life to the smuggler she must report.")
    await studio.expand("logline", n=1)
    studio.choose("premise", 1)


def versions(studio: Studio, label: str) -> list[str | None]:
    return [v.state.text for v in studio.history(label)]


# -- 6. a model call in flight never overwrites what the writer did meanwhile ----------------------------
@pytest.mark.parametrize("operation", ["rewrite", "continue", "resize"])
async def test_a_slow_model_call_does_not_overwrite_an_edit_and_lock_made_meanwhile(studio, fakes, operation):
    await premise_story(studio)
    before = versions(studio, "premise")
    fakes.writer.latency_s = 0.6  # the writer works while the model thinks
    calls = {
        "rewrite": lambda: studio.rewrite("premise", 0, 4, "make it darker"),
        "continue": lambda: studio.continue_text("premise"),
        "resize": lambda: studio.resize("premise", 12),
    }
    running = asyncio.create_task(calls[operation]())
    await asyncio.sleep(0.2)
    studio.edit("premise", MY_TEXT)
    studio.lock("premise")
    with pytest.raises(PunchupError, match="changed meanwhile"):
        await running
    node = studio.node("premise").node
    assert node.text == MY_TEXT and node.locked
    assert versions(studio, "premise") == [*before, MY_TEXT]  # the edit is the last version; no rewrite row


async def test_a_lock_alone_taken_during_a_rewrite_wins(studio, fakes):
    await premise_story(studio)
    text = studio.text("premise")
    fakes.writer.latency_s = 0.5
    running = asyncio.create_task(studio.rewrite("premise", 0, 4, "darker"))
    await asyncio.sleep(0.15)
    studio.lock("premise")
    with pytest.raises(PunchupError, match="changed meanwhile"):
        await running
    assert studio.text("premise") == text


@pytest.mark.parametrize("action", ["choose", "edit", "accept", "undo"])
async def test_a_decision_made_on_an_old_view_is_refused(studio, action):
    await premise_story(studio)
    seen = studio.node("premise").node.revision
    studio.edit("premise", MY_TEXT)  # another tab, or the CLI, changed it since
    act = {
        "choose": lambda: studio.choose("premise", 1, revision=seen),
        "edit": lambda: studio.edit("premise", "from the old page", revision=seen),
        "accept": lambda: studio.accept("premise", revision=seen),
        "undo": lambda: studio.undo("premise", revision=seen),
    }
    with pytest.raises(PunchupError, match="changed meanwhile"):
        act[action]()
    assert studio.text("premise") == MY_TEXT


def test_a_rewrite_over_http_yields_to_an_edit_made_while_it_ran(client, studio: Studio, fakes):
    story_id = new_story(client)
    fakes.writer.latency_s = 0.8
    outcome = {}

    def rewrite() -> None:
        outcome["answer"] = client.post(f"/stories/{story_id}/nodes/logline/rewrite",
                                        data={"start": "0", "end": "11", "instruction": "darker", "selected": "A lighthouse"[:11]},
                                        headers={"HX-Request": "true"})

    worker = threading.Thread(target=rewrite)
    worker.start()
    time.sleep(0.3)
    edited = client.post(f"/stories/{story_id}/nodes/logline/edit", data={"text": MY_TEXT})
    assert edited.status_code == 200
    worker.join(timeout=30)
    answer = outcome["answer"]
    assert answer.status_code == 400 and "changed meanwhile" in answer.text
    assert studio.text("logline", story_id) == MY_TEXT


def test_a_form_from_an_old_page_is_refused_over_http(client, studio: Studio):
    story_id = new_story(client)
    seen = studio.node("logline", story_id).node.revision
    client.post(f"/stories/{story_id}/nodes/logline/edit", data={"text": MY_TEXT, "revision": str(seen)})
    stale = client.post(f"/stories/{story_id}/nodes/logline/edit", data={"text": "old tab", "revision": str(seen)})
    assert stale.status_code == 400 and "changed meanwhile" in stale.text
    undo = client.post(f"/stories/{story_id}/nodes/logline/undo", data={"revision": str(seen)})
    assert undo.status_code == 400 and studio.text("logline", story_id) == MY_TEXT


# -- 7. one transaction per logical write: a process killed between two statements loses nothing ----------
CRASH_SCRIPT = """
import os, sys
from punchup.store import Store
from tests.studio.conftest import make_studio

store = Store(sys.argv[1])
studio = make_studio(store)
trigger = sys.argv[2]
real_execute = Store.execute

def execute(self, sql, **params):
    done = real_execute(self, sql, **params)
    if trigger in " ".join(sql.split()):
        os._exit(9)  # killed right after this statement, before the ones that complete the operation
    return done

Store.execute = execute
if sys.argv[3] == "edit":
    studio.edit("logline", "the edit that was never finished")
else:
    studio.undo("logline")
"""


def crash(tmp_path: Path, trigger: str, action: str) -> None:
    script = tmp_path / "crash.py"
    script.write_text(CRASH_SCRIPT)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), str(ROOT)]))}
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "s.db"), trigger, action], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 9, done.stderr  # it really died mid-operation


@pytest.mark.parametrize("trigger", ["UPDATE story_nodes SET text", "INSERT INTO story_node_versions"])
def test_a_crash_inside_a_save_leaves_the_node_and_its_history_as_they_were(tmp_path, fakes, trigger):
    studio = make_studio(Store(str(tmp_path / "s.db")))
    studio.new("First logline.")
    studio.edit("logline", "Second logline.")
    studio.store.close()
    crash(tmp_path, trigger, "edit")
    reopened = make_studio(Store(str(tmp_path / "s.db")))
    assert reopened.text("logline") == "Second logline."
    assert versions(reopened, "logline") == ["First logline.", "Second logline."]
    reopened.undo("logline")  # and undo still goes back exactly one step
    assert reopened.text("logline") == "First logline."


def test_a_crash_inside_an_undo_loses_nothing(tmp_path, fakes):
    studio = make_studio(Store(str(tmp_path / "s.db")))
    studio.new("First logline.")
    studio.edit("logline", "Second logline.")
    studio.store.close()
    crash(tmp_path, "DELETE FROM story_node_versions", "undo")
    reopened = make_studio(Store(str(tmp_path / "s.db")))
    assert reopened.text("logline") == "Second logline."
    assert versions(reopened, "logline") == ["First logline.", "Second logline."]


def test_a_failure_between_statements_rolls_the_whole_write_back(store, fakes, monkeypatch):
    studio = make_studio(store)
    studio.new("First logline.")
    real_touch = studio.repo.touch

    def failing_touch(story_id: int) -> None:
        raise sqlite3.OperationalError("database is locked")  # a busy timeout on the last statement

    monkeypatch.setattr(studio.repo, "touch", failing_touch)
    with pytest.raises(sqlite3.OperationalError):
        studio.edit("logline", "lost?")
    monkeypatch.setattr(studio.repo, "touch", real_touch)
    assert studio.text("logline") == "First logline." and versions(studio, "logline") == ["First logline."]


# -- 8. a store from a newer punchup is never written -----------------------------------------------------
def future_store(path: Path) -> None:
    Store(str(path)).close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO migrations (name, applied_at, punchup_version) VALUES ('999_hover_boards', 'x', '9.1.0')")


def test_a_newer_store_is_read_but_never_written(tmp_path, capsys):
    from punchup.__about__ import __version__
    from punchup.cli.main import main

    path = tmp_path / "s.db"
    main(["write", "new", "A keeper owes her life to a smuggler.", "--store", str(path)])
    future_store(path)
    with sqlite3.connect(path) as db:
        before = list(db.iterdump())
    capsys.readouterr()
    mine = tmp_path / "mine.txt"
    mine.write_text("overwritten")
    with pytest.raises(SystemExit) as exited:
        main(["write", "edit", "logline", "--file", str(mine), "--store", str(path)])
    err = capsys.readouterr().err.strip()
    assert exited.value.code == 2 and len(err.splitlines()) == 1
    assert "9.1.0" in err and __version__ in err and "999_hover_boards" in err
    with sqlite3.connect(path) as db:
        assert list(db.iterdump()) == before
    main(["write", "show", "--store", str(path)])  # reading still works
    assert "keeper" in capsys.readouterr().out


def test_doctor_exits_non_zero_when_something_is_wrong(tmp_path, capsys):
    from punchup.cli.main import main

    healthy = tmp_path / "ok.db"
    Store(str(healthy)).close()
    main(["doctor", "--store", str(healthy)])  # no SystemExit: exit code 0
    future = tmp_path / "future.db"
    future_store(future)
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(["doctor", "--store", str(future)])
    assert exited.value.code == 1 and "9.1.0" in capsys.readouterr().out
    done = subprocess.run([sys.executable, "-m", "punchup.cli.main", "doctor", "--store", str(future)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert done.returncode == 1, done


# -- 9. the studio checkpoints on shutdown; exports are atomic and never overwrite silently ----------------
def test_after_the_studio_stops_the_db_file_alone_has_everything(tmp_path, fakes):
    from punchup.studio.web import create_app

    path = tmp_path / "studio.db"
    studio = make_studio(Store(str(path)))
    with live_server(create_app(studio)) as base, page_client(base) as http:
        new_story(http, title="Only In The WAL")
        assert Path(f"{path}-wal").stat().st_size > 0
    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    copy = tmp_path / "copied.db"
    shutil.copyfile(path, copy)  # the .db alone, as a writer backing up would
    assert [row["title"] for row in Store(str(copy)).query("SELECT title FROM stories")] == ["Only In The WAL"]


async def test_an_export_never_replaces_a_file_unless_forced(studio, tmp_path):
    await premise_story(studio)
    target = tmp_path / "mine.md"
    target.write_text("the writer's own notes")
    with pytest.raises(PunchupError, match="already exists.*--force"):
        studio.export("fountain", tmp_path / "mine.md", allow_stale=True)
    assert target.read_text() == "the writer's own notes"
    result = studio.export("fountain", target, force=True, allow_stale=True)
    assert "lighthouse" in target.read_text().lower() and result.bytes == target.stat().st_size


async def test_a_failed_export_leaves_the_old_file_and_no_partial_one(studio, tmp_path, monkeypatch):
    import screenplain.export.pdf as pdf

    await premise_story(studio)
    target = tmp_path / "light.pdf"
    studio.export("pdf", target, allow_stale=True)
    good = target.read_bytes()

    def disk_full(screenplay, path):  # writes half a file, then the disk fills
        Path(path).write_bytes(b"%PDF-1.4 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pdf, "to_pdf", disk_full)
    with pytest.raises(PunchupError, match="No space left"):
        studio.export("pdf", target, force=True, allow_stale=True)
    assert target.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir() if "light" in p.name] == ["light.pdf"]  # no temporary file left


def test_the_export_command_refuses_to_overwrite_without_force(tmp_path, capsys):
    from punchup.cli.main import main

    store = str(tmp_path / "s.db")
    main(["write", "new", "A keeper owes her life to a smuggler.", "--store", store, "--pack", "fiction"])
    target = tmp_path / "story.md"
    target.write_text("keep me")
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        main(["write", "export", "--format", "md", "-o", str(target), "--store", store, "--allow-stale"])
    err = capsys.readouterr().err.strip()
    assert exited.value.code == 2 and len(err.splitlines()) == 1 and "--force" in err
    assert target.read_text() == "keep me"
    main(["write", "export", "--format", "md", "-o", str(target), "--store", store, "--force", "--allow-stale"])
    assert "keeper" in target.read_text().lower()
