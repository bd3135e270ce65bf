"""Kill the bench with SIGKILL at random moments, run the same command again: nothing lost,
nothing duplicated, no recorded call repeated, and the same rankings as an uninterrupted run."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_punchup

PUNCHUP = str(Path(sys.executable).with_name("punchup"))


def bench_args(store: str, run: str, *extra: str) -> list[str]:
    report = str(Path(store).with_suffix(f".{run}.html"))  # beside the store, never in the repo
    return [PUNCHUP, "bench", "--run", run, "--store", store, "--report", report, *extra]


def successful_calls(store: str) -> dict[str, str]:
    with sqlite3.connect(store) as db:
        duplicated = db.execute(
            "SELECT COUNT(*) FROM (SELECT key FROM calls WHERE error IS NULL GROUP BY key HAVING COUNT(*) > 1)"
        ).fetchone()[0]
        assert duplicated == 0
        return dict(db.execute("SELECT key, text FROM calls WHERE error IS NULL"))


def run_items(store: str, kind: str) -> dict[str, str]:
    with sqlite3.connect(store) as db:
        return dict(db.execute("SELECT item_key, data FROM run_items WHERE kind = ?", (kind,)))


def finished_generations(store: str) -> int:
    """0 until the store exists and its migrations have run (the bench may be starting up)."""
    if not Path(store).exists():
        return 0
    try:
        return len(run_items(store, "generation"))
    except sqlite3.OperationalError:
        return 0


def summary(store: str, run: str) -> dict:
    result = run_punchup("results", "--run", run, "--json", "--store", store)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def recorded_calls(store: str) -> int:
    """0 until the store exists and its migrations have run (the bench may be starting up)."""
    if not Path(store).exists():
        return 0
    try:
        with sqlite3.connect(store) as db:
            return db.execute("SELECT COUNT(*) FROM calls WHERE error IS NULL").fetchone()[0]
    except sqlite3.OperationalError:
        return 0


def kill_repeatedly(args: list[str], env: dict[str, str], store: str, kills: int, seed: int) -> int:
    """SIGKILL the bench `kills` times, at moments tied to its progress rather than to the clock.

    Every fourth life is cut short at start-up (opening the store, migrating,
    loading packs); the others once at least one new call is recorded, plus a
    random fraction of a call. Each life therefore adds a little work, on a
    fast machine or a slow one, and the run cannot finish before the last kill.
    """
    rng = random.Random(seed)
    done = 0
    for _ in range(kills * 3):
        before = recorded_calls(store)
        process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if done % 4 == 3:
            time.sleep(rng.uniform(0.05, 0.3))
        else:
            deadline = time.monotonic() + 60
            while recorded_calls(store) == before and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.15))
        if process.poll() is not None:
            break  # the run finished before this kill: nothing left to interrupt
        process.send_signal(signal.SIGKILL)
        process.wait()
        done += 1
        if done == kills:
            break
    return done


def test_twenty_sigkills_with_fake_models(tmp_path):
    env = {**os.environ, "PUNCHUP_FAKE_LATENCY": "0.05,0.15", "COLUMNS": "200"}
    extra = ("--writers", "fake/alpha,fake/beta,fake/gamma", "--judge", "fake/judge", "--packs", "fiction,comedy,poetry",
             "--concurrency", "2")
    clean = str(tmp_path / "clean.db")
    subprocess.run(bench_args(clean, "kill", *extra), env=env, check=True, capture_output=True, timeout=300)
    killed = str(tmp_path / "killed.db")
    kills = kill_repeatedly(bench_args(killed, "kill", *extra), env, killed, kills=20, seed=3)
    assert kills == 20
    assert 0 < recorded_calls(killed) < recorded_calls(clean)  # the kills left work half done
    finished = subprocess.run(bench_args(killed, "kill", *extra), env=env, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert successful_calls(killed).keys() == successful_calls(clean).keys()  # nothing lost, nothing extra
    for kind in ("generation", "rubric", "pair"):
        assert run_items(killed, kind) == run_items(clean, kind)
    assert summary(killed, "kill")["leaderboard"] == summary(clean, "kill")["leaderboard"]
    again = run_punchup(*bench_args(killed, "kill", *extra)[1:], env={"PUNCHUP_FAKE_LATENCY": "0"})
    assert "0 model calls made" in again.stdout  # a finished call is never repeated


@pytest.mark.real
def test_sigkill_mid_run_with_the_real_model(tmp_path):
    # The real model writes; the built-in judge keeps the test about resuming, not about judge speed.
    extra = ("--writers", "local/smollm2,local/smollm2@temp=1.2;name=hot", "--judge", "craft/heuristic",
             "--packs", "fiction,poetry", "--prompts", "2", "--max-tokens", "64")
    clean = str(tmp_path / "clean.db")
    subprocess.run(bench_args(clean, "real", *extra), check=True, capture_output=True, timeout=600)
    total = len(run_items(clean, "generation"))
    killed = str(tmp_path / "killed.db")
    process = subprocess.Popen(bench_args(killed, "real", *extra), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None:
        if finished_generations(killed) >= 2:
            break  # some generations finished, others not yet
        time.sleep(0.05)
    assert process.poll() is None, "the run finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = successful_calls(killed)
    assert 0 < len(partial) < total
    subprocess.run(bench_args(killed, "real", *extra), check=True, capture_output=True, timeout=600)
    resumed = successful_calls(killed)
    assert all(resumed[key] == text for key, text in partial.items())  # nothing recorded was redone or changed
    assert resumed == successful_calls(clean)  # seeded sampling: byte-identical texts
    assert summary(killed, "real")["leaderboard"] == summary(clean, "real")["leaderboard"]


def test_readers_work_while_a_bench_writes(tmp_path):
    store = str(tmp_path / "shared.db")
    env = {**os.environ, "PUNCHUP_FAKE_LATENCY": "0.01,0.05"}
    extra = ("--writers", "fake/a,fake/b", "--judge", "fake/j", "--packs", "fiction", "--concurrency", "2")
    subprocess.run(bench_args(store, "first", *extra), env=env, check=True, capture_output=True, timeout=300)
    writer = subprocess.Popen(bench_args(store, "second", *extra, "--packs", "fiction,poetry,comedy"), env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    reads = 0
    while writer.poll() is None:
        for command in (("results", "--run", "first", "--csv"), ("doctor",)):
            result = run_punchup(*command, "--store", store)
            assert result.returncode == 0, result.stderr
            reads += 1
    assert writer.returncode == 0, writer.stderr.read()
    assert reads >= 2
    assert summary(store, "second")["leaderboard"]
