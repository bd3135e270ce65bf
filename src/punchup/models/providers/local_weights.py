"""The same weights in a form llama.cpp batches well: Q4_1 matrices as Q4_0 plus an exact offset adapter.

Why: ggml's CPU backend has no batch-aware kernel for Q4_1 (the format of the
embedded SmolLM2 file), so a decode step of 8 sequences costs nearly 8 steps of
one. Q4_0 has one: on AVX2 its matrices are repacked into interleaved 8x8 blocks
and multiplied 4 input rows at a time. Requantizing Q4_1 to Q4_0 costs 23 % in
perplexity (benchmarks/local_formats.py); this conversion keeps the weights.

How: a Q4_1 block of 32 weights stores a scale d, a minimum m and 4-bit codes q,
and means w = d*q + m. A Q4_0 block stores d and q in the same byte layout and
means d*(q - 8). So w = Q4_0(d, q) + c with one constant c = m + 8d per block.
The constants become a LoRA adapter, which llama.cpp adds to every matrix
product: A (blocks x columns, ones and zeros) sums the input over each block,
B (rows x blocks) holds the constants: W x = Q4_0(W) x + B (A x). The q, k and v
projections are fused into one attn_qkv matrix (a path llama.cpp has for llama
models): one product and one adapter pair instead of three, which keeps a single
request as fast as on the Q4_1 file. Only llama models are converted, and only
matrices llama.cpp multiplies through its adapter-aware path; other files load
as they are.

The adapter is Q8_0, not float32, for two reasons. ggml multiplies float32
matrices with one kernel for a single input row and another (llamafile's GEMM)
for two or more, summing in different orders: a request's text then changed
with whether it decoded alone or in company (measured: last-token logits moved
by 0.7). Q8_0 products are exact integer sums accumulated block by block in the
same order by both kernels, so company changes nothing. And A is exact in Q8_0
(scale 1, codes 0 and 1): A x is then the sum of the Q8 input over each block,
which is what the Q4_1 kernel itself multiplies m by. B's constants are rounded
to 8 bits per row (at most 1/254 of the row's largest constant).

Measured (benchmarks/local_batching.py and tests/models/test_local_weights.py):
perplexity 1.001x the Q4_1 file's on 100 development paragraphs; one
request alone as fast; batched decode steps 1.2x and prompts 1.4x faster. Texts
differ from the Q4_1 file's where rounding tips a near tie, so the copy is its
own model for the cache (LocalModel.cache_name). The copies are written once
per source file (named after its content hash) into the cache folder, atomically.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from punchup.errors import PunchupError
from punchup.util.cache import cache_root
from punchup.util.gguf import Q4_0, Q4_1, Q8_0, Layout, TensorEntry, metadata_float32, metadata_string, read_layout, \
    write_gguf

VERSION = 1  # bump when the derived files change for the same source
RANK_MULTIPLE = 32  # the adapter is Q8_0, whose rows are whole blocks of 32
REPACK_ROWS = 8  # ggml repacks Q4_0 matrices whose row count is a multiple of 8
QKV = ("attn_q", "attn_k", "attn_v")
# the architectures (and their matrices) whose every product with these weights adds LoRA adapters: checked
ARCHITECTURES = {"llama"}
MATRICES = re.compile(r"^(blk\.\d+\.(attn_q|attn_k|attn_v|attn_output|ffn_gate|ffn_up|ffn_down)|output)\.weight$")
Tensor = tuple[str, tuple[int, ...], int, bytes]


@dataclass(frozen=True)
class ModelFiles:
    """What the engine loads for a model id (here, not in local_engine, so naming it never imports llama.cpp)."""

    source: Path  # the GGUF the caller named: messages name it
    model: Path  # the GGUF llama.cpp loads: the source, or its batch-friendly copy
    offsets: Path | None = None  # the copy's offset adapter, always applied
    adapter: Path | None = None  # the caller's LoRA adapter


@dataclass(frozen=True)
class DerivedWeights:
    model: Path  # the GGUF to load instead of the source
    offsets: Path  # the LoRA adapter that restores the Q4_1 minimums (always applied, scale 1)


def split_q4_1(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_1 blocks (rows, blocks, 20 bytes) -> Q4_0 blocks (rows, blocks, 18 bytes) and the float32 constants
    (rows, blocks) that complete them: scale and nibbles are kept, the minimum m becomes m + 8 d."""
    scale = blocks[:, :, 0:2].copy().view(np.float16)[..., 0].astype(np.float32)
    minimum = blocks[:, :, 2:4].copy().view(np.float16)[..., 0].astype(np.float32)
    q4_0 = np.concatenate([blocks[:, :, 0:2], blocks[:, :, 4:20]], axis=2)
    return np.ascontiguousarray(q4_0), minimum + 8.0 * scale


def offset_pair(constants: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray]:
    """LoRA A (rank, columns): block sums of the input; B (rows, rank): the constants. Rank padded with zeros."""
    rows, blocks = constants.shape
    rank = -(-blocks // RANK_MULTIPLE) * RANK_MULTIPLE
    block_sums = np.zeros((rank, columns), np.float32)
    block_sums[np.arange(columns) // 32, np.arange(columns)] = 1.0
    padded = np.zeros((rows, rank), np.float32)
    padded[:, :blocks] = constants
    return block_sums, padded


def quantize_q8_0(matrix: np.ndarray) -> bytes:
    """ggml's Q8_0 (per 32 values: float16 scale d = max |x| / 127, int8 codes round(x / d)) of a float32 matrix;
    a block of whole numbers within +-127 gets d = 1, so it is exact (A's ones and zeros)."""
    rows, columns = matrix.shape
    blocks = matrix.reshape(rows, columns // 32, 32).astype(np.float32)
    whole = ((blocks == np.round(blocks)) & (np.abs(blocks) <= 127)).all(axis=2)
    scale = np.where(whole, 1.0, np.abs(blocks).max(axis=2) / 127.0).astype(np.float16)
    inverse = np.divide(1.0, scale.astype(np.float32), out=np.zeros(scale.shape, np.float32), where=scale != 0)
    codes = np.clip(np.round(blocks * inverse[..., None]), -127, 127).astype(np.int8)
    out = np.zeros((rows, columns // 32, 34), np.uint8)
    out[:, :, 0:2] = scale[..., None].view(np.uint8)
    out[:, :, 2:] = codes.view(np.uint8)
    return out.tobytes()


def _convertible(entry: TensorEntry) -> bool:
    # Only matrices llama.cpp multiplies through its LoRA-aware path: an embedding is looked up by row, and
    # an adapter on it would be ignored there.
    return (entry.type == Q4_1 and bool(MATRICES.match(entry.name)) and len(entry.dims) == 2
            and entry.dims[0] % 32 == 0 and entry.dims[1] % REPACK_ROWS == 0)


def _convert(layout: Layout, source: np.ndarray, fuse_qkv: bool) -> tuple[list[Tensor], list[Tensor]]:
    model: list[Tensor] = []
    converted: dict[str, tuple[TensorEntry, np.ndarray, np.ndarray]] = {}
    for entry in layout.tensors:
        data = source[layout.data_start + entry.offset: layout.data_start + entry.offset + entry.nbytes]
        if not _convertible(entry):
            model.append((entry.name, entry.dims, entry.type, data.tobytes()))
            continue
        columns, rows = entry.dims
        q4_0, constants = split_q4_1(np.asarray(data).reshape(rows, columns // 32, 20))
        converted[entry.name] = (entry, q4_0, constants)
    groups = [_qkv_group(name, converted) if fuse_qkv else [name] for name in converted]
    fused = {member for group in groups if len(group) == 3 for member in group}
    offsets: list[Tensor] = []
    for group in groups:
        if len(group) == 1 and group[0] in fused:
            continue  # written with its layer's q/k/v
        parts = [converted[member] for member in group]
        columns = parts[0][0].dims[0]
        rows = sum(part[0].dims[1] for part in parts)
        target = group[0].replace(".attn_q.", ".attn_qkv.") if len(group) == 3 else group[0]
        block_sums, constants = offset_pair(np.concatenate([part[2] for part in parts]), columns)
        model.append((target, (columns, rows), Q4_0, b"".join(part[1].tobytes() for part in parts)))
        offsets.append((f"{target}.lora_a", (columns, block_sums.shape[0]), Q8_0, quantize_q8_0(block_sums)))
        offsets.append((f"{target}.lora_b", (block_sums.shape[0], rows), Q8_0, quantize_q8_0(constants)))
    return model, offsets


def _qkv_group(name: str, converted: dict[str, tuple[TensorEntry, np.ndarray, np.ndarray]]) -> list[str]:
    """[q, k, v] of one layer when all three were converted and share the input width, else [name] alone."""
    if ".attn_q." not in name:
        return [name]
    group = [name.replace(".attn_q.", f".{part}.") for part in QKV]
    if all(member in converted for member in group) and len({converted[m][0].dims[0] for m in group}) == 1:
        return group
    return [name]


def _layout_to_convert(source: Path) -> Layout | None:
    """The header of `source` if it has Q4_1 matrices a batch-friendly copy would convert, else None.
    A file whose header cannot be read has none: loading it as it is then says what is wrong with it."""
    try:
        layout = read_layout(source)
    except PunchupError:
        return None
    if layout.metadata.get("general.architecture") not in ARCHITECTURES:
        return None
    return layout if any(_convertible(entry) for entry in layout.tensors) else None


def cache_tag() -> str:
    """Appended to the model's name in the call cache: the copy computes its own text (see the module docstring),
    with flash attention (local_engine.py)."""
    return f"q4_0+offsets-v{VERSION}+flash"


def _file_stem(source: Path, digest: str, fuse_qkv: bool) -> str:
    return f"{source.stem}-{digest[:16]}-v{VERSION}-q4_0{'-qkv' if fuse_qkv else ''}"


def derive(source: Path, digest: str, fuse_qkv: bool, folder: Path | None = None) -> DerivedWeights | None:
    """The batch-friendly copy of `source` (written on first use), or None when it has no Q4_1 matrix to convert
    or the cache folder cannot be written.

    `digest` is the source file's SHA-256 (the copies are named after it, so an edited source gets new copies).
    Fuse q/k/v only for a model loaded without a user adapter: an adapter names the separate matrices."""
    folder = folder or cache_root() / "weights"
    stem = _file_stem(source, digest, fuse_qkv)
    derived = DerivedWeights(folder / f"{stem}.gguf", folder / f"{stem}-offsets.gguf")
    if derived.model.is_file() and derived.offsets.is_file():
        return derived  # written for this very content and VERSION: no need to read the header again (0.1 s)
    layout = _layout_to_convert(source)
    if layout is None:
        return None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        source_bytes = np.memmap(source, dtype=np.uint8, mode="r")
        model, offsets = _convert(layout, source_bytes, fuse_qkv)
        adapter_metadata = (metadata_string("general.architecture", str(layout.metadata["general.architecture"]))
                            + metadata_string("general.type", "adapter") + metadata_string("adapter.type", "lora")
                            + metadata_float32("adapter.lora.alpha", 0.0))  # alpha 0: llama.cpp adds B A x unscaled
        write_gguf(derived.offsets, adapter_metadata, 4, offsets)
        write_gguf(derived.model, layout.metadata_bytes, layout.metadata_count, model, layout.alignment)
    except OSError:
        return None  # no room or no right to write the copy: the file as it is still works, only slower
    return derived
