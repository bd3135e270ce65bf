"""The calibration report's figures from hand-made verdicts: accuracy, by length, by source, ties and flips."""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from punchup.analysis.calibrate import LoadedPair, PreferencePair, summarise
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
