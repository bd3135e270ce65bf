"""The bench pipeline on scripted fake models: every stage, every figure, resume with zero calls."""

import json
import random

import pytest

from punchup.bench.config import BenchConfig
from punchup.bench.run import Bench
from punchup.bench.state import sample_seed
from punchup.errors import PunchupError
from punchup.models import get_model
from punchup.models.fake import script
from punchup.bench.pairing import schedule_pairs


def quality_judge(messages, config):
    """A judge that prefers longer candidate text in rubric and pairwise; valid JSON for any schema."""
    body = messages[-1].content
    rng = random.Random(body)
    props = config.json_schema["properties"]
    reply = {}
    for name, spec in props.items():
        if name == "rationale":
            reply[name] = "Specific images; the ending is earned."
        elif spec.get("enum") == ["A", "B", "tie"]:
            a = body.split("CANDIDATE A START>>>")[1].split("<<<CANDIDATE A END")[0]
            b = body.split("CANDIDATE B START>>>")[1].split("<<<CANDIDATE B END")[0]
            reply[name] = "A" if len(a) > len(b) else "B"
        elif name.startswith("move_"):
            # In the order the brief lists its moves: the first used right, the second misused, the third missing.
            moves = [key for key in props if key.startswith("move_")]
            reply[name] = ["correct", "incorrect", "missing"][moves.index(name) % 3]
        elif name.startswith("alt_"):
            reply[name] = 9 if name == "alt_1" else 7  # exactly one keeper (8 or more) per setup
        else:
            reply[name] = rng.choice(spec["enum"])
    return json.dumps(reply)


def writer(length):
    return lambda messages, config: " ".join(["word"] * length) + f" seed {config.seed}."


def config(run="t", writers=("fake/short", "fake/medium", "fake/long"), packs=("fiction", "camera", "comedy", "refusal"), **extra):
    return BenchConfig.build(run, list(writers), "fake/judge", ",".join(packs), "quick", None, 0, None).model_copy(update=extra)


def setup_fakes():
    script("short", writer(20))
    script("medium", writer(60))
    script("long", writer(120))
    script("judge", quality_judge)


async def test_full_pipeline_produces_every_figure(store):
    setup_fakes()
    summary, bench = await _run(config(), store)
    board = summary["leaderboard"]
    assert [row["writer"] for row in board] == ["fake/long", "fake/medium", "fake/short"]  # the judge prefers length
    top = board[0]
    assert top["elo"]["low"] <= top["elo"]["elo"] <= top["elo"]["high"]
    assert top["elo_lc"] is not None and top["rubric"]["n"] == 12  # 4 packs x 3 prompts (quick preset)
    assert summary["judge_quality"]["flip_rate"] == 0.0
    assert summary["judge_quality"]["score_length_correlation"] is not None
    # The quick preset's three camera prompts require pan, rack focus, dolly in / tilt, crane, tracking /
    # dolly out, whip pan, handheld; one sample each, and the judge passes only the first move of each brief.
    camera = {move: "0/1" for move in ("rack focus", "dolly in", "crane", "tracking", "whip pan", "handheld")}
    camera |= {"pan": "1/1", "tilt": "1/1", "dolly out": "1/1"}
    assert summary["camera"] == {writer: camera for writer in ("fake/short", "fake/medium", "fake/long")}
    # Three comedy setups of 5 alts per writer, one keeper (alt 1) in each.
    comedy = {"setups": 3, "hit_rate": 1.0, "alts_per_keeper": 5.0}
    assert summary["comedy"] == {writer: comedy for writer in ("fake/short", "fake/medium", "fake/long")}
    refusal = summary["refusal"]["fake/short"]
    assert refusal["comply_prompts"] == 3 and refusal["over_refusal"] == 0.0
    assert {p["name"] for p in summary["packs"]} == {"fiction", "camera", "comedy", "refusal"}
    assert all(p["hash"] for p in summary["packs"])
    assert store.count("run_items", "kind = 'generation'") == 36


async def test_rerun_makes_zero_model_calls_and_gives_the_same_ranking(store):
    setup_fakes()
    first, _ = await _run(config(), store)
    calls_before = sum(len(script_model.calls) for script_model in _fakes())
    setup_fakes()  # resets call histories; replies are deterministic
    second, bench = await _run(config(), store)
    assert sum(len(m.calls) for m in _fakes()) == 0
    assert calls_before > 0
    assert second["leaderboard"] == first["leaderboard"]
    assert all(stats.made == 0 for stats in bench.models.stats.values())


async def test_rerun_reuses_metrics_and_summary_until_inputs_or_code_change(store, monkeypatch):
    import punchup.bench.run as bench_module
    import punchup.analysis.summary as summary_module

    counted = {"metrics": 0, "summaries": 0}

    def counting(name, key):
        real = getattr(bench_module if name == "text_metrics" else summary_module, name)

        def wrapper(*args, **kwargs):
            counted[key] += 1
            return real(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(bench_module, "text_metrics", counting("text_metrics", "metrics"))
    monkeypatch.setattr(summary_module, "summarize", counting("summarize", "summaries"))
    setup_fakes()
    cfg = config(packs=("fiction",))
    first, bench = await _run(cfg, store)
    assert counted == {"metrics": 9, "summaries": 1} and not bench.unchanged
    second, bench = await _run(cfg, store)
    assert counted == {"metrics": 9, "summaries": 1} and bench.unchanged  # nothing recomputed
    assert second["leaderboard"] == first["leaderboard"] and second["calls"]["fake/short"]["made"] == 0
    monkeypatch.setattr(bench_module, "code_fingerprint", lambda: "an edited punchup")
    third, bench = await _run(cfg, store)
    assert counted == {"metrics": 18, "summaries": 2}  # other code: derived figures are computed again
    assert third["leaderboard"] == first["leaderboard"] and bench.unchanged  # ...to the same results
    script("short", writer(25))  # a writer whose output changed (as a new model file would)
    store.execute("DELETE FROM calls WHERE model = 'fake/short'")
    fourth, bench = await _run(cfg, store)
    assert counted == {"metrics": 21, "summaries": 3} and not bench.unchanged
    assert fourth["leaderboard"] != first["leaderboard"]


async def test_extending_a_run_with_a_new_writer_only_calls_for_the_new_work(store):
    setup_fakes()
    two = config(packs=("fiction",))
    await _run(two.model_copy(update={"writers": two.writers[:2]}), store)
    setup_fakes()
    summary, _ = await _run(config(packs=("fiction",)), store)
    short, medium, long_, judge = _fakes()
    assert len(short.calls) == 0 and len(medium.calls) == 0 and len(long_.calls) == 3
    # judge: 3 new rubric calls + 2 new pairs per prompt x 3 prompts x 2 orders
    assert len(judge.calls) == 3 + 3 * 2 * 2
    assert len(summary["leaderboard"]) == 3


async def test_seeds_are_recorded_and_shared_across_writers(store):
    setup_fakes()
    _, bench = await _run(config(packs=("fiction",)), store)
    seeds = {(g["prompt"], g["sample"]): set() for g in bench.state.generations.values()}
    for g in bench.state.generations.values():
        seeds[(g["prompt"], g["sample"])].add(g["seed"])
        assert g["seed"] == sample_seed(0, "fiction", g["prompt"], g["sample"])
    assert all(len(s) == 1 for s in seeds.values())


async def test_self_preference_and_flip_warnings(store):
    def always_first(messages, config):
        if config.json_schema is None:  # the judge's model also writes here
            return "A story the judge wrote itself."
        return json.dumps({k: (v["enum"][0] if "enum" in v else "x") for k, v in config.json_schema["properties"].items()})

    script("judge", always_first)
    script("short", writer(20))
    cfg = BenchConfig.build("w", ["fake/short", "fake/judge"], "fake/judge", "fiction", "quick", None, 0, None)
    summary, _ = await _run(cfg, store)
    warnings = " ".join(summary["judge_quality"]["warnings"])
    assert "self-preference" in warnings and "fake/judge" in warnings
    assert summary["judge_quality"]["flip_rate"] == 1.0 and "mostly ties" in warnings  # always "A": position bias


async def test_failed_generations_are_counted_not_fatal(store):
    from punchup.errors import ModelError

    setup_fakes()
    script("broken", [ModelError("server on fire")] * 3)
    cfg = BenchConfig.build("f", ["fake/short", "fake/broken"], "fake/judge", "fiction", "quick", None, 0, None)
    summary, _ = await _run(cfg, store)
    broken = next(r for r in summary["leaderboard"] if r["writer"] == "fake/broken")
    assert broken["failed_generations"] == 3 and broken["rubric"] is None


async def test_nothing_succeeds_is_a_clear_error(store):
    from punchup.errors import ModelError

    script("dead", [ModelError("connection refused")] * 10)
    cfg = BenchConfig.build("d", ["fake/dead"], "fake/judge", "fiction", "quick", None, 0, None)
    with pytest.raises(PunchupError, match="no generation succeeded: connection refused"):
        await _run(cfg, store)
    assert store.count("run_items", "kind = 'generation'") == 3  # failures were still recorded


async def test_many_writers_use_the_sparse_schedule_within_budget(store):
    names = [f"w{i}" for i in range(10)]
    for i, name in enumerate(names):
        script(name, writer(10 + 10 * i))
    script("judge", quality_judge)
    cfg = BenchConfig.build("many", [f"fake/{n}" for n in names], "fake/judge", "fiction", "quick", None, 0, 40)
    summary, bench = await _run(cfg, store)
    assert len(bench.state.pairs) == 40
    assert summary["leaderboard"][0]["writer"] == "fake/w9"
    assert len(schedule_pairs(names, ["p"], None, None)) < 45  # sparse, not all 45 pairs


def _fakes():
    return [get_model(f"fake/{n}") for n in ("short", "medium", "long", "judge")]


async def _run(cfg, store):
    bench = Bench(cfg, store)
    summary = (await bench.run()).to_json()
    return summary, bench
