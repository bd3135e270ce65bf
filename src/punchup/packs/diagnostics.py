"""Where a pack file went wrong: YAML and validation errors turned into one line with file, line and key.

A writer edits packs by hand, so every error names the line and, for a misspelt key, the closest valid one.
"""

from __future__ import annotations

import datetime
import difflib
import typing
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from punchup.packs.schema import Pack
from punchup.util.userfiles import one_line

_YAML_KIND_NAMES: dict[type, str] = {
    list: "a list",
    str: "a piece of text",
    int: "a number",
    float: "a number",
    bool: "a true/false value",
    type(None): "null",
    datetime.date: "a date",
    datetime.datetime: "a date and time",
}


def describe_validation_error(error: ValidationError, root: yaml.Node, label: str) -> str:
    details = error.errors(include_url=False)
    # A misspelt key shows up twice: as an unknown field and as the field it
    # should have been, missing. Only the first says what to fix.
    explained_by_typo = {
        (*tuple(d["loc"][:-1]), suggestion)
        for d in details
        if d["type"] == "extra_forbidden"
        for suggestion in _close_field(tuple(d["loc"]))
    }
    problems = []
    for detail in details:
        loc = tuple(detail["loc"])
        if detail["type"] == "missing" and loc in explained_by_typo:
            continue
        ctx = detail.get("ctx") or {}
        if detail["type"] == "duplicate_id" and "index" in ctx:
            # The validator runs on the whole list; point at the repeated item's id.
            loc = (*loc, ctx["index"], "id")
        line, node = _locate(root, loc)
        message = _message_for(detail, loc, node)
        if detail["type"] == "invalid_key":
            # Here the last loc element is the offending key itself, not a
            # field name, so name it in the message rather than the path.
            message = f"key {_key_text(loc[-1])} is not text; put it in quotes"
            loc = loc[:-1]
        problems.append((line, loc, message))
    # Report the problem nearest the top of the file: it is the one an
    # author reading down the file meets first.
    line, loc, message = min(problems, key=lambda p: p[0])
    more = len(problems) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    field = _format_loc(loc) or "(top level)"
    return f"{label}:{line}: {field}: {message}{suffix}"


def _message_for(detail: Any, loc: tuple[Any, ...], node: yaml.Node | None) -> str:
    kind = detail["type"]
    if kind == "missing":
        return "field required"
    if kind == "extra_forbidden":
        close = _close_field(loc)
        if close:
            return f"unknown field; did you mean '{close[0]}'?"
        allowed = _allowed_keys(loc[:-1])
        if allowed:
            return f"unknown field (allowed: {', '.join(allowed)})"
        return "unknown field"
    if kind == "string_type" and isinstance(node, yaml.ScalarNode) and not node.style:
        # Unquoted yes/no/on/off, numbers and dates are not text to YAML.
        kind = _YAML_KIND_NAMES.get(type(detail["input"]), "something else")
        return f"should be text, but YAML read {node.value} as {kind}; put it in quotes"
    return one_line(detail["msg"])


def _close_field(loc: tuple[Any, ...]) -> list[str]:
    """The real field name an unknown key at `loc` was probably meant to be, if any."""
    return difflib.get_close_matches(str(loc[-1]), _allowed_keys(loc[:-1]), n=1)


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model at `loc`, for 'did you mean' hints."""
    model: type[BaseModel] | None = Pack
    for part in loc:
        if model is None:
            return []
        if isinstance(part, int):
            continue  # an index into a list keeps the list's item model
        field = model.model_fields.get(str(part))
        model = _model_in(field.annotation) if field is not None else None
    if model is None:
        return []
    return [name for name in model.model_fields if not (model is Pack and name == "source_path")]


def _model_in(annotation: Any) -> type[BaseModel] | None:
    # Check type arguments first: on some Pythons `list[X]` passes
    # isinstance(..., type) but makes issubclass() raise.
    args = typing.get_args(annotation)
    if args:
        return next((m for m in map(_model_in, args) if m is not None), None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{_key_text(part)}" if out else _key_text(part)
    return out


def _key_text(key: Any) -> str:
    """A key as the message shows it: quoted and escaped when it is empty or holds spaces or control characters
    (a key "\n" must not break the one-line message)."""
    text = str(key)
    return text if text and text.isprintable() and not any(c.isspace() for c in text) else repr(text)


def line_at(root: yaml.Node, loc: tuple[Any, ...]) -> int:
    return _locate(root, loc)[0]


def _locate(root: yaml.Node, loc: tuple[Any, ...]) -> tuple[int, yaml.Node | None]:
    """1-based line of the deepest node along `loc` that exists, and the node at `loc` if it exists.

    For a mapping entry the key's line is used, so `temperature: 3` points
    at its own line even when the value is a block on the next one.
    """
    node: yaml.Node = root
    line = root.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            entry = next(
                ((k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode) and k.value == str(part)),
                None,
            )
            if entry is None:
                return line, None
            key, node = entry
            line = key.start_mark.line + 1
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            return line, None
    return line, node


def yaml_kind(value: Any) -> str:
    """What a YAML value is, in a writer's words ("a list", "a piece of text")."""
    return _YAML_KIND_NAMES.get(type(value), f"a {type(value).__name__}")
