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

import yaml
from pydantic import ValidationError

from punchup.packs.diagnostics import describe_validation_error, line_at, yaml_kind
from punchup.packs.schema import Pack, PackError
from punchup.util.userfiles import (
    MAX_CONFIG_BYTES,
    MAX_YAML_NODES,
    check_yaml_tree,
    compose_yaml,
    construct_yaml,
    read_limited_text,
)

__all__ = [
    "MAX_PACK_BYTES",
    "PackError",
    "builtin_pack_dir",
    "list_packs",
    "load_pack",
    "load_packs",
]

# The limits every user file shares (punchup.util.userfiles): a real pack is a few dozen kilobytes.
MAX_PACK_BYTES = MAX_CONFIG_BYTES
__all__ += ["MAX_YAML_NODES"]
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
    root = compose_yaml(text, label, PackError)
    if root is None:  # only comments or document markers
        raise PackError(f"{label}: file is empty")
    check_yaml_tree(root, label, PackError)
    data = construct_yaml(root, label, PackError)
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
    if path.is_dir():
        raise PackError(f"{label}: is a folder, not a pack file (folders can be given to load_packs)")
    if path.suffix.lower() not in PACK_SUFFIXES:
        raise PackError(f"{label}: pack files must end in .yaml or .yml")
    text = read_limited_text(path, label, PackError, MAX_PACK_BYTES)
    if not text.strip():
        raise PackError(f"{label}: file is empty")
    return text


# --- pointing a pydantic error at a line --------------------------------
