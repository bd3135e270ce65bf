"""`punchup tune` inputs and the GGUF adapter layout, without training: bad input is one line, exit 2, nothing written."""

import json
from pathlib import Path

import numpy as np
import pytest

from punchup.errors import ModelError, PunchupError
from punchup.improve.rows import read_rows
from punchup.improve.tune import spec as spec_module
from punchup.improve.tune.adapters import register, resolve_adapter
from punchup.improve.tune.gguf_adapter import gguf_tensors, llama_cpp_rows, write_adapter
from punchup.util.gguf import read_metadata
from punchup.models.providers.local import smollm2_path
from tests.cli.test_foundation import assert_one_line_error
from tests.conftest import run_punchup

PROMPT = [{"role": "user", "content": "Write a line about rain."}]


def dpo_row(chosen="Rain stitched the roofs.", rejected="It rained a lot."):
    return {"prompt": PROMPT, "chosen": [{"role": "assistant", "content": chosen}],
            "rejected": [{"role": "assistant", "content": rejected}]}


def write_lines(path: Path, *lines: str) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("lines, method, fragment", [
    ((), "sft", "has no rows"),
    (("{not json",), "dpo", ":1: not JSON"),
    ((json.dumps(dpo_row()), "[1, 2]"), "dpo", ":2: expected a JSON object"),
    ((json.dumps(dpo_row("Same text.", "Same text.")),), "dpo", "chosen and rejected are the same text"),
    ((json.dumps({"prompt": PROMPT, "chosen": [{"role": "assistant", "content": "x"}]}),), "dpo", "rejected: Field required"),
    ((json.dumps({"prompt": PROMPT, "completion": [{"role": "user", "content": "x"}]}),), "sft", "one non-empty assistant"),
    ((json.dumps({"prompt": [{"role": "assistant", "content": "x"}], "completion": [{"role": "assistant", "content": "y"}]}),),
     "sft", "must end with a non-empty user message"),
    ((json.dumps(dpo_row()),), "sft", "completion: Field required"),  # a DPO file given as SFT
])
def test_bad_rows_name_the_line_and_the_problem(tmp_path, lines, method, fragment):
    path = write_lines(tmp_path / "d.jsonl", *lines)
    with pytest.raises(PunchupError, match=None) as caught:
        read_rows(path, method)
    assert fragment in str(caught.value)


def test_trl_messages_form_is_read_as_prompt_and_completion(tmp_path):
    row = {"messages": PROMPT + [{"role": "assistant", "content": "Rain."}]}
    (parsed,) = read_rows(write_lines(tmp_path / "m.jsonl", json.dumps(row)), "sft")
    assert parsed.prompt[-1].content == PROMPT[0]["content"] and parsed.completion[0].content == "Rain."


def test_llama_cpp_row_order_inverts_transformers_reverse_permutation():
    from transformers.modeling_gguf_pytorch_utils import LlamaTensorProcessor

    undo = LlamaTensorProcessor(config={})._reverse_permute_weights
    weights = np.arange(24 * 5, dtype=np.float32).reshape(24, 5)  # 3 heads x 2 halves x 4 rows, 5 columns
    ours = llama_cpp_rows(weights, 3)
    assert not np.array_equal(ours, weights)
    assert np.array_equal(undo(ours, 3, 3), weights)  # what transformers does on load, undone exactly
    head_0 = [0, 20, 5, 25, 10, 30, 15, 35]  # rows 0,4,1,5,2,6,3,7: the two halves of each head interleaved
    assert np.array_equal(ours[:, 0], head_0 + [v + 40 for v in head_0] + [v + 80 for v in head_0])


def _lora_state(rank=2):
    rng = np.random.default_rng(0)
    state = {}
    for module, (n_in, n_out) in {"self_attn.q_proj": (8, 8), "self_attn.k_proj": (8, 4), "mlp.down_proj": (6, 8)}.items():
        state[f"base_model.model.model.layers.0.{module}.lora_A.weight"] = rng.normal(size=(rank, n_in)).astype(np.float32)
        state[f"base_model.model.model.layers.0.{module}.lora_B.weight"] = rng.normal(size=(n_out, rank)).astype(np.float32)
    return state


def test_adapter_tensors_are_named_shaped_and_permuted_as_llama_cpp_reads_them(tmp_path):
    state = _lora_state()
    tensors = gguf_tensors(state, "llama", n_head=2, n_head_kv=1)
    assert set(tensors) == {f"blk.0.{t}.weight.lora_{s}" for t in ("attn_q", "attn_k", "ffn_down") for s in "ab"}
    q_b = state["base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight"]
    assert np.array_equal(tensors["blk.0.attn_q.weight.lora_b"], llama_cpp_rows(q_b, 2))
    k_a = state["base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight"]
    assert np.array_equal(tensors["blk.0.attn_k.weight.lora_a"], k_a)  # the input side is never permuted
    down_b = state["base_model.model.model.layers.0.mlp.down_proj.lora_B.weight"]
    assert np.array_equal(tensors["blk.0.ffn_down.weight.lora_b"], down_b)
    assert np.array_equal(gguf_tensors(state, "qwen2", 2, 1)["blk.0.attn_q.weight.lora_b"], q_b)  # qwen2: no permutation
    path = write_adapter(tmp_path / "a.gguf", tensors, "llama", 4.0, "ab" * 32, "k" * 64, "unit")
    meta = read_metadata(path)
    assert (meta["general.type"], meta["adapter.type"], meta["general.architecture"]) == ("adapter", "lora", "llama")
    assert meta["adapter.lora.alpha"] == 4.0 and meta["punchup.base.sha256"] == "ab" * 32
    assert meta["GGUF.tensor_count"] == 6 and not list(tmp_path.glob("*.partial"))
    with pytest.raises(PunchupError, match="no llama.cpp counterpart"):
        gguf_tensors({"base_model.model.lm_head.lora_A.weight": np.zeros((2, 3))}, "llama", 2, 1)


def test_adapter_of_another_base_or_architecture_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("PUNCHUP_ADAPTERS", str(tmp_path / "adapters"))
    (tmp_path / "adapters").mkdir()
    tensors = gguf_tensors(_lora_state(), "llama", 2, 1)
    other = write_adapter(tmp_path / "other.gguf", tensors, "llama", 4.0, "0" * 64, "k", "other")
    with pytest.raises(ModelError, match="trained on another base"):
        resolve_adapter(str(other), smollm2_path(), "f" * 64)
    qwen = write_adapter(tmp_path / "qwen.gguf", tensors, "qwen2", 4.0, "0" * 64, "k", "qwen")
    register("qwen", qwen, {})
    with pytest.raises(ModelError, match="is for qwen2 models"):
        resolve_adapter("qwen", smollm2_path())
    with pytest.raises(ModelError, match="no adapter named 'nosuch'.*known: qwen"):
        resolve_adapter("nosuch", smollm2_path())
    with pytest.raises(ModelError, match="is not a LoRA adapter"):
        resolve_adapter(str(smollm2_path()), smollm2_path())  # a model file is not an adapter


def test_missing_tune_extra_is_named(monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "peft" else real(name, *a))
    with pytest.raises(PunchupError, match=r"needs the \[tune\] extra \(missing: peft\): pip install 'punchup\[tune\]'"):
        spec_module.check_tune_extra()


@pytest.fixture
def good_data(tmp_path):
    return write_lines(tmp_path / "good.jsonl", json.dumps(dpo_row()))


@pytest.mark.parametrize("make_args, fragment", [
    (lambda d, t: ("--data", str(write_lines(t / "e.jsonl")), "--method", "sft"), "has no rows"),
    (lambda d, t: ("--data", str(write_lines(t / "m.jsonl", "{oops")), "--method", "dpo"), "m.jsonl:1: not JSON"),
    (lambda d, t: ("--data", str(write_lines(t / "s.jsonl", json.dumps(dpo_row("A.", "A.")))), "--method", "dpo"),
     "chosen and rejected are the same text"),
    (lambda d, t: ("--data", str(d), "--method", "dpo", "--base", "local/nosuch"), "neither a known alias"),
    (lambda d, t: ("--data", str(d), "--method", "dpo", "--base", "openai/gpt-4o"), "needs a local GGUF model"),
    (lambda d, t: ("--data", str(d), "--method", "dpo", "--base", f"local/{write_lines(t / 'junk.gguf', 'junk')}"),
     "is not a GGUF file"),
    (lambda d, t: ("--data", str(t / "absent.jsonl"), "--method", "sft"), "data file not found"),
    (lambda d, t: ("--data", str(d), "--method", "dpo", "--out", "../escape"), "adapter name '../escape'"),
])
def test_cli_tune_bad_input_is_one_line_exit_2_and_writes_nothing(tmp_path, good_data, make_args, fragment):
    args = make_args(good_data, tmp_path)
    if "--out" not in args:
        args = (*args, "--out", "t")
    adapters = tmp_path / "adapters"
    result = run_punchup("tune", *args, "--store", str(tmp_path / "s.db"), env={"PUNCHUP_ADAPTERS": str(adapters)})
    assert_one_line_error(result, fragment)
    assert not (tmp_path / "s.db").exists() and not adapters.exists()


def test_cli_generate_refuses_an_adapter_from_another_base(tmp_path):
    adapter = write_adapter(tmp_path / "x.gguf", gguf_tensors(_lora_state(), "llama", 2, 1), "llama", 4.0, "0" * 64, "k", "x")
    result = run_punchup("generate", "--model", f"local/smollm2@lora={adapter}", "-p", "hi", "--store", str(tmp_path / "s.db"))
    assert_one_line_error(result, "trained on another base")
