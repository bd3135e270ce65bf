"""Limits for every file a user hands punchup (packs, writer profiles, calibration data).

One set of rules, first written for packs: a size cap read without trusting
stat(), UTF-8 with the line of the first bad byte, YAML composed by the
pure-Python parser (libyaml crashes on deep nesting) and walked iteratively
for repeated keys, alias bombs and cycles, and a nesting limit on YAML and JSON
alike. Each failure raises the caller's PunchupError subclass with one line
naming the file (and line when known).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from punchup.errors import PunchupError

# A hand-written configuration file (a pack, writer profiles) is a few dozen kilobytes.
MAX_CONFIG_BYTES = 2 * 1024 * 1024
# Data files (calibration pairs) are larger but still read whole into memory.
MAX_DATA_BYTES = 64 * 1024 * 1024
# Aliases let a small file expand to an exponential number of values ("billion laughs").
MAX_YAML_NODES = 200_000
# No honest pack, profile or JSON record is nested anywhere near this deep.
MAX_NESTING = 64

Problem = type[PunchupError]


def one_line(message: str) -> str:
    return " ".join(message.split())


def describe_yaml_error(error: yaml.MarkedYAMLError, label: str) -> str:
    mark = error.problem_mark or error.context_mark
    where = f"{label}:{mark.line + 1}" if mark is not None else label
    # PyYAML's own order reads naturally: "while parsing a block mapping, expected ..."
    problem = ", ".join(part for part in (error.context, error.problem) if part) or "invalid YAML"
    return f"{where}: YAML syntax error: {one_line(problem)}"


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"


def read_limited_text(path: Path, label: str, error: Problem, max_bytes: int = MAX_CONFIG_BYTES) -> str:
    """The file's text, refusing more than max_bytes (read one byte past the limit: it may grow after stat())."""
    try:
        if path.is_dir():
            raise error(f"{label}: is a folder, not a file")
        size = path.stat().st_size
        if size > max_bytes:
            raise error(f"{label}: file is too large ({size:,} bytes; at most {_megabytes(max_bytes)})")
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise error(f"{label}: no such file") from None
    except PermissionError:
        raise error(f"{label}: permission denied") from None
    except OSError as exc:
        raise error(f"{label}: cannot read file ({exc.strerror or exc})") from None
    if len(raw) > max_bytes:
        raise error(f"{label}: file is too large (at most {_megabytes(max_bytes)})")
    try:
        return raw.decode("utf-8-sig")  # editors on Windows like to prepend a byte-order mark
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(f"{label}:{line}: not valid UTF-8 (byte 0x{raw[exc.start:exc.start + 1].hex()}); "
                    "save the file as UTF-8") from None


def compose_yaml(text: str, label: str, error: Problem) -> yaml.Node | None:
    """The YAML node tree (None for a file of only comments), with every parser failure as one line."""
    try:
        # The pure-Python parser on purpose: libyaml's (CSafeLoader) is faster but
        # crashes the interpreter on deeply nested input, and these are user files.
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        raise error(describe_yaml_error(exc, label)) from None
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise error(f"{label}:{line}: YAML syntax error: character #x{exc.character:04x} is not allowed in YAML") from None
    except RecursionError:
        raise error(f"{label}: YAML is nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - parsing the user's text; see construct_yaml
        raise error(f"{label}: YAML syntax error: {one_line(str(exc))}") from None


def check_yaml_tree(root: yaml.Node, label: str, error: Problem) -> None:
    """Refuse what PyYAML quietly accepts: repeated keys, alias bombs, cycles, and nesting past MAX_NESTING.

    A repeated key keeps only its last value, so an author who pasted a
    second ``question:`` would lose the first without knowing.
    """
    visited = 0
    on_path: set[int] = set()
    # Iterative walk: a recursive one would hit Python's recursion limit on
    # deep nesting. ("exit", node) entries pop a node off the path.
    stack: list[tuple[str, yaml.Node, int]] = [("enter", root, 1)]
    while stack:
        action, node, depth = stack.pop()
        if action == "exit":
            on_path.discard(id(node))
            continue
        if id(node) in on_path:
            raise error(f"{label}:{node.start_mark.line + 1}: an alias refers to its own parent")
        visited += 1
        if visited > MAX_YAML_NODES:
            raise error(f"{label}: too many values once aliases are expanded (limit {MAX_YAML_NODES:,})")
        if isinstance(node, yaml.MappingNode):
            seen_keys: set[str] = set()
            for key, _value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen_keys:
                        raise error(f"{label}:{key.start_mark.line + 1}: duplicate key '{key.value}' "
                                    "(YAML would silently keep only the last one)")
                    seen_keys.add(key.value)
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            continue
        if depth > MAX_NESTING:
            raise error(f"{label}:{node.start_mark.line + 1}: nested more than {MAX_NESTING} levels deep")
        on_path.add(id(node))
        stack.append(("exit", node, depth))
        stack.extend(("enter", child, depth + 1) for child in reversed(children))


def construct_yaml(root: yaml.Node, label: str, error: Problem) -> Any:
    """Python values from the already-composed tree: the text is parsed once, not twice."""
    try:
        return yaml.SafeLoader("").construct_document(root)
    except yaml.MarkedYAMLError as exc:
        raise error(describe_yaml_error(exc, label)) from None
    except RecursionError:
        raise error(f"{label}: YAML is nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 - see below
        # PyYAML's constructors raise bare ValueError/IndexError/... for some
        # well-formed but impossible scalars (the date 2024-02-30, an empty
        # "!!int"). The input is the user's file, so any failure here is theirs.
        raise error(f"{label}: YAML value cannot be read: {one_line(str(exc))}") from None


def load_yaml_file(path: Path, label: str, error: Problem, max_bytes: int = MAX_CONFIG_BYTES) -> Any:
    """A YAML file's values under every limit above; None for an empty file."""
    root = compose_yaml(read_limited_text(path, label, error, max_bytes), label, error)
    if root is None:
        return None
    check_yaml_tree(root, label, error)
    return construct_yaml(root, label, error)


def check_json_nesting(value: Any, where: str, error: Problem) -> None:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            if depth > MAX_NESTING:
                raise error(f"{where}: nested more than {MAX_NESTING} levels deep")
            stack.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))


def loads_json(text: str, where: str, error: Problem) -> Any:
    """json.loads under the nesting limit (the decoder itself recurses, so very deep input raises RecursionError)."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise error(f"{where}: not a JSON line ({exc.msg})") from None
    except RecursionError:
        raise error(f"{where}: nested more than {MAX_NESTING} levels deep") from None
    check_json_nesting(value, where, error)
    return value
