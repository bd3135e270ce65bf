"""The judge-sanity suite: junk written to a brief must lose to competent writing of it, in both orders,
and `punchup calibrate --sanity` reports it for any judge."""

from __future__ import annotations

import json

import pytest

from punchup.analysis.calibration_data import load_pairs
from punchup.judging.heuristic.flaws import flaws, scramble_tells
from tests.conftest import SHARED, run_main
from punchup.judging.factory import DEFAULT_JUDGE
from punchup.judging.heuristic.judge import HeuristicJudge
from punchup.judging.records import PairResult
from punchup.judging.sanity import degenerate_rivals, load_cases, run_sanity
from punchup.metrics.length import word_count
from punchup.packs import load_pack


def _prompt(case):
    pack = load_pack(case.pack)
    return pack, next(p for p in pack.prompts if p.id == case.prompt)


def test_cases_cover_the_crafts_and_every_degenerate_kind_the_issue_names():
    cases = load_cases()
    assert {c.pack for c in cases} >= {"fiction", "screenplay", "camera", "comedy", "ad-script", "refusal"}
    kinds = {kind for case in cases for kind in degenerate_rivals(case, *_prompt(case))}
    assert kinds >= {"repetition loop", "brief echoed back", "lorem ipsum", "empty answer", "one-line answer", "refusal",
                     "prose where a Fountain scene was asked for", "shot list with none of the required moves",
                     "right format, nonsense inside", "words scrambled (a fifth moved)"}


def test_scramble_tells_count_word_orders_english_does_not_have():
    assert scramble_tells("She set the of lamp down. He said the sea. and then nothing. The keeper a The wick.") == 3
    clean = ("In The Times, Nell read about the storm. It was 4 p.m. and raining; e.g. the boats stayed in. "
             "Then the keeper, a tall man, said: the light is out.")
    assert scramble_tells(clean) == 0


@pytest.mark.skipif(not (SHARED / "data" / "wq-style-mimic.jsonl").exists(), reason="development data not present")
def test_no_development_paragraph_reads_as_scrambled_but_a_lightly_scrambled_one_does():
    loaded = load_pairs([SHARED / "data" / "wq-style-mimic.jsonl", SHARED / "data" / "lamp-scored-paragraphs.jsonl"])
    texts = sorted({t for item in loaded for t in (item.pair.text_a, item.pair.text_b)})
    case = next(c for c in load_cases() if c.pack == "fiction")
    pack, prompt = _prompt(case)
    assert len(texts) > 1000 and not [t for t in texts if "scrambled" in {f.code for f in flaws(t, pack, prompt)}]
    scrambled = degenerate_rivals(case, pack, prompt)["words scrambled (a fifth moved)"]
    assert sorted(scrambled.split()) == sorted(case.text.split()) and scrambled != case.text  # the same words, moved
    assert "scrambled" in {f.code for f in flaws(scrambled, pack, prompt)}


def test_nonsense_in_format_keeps_the_layout_and_loses_the_words():
    case = next(c for c in load_cases() if c.pack == "screenplay")
    nonsense = degenerate_rivals(case, *_prompt(case))["right format, nonsense inside"]
    assert nonsense.splitlines()[0] == case.text.splitlines()[0]  # the scene heading survives
    assert "granola" not in nonsense and word_count(nonsense) > 50


async def test_craft_heuristic_prefers_competent_writing_to_every_degenerate_text_in_both_orders(store):
    report = await run_sanity("craft/heuristic", HeuristicJudge(store))
    assert report.total >= 50
    assert report.passed == report.total, [(f.pack, f.kind, f.rationale) for f in report.failures]
    assert all(item.competent_first == 1.0 and item.competent_second == 1.0 for item in report.items)


async def test_screenplay_junk_loop_loses_to_a_real_scene_with_a_reason_in_craft_words(store):
    case = next(c for c in load_cases() if c.pack == "screenplay")
    pack, prompt = _prompt(case)
    junk = "\n".join(["LINKED TO THE FIRST STORY (Awesome)"] * 12)
    judge = HeuristicJudge(store)
    result = await judge.judge_pair(pack, prompt, junk, case.text)
    assert result.score_x == 0.0 and "the same lines come round again" in result.rationale
    junk_rubric, real_rubric = judge.rubric(pack, prompt, junk), judge.rubric(pack, prompt, case.text)
    assert junk_rubric.overall < real_rubric.overall
    assert junk_rubric.scores["format_validity"] < real_rubric.scores["format_validity"]


class _LongerWins:
    """A judge that always prefers the longer text: the suite must catch it."""

    name = "test/longer"

    async def judge_pair(self, pack, prompt, text_x, text_y):
        score = 1.0 if len(text_x) > len(text_y) else 0.0 if len(text_x) < len(text_y) else 0.5
        return PairResult(ok=True, judge=self.name, pack=pack.name, pack_version=pack.version, prompt_id=prompt.id,
                          score_x=score)


class _Broken:
    name = "test/broken"

    async def judge_pair(self, pack, prompt, text_x, text_y):
        return PairResult(ok=False, judge=self.name, pack=pack.name, pack_version=pack.version, prompt_id=prompt.id,
                          error="reply was not JSON")


async def test_a_judge_that_prefers_length_fails_the_loops_and_echoes():
    report = await run_sanity("test/longer", _LongerWins())
    failed_kinds = {item.kind for item in report.failures}
    assert "repetition loop" in failed_kinds or "brief echoed back" in failed_kinds or "word salad" in failed_kinds
    assert report.passed < report.total


async def test_failed_judgments_are_failures_never_passes():
    report = await run_sanity("test/broken", _Broken())
    assert report.passed == 0 and all(item.error == "reply was not JSON; reply was not JSON" for item in report.items)




def test_calibrate_sanity_prints_and_exports_the_suite(tmp_path, capsys):
    store = str(tmp_path / "s.db")
    assert run_main(["calibrate", "--sanity", "--store", store]) == 0
    shown = capsys.readouterr().out
    assert f"Judge sanity: {DEFAULT_JUDGE}" in shown and "repetition loop" in shown
    assert run_main(["calibrate", "--sanity", "--json", "--store", store]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["judge"] == DEFAULT_JUDGE and data["passed"] == data["total"] >= 50


def test_calibrate_without_data_or_sanity_is_a_one_line_user_error(tmp_path, capsys):
    assert run_main(["calibrate", "--store", str(tmp_path / "s.db")]) == 2
    err = capsys.readouterr().err
    assert "--sanity" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("pack_name", ["fiction", "screenplay", "camera", "comedy", "ad-script", "refusal", "poetry", "empathy"])
def test_rubric_honesty_no_criterion_shows_a_score_the_judge_did_not_compute(store, pack_name):
    from punchup.judging.heuristic.criteria import SIGNALS

    pack = load_pack(pack_name)
    text = next((c.text for c in load_cases() if c.pack == pack_name), load_cases()[0].text)
    for prompt in pack.prompts[:3]:
        result = HeuristicJudge(store).rubric(pack, prompt, text)
        rubric_ids = {c.id for c in pack.rubric}
        assert set(result.scores) | set(result.not_judged) == rubric_ids
        assert not set(result.scores) & set(result.not_judged)
        assert set(result.scores) <= set(SIGNALS)  # every number comes from a signal of its own
        for criterion in result.scores:
            assert f"{criterion}:" in result.rationale  # ... and the rationale says what was counted
