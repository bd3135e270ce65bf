"""compare_runs on real bench runs of scripted fake models."""

from __future__ import annotations

import pytest

from punchup.errors import PunchupError
from punchup.models.fake import script
from punchup.report import compare_runs, format_comparison
from punchup.report.compare import comparability_problems
from tests.report.helpers import bench_config, length_loving_judge, run_bench, script_length_writers

# Writer names are aliases, so the same name can be played by another model in a second run.
BEFORE = ["fake/long@name=alpha", "fake/short@name=beta", "fake/medium@name=gamma"]
AFTER = ["fake/short@name=alpha", "fake/long@name=beta", "fake/medium@name=gamma"]


PACKS = "fiction,camera,comedy"


def script_noisy_judge() -> None:
    """Length-loving writers and a judge that errs on a quarter of verdicts, so the CIs have width."""
    script_length_writers()
    script("judge", length_loving_judge(noise=0.25))


async def test_identical_runs_report_no_change(store):
    script_noisy_judge()
    await run_bench(store, bench_config("a", BEFORE, PACKS))
    await run_bench(store, bench_config("b", BEFORE, PACKS))  # served from the store: the same texts and verdicts
    result = compare_runs(store, "a", "b")
    assert not result.changed and result.changes == [] and result.swaps == []
    assert result.writers == ["alpha", "gamma", "beta"]
    text = format_comparison(result)
    assert "no ranking changed beyond its 95 % CI" in text and "'a' -> 'b'" in text


async def test_a_writer_that_moved_beyond_its_ci_is_reported(store):
    script_noisy_judge()
    await run_bench(store, bench_config("before", BEFORE, PACKS))
    await run_bench(store, bench_config("after", AFTER, PACKS))
    result = compare_runs(store, "before", "after")
    raw = {c.writer: c for c in result.changes if c.metric == "Elo raw"}
    assert set(raw) == {"alpha", "beta"}  # gamma kept its model, so it did not move beyond its CI
    assert raw["alpha"].before.high > raw["alpha"].before.low  # real intervals, not points
    assert raw["alpha"].delta < 0 < raw["beta"].delta
    assert raw["alpha"].before.low > raw["alpha"].after.high  # the intervals really are apart
    assert any(s.metric == "Elo raw" and (s.writer_up, s.writer_down) == ("beta", "alpha") for s in result.swaps)
    text = format_comparison(result)
    assert "changed beyond 95 % CIs:" in text and "alpha" in text and "Elo raw: beta now above alpha" in text


async def test_a_different_judge_is_refused_with_the_reason(store):
    script_length_writers()
    script("judge2", length_loving_judge())
    await run_bench(store, bench_config("a", BEFORE))
    await run_bench(store, bench_config("c", BEFORE, judge="fake/judge2"))
    with pytest.raises(PunchupError, match=r"runs 'a' and 'c' are not comparable: judge differs \(fake/judge vs fake/judge2\)"):
        compare_runs(store, "a", "c")


async def test_other_preset_settings_or_packs_are_refused(store):
    script_length_writers()
    await run_bench(store, bench_config("a", BEFORE))
    await run_bench(store, bench_config("d", BEFORE, prompts_per_pack=2))
    await run_bench(store, bench_config("e", BEFORE, "fiction,comedy"))
    with pytest.raises(PunchupError, match=r"pack 'fiction' differs .*; preset differs \(prompts_per_pack 3 vs 2\)"):
        compare_runs(store, "a", "d")
    with pytest.raises(PunchupError, match=r"packs differ \(fiction vs comedy, fiction\)"):
        compare_runs(store, "a", "e")


async def test_unknown_run_is_named(store):
    script_length_writers()
    await run_bench(store, bench_config("a", BEFORE))
    with pytest.raises(PunchupError, match="run 'missing' not found"):
        compare_runs(store, "a", "missing")


def test_pack_version_and_judge_parameter_differences_are_reasons():
    base = {"config": {"judge": "j", "preset": "quick"}, "judge_config": {"temperature": 0.0},
            "packs": [{"name": "fiction", "version": "1.0", "hash": "aaa"}]}
    other = {"config": {"judge": "j", "preset": "quick"}, "judge_config": {"temperature": 0.7},
             "packs": [{"name": "fiction", "version": "1.1", "hash": "bbb"}]}
    assert comparability_problems(base, base) == []
    assert comparability_problems(base, other) == [
        "judge parameters differ (temperature 0.0 vs 0.7)",
        "pack 'fiction' differs (version 1.0 hash aaa vs version 1.1 hash bbb)",
    ]


async def test_different_writer_pools_compare_order_not_elo_values(store):
    script_length_writers()
    await run_bench(store, bench_config("three", BEFORE))
    await run_bench(store, bench_config("two", BEFORE[:2]))
    result = compare_runs(store, "three", "two")
    assert result.only_a == ["gamma"] and result.only_b == []
    assert not [c for c in result.changes if c.metric.startswith("Elo")]
    assert "Elo values are not compared" in format_comparison(result)
