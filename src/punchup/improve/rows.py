"""The training-data rows punchup writes and reads: TRL's conversational formats plus a `punchup` object.

One JSON object per line (docs/training-data.md):
    dpo  {"prompt": [messages], "chosen": [assistant message], "rejected": [assistant message], "punchup": {...}}
    sft  {"prompt": [messages], "completion": [assistant message], "punchup": {...}}
    kto  {"prompt": [messages], "completion": [assistant message], "label": true|false, "punchup": {...}}
TRL's trainers read the first keys as they are; `punchup` (provenance: judge, margin, pack, prompt,
writers, text hashes, injection flags) is optional on the way in, so users can bring their own pairs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from punchup.errors import PunchupError
from punchup.util.textfiles import read_user_text

Method = Literal["sft", "dpo", "kto"]
MAX_DATA_BYTES = 200_000_000


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    role: Literal["system", "user", "assistant"]
    content: str


class _Row(BaseModel):
    model_config = ConfigDict(extra="forbid")

    prompt: list[ChatMessage] = Field(min_length=1)
    punchup: dict[str, Any] = Field(default_factory=dict)

    @field_validator("prompt")
    @classmethod
    def _prompt_ends_with_user(cls, prompt: list[ChatMessage]) -> list[ChatMessage]:
        if prompt[-1].role != "user" or not prompt[-1].content.strip():
            raise ValueError("the prompt must end with a non-empty user message")
        return prompt


def _one_reply(messages: list[ChatMessage]) -> list[ChatMessage]:
    if len(messages) != 1 or messages[0].role != "assistant" or not messages[0].content.strip():
        raise ValueError("must be exactly one non-empty assistant message")
    return messages


class PreferenceRow(_Row):
    chosen: list[ChatMessage]
    rejected: list[ChatMessage]

    @field_validator("chosen", "rejected")
    @classmethod
    def _replies(cls, messages: list[ChatMessage]) -> list[ChatMessage]:
        return _one_reply(messages)

    @model_validator(mode="after")
    def _different(self) -> "PreferenceRow":
        if self.chosen[0].content.strip() == self.rejected[0].content.strip():
            raise ValueError("chosen and rejected are the same text")
        return self


class CompletionRow(_Row):
    completion: list[ChatMessage]

    @field_validator("completion")
    @classmethod
    def _reply(cls, messages: list[ChatMessage]) -> list[ChatMessage]:
        return _one_reply(messages)


class KtoRow(CompletionRow):
    label: bool


ROW_TYPES: dict[str, type[_Row]] = {"dpo": PreferenceRow, "sft": CompletionRow, "kto": KtoRow}


def user(text: str) -> dict[str, str]:
    return {"role": "user", "content": text}


def assistant(text: str) -> list[dict[str, str]]:
    return [{"role": "assistant", "content": text}]


def _first_error(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def parse_row(line: str, method: Method, where: str) -> _Row:
    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise PunchupError(f"{where}: not JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(data, dict):
        raise PunchupError(f"{where}: expected a JSON object, got {type(data).__name__}")
    if method == "sft" and "messages" in data and "prompt" not in data:
        data = _from_messages(data, where)
    try:
        return ROW_TYPES[method].model_validate(data)
    except ValidationError as exc:
        raise PunchupError(f"{where}: not a {method} row: {_first_error(exc)}") from None


def _from_messages(data: dict[str, Any], where: str) -> dict[str, Any]:
    """TRL's other conversational SFT form, {"messages": [...]}: the last assistant turn is the completion."""
    messages = data.pop("messages")
    if not isinstance(messages, list) or len(messages) < 2 or not isinstance(messages[-1], dict):
        raise PunchupError(f"{where}: 'messages' must list the prompt turns and a final assistant message")
    return {**data, "prompt": messages[:-1], "completion": messages[-1:]}


def read_rows(path: Path, method: Method) -> list[_Row]:
    """Every row of a JSONL file, validated; the first bad line stops it with its line number."""
    text = read_user_text(path, "data file", max_bytes=MAX_DATA_BYTES, allow_empty=True)
    rows = [parse_row(line, method, f"{path}:{number}") for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not rows:
        raise PunchupError(f"data file {path} has no rows")
    return rows


def write_jsonl(path: Path, rows: Iterator[dict[str, Any]] | list[dict[str, Any]]) -> int:
    """Write rows to path atomically: a crash leaves the old file or none, never half a file."""
    partial = path.with_name(path.name + ".partial")
    count = 0
    try:
        with partial.open("w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
        partial.replace(path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise PunchupError(f"cannot write {path}: {exc.strerror}") from None
    return count
