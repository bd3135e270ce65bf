"""The tuning effect and the report's tuning panel: win rate with CI per judge, judge-free signals, reward-hacking flags."""

import asyncio

import pytest

from punchup.bench.config import BenchConfig
from punchup.bench.run import Bench
from punchup.improve.effect import tuning_effect
from punchup.models.fake import script
from punchup.report.render import render_report
from punchup.report.tuning import _writer_pairs
from punchup.store import Store
from tests.improve.test_export import length_judge, words


def short_judge(messages, config):
    """The opposite taste: prefers the shorter candidate."""
    import json

    reply = json.loads(length_judge(messages, config))
    return json.dumps({k: ({"A": "B", "B": "A"}.get(v, v) if isinstance(v, str) and k != "rationale" else v)
                       for k, v in reply.items()})


def run_pair(store, run, judge):
    config = BenchConfig.build(run, ["fake/plain@name=base", "fake/verbose@name=tuned"], judge, "fiction", "quick", 2, 0, None)
    asyncio.run(Bench(config, store).run())


@pytest.fixture(scope="module")
def two_judges(tmp_path_factory):
    """The same base and tuned writers judged by a judge that likes length and by one that dislikes it."""
    store = Store(str(tmp_path_factory.mktemp("effect") / "punchup.db"))
    script("plain", words(20))
    script("verbose", words(90))
    script("likes-long", length_judge)
    script("likes-short", short_judge)
    run_pair(store, "eval", "fake/likes-long")
    run_pair(store, "eval2", "fake/likes-short")
    for run in ("eval", "eval2"):  # present the fake writers as a base and its LoRA, as a real tune run would
        config = store.get_run(run)["config"]
        config["writers"][0]["model"], config["writers"][1]["model"] = "local/smollm2", "local/smollm2@lora=<b>x</b>"
        store.put_run(run, config)
    return store


def test_a_gain_that_only_the_training_judge_sees_and_longer_texts_are_flagged(two_judges):
    store = two_judges
    effect = tuning_effect(store, ["eval", "eval2"], "base", "tuned", "fake/likes-long")
    trained, other = effect.judges
    assert trained.judge == "fake/likes-long" and trained.rate == 1.0 and trained.verdict == "tuned better"
    assert other.rate == 0.0 and other.verdict == "tuned worse" and other.pairs == trained.pairs > 0
    assert effect.signals["words"]["tuned"] > 4 * effect.signals["words"]["base"]
    assert any("does not hold under fake/likes-short" in f for f in effect.flags)
    assert any("as long as the base's" in f for f in effect.flags)
    alone = tuning_effect(store, ["eval"], "base", "tuned", "fake/likes-long")
    assert any("one judge only" in f for f in alone.flags)
    nothing = tuning_effect(store, ["eval"], "base", "nobody")
    assert nothing.judges[0].verdict == "no pairs" and not nothing.flags


def test_report_shows_the_tuning_panel_for_a_lora_writer_and_its_base(two_judges):
    assert _writer_pairs({"writers": [{"name": "b", "model": "local/smollm2"},
                                      {"name": "t", "model": "local/smollm2@lora=x"},
                                      {"name": "o", "model": "local/other.gguf@lora=x"}]}) == [("b", "t")]
    html = render_report(two_judges, "eval")
    assert html.count('<section id="tuning"') == 1 and "Tuning: tuned vs base" in html
    assert "probable reward hacking" in html and "fake/likes-short" in html  # the second judge's run is found
    assert "tuned better" in html and "tuned worse" in html
    assert "<b>x</b>" not in html  # model ids are escaped wherever the report shows them
    assert _writer_pairs({"writers": [{"name": "t", "model": "local/smollm2@lora=x"}]}) == []  # no base: no panel
