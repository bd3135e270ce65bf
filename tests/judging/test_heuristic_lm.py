"""`craft/heuristic-lm`: the craft judge plus how predictable a text is to the embedded model."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from punchup.judging.factory import build_judges
from punchup.judging.heuristic.judge import (
    HEURISTIC_LM_JUDGE,
    LM_WEIGHTS_PATH,
    HeuristicJudge,
    load_weights,
)
from punchup.judging.heuristic.predictability import (
    MODEL_FEATURE,
    PredictabilityMeter,
    WithOpenEndedness,
    mean_entropy,
)
from punchup.judging.heuristic.refit import FITTED, FITTED_WITH_MODEL, weights_from_pairs
from punchup.judging.sanity import run_sanity
from punchup.packs import load_pack
from tests.conftest import SHARED, run_punchup

VARIED = ("The ferry left at six. Marguerite counted the gulls on the rail, lost count at eleven, and began again "
          "with the herring boats, whose names she had known since she was a girl: Anna Kristin, Solvang, Hope. "
          "Her brother had painted the last one himself, badly, the summer before the war.")
LOOPING = " ".join(["The cat sat on the mat."] * 12)


class FixedMeter:
    """A scripted meter for logic tests: open-endedness looked up per text (the real one is tested below)."""

    version = "fixed-1"

    def __init__(self, values: dict[str, float], default: float = 2.0):
        self.values, self.default = values, default

    def open_endedness(self, text: str) -> float:
        return self.values.get(text, self.default)


def test_mean_entropy_is_log_vocabulary_for_uniform_rows_and_near_zero_for_certain_ones():
    assert mean_entropy(np.zeros((3, 1000))) == pytest.approx(math.log(1000))
    certain = np.full((2, 50), -100.0)
    certain[:, 7] = 100.0
    assert mean_entropy(certain) == pytest.approx(0.0, abs=1e-9)
    sure = np.full(1000, -100.0)
    sure[3] = 100.0
    assert mean_entropy(np.stack([np.zeros(1000), sure])) == pytest.approx(math.log(1000) / 2, rel=1e-6)


def test_shipped_lm_weights_use_every_craft_feature_and_open_endedness_in_the_advised_direction():
    weights = load_weights(LM_WEIGHTS_PATH)
    assert weights.features == list(FITTED_WITH_MODEL) and weights.model_features == [MODEL_FEATURE]
    assert weights.weights[weights.features.index(MODEL_FEATURE)] > 0  # more open-ended wins
    assert weights.method == "advice" and set(weights.fit["leave_one_source_out"]) == set(weights.sources)
    assert load_weights().model_features == []  # craft/heuristic needs no model


def test_open_endedness_decides_between_texts_with_equal_craft_habits(store):
    pack = load_pack("fiction")
    prompt = pack.prompts[0]
    twin = VARIED.replace("Marguerite", "Margarethe")  # the same habits, one name changed
    judge = HeuristicJudge(store, name=HEURISTIC_LM_JUDGE, meter=FixedMeter({VARIED: 3.5, twin: 1.5}))
    result = judge.pair(pack, prompt, VARIED, twin)
    assert result.ok and result.score_x == 1.0
    assert "keeps the reader guessing" in result.rationale
    swapped = HeuristicJudge(store, name=HEURISTIC_LM_JUDGE, meter=FixedMeter({VARIED: 1.5, twin: 3.5}))
    assert swapped.pair(pack, prompt, VARIED, twin).score_x == 0.0
    plain = HeuristicJudge(store)  # craft/heuristic cannot tell them apart
    assert plain.pair(pack, prompt, VARIED, twin).score_x == 0.5


async def test_verdicts_are_cached_per_meter_version(store):
    pack = load_pack("fiction")
    prompt = pack.prompts[0]
    first = HeuristicJudge(store, name=HEURISTIC_LM_JUDGE, meter=FixedMeter({}))
    assert not (await first.judge(pack, prompt, VARIED)).cached
    assert (await first.judge(pack, prompt, VARIED)).cached
    other = FixedMeter({})
    other.version = "fixed-2"  # another model or window: the old verdict must not be reused
    assert not (await HeuristicJudge(store, name=HEURISTIC_LM_JUDGE, meter=other).judge(pack, prompt, VARIED)).cached


def test_refit_keeps_the_judge_its_features_and_its_meter(store):
    meter = FixedMeter({})
    judge = HeuristicJudge(store, name=HEURISTIC_LM_JUDGE, meter=meter)
    rng = np.random.default_rng(0)
    pairs = [(f"{VARIED} {i}", f"{LOOPING} {i}", bool(rng.integers(2))) for i in range(12)]
    refitted = judge.refit(pairs, ["mine.jsonl"])
    assert refitted.name == HEURISTIC_LM_JUDGE and refitted.meter is meter
    assert refitted.scorer.weights.features == list(FITTED_WITH_MODEL)
    assert refitted.fitted_sources == ["mine.jsonl"]
    plain = weights_from_pairs(pairs, ["mine.jsonl"])
    assert plain.features == list(FITTED) and plain.model_features == []


@pytest.mark.real
def test_the_real_meter_finds_a_loop_predictable_and_remembers_values_in_the_cache_folder(tmp_path):
    meter = PredictabilityMeter(cache_folder=tmp_path)
    looping, varied = meter.open_endedness(LOOPING), meter.open_endedness(VARIED)
    assert looping < varied and meter.model_calls == 2
    assert meter.open_endedness(VARIED) == varied and meter.model_calls == 2  # remembered in memory
    lines = meter.cache_file.read_text().splitlines()
    meter.cache_file.write_text("\n".join(lines) + '\n{"key": "torn', encoding="utf-8")  # a kill mid-write
    again = PredictabilityMeter(cache_folder=tmp_path)
    assert again.open_endedness(VARIED) == varied and again.open_endedness(LOOPING) == looping
    assert again.model_calls == 0  # read back from the file: no model call
    fresh = PredictabilityMeter(cache_folder=tmp_path / "elsewhere")
    assert fresh.open_endedness(VARIED) == pytest.approx(varied, abs=1e-9)  # the same value when read again
    meter.close(), again.close(), fresh.close()


@pytest.mark.real
async def test_the_registered_lm_judge_reads_texts_with_the_embedded_model_and_passes_the_sanity_suite(store):
    judges = build_judges(HEURISTIC_LM_JUDGE, store, model_for=lambda name: pytest.fail(f"asked for model {name}"))
    assert judges.name == HEURISTIC_LM_JUDGE and judges.models == []
    pack = load_pack("fiction")
    result = await judges.rubric.judge(pack, pack.prompts[0], VARIED)
    assert result.ok and result.judge == HEURISTIC_LM_JUDGE
    assert json.loads(result.raw)["weights"] == load_weights(LM_WEIGHTS_PATH).version
    measured = WithOpenEndedness(judges.rubric.meter)(VARIED)
    assert measured[MODEL_FEATURE] > 0
    report = await run_sanity(HEURISTIC_LM_JUDGE, judges.pairwise)
    assert report.total >= 50
    assert report.passed == report.total, [(f.pack, f.kind, f.rationale) for f in report.failures]


@pytest.mark.real
@pytest.mark.skipif(not (SHARED / "data" / "wq-style-mimic.jsonl").exists(), reason="development data not present")
def test_calibrate_reports_the_lm_judge_held_out_on_each_source_from_the_command_line(tmp_path):
    # Slices of the two development sources keep this quick; benchmarks/fit_heuristic.py has the full figures.
    paths = []
    for name, count in (("wq-style-mimic.jsonl", 16), ("lamp-scored-paragraphs.jsonl", 60)):
        lines = (SHARED / "data" / name).read_text(encoding="utf-8").splitlines()[:count]
        paths += ["--data", str(tmp_path / name)]
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")  # a temporary slice, never in the repo
    result = run_punchup("calibrate", "--judge", HEURISTIC_LM_JUDGE, *paths, "--store", str(tmp_path / "c.db"),
                         env={"COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "held out: wq-style-mimic.jsonl" in out and "refitted on lamp-scored-paragraphs.jsonl" in out
    assert "held out: lamp-scored-paragraphs.jsonl" in out and "refitted on wq-style-mimic.jsonl" in out
    assert f"{HEURISTIC_LM_JUDGE} weights were fitted on" in out and "training accuracy" in out


@pytest.mark.real
def test_a_cache_folder_that_cannot_be_written_costs_only_the_memory_of_values(tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    meter = PredictabilityMeter(cache_folder=blocked / "predictability")
    value = meter.open_endedness(VARIED)
    assert value > 0 and meter.open_endedness(VARIED) == value and meter.model_calls == 1
    meter.close()
