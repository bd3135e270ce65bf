"""Real LoRA training on the embedded SmolLM2, back into llama.cpp: the adapter is applied, exactly as trained.

Tolerance: llama.cpp computes with the Q4_1 weights and 8-bit activations, torch with
the dequantised fp32 weights, so even the *base* models' logits differ (mean |diff|
about 0.2 nats here). The adapter must add no error beyond that noise: llama.cpp
with the adapter vs the merged torch model stays within 1.5x the base pair's
difference, and every greedy token llama.cpp picks is the merged model's best or within
a near tie of it (the two may part at a near tie and then follow different prefixes), while
tuning moved the logits by >5x it.
An adapter written without llama.cpp's q/k row permutation fails the same check.
"""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from punchup.improve.tune.base import load_base  # sets OMP_WAIT_POLICY before torch loads
from punchup.improve.rows import read_rows
from punchup.improve.tune.data import build_examples
from punchup.improve.tune.gguf_adapter import gguf_tensors, write_adapter
from punchup.improve.tune.spec import TuneParams, resolve_base
from punchup.improve.tune.train import add_lora, train
from punchup.store import Store
from tests.conftest import run_punchup

pytestmark = pytest.mark.real

ROWS = [{"prompt": [{"role": "user", "content": f"Write one line about the number {i}."}],
         "completion": [{"role": "assistant", "content": f"The number {i} sat alone in the rain, counting puddles."}]}
        for i in range(4)]
PROBE = [{"role": "user", "content": "Write one line about the number 7."}]
GREEDY = 20


def write_rows(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


PAIRS = [{"prompt": r["prompt"], "chosen": r["completion"],
          "rejected": [{"role": "assistant", "content": "Numbers are numbers."}]} for r in ROWS]


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """Two DPO steps at a high learning rate (so the change is unmistakable), the adapter written both ways."""
    import torch

    folder = tmp_path_factory.mktemp("tune")
    base = resolve_base("local/smollm2")
    params = TuneParams(method="dpo", lr=1e-2, max_len=64, batch=2, max_steps=2)
    model, tokenizer = load_base(base)
    prompt_ids = tokenizer(tokenizer.apply_chat_template(PROBE, tokenize=False, add_generation_prompt=True),
                           add_special_tokens=False)["input_ids"]
    with torch.no_grad():
        base_logits = model(torch.tensor([prompt_ids])).logits[0].numpy()
    rows = read_rows(write_rows(folder / "d.jsonl", PAIRS), "dpo")
    peft_model = add_lora(model, params)
    result = train(peft_model, build_examples(tokenizer, rows, 64), params, "key", folder / "ck.pt", tokenizer.pad_token_id)
    from peft import get_peft_model_state_dict

    state = get_peft_model_state_dict(peft_model)
    adapter = write_adapter(folder / "a.gguf", gguf_tensors(state, "llama", 9, 3), "llama", 16.0, base.sha256, "k", "t")
    unpermuted = write_adapter(folder / "u.gguf", gguf_tensors(state, "unpermuted", 9, 3), "llama", 16.0, base.sha256, "k", "u")
    merged = peft_model.merge_and_unload()
    with torch.no_grad():
        tuned_logits = merged(torch.tensor([prompt_ids])).logits[0].numpy()
    return {"base": base, "prompt_ids": prompt_ids, "base_logits": base_logits, "tuned_logits": tuned_logits,
            "adapter": adapter, "unpermuted": unpermuted, "losses": result.losses,
            "merged": merged, "tokenizer": tokenizer}


def llama_cpp_run(base_path: Path, prompt_ids: list[int], lora: Path | None) -> tuple[np.ndarray, list[int]]:
    from llama_cpp import Llama

    options = {"lora_path": str(lora)} if lora else {}
    llm = Llama(model_path=str(base_path), n_ctx=256, n_threads=2, logits_all=True, verbose=False, **options)
    try:
        llm.eval(prompt_ids)
        logits = np.array(llm.scores[: len(prompt_ids)])
        llm.reset()
        tokens = []
        for token in llm.generate(prompt_ids, top_k=1, temp=0.0):
            tokens.append(token)
            if len(tokens) == GREEDY:
                break
        return logits, tokens
    finally:
        llm.close()


def mean_abs(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.abs(a - b).mean())


# How far below the merged torch model's best logit llama.cpp's greedy pick may be. The two compute differently
# (Q4_1 x 8-bit activations vs fp32), so at a near tie they may pick different tokens and the sequences part
# for good; a wrong adapter is off by several nats at most positions, not by a near tie.
NEAR_TIE = 1.0


def greedy_gaps(merged, prompt_ids: list[int], tokens: list[int]) -> np.ndarray:
    """Per generated token: the merged model's best logit minus its logit for that token, after the same prefix."""
    import torch

    with torch.no_grad():
        logits = merged(torch.tensor([prompt_ids + tokens])).logits[0, len(prompt_ids) - 1: -1].numpy()
    return logits.max(axis=1) - logits[np.arange(len(tokens)), tokens]


def assert_greedy_like_merged(merged, prompt_ids: list[int], tokens: list[int]) -> None:
    gaps = greedy_gaps(merged, prompt_ids, tokens)
    assert len(tokens) >= GREEDY // 2
    assert gaps.max() < NEAR_TIE, gaps  # every pick is the merged model's best or within a near tie of it
    assert (gaps == 0).mean() >= 0.75, gaps  # and most picks are exactly its best


def test_llama_cpp_with_the_adapter_matches_the_merged_torch_model_and_differs_from_base(trained):
    assert trained["losses"][0] == pytest.approx(np.log(2), abs=1e-4)  # DPO step 1: LoRA B is zero, policy == reference
    assert trained["losses"][1] < trained["losses"][0]
    path, ids = trained["base"].path, trained["prompt_ids"]
    base_logits, base_tokens = llama_cpp_run(path, ids, None)
    tuned_logits, tuned_tokens = llama_cpp_run(path, ids, trained["adapter"])
    noise = mean_abs(base_logits, trained["base_logits"])  # llama.cpp vs torch, both untuned
    assert noise < 0.5
    assert mean_abs(tuned_logits, trained["tuned_logits"]) < 1.5 * noise
    assert mean_abs(tuned_logits, base_logits) > 5 * noise  # the adapter really changes the model
    assert_greedy_like_merged(trained["merged"], ids, tuned_tokens)
    assert tuned_tokens != base_tokens
    wrong, _ = llama_cpp_run(path, ids, trained["unpermuted"])
    assert mean_abs(wrong, trained["tuned_logits"]) > 2 * noise  # the q/k permutation is what makes it match


def test_local_provider_serves_the_adapter_like_the_merged_model(trained):

    from punchup.models import GenerateConfig, Message, get_model
    from punchup.models.providers.local_prompt import ChatPrompter

    model = get_model(f"local/smollm2@lora={trained['adapter']}")
    assert "@lora=sha256:" in model.name
    import asyncio

    messages = [Message(**m) for m in PROBE]
    text = asyncio.run(model.generate(messages, GenerateConfig(temperature=0.0, max_tokens=GREEDY, seed=1))).text
    prompt_ids, _ = ChatPrompter(model.llama()).tokens([m.model_dump() for m in messages])
    tokens = trained["tokenizer"](text, add_special_tokens=False)["input_ids"]
    assert_greedy_like_merged(trained["merged"], prompt_ids, tokens)


def tune_args(data: Path, store: Path, *extra: str) -> tuple[str, ...]:
    return ("tune", "--data", str(data), "--max-len", "64", "--batch", "2", "--store", str(store), *extra)


def test_cli_tune_killed_mid_way_resumes_records_serves_from_the_store_and_the_writer_uses_it(tmp_path):
    adapters = tmp_path / "adapters"
    env = {"PUNCHUP_ADAPTERS": str(adapters)}
    data, store = write_rows(tmp_path / "sft.jsonl", ROWS), tmp_path / "s.db"
    args = tune_args(data, store, "--method", "sft", "--out", "rainy", "--max-steps", "2", "--lr", "0.01")
    exe = Path(sys.executable).with_name("punchup")
    process = subprocess.Popen([str(exe), *args], env={**os.environ, **env},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while not list(adapters.glob("*/checkpoint.pt")) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert list(adapters.glob("*/checkpoint.pt")), "the run ended before its first checkpoint"
    assert not Store(str(store)).count("tune_runs")
    resumed = run_punchup(*args, env=env)
    assert resumed.returncode == 0, resumed.stderr
    assert re.search(r"resumed from step [12] ", resumed.stdout) and "tok/s" in resumed.stdout and "loss" in resumed.stdout
    assert "local/smollm2@lora=rainy" in resumed.stdout
    (record,) = [dict(r) for r in Store(str(store)).query("SELECT * FROM tune_runs")]
    losses = json.loads(record["losses"])
    assert record["method"] == "sft" and len(losses) == 2 and losses[1] < losses[0] and record["tokens"] > 0
    assert json.loads(record["params"])["lr"] == 0.01 and record["rows"] == 4 and record["peak_rss_mb"] < 4096
    assert not list(adapters.glob("*/checkpoint.pt"))  # spent once the run is recorded
    again = run_punchup(*args, env=env)
    assert again.returncode == 0 and "served from the store" in again.stdout, again.stderr
    assert Store(str(store)).count("tune_runs") == 1
    generate = ("generate", "-p", "Write one line about the number 7.", "--max-tokens", "20", "--temperature", "0",
                "--json", "--store", str(store))
    tuned = json.loads(run_punchup(*generate, "--model", "local/smollm2@lora=rainy", env=env).stdout.splitlines()[0])
    plain = json.loads(run_punchup(*generate, "--model", "local/smollm2", env=env).stdout.splitlines()[0])
    assert tuned["text"] != plain["text"] and "@lora=sha256:" in tuned["model"]
