"""The base GGUF as a transformers model and tokenizer, converted once and cached by the file's hash.

transformers reads a GGUF with `from_pretrained(folder, gguf_file=name)` and
dequantises it to fp32; for SmolLM2 that takes ~40 s here, nearly all of it the
gguf package parsing the vocabulary and mapping tensor names. The result is
saved as safetensors under the cache (keyed by the GGUF's sha256, so it cannot go
stale) and later loads take a second or two. The GGUF itself is only read.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from pathlib import Path
from typing import Any

from punchup.errors import PunchupError
from punchup.improve.tune.spec import BaseModelFile
from punchup.util.cache import cache_root

# OpenMP threads that spin while waiting cost 5-8x on a busy 2-core machine (measured: one LoRA step 50 s
# instead of 6-9 s); sleeping waits cost little when the cores are free. Read once, when torch loads.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _quiet_transformers() -> None:
    from transformers.utils import logging

    logging.set_verbosity_error()
    logging.disable_progress_bar()


def converted_dir(base: BaseModelFile) -> Path:
    """The cached transformers copy of the base, converting it on first use."""
    target = cache_root() / "hf" / base.sha256[:24]
    if (target / "config.json").is_file() and (target / "tokenizer.json").is_file():
        return target
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    _quiet_transformers()
    try:
        # The GGUF reader draws its own tqdm bar on stderr; the command shows its own progress instead.
        with contextlib.redirect_stderr(io.StringIO()):
            tokenizer = AutoTokenizer.from_pretrained(str(base.path.parent), gguf_file=base.path.name)
            model = AutoModelForCausalLM.from_pretrained(str(base.path.parent), gguf_file=base.path.name,
                                                         dtype=torch.float32)
    except (ValueError, OSError, KeyError, RuntimeError) as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise PunchupError(f"transformers cannot load {base.path.name} ({base.architecture}): {first[:200]}") from None
    # The weights are dequantised fp32 now: drop the GGUF quantizer so the copy saves (and loads) as plain weights.
    model.hf_quantizer = None
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    model.save_pretrained(partial)
    tokenizer.save_pretrained(partial)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return target


def load_base(base: BaseModelFile, device: str = "cpu") -> tuple[Any, Any]:
    """(model in fp32, tokenizer) for training; the model's weights are frozen by PEFT later."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = converted_dir(base)
    _quiet_transformers()
    tokenizer = AutoTokenizer.from_pretrained(str(folder))
    model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch.float32).to(device)
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    if not tokenizer.chat_template:
        raise PunchupError(f"{base.path.name} has no chat template; punchup tunes chat models only")
    return model, tokenizer


def pick_device() -> str:
    """The GPU when torch sees one, else the CPU: the same command on a laptop and on a workstation."""
    import torch

    if torch.cuda.is_available():
        return "cuda"
    return "cpu"
