"""The step loop every punchup trainer shares: a seeded batch plan, a checkpoint after every step, resume, progress.

What is trained and how its loss is computed is the caller's (`accumulate` runs the
forward and backward passes of one step's examples and returns the step's loss and
tokens); this module owns what must be the same for every trainer: the data order
is a pure function of seed and epoch, a kill loses at most one step (the checkpoint
is replaced atomically), a resumed run continues with the same order, and each step
reports loss and tokens/s. Used by the LoRA tune (train.py) and the learned judge
(punchup.judging.reward.finetune). Needs torch (the [tune] extra) only when called.
"""

from __future__ import annotations

import math
import os
import random
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from punchup.errors import PunchupError


@dataclass
class StepReport:
    step: int
    total: int
    loss: float
    tokens_per_s: float
    resumed_from: int


@dataclass
class TrainResult:
    losses: list[float] = field(default_factory=list)
    tokens: int = 0
    train_s: float = 0.0  # seconds spent in steps, summed over resumes
    resumed_from: int = 0
    peak_rss_mb: float = 0.0


def plan(n_examples: int, epochs: int, batch: int, seed: int, max_steps: int | None = None) -> list[list[int]]:
    """The batches of every step, as example indices: a seeded shuffle per epoch."""
    steps = []
    for epoch in range(epochs):
        order = list(range(n_examples))
        random.Random(f"{seed}/{epoch}").shuffle(order)
        steps.extend(order[i: i + batch] for i in range(0, n_examples, batch))
    return steps[:max_steps] if max_steps else steps


def save_checkpoint(path: Path, state: dict[str, Any]) -> None:
    import torch

    partial = path.with_name(path.name + ".partial")
    torch.save(state, partial)
    os.replace(partial, path)  # a kill mid-write leaves the previous checkpoint intact


def resume(checkpoint: Path, key: str, optimizer: Any, load_weights: Callable[[dict[str, Any]], None]) -> TrainResult:
    """The progress stored in `checkpoint` when it belongs to this run (`key`), else a fresh start."""
    import torch

    if not checkpoint.is_file():
        return TrainResult()
    state = torch.load(checkpoint, map_location="cpu", weights_only=False)
    if state.get("key") != key or "weights" not in state:  # another run's, or an older trainer's layout
        return TrainResult()
    load_weights(state["weights"])
    optimizer.load_state_dict(state["optimizer"])
    return TrainResult(list(state["losses"]), state["tokens"], state["train_s"], len(state["losses"]))


def run_steps(steps: list[list[int]], accumulate: Callable[[list[int]], tuple[float, int]], optimizer: Any,
              trainable: list[Any], weights: Callable[[], dict[str, Any]], key: str, checkpoint: Path,
              result: TrainResult, progress: Callable[[StepReport], None] | None = None) -> TrainResult:
    """Run every step from `result.resumed_from` on: accumulate, clip, step, checkpoint, report."""
    import torch

    for step in range(result.resumed_from, len(steps)):
        started = time.perf_counter()
        loss_value, tokens = accumulate(steps[step])
        if not math.isfinite(loss_value):
            raise PunchupError(f"the loss became {loss_value} at step {step + 1}; lower --lr")
        torch.nn.utils.clip_grad_norm_(trainable, 1.0)
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        elapsed = time.perf_counter() - started
        result.losses.append(round(loss_value, 6))
        result.tokens += tokens
        result.train_s += elapsed
        save_checkpoint(checkpoint, {"key": key, "weights": weights(), "optimizer": optimizer.state_dict(),
                                     "losses": result.losses, "tokens": result.tokens, "train_s": result.train_s})
        if progress:
            progress(StepReport(step + 1, len(steps), loss_value, tokens / max(elapsed, 1e-9), result.resumed_from))
    result.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return result
