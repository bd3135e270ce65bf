"""Sampler options in writer profiles: parsing, composing with other options, and one-line errors (exit 2)."""

from __future__ import annotations

import re

import pytest

from punchup.bench.writers import parse_inline, parse_writers
from punchup.errors import PunchupError
from punchup.improve.samplers.settings import describe_sampler
from tests.cli.test_foundation import assert_one_line_error
from tests.conftest import run_punchup


def test_samplers_compose_with_other_options():
    writer = parse_inline("local/smollm2@antislop;temp=0.9;name=x")
    assert writer.name == "x" and writer.temperature == 0.9 and writer.model == "local/smollm2"
    assert writer.sampler.antislop.phrases is None and writer.sampler.antislop.max_backtracks == 24
    assert writer.sampler.best_of is None and writer.sampler.unusual is None


def test_best_of_with_judge_and_select():
    writer = parse_inline("local/smollm2@best_of=4;judge=craft/heuristic;select=rubric")
    assert writer.sampler.best_of.n == 4 and writer.sampler.best_of.judge == "craft/heuristic"
    assert writer.sampler.best_of.select == "rubric"
    assert "best of 4 (picked by craft/heuristic, rubric)" == describe_sampler(writer.sampler.model_dump())


def test_unusual_schedule_and_all_three_together(tmp_path):
    phrases = tmp_path / "mine.txt"
    phrases.write_text("her spine\n", encoding="utf-8")
    writer = parse_inline(f"local/smollm2@unusual;hot=1.5;cool=0.4;opening=12;antislop={phrases};backtracks=5;best_of=2;name=all3")
    assert writer.sampler.unusual.hot == 1.5 and writer.sampler.unusual.cool == 0.4 and writer.sampler.unusual.opening == 12
    assert writer.sampler.antislop.max_backtracks == 5 and writer.sampler.antislop.phrases == str(phrases)
    text = describe_sampler(writer.sampler.model_dump())
    assert "mine.txt" in text and "first 12 tokens at temperature 1.5" in text and "best of 2" in text
    assert parse_inline("local/smollm2@unusual").sampler.unusual.opening == "sentence"
    assert parse_inline("local/smollm2").sampler is None and describe_sampler(None) == "—"


def test_yaml_profiles_take_sampler_settings(tmp_path):
    path = tmp_path / "writers.yaml"
    path.write_text("writers:\n  - model: local/smollm2\n    name: slopless\n    sampler: {antislop: {max_backtracks: 3}}\n",
                    encoding="utf-8")
    [writer] = parse_writers([str(path)])
    assert writer.sampler.antislop.max_backtracks == 3


@pytest.mark.parametrize("spec, message", [
    ("local/smollm2@best_of=1", "best_of must be a whole number from 2 to 16, got '1'"),
    ("local/smollm2@best_of=four", "best_of must be a whole number from 2 to 16, got 'four'"),
    ("local/smollm2@best_of", "best_of needs the number of candidates"),
    ("local/smollm2@judge=craft/heuristic", "option 'judge' belongs to @best_of"),
    ("local/smollm2@best_of=3;judge=craft/nope", "unknown built-in judge 'craft/nope'"),
    ("local/smollm2@best_of=3;judge=", "option 'judge' needs a judge"),
    ("local/smollm2@best_of=3;select=vibes", "select must be 'pairwise' or 'rubric', got 'vibes'"),
    ("local/smollm2@unusual;hot=5", "hot must be a number from 0.01 to 2, got '5'"),
    ("local/smollm2@unusual;cool=nan", "cool must be a number from 0 to 2, got 'nan'"),
    ("local/smollm2@unusual;opening=0", "opening must be a whole number from 1 to 256 or 'sentence', got '0'"),
    ("local/smollm2@unusual=2", "'unusual' takes no value"),
    ("local/smollm2@hot=1.2", "option 'hot' belongs to @unusual"),
    ("local/smollm2@antislop;backtracks=-1", "backtracks must be a whole number from 0 to 1000"),
    ("local/smollm2@antislop=/nonexistent/phrases.txt", "antislop phrase file not found: /nonexistent/phrases.txt"),
    ("local/smollm2@antislop;antislop", "option 'antislop' is given twice"),
])
def test_bad_option_values_are_one_clear_line(spec, message):
    with pytest.raises(PunchupError) as caught:
        parse_inline(spec)
    assert message in str(caught.value) and f"writer '{spec}'" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("writer, message", [
    ("local/smollm2@best_of=99", "best_of must be a whole number from 2 to 16"),
    ("openai/gpt-4o-mini@antislop", "@antislop needs token-level control of the model, which only local/ (llama.cpp) models give"),
    ("openai/gpt-4o-mini@unusual", "@unusual needs token-level control"),
])
def test_cli_bad_sampler_exits_2_with_one_line(tmp_path, writer, message):
    store = tmp_path / "s.db"
    result = run_punchup("bench", "--writers", writer, "--store", str(store), "--run", "r",
                         env={"PUNCHUP_OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert_one_line_error(result, message)
    assert not store.exists()  # refused before the store was opened


def test_the_studio_serves_token_level_samplers_and_refuses_the_rest(store):
    from punchup.studio import Studio

    studio = Studio.open(store)
    model = studio.model("local/smollm2@antislop;unusual")
    assert model.name.startswith("local/smollm2@antislop(slop-v1,backtracks=24)@unusual(") and "#v" in model.name
    for spec, message in [("local/smollm2@best_of=3", "@best_of is for benches"),
                          ("local/smollm2@antislop;temp=0.5", "only sampler options"),
                          ("openai/x@antislop", "only local/ (llama.cpp) models")]:
        with pytest.raises(PunchupError, match=re.escape(message)):
            studio.model(spec)
