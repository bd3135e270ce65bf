"""Find, read and validate packs, turning every user mistake into a one-line PackError.

Pack files are written by hand by people whose job is writing, not YAML, so
each problem is reported as ``file:line: field.path: what is wrong``. Line
numbers come from composing the YAML node tree (which keeps positions) and
walking it along the location pydantic reports.
"""

from __future__ import annotations

import difflib
import os
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from punchup.packs.diagnostics import describe_validation_error, describe_yaml_error, line_at, one_line, yaml_kind
from punchup.packs.schema import Pack, PackError

__all__ = [
    "MAX_PACK_BYTES",
    "PackError",
    "builtin_pack_dir",
    "list_packs",
    "load_pack",
    "load_packs",
]

# A real pack is a few dozen kilobytes; anything near this is a wrong file.
MAX_PACK_BYTES = 2 * 1024 * 1024
# Aliases let a small file expand to an exponential number of values
# ("billion laughs"); no honest pack comes near this many.
MAX_YAML_NODES = 200_000
PACK_SUFFIXES = (".yaml", ".yml")


def builtin_pack_dir() -> Path:
    """The folder holding the packs shipped with punchup."""
    return Path(str(resources.files(__package__))) / "builtin"


def _builtin_names() -> list[str]:
    return sorted(p.stem for p in builtin_pack_dir().glob("*.yaml"))


def list_packs() -> list[Pack]:
    """Every built-in pack, sorted by name."""
    packs = [_load_file(path) for path in sorted(builtin_pack_dir().glob("*.yaml"))]
    return sorted(packs, key=lambda pack: pack.name)


def load_pack(name_or_path: str | Path) -> Pack:
    """Load a built-in pack by name ("fiction") or a pack file by path."""
    if isinstance(name_or_path, Path):
        return _load_file(name_or_path)
    spec = name_or_path.strip()
    if not spec:
        raise PackError("no pack given (expected a built-in pack name or a .yaml file)")
    if "\0" in spec:  # pathlib raises ValueError on NUL; no real name contains one
        raise PackError(f"unknown pack {spec!r}: names and paths cannot contain NUL characters")
    if not _looks_like_path(spec):
        builtin = builtin_pack_dir() / f"{spec}.yaml"
        if builtin.is_file():
            return _load_file(builtin)
        if not Path(spec).exists():
            raise PackError(_unknown_pack_message(spec))
    return _load_file(Path(spec).expanduser())


def load_packs(spec: str | Path) -> list[Pack]:
    """Load a comma-separated list of pack names, pack files and folders of packs.

    A folder contributes every *.yaml / *.yml file in it, sorted by file
    name. Two packs with the same name are refused, because results are
    keyed by pack name and one would silently overwrite the other.
    """
    items = [spec] if isinstance(spec, Path) else [s.strip() for s in spec.split(",") if s.strip()]
    if not items:
        raise PackError("no packs given (expected names, .yaml files or folders, separated by commas)")
    packs: list[Pack] = []
    for item in items:
        folder = _as_folder(item)
        if folder is None:
            packs.append(load_pack(item))
            continue
        files = sorted(p for p in folder.iterdir() if p.suffix in PACK_SUFFIXES and p.is_file())
        if not files:
            raise PackError(f"{folder}: folder has no .yaml pack files")
        packs.extend(_load_file(path) for path in files)
    _reject_duplicate_pack_names(packs)
    return packs


def _as_folder(item: str | Path) -> Path | None:
    if isinstance(item, str) and not _looks_like_path(item) and item in _builtin_names():
        return None  # a built-in name wins over a same-named folder in the cwd
    path = Path(item).expanduser()
    return path if path.is_dir() else None


def _reject_duplicate_pack_names(packs: list[Pack]) -> None:
    seen: dict[str, Pack] = {}
    for pack in packs:
        if pack.name in seen:
            first = seen[pack.name].source_path
            raise PackError(
                f"{pack.source_path}: pack name '{pack.name}' is already used by {first}"
            )
        seen[pack.name] = pack


def _looks_like_path(spec: str) -> bool:
    separators = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    return (
        any(sep in spec for sep in separators)
        or spec.lower().endswith(PACK_SUFFIXES)
        or spec.startswith((".", "~"))
    )


def _unknown_pack_message(name: str) -> str:
    names = _builtin_names()
    close = difflib.get_close_matches(name, names, n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    return f"unknown pack '{name}' (built-in packs: {', '.join(names)}){hint}"


# --- reading one file ---------------------------------------------------

# How to name what YAML made of a value, for messages like "not a list".


# Packs are frozen, so one parsed copy per file version can be shared: a bench
# validates its packs before opening the store and then loads them again to run.
_PARSED: dict[tuple[str, int, int], Pack] = {}


def _load_file(path: Path) -> Pack:
    try:
        stat = path.stat()
        version = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    except (OSError, ValueError):
        return _parse_file(path)  # which says what is wrong with the path
    if version not in _PARSED:
        _PARSED[version] = _parse_file(path)
    return _PARSED[version]


def _parse_file(path: Path) -> Pack:
    label = str(path)
    text = _read_text(path, label)
    root = _compose(text, label)
    _check_tree(root, label)
    data = _construct(root, label)
    if data is None and isinstance(root, yaml.ScalarNode) and root.value == "":
        raise PackError(f"{label}: file is empty")  # e.g. a lone "---"
    if not isinstance(data, dict):
        kind = yaml_kind(data)
        raise PackError(
            f"{label}:{root.start_mark.line + 1}: the top level must be a mapping of pack fields "
            f"(name:, version:, rubric:, ...), not {kind}"
        )
    if "source_path" in data:
        line = line_at(root, ("source_path",))
        raise PackError(f"{label}:{line}: source_path: set by the loader; remove it from the file")
    try:
        pack = Pack.model_validate({**data, "source_path": str(path.resolve())})
    except ValidationError as error:
        raise PackError(describe_validation_error(error, root, label)) from None
    except RecursionError:
        raise PackError(f"{label}: values are nested too deeply to validate") from None
    return pack


def _read_text(path: Path, label: str) -> str:
    try:
        if path.is_dir():
            raise PackError(f"{label}: is a folder, not a pack file (folders can be given to load_packs)")
        if path.suffix.lower() not in PACK_SUFFIXES:
            raise PackError(f"{label}: pack files must end in .yaml or .yml")
        size = path.stat().st_size
        if size > MAX_PACK_BYTES:
            raise PackError(f"{label}: file is too large ({size:,} bytes; a pack may be at most 2 MB)")
        with path.open("rb") as handle:
            # Read one byte past the limit in case the file grew since stat().
            raw = handle.read(MAX_PACK_BYTES + 1)
    except FileNotFoundError:
        raise PackError(f"{label}: no such file") from None
    except PermissionError:
        raise PackError(f"{label}: permission denied") from None
    except OSError as error:
        raise PackError(f"{label}: cannot read file ({error.strerror or error})") from None
    if len(raw) > MAX_PACK_BYTES:
        raise PackError(f"{label}: file is too large (a pack may be at most 2 MB)")
    try:
        # utf-8-sig: editors on Windows like to prepend a byte-order mark.
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        bad = raw[error.start : error.start + 1].hex()
        raise PackError(f"{label}:{line}: not valid UTF-8 (byte 0x{bad}); save the file as UTF-8") from None
    if not text.strip():
        raise PackError(f"{label}: file is empty")
    return text


def _compose(text: str, label: str) -> yaml.Node:
    try:
        # The pure-Python parser on purpose: libyaml's (CSafeLoader) is faster but
        # crashes the interpreter on deeply nested input, and packs are user files.
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        raise PackError(describe_yaml_error(error, label)) from None
    except yaml.reader.ReaderError as error:
        line = text[: error.position].count("\n") + 1
        raise PackError(
            f"{label}:{line}: YAML syntax error: character #x{error.character:04x} is not allowed in YAML"
        ) from None
    except RecursionError:
        raise PackError(f"{label}: YAML is nested too deeply") from None
    except Exception as error:  # noqa: BLE001 - parsing the user's text; see _construct
        raise PackError(f"{label}: YAML syntax error: {one_line(str(error))}") from None
    if root is None:  # only comments or document markers
        raise PackError(f"{label}: file is empty")
    return root


def _construct(root: yaml.Node, label: str) -> Any:
    """Python values from the already-composed tree: the text is parsed once, not twice."""
    try:
        return yaml.SafeLoader("").construct_document(root)
    except yaml.MarkedYAMLError as error:
        raise PackError(describe_yaml_error(error, label)) from None
    except RecursionError:
        raise PackError(f"{label}: YAML is nested too deeply") from None
    except Exception as error:  # noqa: BLE001 - see below
        # PyYAML's constructors raise bare ValueError/IndexError/... for some
        # well-formed but impossible scalars (the date 2024-02-30, an empty
        # "!!int"). The input is the user's file, so any failure here is theirs.
        raise PackError(f"{label}: YAML value cannot be read: {one_line(str(error))}") from None


def _check_tree(root: yaml.Node, label: str) -> None:
    """Refuse what PyYAML quietly accepts: repeated keys, alias bombs, cycles.

    A repeated key keeps only its last value, so an author who pasted a
    second ``question:`` would lose the first without knowing.
    """
    visited = 0
    on_path: set[int] = set()
    # Iterative walk: a recursive one would hit Python's recursion limit on
    # deep but legal nesting. ("exit", node) entries pop a node off the path.
    stack: list[tuple[str, yaml.Node]] = [("enter", root)]
    while stack:
        action, node = stack.pop()
        if action == "exit":
            on_path.discard(id(node))
            continue
        if id(node) in on_path:
            raise PackError(f"{label}:{node.start_mark.line + 1}: an alias refers to its own parent")
        visited += 1
        if visited > MAX_YAML_NODES:
            raise PackError(f"{label}: too many values once aliases are expanded (limit {MAX_YAML_NODES:,})")
        if isinstance(node, yaml.MappingNode):
            seen_keys: set[str] = set()
            for key, _value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen_keys:
                        raise PackError(
                            f"{label}:{key.start_mark.line + 1}: duplicate key '{key.value}' "
                            "(YAML would silently keep only the last one)"
                        )
                    seen_keys.add(key.value)
            children = [child for pair in node.value for child in pair]
        elif isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        else:
            continue
        on_path.add(id(node))
        stack.append(("exit", node))
        stack.extend(("enter", child) for child in reversed(children))


# --- pointing a pydantic error at a line --------------------------------
