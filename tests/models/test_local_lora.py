"""`lora=PATH` on the local provider: a real GGUF LoRA adapter, applied by llama.cpp, with its own identity."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from punchup.errors import ModelError
from punchup.models import CachedModel, GenerateConfig, Message, get_model

pytestmark = pytest.mark.real

PROMPT = [Message(role="user", content="Describe a kitchen at dawn.")]
GREEDY = GenerateConfig(temperature=0.0, max_tokens=12)


def write_adapter(path: Path, scale: float, seed: int = 0, rank: int = 4) -> Path:
    """A LoRA adapter in llama.cpp's GGUF format on every attention query matrix of SmolLM2 (576 x 576)."""
    import gguf

    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_type("adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(rank))
    rng = np.random.default_rng(seed)
    for layer in range(30):
        # numpy shapes are GGUF's reversed: lora_a is ne [576, rank], lora_b is ne [rank, 576]
        writer.add_tensor(f"blk.{layer}.attn_q.weight.lora_a", rng.normal(0, 1, (rank, 576)).astype(np.float32))
        writer.add_tensor(f"blk.{layer}.attn_q.weight.lora_b", (scale * rng.normal(0, 1, (576, rank))).astype(np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


@pytest.fixture(scope="module")
def adapters(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("adapters")
    return {"zero": write_adapter(folder / "zero.gguf", 0.0), "strong": write_adapter(folder / "strong.gguf", 0.5)}


def _model(**options):
    return get_model("local/smollm2", n_threads=1, parallel=2, **options)


async def test_adapter_changes_the_text_and_its_hash_names_the_model(adapters, tmp_path):
    base, zero, strong = _model(), _model(lora=adapters["zero"]), _model(lora=adapters["strong"])
    assert base.name == "local/smollm2"
    assert zero.name.startswith("local/smollm2@lora=sha256:") and zero.name != strong.name
    base_text = (await base.generate(PROMPT, GREEDY)).text
    assert (await zero.generate(PROMPT, GREEDY)).text == base_text  # a zero update leaves the model as it was
    assert (await strong.generate(PROMPT, GREEDY)).text != base_text  # so a change means llama.cpp applied it
    copy = tmp_path / "renamed.gguf"
    copy.write_bytes(adapters["strong"].read_bytes())
    assert _model(lora=copy).name == strong.name  # the content names it, not the path


async def test_cached_calls_of_base_and_adapted_model_never_mix(adapters, store):
    base = CachedModel(_model(), store)
    adapted = CachedModel(_model(lora=adapters["strong"]), store)
    first = await base.generate(PROMPT, GREEDY)
    other = await adapted.generate(PROMPT, GREEDY)
    assert not other.cached and other.text != first.text
    assert (await adapted.generate(PROMPT, GREEDY)).cached and base.stats.made == adapted.stats.made == 1
    models = {row["model"] for row in store.query("SELECT model FROM calls")}
    assert models == {base.name, adapted.name}


async def test_missing_or_broken_adapters_fail_with_one_line(tmp_path):
    with pytest.raises(ModelError, match="LoRA adapter not found"):
        _model(lora=tmp_path / "nope.gguf")
    with pytest.raises(ModelError, match="is not a .gguf file"):
        _model(lora=_written(tmp_path / "adapter.safetensors", b"x"))
    with pytest.raises(ModelError, match="is not a .gguf file"):
        _model(lora=_written(tmp_path / "broken.gguf", b"not a gguf at all"))
    # A GGUF header with no metadata and no tensors: llama.cpp refuses it as an adapter (llama-cpp-python would
    # go on with a NULL adapter and crash at the first decode); the provider says so in one line.
    not_lora = _written(tmp_path / "not_lora.gguf", b"GGUF" + b"\x03\x00\x00\x00" + b"\x00" * 16)
    with pytest.raises(ModelError, match="cannot load GGUF .* with LoRA") as info:
        await _model(lora=not_lora).generate(PROMPT, GREEDY)
    assert "\n" not in str(info.value)


def _written(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
