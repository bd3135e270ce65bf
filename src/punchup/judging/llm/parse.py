"""Judge replies are untrusted text: parse strictly into a typed model, repair once, never guess."""

from __future__ import annotations

import json
import re
from typing import TypeVar

from pydantic import BaseModel, ValidationError

T = TypeVar("T", bound=BaseModel)

_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_FENCE = re.compile(r"^```(?:json)?\s*|\s*```$", re.MULTILINE)


def _first_object(text: str) -> str | None:
    """The first balanced {...} block, skipping braces inside strings."""
    start = text.find("{")
    while start != -1:
        depth, in_string, escaped = 0, False, False
        for i in range(start, len(text)):
            ch = text[i]
            if in_string:
                escaped = ch == "\\" and not escaped
                if ch == '"' and not escaped:
                    in_string = False
                continue
            if ch == '"':
                in_string = True
            elif ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
                if depth == 0:
                    return text[start : i + 1]
        start = text.find("{", start + 1)
    return None


def repair_json(raw: str) -> str | None:
    """One mechanical repair: strip code fences and prose around the object, drop trailing commas."""
    candidate = _first_object(_FENCE.sub("", raw))
    return _TRAILING_COMMA.sub(r"\1", candidate) if candidate else None


def parse_reply(raw: str, schema: type[T]) -> tuple[T | None, str | None]:
    """Return (value, None) or (None, reason). Tries the raw text, then one repair."""
    error = "empty reply"
    for attempt in (raw, repair_json(raw)):
        if not attempt or not attempt.strip():
            continue
        try:
            # strict=False: small models put raw newlines/tabs inside strings; that is not worth a failure
            return schema.model_validate(json.loads(attempt, strict=False)), None
        except json.JSONDecodeError as exc:
            error = f"not JSON: {exc.msg} at char {exc.pos}"
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "reply"
            error = f"invalid {where}: {first['msg']}"
    return None, error
