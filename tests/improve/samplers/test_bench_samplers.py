"""Samplers inside `punchup bench` on fake writers: traces on records, costs in the summary, the
selection-bias warning and the report's writer table; a re-run makes no model calls."""

from __future__ import annotations

from punchup.bench.config import BenchConfig
from punchup.bench.run import Bench
from punchup.judging.factory import DEFAULT_JUDGE
from punchup.models.fake import script
from punchup.report.render import render_report
from punchup.store import Store

WRITERS = ["fake/plainw", "fake/plainw@best_of=3;name=bo3", "fake/plainw@best_of=2;judge=fake/pickjudge;name=bo2"]


def config(judge=DEFAULT_JUDGE):
    return BenchConfig.build("samplers", WRITERS, judge, "fiction", "quick", None, 0, None, prompts=2)


async def test_best_of_writers_in_a_bench_record_costs_and_warn_on_the_shared_judge(tmp_path):
    script("plainw")
    script("pickjudge")
    store = Store(str(tmp_path / "s.db"))
    summary = await Bench(config(), store).run()
    records = dict(store.run_items("samplers", "generation"))
    bo3 = [r for r in records.values() if r["writer"] == "bo3"]
    assert len(bo3) == 2 and all(r["ok"] and r["sampler"]["n"] == 3 and len(r["sampler"]["candidates"]) == 3 for r in bo3)
    assert all("sampler" not in r for r in records.values() if r["writer"] == "fake/plainw")
    costs = summary.samplers
    assert set(costs) == {"bo3", "bo2"} and costs["bo3"].texts == 2 and costs["bo3"].mean_cost_multiplier > 1
    warnings = summary.judge_quality.warnings
    # bo3 picks with the default judge, which also judges this bench; bo2 picks with another judge.
    assert any(w.startswith("selection bias: writer 'bo3'") and DEFAULT_JUDGE in w for w in warnings)
    assert not any("'bo2'" in w for w in warnings)

    html = render_report(store, "samplers")
    assert f"best of 3 (picked by {DEFAULT_JUDGE}, pairwise)" in html and "best of 2 (picked by fake/pickjudge, pairwise)" in html
    assert "selection bias: writer &#39;bo3&#39;" in html or "selection bias: writer 'bo3'" in html
    assert "generation cost ×" in html

    # The same bench again: every generation, candidate and pick comes from the store.
    again = Bench(config(), Store(str(tmp_path / "s.db")))
    await again.run()
    assert sum(c["made"] for c in again.models.call_counts().values()) == 0
    assert vars(again.writer_models.stats[f"fake/plainw@best_of(n=3,judge={DEFAULT_JUDGE},select=pairwise)"]) == \
        {"made": 0, "cached": 2, "failed": 0}


async def test_judged_by_another_judge_there_is_no_selection_warning(tmp_path):
    script("plainw")
    script("pickjudge")
    script("benchjudge")
    summary = await Bench(config("fake/benchjudge"), Store(str(tmp_path / "s.db"))).run()
    assert not any("selection bias" in w for w in summary.judge_quality.warnings)
