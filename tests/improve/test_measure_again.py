"""Measuring a tuned model again: `@lora=` writers and benches on the held-out prompts only."""

import asyncio

import pytest

from punchup.bench.config import BenchConfig
from punchup.bench.run import Bench
from punchup.bench.writers import parse_writers
from punchup.errors import PunchupError
from punchup.models.fake import script
from tests.cli.test_foundation import assert_one_line_error
from tests.conftest import run_punchup


def test_lora_option_becomes_part_of_the_model_id():
    tuned, plain = parse_writers(["local/smollm2@lora=rainy;temp=0.7;name=tuned", "local/smollm2"])
    assert tuned.model == "local/smollm2@lora=rainy" and tuned.temperature == 0.7 and tuned.name == "tuned"
    assert plain.model == "local/smollm2"
    (path,) = parse_writers(["local/smollm2@lora=/tmp/a b/x.gguf"])
    assert path.model == "local/smollm2@lora=/tmp/a b/x.gguf"


@pytest.mark.parametrize("spec", ["fake/x@lora=a", "local/smollm2@lora=", "local/smollm2@lora"])
def test_lora_option_needs_a_local_model_and_a_value(spec):
    with pytest.raises(PunchupError, match="lora= needs a local/ model and an adapter"):
        parse_writers([spec])


def test_bench_runs_exactly_the_listed_prompts_whatever_the_preset(store):
    script("w1", lambda messages, config: f"text {config.seed}")
    script("w2", lambda messages, config: f"other text {config.seed}")
    config = BenchConfig.build("held", ["fake/w1", "fake/w2"], "craft/heuristic", "fiction,comedy", "quick", None, 0,
                               None, only_prompts=["fiction/" + _prompt_ids("fiction")[4]])
    asyncio.run(Bench(config, store).run())
    generated = {(g["pack"], g["prompt"]) for _, g in store.run_items("held", "generation")}
    assert generated == {("fiction", _prompt_ids("fiction")[4])}  # the 5th prompt: past the quick preset's 3
    with pytest.raises(PunchupError, match="do not have: fiction/nosuch"):
        Bench(config.model_copy(update={"only_prompts": ["fiction/nosuch"]}), store)


def _prompt_ids(pack: str) -> list[str]:
    from punchup.packs import load_packs

    return [p.id for p in load_packs(pack)[0].prompts]


def test_cli_bench_refuses_an_unknown_or_malformed_prompt_list_before_opening_the_store(tmp_path):
    listed = tmp_path / "held.txt"
    listed.write_text("fiction/nosuch\n", encoding="utf-8")
    result = run_punchup("bench", "-w", "fake/a", "--judge", "craft/heuristic", "--packs", "fiction",
                         "--only-prompts", str(listed), "--store", str(tmp_path / "s.db"))
    assert_one_line_error(result, "do not have: fiction/nosuch")
    listed.write_text("no-slash-here\n", encoding="utf-8")
    result = run_punchup("bench", "-w", "fake/a", "--only-prompts", str(listed), "--store", str(tmp_path / "s.db"))
    assert_one_line_error(result, "held.txt:1: expected PACK/PROMPT")
    assert not (tmp_path / "s.db").exists()
