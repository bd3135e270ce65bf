"""`punchup write ...` through the real console script, with fake models (no model files needed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_punchup
from tests.cli.test_foundation import assert_one_line_error


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"PUNCHUP_STORE": str(tmp_path / "studio.db"), "PUNCHUP_MODEL": "fake/cli-writer"}


def ok(*args: str, env: dict[str, str], cwd: Path | None = None) -> str:
    result = run_punchup("write", *args, env=env, cwd=cwd)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_new_expand_choose_edit_show_export(tmp_path, env):
    assert "story 1: The Light (screenplay" in ok("new", "A keeper owes her life to a smuggler.", "--title", "The Light", env=env)
    expanded = ok("expand", "logline", "-n", "2", env=env)
    assert "premise: 2 alternatives on seeds 0–1, best first" in expanded and "[1]" in expanded and "[2]" in expanded
    assert "judge: craft/heuristic-lm" in expanded and "2 model calls" in expanded  # 2 drafts; the judge makes no generation calls
    again = ok("expand", "logline", "-n", "2", env=env)
    assert "0 model calls" in again  # drafts from the call cache, judgments from the judgments table
    ok("choose", "premise", "2", env=env)
    ok("expand", "premise", "-n", "1", "--judge", "none", env=env)
    ok("choose", "characters", "1", env=env)

    mine = tmp_path / "premise.txt"
    mine.write_text("Nell keeps the last light and owes her life to Cal.\n", encoding="utf-8")
    edited = ok("edit", "premise", "--file", str(mine), env=env)
    assert edited.startswith("premise: fresh") and "Nell keeps the last light" in edited

    shown = ok("show", env=env)
    lines = {line.split()[0]: line for line in shown.splitlines()[1:] if line.strip() and not line.strip().startswith("↳")}
    assert "stale" in lines["characters"] and "fresh" in lines["premise"] and "fresh" in lines["logline"]
    assert "premise changed" in shown
    detail = json.loads(ok("show", "premise", "--json", env=env))
    assert detail["node"]["text"] == "Nell keeps the last light and owes her life to Cal."  # the file's final newline dropped
    assert len(detail["alternatives"]) == 2 and detail["node"]["human_percent"] > 50

    ok("expand", "characters", "-n", "1", "--judge", "none", env=env)
    ok("choose", "beats", "1", env=env)
    ok("expand", "beats", "-n", "1", "--judge", "none", "--scenes", "1", env=env)
    ok("choose", "scene-1", "1", env=env)
    ok("expand", "scene 1", "-n", "1", "--judge", "none", env=env)
    ok("choose", "Script-1", "1", env=env)
    cascaded = ok("cascade", "premise", env=env)
    assert "cascade from premise:" in cascaded and "characters" in cascaded and "->" in cascaded

    written = ok("export", "--format", "fountain", "-o", str(tmp_path / "light.fountain"), env=env)
    assert "wrote" in written
    fountain = (tmp_path / "light.fountain").read_text(encoding="utf-8")
    assert fountain.startswith("Title: The Light") and "# Beat 1" in fountain
    ok("export", "--format", "pdf", env=env, cwd=tmp_path)  # default name from the title, in the current folder
    assert (tmp_path / "the-light.pdf").read_bytes()[:4] == b"%PDF"

    report = json.loads(ok("authorship", "--json", env=env))
    assert sum(share["percent"] for share in report["shares"]) == pytest.approx(100.0)
    assert "human-written" in ok("authorship", env=env)
    assert "story 1: The Light" in ok("stories", env=env)


def test_lock_undo_and_rewrite(tmp_path, env):
    ok("new", "A keeper owes her life to a smuggler.", env=env)
    ok("expand", "logline", "-n", "1", "--judge", "none", env=env)
    ok("choose", "premise", "1", env=env)
    ok("lock", "premise", env=env)
    assert_one_line_error(run_punchup("write", "rewrite", "premise", "--span", "0:4", "-i", "x", "--pick", "1", env=env),
                          "'premise' is locked")
    ok("unlock", "premise", env=env)
    before = json.loads(ok("show", "premise", "--json", env=env))["node"]
    board = ok("rewrite", "premise", "--span", "0:4", "-i", "sharper", "-n", "2", env=env)
    assert "rewrites of the passage" in board and "[1]" in board and "[2]" in board and "nothing saved" in board
    assert json.loads(ok("show", "premise", "--json", env=env))["node"]["versions"] == before["versions"]
    picked = ok("rewrite", "premise", "--span", "0:4", "-i", "sharper", "-n", "2", "--pick", "2", env=env)
    assert "put [2] in → premise: fresh" in picked and "0 model calls" in picked  # drawn again from the store
    assert json.loads(ok("show", "premise", "--json", env=env))["node"]["versions"] == before["versions"] + 1
    undone = ok("undo", "premise", env=env)
    assert undone.startswith("premise: fresh")
    # Without --file, edit opens $EDITOR on the current text (here a sed that prefixes it).
    edited = ok("edit", "premise", env={**env, "EDITOR": "sed -i -e '1s/^/By hand: /'"})
    assert "By hand: " in edited
    detail = json.loads(ok("show", "premise", "--json", env=env))
    assert detail["node"]["text"].startswith("By hand: ") and detail["provenance"][0]["source"]["kind"] == "human"


@pytest.fixture(scope="module")
def story_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """One story with a chosen premise, shared by the bad-input cases (which must not change it)."""
    folder = tmp_path_factory.mktemp("bad-input")
    shared = {"PUNCHUP_STORE": str(folder / "studio.db"), "PUNCHUP_MODEL": "fake/cli-writer"}
    ok("new", "A keeper owes her life to a smuggler.", env=shared)
    ok("expand", "logline", "-n", "1", "--judge", "none", env=shared)
    ok("choose", "premise", "1", env=shared)
    return shared


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("choose", "villain", "1"), "unknown node 'villain'"),
        (("choose", "premise", "9"), "'premise' has no alternative 9"),
        (("choose", "scene-4", "1"), "no node 'scene-4'"),
        (("rewrite", "premise", "--span", "5-9", "-i", "x"), "is not START:END"),
        (("rewrite", "premise", "--span", "0:99999", "-i", "x"), "is not inside the text"),
        (("rewrite", "premise", "-i", "x"), "give exactly one of a passage"),
        (("rewrite", "premise", "--quote", "not in it"), "is not in the text"),
        (("rewrite", "premise", "--line", "9"), "there is no line 9"),
        (("alts",), "give --setup"),
        (("alts", "premise", "--quote", "x", "--setup", "y"), "--setup is for a bare joke"),
        (("punchup", "premise", "--accept", "x"), "is not LINE:ALT"),
        (("story", "--structure", "sitcom"), "unknown structure 'sitcom'"),
        (("expand", "premise", "--format", "sitcom"), "Invalid value for '--format'"),
        (("edit", "logline", "--file", "missing.txt"), "file not found"),
        (("show", "--story", "42"), "no story 42"),
        (("export", "--format", "md"), "screenplay exports as fountain or pdf or fdx"),
        (("expand", "beats"), "choose or write 'characters' before expanding 'beats'"),
        (("undo", "characters"), "no node 'characters'"),
        (("new", "x", "--pack", "comedy"), "for comedy alts use: punchup write alts"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(story_env, args, fragment):
    assert_one_line_error(run_punchup("write", *args, env=story_env), fragment)


def test_no_story_yet(env):
    assert_one_line_error(run_punchup("write", "show", env=env), "no stories in this store yet")
    assert "no stories yet" in ok("stories", env=env)


def test_alts_rank_your_own_and_more_draws_new_seeds(tmp_path, env):
    mine = tmp_path / "mine.txt"
    mine.write_text("1. He says my gums have a lot of potential.\n2. He tips me now.\n", encoding="utf-8")
    first = run_punchup("write", "alts", "--setup", "My dentist retired.", "-n", "3", "--mine", str(mine), env=env)
    assert first.returncode == 0, first.stderr
    assert "alts for “My dentist retired.”" in first.stdout and "3 new on seeds 0–2" in first.stdout
    assert "[W1]" in first.stdout and "yours" in first.stdout and "★" in first.stdout
    assert first.stderr.count("alts ") == 3 and "1/3" in first.stderr  # a progress line per alt as it lands
    again = ok("alts", "--setup", "My dentist retired.", "-n", "3", env=env)
    assert "0 model calls" in again
    more = ok("alts", "--setup", "My dentist retired.", "-n", "2", "--more", env=env)
    assert "2 new on seeds 3–4, with 3 drawn before (seeds 0–2)" in more and "2 model calls" in more


def test_expand_more_brings_new_alternatives_and_prints_progress(env):
    ok("new", "A keeper owes her life to a smuggler.", env=env)
    ok("expand", "logline", "-n", "2", "--judge", "none", "--notes", "winter", env=env)
    ok("choose", "premise", "1", env=env)
    more = run_punchup("write", "expand", "premise", "--more", "-n", "2", "--judge", "none", env=env)
    assert more.returncode == 0, more.stderr
    assert "premise: 2 new alternatives on seeds 2–3" in more.stdout and "2 model calls" in more.stdout
    assert "premise 1/2" in more.stderr and "premise 2/2" in more.stderr
    detail = json.loads(ok("show", "premise", "--json", env=env))
    assert sorted(a["seed"] for a in detail["alternatives"]) == [0, 1, 2, 3]
    assert [a["recipe"]["steering"]["notes"] for a in detail["alternatives"] if a["seed"] < 2] == ["winter", "winter"]
    shown = ok("show", env=env)
    assert "alt 1/4" in shown  # premise: alternative 1 of 4 is the chosen text
    ok("edit", "premise", "--file", str(_write(env, "Rain hammers the rock all winter while Nell counts ships.")), env=env)
    assert "alt 1/4" not in ok("show", env=env)  # the writer's own text now, not an alternative
    assert "⟨ai fake" not in ok("show", "premise", "--provenance", env=env)


def test_a_pass_and_a_pick_by_quote(env):
    ok("new", "A keeper owes her life to a smuggler.", env=env)
    ok("edit", "premise", "--file", str(_write(env, 'Nell keeps the light. "You cannot stay," she tells Cal. He stays.')), env=env)
    passed = ok("punchup", "premise", "-n", "2", "--judge", "none", env=env)
    assert passed.startswith("punch-up pass over premise:") and "line 1:" in passed and "nothing saved" in passed
    accepted = ok("punchup", "premise", "-n", "2", "--judge", "none", "--accept", "1:2", env=env)
    assert "accepted → premise" in accepted and "0 model calls" in accepted
    shown = ok("show", "premise", "--provenance", env=env)
    assert "⟨ai fake/cli-writer:" in shown
    story = ok("story", "--title", "The Lamp", "--author", "Ada Writer", "--structure", "tv-half-hour", env=env)
    assert "The Lamp, by Ada Writer" in story and "structure: tv-half-hour" in story


def _write(env: dict[str, str], text: str) -> Path:
    path = Path(env["PUNCHUP_STORE"]).with_suffix(f".{abs(hash(text))}.txt")
    path.write_text(text, encoding="utf-8")
    return path
