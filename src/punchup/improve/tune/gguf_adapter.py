"""A PEFT LoRA as the GGUF adapter file llama.cpp applies on top of the untouched base GGUF.

llama.cpp's adapter format (what its convert_lora_to_gguf.py writes):
general.type = "adapter", general.architecture = the base's, adapter.type = "lora",
adapter.lora.alpha; per adapted weight two tensors named after the base tensor,
`blk.N.attn_q.weight.lora_a` with numpy shape (rank, in) and `.lora_b` with
(out, rank); llama.cpp adds (alpha / rank) * B @ A @ x, as PEFT does.

The one trap: for llama, llama.cpp stores attn_q and attn_k with their rows
permuted (the two rotary halves of each head interleaved) and transformers undoes
that when it loads the GGUF. The LoRA was trained in transformers' row order, so
lora_b of q and k gets llama.cpp's permutation; lora_a (the input side) does not.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np

from punchup.errors import PunchupError
from punchup.improve.tune.adapters import BASE_HASH_KEY

# transformers module path inside a decoder layer -> llama.cpp tensor name
MODULES = {
    "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
    "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up",
    "mlp.down_proj": "ffn_down",
}
_LORA_KEY = re.compile(r"layers\.(\d+)\.(" + "|".join(re.escape(m) for m in MODULES) + r")\.lora_([AB])\.weight$")
PERMUTED_ARCHITECTURES = {"llama"}  # see the module docstring
TUNE_KEY = "punchup.tune.key"


def llama_cpp_rows(matrix: np.ndarray, n_head: int) -> np.ndarray:
    """Rows of a q/k projection (or its lora_b) from transformers' order to llama.cpp's."""
    rows = matrix.shape[0]
    if rows % (2 * n_head):
        raise ValueError(f"{rows} rows do not split into {n_head} heads of two halves")
    return matrix.reshape(n_head, 2, rows // n_head // 2, *matrix.shape[1:]).swapaxes(1, 2).reshape(matrix.shape)


def gguf_tensors(lora_state: dict[str, Any], architecture: str, n_head: int, n_head_kv: int) -> dict[str, np.ndarray]:
    """PEFT state dict (get_peft_model_state_dict) -> llama.cpp tensor name -> float32 array."""
    tensors: dict[str, np.ndarray] = {}
    for name, tensor in lora_state.items():
        match = _LORA_KEY.search(name)
        if match is None:
            raise PunchupError(f"LoRA weight {name} has no llama.cpp counterpart (only attention and MLP projections)")
        layer, module, side = match.groups()
        array = tensor.detach().to("cpu").float().numpy() if hasattr(tensor, "detach") else np.asarray(tensor, np.float32)
        target = MODULES[module]
        if side == "B" and architecture in PERMUTED_ARCHITECTURES and target in ("attn_q", "attn_k"):
            array = llama_cpp_rows(array, n_head if target == "attn_q" else n_head_kv)
        tensors[f"blk.{layer}.{target}.weight.lora_{side.lower()}"] = np.ascontiguousarray(array, dtype=np.float32)
    pairs = {name.rsplit(".", 1)[0] for name in tensors}
    for base in pairs:
        a, b = tensors.get(f"{base}.lora_a"), tensors.get(f"{base}.lora_b")
        if a is None or b is None or a.shape[0] != b.shape[1]:
            raise PunchupError(f"LoRA pair {base} is incomplete or its ranks differ")
    return tensors


def write_adapter(path: Path, tensors: dict[str, np.ndarray], architecture: str, alpha: float,
                  base_sha256: str, tune_key: str, name: str) -> Path:
    """Write the adapter atomically (a .partial file renamed into place)."""
    import gguf

    partial = path.with_name(path.name + ".partial")
    writer = gguf.GGUFWriter(str(partial), architecture)
    # GGUFWriter writes general.architecture itself, from its `arch` argument.
    writer.add_type(gguf.GGUFType.ADAPTER)
    writer.add_string(gguf.Keys.Adapter.TYPE, "lora")
    writer.add_float32(gguf.Keys.Adapter.LORA_ALPHA, float(alpha))
    writer.add_name(name)
    writer.add_string(BASE_HASH_KEY, base_sha256)  # lets punchup refuse the adapter on another base
    writer.add_string(TUNE_KEY, tune_key)
    for tensor_name in sorted(tensors):
        writer.add_tensor(tensor_name, tensors[tensor_name])
    try:
        writer.write_header_to_file()
        writer.write_kv_data_to_file()
        writer.write_tensors_to_file()
    finally:
        writer.close()
    partial.replace(path)
    return path
