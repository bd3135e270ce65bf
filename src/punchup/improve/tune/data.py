"""Rows to token ids through the base's own chat template, with the prompt masked out of the loss.

A completion is what the model would write after the generation prompt,
`<|im_end|>` included, so a tuned model also learns where to stop. Long rows
keep the end of the prompt and the start of the completion.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from punchup.errors import PunchupError
from punchup.improve.rows import ChatMessage, CompletionRow, PreferenceRow

IGNORE = -100  # label that the loss skips


@dataclass(frozen=True)
class Sequence:
    ids: list[int]
    labels: list[int]  # IGNORE on prompt tokens

    @property
    def trained_tokens(self) -> int:
        return sum(1 for label in self.labels if label != IGNORE)


@dataclass(frozen=True)
class Example:
    """An SFT example is one sequence; a DPO example is (chosen, rejected) for the same prompt."""

    sequences: tuple[Sequence, ...]


def _dump(messages: list[ChatMessage]) -> list[dict[str, str]]:
    return [m.model_dump() for m in messages]


def encode(tokenizer: Any, prompt: list[ChatMessage], completion: ChatMessage, max_len: int, where: str) -> Sequence:
    prompt_text = tokenizer.apply_chat_template(_dump(prompt), tokenize=False, add_generation_prompt=True)
    full_text = tokenizer.apply_chat_template(_dump(prompt) + [completion.model_dump()], tokenize=False)
    if not full_text.startswith(prompt_text):
        raise PunchupError(f"{where}: the model's chat template does not extend the prompt with the reply; "
                           "this base cannot be tuned on chat rows")
    prompt_ids = tokenizer(prompt_text, add_special_tokens=False)["input_ids"]
    reply_ids = tokenizer(full_text[len(prompt_text):], add_special_tokens=False)["input_ids"]
    if not reply_ids:
        raise PunchupError(f"{where}: the reply has no tokens")
    keep_prompt = min(len(prompt_ids), max_len // 2) if len(prompt_ids) + len(reply_ids) > max_len else len(prompt_ids)
    prompt_ids = prompt_ids[len(prompt_ids) - keep_prompt:]
    reply_ids = reply_ids[: max_len - len(prompt_ids)]
    return Sequence(prompt_ids + reply_ids, [IGNORE] * len(prompt_ids) + reply_ids)


def build_examples(tokenizer: Any, rows: list[Any], max_len: int) -> list[Example]:
    examples = []
    for number, row in enumerate(rows, 1):
        where = f"row {number}"
        if isinstance(row, PreferenceRow):
            chosen = encode(tokenizer, row.prompt, row.chosen[0], max_len, where)
            rejected = encode(tokenizer, row.prompt, row.rejected[0], max_len, where)
            if chosen.ids == rejected.ids:
                raise PunchupError(f"{where}: chosen and rejected are the same within --max-len {max_len} tokens")
            examples.append(Example((chosen, rejected)))
        elif isinstance(row, CompletionRow):
            examples.append(Example((encode(tokenizer, row.prompt, row.completion[0], max_len, where),)))
        else:  # pragma: no cover - read_rows only returns the two kinds
            raise TypeError(type(row))
    return examples


def collate(sequences: list[Sequence], pad_id: int, device: str) -> dict[str, Any]:
    """Right-padded tensors: input_ids, attention_mask, labels."""
    import torch

    width = max(len(s.ids) for s in sequences)
    ids = torch.full((len(sequences), width), pad_id, dtype=torch.long)
    labels = torch.full((len(sequences), width), IGNORE, dtype=torch.long)
    mask = torch.zeros((len(sequences), width), dtype=torch.long)
    for i, seq in enumerate(sequences):
        ids[i, : len(seq.ids)] = torch.tensor(seq.ids)
        labels[i, : len(seq.labels)] = torch.tensor(seq.labels)
        mask[i, : len(seq.ids)] = 1
    return {"input_ids": ids.to(device), "attention_mask": mask.to(device), "labels": labels.to(device)}


def sequence_logps(model: Any, batch: dict[str, Any]) -> Any:
    """Sum of log-probabilities of the labelled tokens of each sequence (the policy's log-likelihood)."""
    import torch

    logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits[:, :-1]
    labels = batch["labels"][:, 1:]
    mask = labels != IGNORE
    # log p = logit - logsumexp: unlike log_softmax this keeps no second vocabulary-sized tensor for backward.
    picked = torch.gather(logits, 2, labels.clamp(min=0).unsqueeze(-1)).squeeze(-1) - logits.logsumexp(-1)
    return (picked * mask).sum(-1), mask.sum(-1)
