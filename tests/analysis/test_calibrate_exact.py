"""The calibration report's figures from hand-made verdicts: accuracy, by length, by source, ties and flips."""

from __future__ import annotations

import hashlib
import inspect
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from punchup.analysis import calibrate as calibrate_module
from punchup.analysis.calibrate import (
    CALIBRATION_PACK,
    LoadedPair,
    PreferencePair,
    calibrate,
    load_calibrations,
    prompt_for,
    save_calibration,
    summarise,
)
from punchup.analysis.ranking import rubric_mean_ci
from punchup.judging.factory import JudgeSet
from punchup.judging.records import PairResult


def words(n: int) -> str:
    return " ".join(["word"] * n)


def verdict(score_x: float | None, flips: int = 0, ok: bool = True, error: str | None = None) -> PairResult:
    return PairResult(ok=ok, judge="j", pack="prose", pack_version="1", prompt_id="p", score_x=score_x, flips=flips,
                      error=error)


# (words in a, words in b, preferred, source or None for the file name, the judge's score for a, flips)
CASES = [
    (30, 10, "a", "editors", 1.0, 0),  # experts: longer; judge picks the longer a: credit 1
    (10, 30, "b", "editors", 0.5, 1),  # experts: longer; the orders disagreed, a tie: credit 0.5
    (40, 12, "b", "editors", 1.0, 0),  # experts: shorter; judge picks the longer a: credit 0
    (20, 20, "a", "other", 0.0, 0),  # equal length: no length split; judge picks b: credit 0
    (5, 15, "a", None, 1.0, 0),  # experts: shorter; judge picks the shorter a: credit 1
    (12, 6, "a", None, 0.75, 1),  # experts: longer; a panel three-quarters for a: credit 0.75
]
FAILED = (8, 9, "a", "editors", None, 0)


def loaded_cases(tmp_path: Path) -> tuple[list[Path], list[LoadedPair], list[PairResult]]:
    first, second = tmp_path / "cal.jsonl", tmp_path / "second:part.jsonl"  # a colon: "file:line" splits at the last
    first.write_text("six pairs\n", encoding="utf-8")
    second.write_text("one pair\n", encoding="utf-8")
    loaded, results = [], []
    for number, (a, b, preferred, source, score, flips) in enumerate([*CASES, FAILED], start=1):
        path = second if number == 7 else first
        pair = PreferencePair(text_a=words(a), text_b=words(b), preferred=preferred, source=source)
        loaded.append(LoadedPair(pair=pair, source=source or path.name, where=f"{path}:{number}"))
        results.append(verdict(None, ok=False, error="judge call failed: boom") if number == 7 else verdict(score, flips))
    return [first, second], loaded, results


def test_report_figures_by_hand(tmp_path):
    paths, loaded, results = loaded_cases(tmp_path)
    report = summarise(JudgeSet("fake/j", None, None, []), paths, loaded, results, wall_time_s=1.23456)
    assert (report.pairs, report.judged, report.failed) == (7, 6, 1)
    assert report.errors == ["judge call failed: boom"]
    assert report.accuracy == pytest.approx((1 + 0.5 + 0 + 0 + 1 + 0.75) / 6)  # 0.5417
    assert report.ci_low < report.accuracy < report.ci_high
    assert report.ties == 1  # only an exact 0.5 is a tie; the panel's 0.75 is a decided verdict
    assert report.flips == 2 and report.flip_rate == pytest.approx(2 / 6)
    assert (report.longer_preferred.pairs, report.longer_preferred.accuracy) == (3, pytest.approx((1 + 0.5 + 0.75) / 3))
    assert (report.shorter_preferred.pairs, report.shorter_preferred.accuracy) == (2, pytest.approx(0.5))
    # Decided verdicts on unequal lengths: cases 1, 3, 5, 6; the judge chose the longer text in 1, 3 and 6.
    assert report.judge_picked_longer == pytest.approx(3 / 4)
    assert report.experts_picked_longer == pytest.approx(3 / 5)  # cases 1, 2, 6 of the five unequal ones
    assert {name: (split.pairs, split.accuracy) for name, split in report.by_source.items()} == {
        "cal.jsonl": (2, pytest.approx(0.875)), "editors": (3, pytest.approx(0.5)), "other": (1, 0.0)}
    assert list(report.by_source) == ["cal.jsonl", "editors", "other"]
    assert [(f.file, f.pairs) for f in report.data_files] == [("cal.jsonl", 6), ("second:part.jsonl", 1)]
    assert report.data_files[0].sha256 == hashlib.sha256(b"six pairs\n").hexdigest()
    assert report.source == "cal.jsonl, second:part.jsonl" and report.judge == "fake/j" and report.wall_time_s == 1.235
    # The interval is the 2,000-draw, seed-0 bootstrap of the six credits: the same on every run.
    credits = [1, 0.5, 0, 0, 1, 0.75]
    assert (report.accuracy, report.ci_low, report.ci_high) == rubric_mean_ci(credits, n_boot=2000, seed=0)
    assert report.training_sources == [] and not any(split.training for split in report.by_source.values())


def test_sources_the_judge_was_fitted_on_are_labelled_training(tmp_path):
    paths, loaded, results = loaded_cases(tmp_path)
    fitted = SimpleNamespace(fitted_sources=["editors", "not in this data"])
    report = summarise(JudgeSet("fake/fitted", None, fitted, []), paths, loaded, results, wall_time_s=0)
    assert {name: split.training for name, split in report.by_source.items()} == {
        "cal.jsonl": False, "editors": True, "other": False}
    assert report.training_sources == ["editors", "not in this data"]


def test_a_panel_makes_one_order_comparison_per_member(tmp_path):
    paths, loaded, results = loaded_cases(tmp_path)
    report = summarise(JudgeSet("fake/a+fake/b", None, None, []), paths, loaded, results, wall_time_s=0)
    assert report.flip_rate == pytest.approx(2 / 12)


def test_the_data_key_names_the_data_not_the_order_of_files(tmp_path):
    paths, loaded, results = loaded_cases(tmp_path)
    judges = JudgeSet("fake/j", None, None, [])
    forward = summarise(judges, paths, loaded, results, 0)
    backward = summarise(judges, list(reversed(paths)), loaded, results, 0)
    assert forward.data_key == backward.data_key
    paths[1].write_text("other data\n", encoding="utf-8")
    assert summarise(judges, paths, loaded, results, 0).data_key != forward.data_key


def test_nothing_judged_has_no_figures(tmp_path):
    paths, loaded, _ = loaded_cases(tmp_path)
    failures = [verdict(None, ok=False, error="bad") for _ in loaded[:3]] + [verdict(None, ok=True)]
    report = summarise(JudgeSet("fake/j", None, None, []), paths, loaded[:4], failures, 0)
    assert (report.judged, report.failed, report.errors) == (0, 4, ["bad", "no verdict"])
    assert report.accuracy is report.ci_low is report.ci_high is report.flip_rate is None
    assert report.judge_picked_longer is None and report.experts_picked_longer is None
    assert report.longer_preferred.accuracy is None and report.by_source == {}


def test_only_the_first_three_distinct_errors_are_kept(tmp_path):
    paths, loaded, _ = loaded_cases(tmp_path)
    # Five failures, four distinct reasons ("e2" twice): sorted e1, e2, e3, e4; the report keeps three.
    failures = [verdict(None, ok=False, error=e) for e in ("e4", "e2", "e1", "e3", "e2")]
    report = summarise(JudgeSet("fake/j", None, None, []), paths, loaded[:5], failures, 0)
    assert (report.failed, report.errors) == (5, ["e1", "e2", "e3"])


def test_the_interval_is_a_2000_draw_seed_0_bootstrap(tmp_path, monkeypatch):
    # The six credits' bootstrap percentiles land on multiples of 1/24 whatever the draws, so the interval
    # alone cannot show the draw count or the seed: read them off the call (defaults filled in).
    calls = []

    def spy(*args, **kwargs):
        bound = inspect.signature(rubric_mean_ci).bind(*args, **kwargs)
        bound.apply_defaults()
        calls.append(dict(bound.arguments))
        return rubric_mean_ci(*args, **kwargs)

    monkeypatch.setattr(calibrate_module, "rubric_mean_ci", spy)
    paths, loaded, results = loaded_cases(tmp_path)
    summarise(JudgeSet("fake/j", None, None, []), paths, loaded, results, 0)
    assert calls == [{"values": [1.0, 0.5, 0.0, 0.0, 1.0, 0.75], "n_boot": 2000, "seed": 0}]


def test_the_brief_id_is_brief_and_16_hex_digits_of_the_text_hash():
    # content_key hashes the canonical JSON of the text: the quoted string, so sha256('"..."').
    def expected(text: str) -> str:
        return "brief-" + hashlib.sha256(json.dumps(text).encode("utf-8")).hexdigest()[:16]

    spec = prompt_for(PreferencePair(text_a="x", text_b="y", preferred="a", prompt="  Write about rain.  "))
    assert (spec.id, spec.text) == (expected("Write about rain."), "Write about rain.")
    assert len(spec.id) == len("brief-") + 16
    for blank in (None, "", "   "):
        spec = prompt_for(PreferencePair(text_a="x", text_b="y", preferred="a", prompt=blank))
        assert (spec.id, spec.text) == (expected("Write a literary paragraph."), "Write a literary paragraph.")


class Clock:
    """time.monotonic for the calibrate module only (asyncio keeps the real one): readings in order."""

    def __init__(self, *readings: float):
        self.readings = list(readings)

    def monotonic(self) -> float:
        return self.readings.pop(0)


class PicksA:
    """A judge that always prefers text a (score 1.0): not refittable."""

    async def judge_pair(self, pack, prompt, text_a, text_b):
        return verdict(1.0)


class Refitted:
    """What FittableA.refit returns: score for a = training pairs / 10 (so each held-out figure names its fit)."""

    def __init__(self, pairs, seen):
        self.score, self.seen = len(pairs) / 10, seen

    async def judge_pair(self, pack, prompt, text_a, text_b):
        self.seen.append((pack, prompt, text_a))
        return verdict(self.score)


class FittableA(PicksA):
    """As shipped: always a, fitted on source x. Refittable: has fitted_sources and refit."""

    def __init__(self):
        self.fitted_sources, self.refits, self.seen = ["x"], [], []

    def refit(self, pairs, sources):
        self.refits.append((pairs, sources))
        return Refitted(pairs, self.seen)


def two_source_data(tmp_path: Path) -> Path:
    rows = [
        {"text_a": "x one a", "text_b": "x one b", "preferred": "a", "source": "x"},
        {"text_a": "x two a", "text_b": "x two b", "preferred": "a", "source": "x", "prompt": "Write about rain."},
        {"text_a": "y one a", "text_b": "y one b", "preferred": "b", "source": "y"},
    ]
    data = tmp_path / "two.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return data


async def test_a_judge_that_cannot_be_refitted_reports_the_judging_time(store, tmp_path, monkeypatch):
    clock = Clock(100.0, 102.5)  # started, after judging: 2.5 s
    monkeypatch.setattr(calibrate_module, "time", clock)
    report = await calibrate(JudgeSet("fake/j", None, PicksA(), []), [two_source_data(tmp_path)], store)
    # Always a: credits 1, 1 (x prefers a) and 0 (y prefers b).
    assert (report.accuracy, report.wall_time_s, report.held_out, clock.readings) == (pytest.approx(2 / 3), 2.5, {}, [])


async def test_a_refittable_judge_is_scored_on_each_source_it_was_not_refitted_on(store, tmp_path, monkeypatch):
    clock = Clock(100.0, 102.5, 104.2567)  # started, after judging, after the held-out refits: 4.2567 s
    monkeypatch.setattr(calibrate_module, "time", clock)
    judge = FittableA()
    report = await calibrate(JudgeSet("fake/j", None, judge, []), [two_source_data(tmp_path)], store)
    assert report.accuracy == pytest.approx(2 / 3) and report.by_source["x"].training
    # Hold out x: refit on y's one pair (b preferred) -> score 0.1 for a; x prefers a: credits 0.1, 0.1.
    # Hold out y: refit on x's two pairs (a preferred) -> score 0.2 for a; y prefers b: credit 0.8.
    held_out = {name: (f.pairs, f.accuracy, f.fitted_on, f.training_pairs) for name, f in report.held_out.items()}
    assert held_out == {"x": (2, pytest.approx(0.1), ["y"], 1), "y": (1, pytest.approx(0.8), ["x"], 2)}
    assert judge.refits == [([("y one a", "y one b", False)], ["y"]),
                            ([("x one a", "x one b", True), ("x two a", "x two b", True)], ["x"])]
    # The refitted judges see the calibration pack and each pair's own brief.
    assert [(pack is CALIBRATION_PACK, prompt.text, text_a) for pack, prompt, text_a in judge.seen] == [
        (True, "Write a literary paragraph.", "x one a"), (True, "Write about rain.", "x two a"),
        (True, "Write a literary paragraph.", "y one a")]
    assert report.wall_time_s == 4.257 and clock.readings == []  # the whole run, to the millisecond
    (stored,) = load_calibrations(store, "fake/j")
    assert stored.held_out == report.held_out and stored.wall_time_s == 4.257


def test_stored_calibrations_come_back_newest_first_past_unreadable_ones(store, tmp_path):
    paths, loaded, results = loaded_cases(tmp_path)
    base = summarise(JudgeSet("fake/j", None, None, []), paths, loaded, results, 0)
    # Records are read in data-key order: "0-bad", "a-old", "b-new", "c-mid"; the newest first is b, c, a.
    store.put_run_item("calibration:fake/j", "calibration", "0-bad", {"judge": "fake/j"})  # another version's record
    for key, created in (("a-old", "2024-01-01T00:00:00Z"), ("b-new", "2026-01-01T00:00:00Z"),
                         ("c-mid", "2025-01-01T00:00:00Z")):
        save_calibration(store, base.model_copy(update={"data_key": key, "created_at": created}))
    assert [r.data_key for r in load_calibrations(store, "fake/j")] == ["b-new", "c-mid", "a-old"]
    assert load_calibrations(store, "fake/other") == []
