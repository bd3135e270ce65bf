"""The batch-friendly copy of Q4_1 weights: Q4_0 blocks plus an offset adapter that makes them exact."""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np
import pytest

from punchup.errors import PunchupError
from punchup.models.providers.local import LocalModel, file_digest, model_files, smollm2_path
from punchup.models.providers.local_weights import RANK_MULTIPLE, derive, offset_pair, quantize_q8_0, split_q4_1
from punchup.util.gguf import F32, Q4_0, Q4_1, Q8_0, metadata_string, read_layout, read_metadata, write_gguf


def q4_1_blocks(rows: int, columns: int, seed: int = 0) -> np.ndarray:
    """Random but valid Q4_1 blocks: float16 scale and minimum, then 16 bytes of two 4-bit codes each."""
    rng = np.random.default_rng(seed)
    blocks = np.zeros((rows, columns // 32, 20), np.uint8)
    blocks[:, :, 0:2] = rng.uniform(0.001, 0.05, (rows, columns // 32)).astype(np.float16)[..., None].view(np.uint8)
    blocks[:, :, 2:4] = rng.uniform(-0.4, 0.1, (rows, columns // 32)).astype(np.float16)[..., None].view(np.uint8)
    blocks[:, :, 4:] = rng.integers(0, 256, (rows, columns // 32, 16), dtype=np.uint8)
    return blocks


def codes(blocks: np.ndarray, start: int) -> np.ndarray:
    """The 32 codes of each block, in weight order (low nibbles are weights 0-15, high nibbles 16-31)."""
    nibbles = blocks[:, :, start:start + 16]
    return np.concatenate([nibbles & 15, nibbles >> 4], axis=2).astype(np.float64)


def dequantize_q4_1(blocks: np.ndarray) -> np.ndarray:
    scale = blocks[:, :, 0:2].copy().view(np.float16)[..., 0].astype(np.float64)
    minimum = blocks[:, :, 2:4].copy().view(np.float16)[..., 0].astype(np.float64)
    return (scale[..., None] * codes(blocks, 4) + minimum[..., None]).reshape(blocks.shape[0], -1)


def dequantize_q4_0(blocks: np.ndarray) -> np.ndarray:
    scale = blocks[:, :, 0:2].copy().view(np.float16)[..., 0].astype(np.float64)
    return (scale[..., None] * (codes(blocks, 2) - 8)).reshape(blocks.shape[0], -1)


def dequantize_q8_0(data: bytes, rows: int, columns: int) -> np.ndarray:
    blocks = np.frombuffer(data, np.uint8).reshape(rows, columns // 32, 34)
    scale = blocks[:, :, 0:2].copy().view(np.float16)[..., 0].astype(np.float64)
    return (scale[..., None] * blocks[:, :, 2:].copy().view(np.int8)).reshape(rows, columns)


def test_q4_0_blocks_plus_the_offset_adapter_are_the_q4_1_weights():
    rows, columns = 24, 96
    blocks = q4_1_blocks(rows, columns)
    q4_0, constants = split_q4_1(blocks)
    assert q4_0.shape == (rows, columns // 32, 18) and constants.dtype == np.float32
    block_sums, offsets = offset_pair(constants, columns)
    assert block_sums.shape == (RANK_MULTIPLE, columns) and offsets.shape == (rows, RANK_MULTIPLE)  # 3 blocks, padded
    a = dequantize_q8_0(quantize_q8_0(block_sums), RANK_MULTIPLE, columns)
    b = dequantize_q8_0(quantize_q8_0(offsets), rows, RANK_MULTIPLE)
    np.testing.assert_array_equal(a, block_sums)  # ones and zeros are exact in Q8_0
    exact = dequantize_q4_1(blocks)
    derived = dequantize_q4_0(q4_0) + b @ a
    # the only rounding: each row's constants to 8 bits (half a step of max |c| / 127, and float16 scales)
    worst = np.abs(constants).max(axis=1, keepdims=True) / 127 * 0.51
    assert (np.abs(derived - exact) <= worst + 1e-6).all()
    assert np.abs(derived - exact).max() < 0.01 * np.abs(exact).max()
    assert np.abs(dequantize_q4_0(q4_0) - exact).max() > 0.1  # without the offsets it is another model


def _tiny_model(path: Path) -> Path:
    metadata = metadata_string("general.architecture", "llama") + metadata_string("general.name", "tiny")
    tensors = [("token_embd.weight", (64, 16), Q4_1, q4_1_blocks(16, 64, 1).tobytes())]
    for part, rows in (("attn_q", 64), ("attn_k", 16), ("attn_v", 16), ("ffn_up", 8), ("ffn_down", 12)):
        tensors.append((f"blk.0.{part}.weight", (64, rows), Q4_1, q4_1_blocks(rows, 64, rows).tobytes()))
    tensors.append(("blk.0.attn_norm.weight", (64,), F32, np.ones(64, np.float32).tobytes()))
    write_gguf(path, metadata, 2, tensors)
    return path


def test_the_copy_fuses_q_k_v_converts_what_repacks_and_copies_the_rest(tmp_path):
    source = _tiny_model(tmp_path / "tiny.gguf")
    derived = derive(source, file_digest(source), fuse_qkv=True, folder=tmp_path / "cache")
    model = {t.name: t for t in read_layout(derived.model).tensors}
    assert model["blk.0.attn_qkv.weight"].dims == (64, 96) and model["blk.0.attn_qkv.weight"].type == Q4_0
    assert not {"blk.0.attn_q.weight", "blk.0.attn_k.weight", "blk.0.attn_v.weight"} & set(model)
    assert model["blk.0.ffn_up.weight"].type == Q4_0
    # 12 rows do not fill ggml's 8-row repacked groups, and the embedding is looked up by row: both stay Q4_1
    assert model["blk.0.ffn_down.weight"].type == Q4_1 and model["token_embd.weight"].type == Q4_1
    assert read_metadata(derived.model)["general.name"] == "tiny"  # the source's metadata, copied as it was
    adapter = read_layout(derived.offsets)
    assert adapter.metadata["general.type"] == "adapter" and adapter.metadata["adapter.lora.alpha"] == 0.0
    pairs = {t.name: (t.dims, t.type) for t in adapter.tensors}
    assert pairs == {"blk.0.attn_qkv.weight.lora_a": ((64, 32), Q8_0), "blk.0.attn_qkv.weight.lora_b": ((32, 96), Q8_0),
                     "blk.0.ffn_up.weight.lora_a": ((64, 32), Q8_0), "blk.0.ffn_up.weight.lora_b": ((32, 8), Q8_0)}
    # the fused offsets are q's, k's and v's in that order
    layout = read_layout(source)
    data = np.memmap(source, dtype=np.uint8, mode="r")
    k = next(t for t in layout.tensors if t.name == "blk.0.attn_k.weight")
    k_blocks = np.asarray(data[layout.data_start + k.offset:][: k.nbytes]).reshape(16, 2, 20)
    b = next(t for t in adapter.tensors if t.name == "blk.0.attn_qkv.weight.lora_b")
    offsets = dequantize_q8_0(Path(derived.offsets).read_bytes()[adapter.data_start + b.offset:][: b.nbytes], 96, 32)
    k_constants = split_q4_1(k_blocks)[1]
    assert np.abs(offsets[64:80, :2] - k_constants).max() <= np.abs(offsets[64:80]).max() / 127
    assert not offsets[:, 2:].any()
    assert derive(source, file_digest(source), fuse_qkv=True, folder=tmp_path / "cache") == derived  # cached
    unfused = derive(source, file_digest(source), fuse_qkv=False, folder=tmp_path / "cache")
    assert "blk.0.attn_q.weight" in {t.name for t in read_layout(unfused.model).tensors}


def test_a_file_without_q4_1_matrices_is_loaded_as_it_is(tmp_path):
    path = tmp_path / "f32.gguf"
    write_gguf(path, metadata_string("general.architecture", "llama"), 1,
               [("blk.0.ffn_up.weight", (32, 8), F32, np.zeros(256, np.float32).tobytes())])
    assert derive(path, file_digest(path), fuse_qkv=True, folder=tmp_path / "cache") is None
    assert model_files(path, None, batch_weights=True).model == path


def test_a_damaged_header_is_one_line(tmp_path):
    path = tmp_path / "cut.gguf"
    path.write_bytes(b"GGUF" + struct.pack("<IQQ", 3, 5, 1) + b"\x05")
    with pytest.raises(PunchupError, match="damaged GGUF header") as caught:
        read_layout(path)
    assert "\n" not in str(caught.value)


# -- the real model ------------------------------------------------------------------------------------------------


def _next_token_nll(model_path: Path, offsets: Path | None, texts: list[str]) -> float:
    from llama_cpp import Llama

    llm = Llama(model_path=str(model_path), lora_path=str(offsets) if offsets else None, n_ctx=136, n_batch=136,
                n_threads=2, logits_all=True, verbose=False)
    total, count = 0.0, 0
    try:
        for text in texts:
            tokens = llm.tokenize(text.encode(), add_bos=True)[:128]
            llm.reset()
            llm.eval(tokens)
            logits = np.asarray(llm.scores[: len(tokens) - 1], dtype=np.float64)
            peak = logits.max(axis=1, keepdims=True)
            normaliser = peak[:, 0] + np.log(np.exp(logits - peak).sum(axis=1))
            total -= float((logits[np.arange(len(tokens) - 1), tokens[1:]] - normaliser).sum())
            count += len(tokens) - 1
    finally:
        llm.close()
    return total / count


TEXTS = [
    "The lighthouse keeper climbed the stairs every evening, counting the steps as his father had done before him.",
    "She folded the letter twice, then a third time, until it was small enough to disappear into her fist.",
    "Rain came sideways off the harbour and the fishing boats knocked together like nervous teeth.",
    "INT. KITCHEN - NIGHT. A kettle screams. MARA doesn't move to take it off the heat.",
]


@pytest.mark.real
def test_the_copy_is_the_same_model_as_the_shipped_q4_1_file(tmp_path):
    source = smollm2_path()
    derived = derive(source, file_digest(source), fuse_qkv=True, folder=tmp_path)
    shipped = _next_token_nll(source, None, TEXTS)
    copy = _next_token_nll(derived.model, derived.offsets, TEXTS)
    without_offsets = _next_token_nll(derived.model, None, TEXTS)
    assert abs(copy - shipped) < 0.01 * shipped  # measured: 1.00002x the perplexity on 100 paragraphs
    assert without_offsets > shipped + 1.0  # the offsets are what make it the same model


def test_the_copy_has_its_own_cache_name_and_an_unwritable_cache_falls_back_to_the_file(tmp_path, monkeypatch):
    copy = LocalModel("smollm2")
    assert copy.files.offsets is not None and copy.files.source == smollm2_path().resolve()
    assert copy.name == "local/smollm2" and copy.cache_name == "local/smollm2#q4_0+offsets-v1+flash"
    assert LocalModel("smollm2", batch_weights=False).cache_name == "local/smollm2"  # the stores it filled still match
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("PUNCHUP_CACHE", str(blocker))
    as_is = LocalModel("smollm2")
    assert as_is.files.model == smollm2_path().resolve() and as_is.files.offsets is None
    assert as_is.cache_name == "local/smollm2"  # what it loads decides what it is called in the cache


def test_punchup_local_weights_as_is_reaches_local_models_only(monkeypatch):
    from punchup.config import Settings

    assert Settings.from_env().model_options("local/smollm2") == {}
    monkeypatch.setenv("PUNCHUP_LOCAL_WEIGHTS", "as-is")
    settings = Settings.from_env()
    assert settings.model_options("local/smollm2") == {"batch_weights": False}
    assert "batch_weights" not in settings.model_options("openai/x", "http://127.0.0.1:1/v1")
    monkeypatch.setenv("PUNCHUP_LOCAL_WEIGHTS", "fast")
    with pytest.raises(PunchupError, match="must be 'batch' .* or 'as-is', not 'fast'"):
        Settings.from_env()


def test_only_llama_matrices_are_converted(tmp_path):
    blocks = q4_1_blocks(8, 64).tobytes()
    gpt2 = tmp_path / "gpt2.gguf"
    write_gguf(gpt2, metadata_string("general.architecture", "gpt2"), 1,
               [("blk.0.ffn_up.weight", (64, 8), Q4_1, blocks)])
    assert derive(gpt2, file_digest(gpt2), fuse_qkv=True, folder=tmp_path / "cache") is None
    odd = tmp_path / "odd.gguf"
    write_gguf(odd, metadata_string("general.architecture", "llama"), 1,
               [("position_embd.weight", (64, 8), Q4_1, blocks)])
    assert derive(odd, file_digest(odd), fuse_qkv=True, folder=tmp_path / "cache") is None
