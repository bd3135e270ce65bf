"""`punchup doctor`'s findings on stores made to have each problem, and what the command prints."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from punchup.analysis.calibrate import CalibrationReport, Split, save_calibration
from punchup.store import Store
from punchup.store.doctor import examine
from tests.conftest import run_punchup

ORPHAN_ITEMS = "run items of runs that do not exist"
UNFINISHED = "runs without a finished summary"
FAILED_CALLS = "failed calls never retried successfully"


def call(store: Store, key: str, error: str | None = None) -> None:
    store.put_call(key, "fake/m", [{"role": "user", "content": "hi"}], {}, 0,
                   result=None if error else {"text": "hello"}, error=error)


def test_a_clean_store_has_no_findings(tmp_path: Path):
    store = Store(str(tmp_path / "clean.db"))
    store.put_run("done", {})
    store.put_run_item("done", "summary", "summary", {})
    call(store, "k1")
    report = examine(store)
    assert report.integrity == "ok" and report.missing == [] and report.unknown == [] and report.healthy
    assert report.counts == {"calls": 1, "judgments": 0, "runs": 1, "run_items": 1}
    assert report.findings == {}


def test_each_finding_is_counted(tmp_path: Path):
    store = Store(str(tmp_path / "messy.db"))
    store.put_run("finished", {})
    store.put_run_item("finished", "summary", "summary", {})
    store.put_run("interrupted", {})  # no summary: a bench that never finished
    store.put_run_item("interrupted", "generation", "g1", {})
    store.put_run_item("deleted-run", "generation", "g1", {})  # two items of a run that is gone
    store.put_run_item("deleted-run", "generation", "g2", {})
    call(store, "failed-once", error="timeout")
    call(store, "failed-once")  # retried successfully: not a finding
    call(store, "failed-for-good", error="timeout")
    call(store, "failed-twice", error="timeout")
    call(store, "failed-twice", error="500")
    report = examine(store)
    assert report.findings == {ORPHAN_ITEMS: 2, UNFINISHED: 1, FAILED_CALLS: 2}
    assert report.healthy  # findings are notes, not damage


def test_a_calibration_is_not_an_orphan(tmp_path: Path):
    # Calibrations are kept as run items of "calibration:<judge>" without a row in runs (so that "the latest
    # run" never picks one); the doctor must not report them as items of a deleted run.
    store = Store(str(tmp_path / "calibrated.db"))
    empty = Split(pairs=0, accuracy=None)
    save_calibration(store, CalibrationReport(
        judge="craft/heuristic", source="dev.jsonl", data_key="k", data_files=[], pairs=0, judged=0, failed=0,
        accuracy=None, ci_low=None, ci_high=None, ties=0, flips=0, flip_rate=None, longer_preferred=empty,
        shorter_preferred=empty, judge_picked_longer=None, experts_picked_longer=None, by_source={},
        wall_time_s=0.0, created_at="2026-01-01T00:00:00+00:00"))
    assert store.count("run_items") == 1
    assert examine(store).findings == {}


def test_a_store_from_a_newer_punchup_is_unhealthy(tmp_path: Path):
    path = tmp_path / "newer.db"
    Store(str(path)).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO migrations (name, applied_at) VALUES ('9999_from_the_future', 'x')")
    report = examine(Store(str(path)))
    assert report.unknown == ["9999_from_the_future"] and report.missing == [] and not report.healthy
    result = run_punchup("doctor", "--store", str(path))
    assert result.returncode == 1
    assert "from a newer punchup: 9999_from_the_future" in result.stdout


def test_the_command_prints_findings_and_exits_by_health(tmp_path: Path):
    path = tmp_path / "cli.db"
    store = Store(str(path))
    store.put_run("interrupted", {})
    store.close()
    result = run_punchup("doctor", "--store", str(path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"store      {path}"
    assert lines[1] == "integrity  ok"
    assert lines[2].startswith("migrations ") and lines[2].endswith(" applied")
    assert lines[3] == "records    0 calls, 0 judgments, 1 runs, 0 run_items"
    assert lines[4:] == [f"note       1 {UNFINISHED}"]
