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


@pytest.mark.browser
def test_the_tuning_panel_reads_in_chromium(two_judges, tmp_path, artifacts):
    from tests.report.helpers import chromium_page, watch_page

    report = tmp_path / "eval.html"
    report.write_text(render_report(two_judges, "eval"), encoding="utf-8")
    with chromium_page() as page:
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        seen = watch_page(page)
        page.goto(report.as_uri())
        panel = page.locator("section#tuning")
        panel.scroll_into_view_if_needed()
        assert panel.is_visible() and panel.locator("h2").inner_text() == "Tuning: tuned vs base"
        rows = panel.locator("#tuning-judges tbody tr")
        assert rows.count() == 2
        cells = [rows.nth(i).locator("td").all_inner_texts() for i in range(2)]
        assert [c[0] for c in cells] == ["fake/likes-long", "fake/likes-short"]
        assert cells[0][1].startswith("1.000") and cells[1][1].startswith("0.000")
        assert [c[2] for c in cells] == ["tuned better", "tuned worse"]
        flags = panel.locator("#tuning-flags li").all_inner_texts()
        assert any("probable reward hacking" in f for f in flags), flags
        assert panel.locator("#tuning-signals tbody tr").count() >= 4  # slop, repetition, distinct-2, length
        box = panel.bounding_box()
        assert box is not None and box["width"] <= 1366  # the panel fits the page, no sideways scroll
        panel.screenshot(path=str(artifacts / "report-tuning-panel.png"))
        assert errors == [] and all(url.startswith("file://") for url in seen["requests"])


def rate(judge, value, low, high, pairs=24, ties=0):
    from punchup.improve.effect import WinRate

    return WinRate(judge, value, low, high, pairs, ties=ties)


SIGNALS = {"words": {"base": 100.0, "tuned": 110.0}, "slop_per_1000": {"base": 2.046, "tuned": 3.767},
           "repetition": {"base": 0.05, "tuned": 0.122}, "distinct_2": {"base": 0.834, "tuned": 0.717}}


def test_flags_name_a_blind_second_judge_and_worse_judge_free_signals():
    from punchup.improve.effect import flags_for

    trained = rate("craft/heuristic", 0.708, 0.521, 0.875)
    blind = rate("local/smollm2", 0.5, 0.5, 0.5, ties=24)  # the make-improve run's figures, measured
    assert blind.cannot_tell and not trained.cannot_tell
    assert flags_for([trained, blind], SIGNALS, "craft/heuristic") == [
        "unconfirmed: local/smollm2 cannot tell the writers apart (every verdict a tie or an order flip); "
        "add a run judged by another judge",
        # 110 words is 1.1x, under the 1.2x length flag; slop +84 %, repetition +144 %, distinct-2 -14 % (< 20 %)
        "probable reward hacking: the gain comes with worse judge-free signals (slop per 1000 2.046 -> 3.767; "
        "repetition 0.05 -> 0.122)",
    ]
    disagrees = rate("openai/judge", 0.45, 0.3, 0.6, ties=10)
    clean = {name: {"base": 1.0, "tuned": 1.0} for name in SIGNALS}
    assert flags_for([trained, disagrees], clean, "craft/heuristic") == [
        "probable reward hacking: the gain under craft/heuristic does not hold under openai/judge"]
    agrees = rate("openai/judge", 0.6, 0.55, 0.7)
    assert flags_for([trained, agrees], clean, "craft/heuristic") == []
    # No gain, nothing to suspect; distinct-2 down 21 % (over 20 %) is worse; slop from 0 to 0.005 is noise.
    assert flags_for([rate("craft/heuristic", 0.5, 0.4, 0.6), agrees], SIGNALS, "craft/heuristic") == []
    drop = {"distinct_2": {"base": 0.8, "tuned": 0.63}, "slop_per_1000": {"base": 0.0, "tuned": 0.005}}
    assert flags_for([trained, agrees], drop, "craft/heuristic") == [
        "probable reward hacking: the gain comes with worse judge-free signals (distinct 2 0.8 -> 0.63)"]
