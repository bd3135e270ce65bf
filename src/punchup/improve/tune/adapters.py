"""Named LoRA adapters: `local/smollm2@lora=NAME` (or `@lora=PATH.gguf`) resolved to a checked GGUF file.

`punchup tune --out NAME` writes the adapter content-addressed under the adapters
folder (env PUNCHUP_ADAPTERS, default ~/.local/share/punchup/adapters) and a small
NAME.json that points at it, so any command that takes a model id (bench, generate,
studio) can use the name without opening a store. An adapter that punchup wrote
records its base's SHA-256; using it on another base is refused with one line.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

from punchup.errors import ModelError
from punchup.util.gguf import read_metadata

ADAPTERS_ENV = "PUNCHUP_ADAPTERS"
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
BASE_HASH_KEY = "punchup.base.sha256"


def adapters_dir() -> Path:
    configured = os.environ.get(ADAPTERS_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".local" / "share" / "punchup" / "adapters"


def check_name(name: str) -> str:
    if not NAME_PATTERN.match(name) or name.endswith(".gguf"):
        raise ModelError(f"adapter name '{name}' must be 1-64 letters, digits, '.', '_' or '-' (not a .gguf path)")
    return name


def register(name: str, adapter: Path, record: dict[str, Any]) -> Path:
    """Point NAME at an adapter file (atomically: a crash leaves the old pointer or the new one)."""
    index = adapters_dir() / f"{check_name(name)}.json"
    partial = index.with_name(index.name + ".partial")
    partial.write_text(json.dumps({**record, "name": name, "path": str(adapter.resolve())}, indent=1, sort_keys=True),
                       encoding="utf-8")
    partial.replace(index)
    return index


def lookup(name: str) -> dict[str, Any] | None:
    index = adapters_dir() / f"{name}.json"
    if not NAME_PATTERN.match(name) or not index.is_file():
        return None
    try:
        return json.loads(index.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelError(f"adapter index {index} is unreadable ({exc}); run punchup tune --out {name} again") from None


def registered() -> list[dict[str, Any]]:
    folder = adapters_dir()
    return [entry for path in sorted(folder.glob("*.json")) if (entry := lookup(path.stem))] if folder.is_dir() else []


def resolve_adapter(ref: str, base_path: Path, base_digest: str | None = None) -> Path:
    """A named adapter or a .gguf path, checked: a LoRA adapter for the base's architecture (and base, if recorded)."""
    if ref.endswith(".gguf") or os.sep in ref or ref.startswith("~"):
        path = Path(ref).expanduser()
        if not path.is_file():
            raise ModelError(f"LoRA adapter not found: {path}")
    else:
        entry = lookup(ref)
        if entry is None:
            known = ", ".join(e["name"] for e in registered()) or "none yet"
            raise ModelError(f"no adapter named '{ref}' in {adapters_dir()} (known: {known}); "
                             "train one with punchup tune --out NAME or give a .gguf path")
        path = Path(entry["path"])
        if not path.is_file():
            raise ModelError(f"adapter '{ref}' points at {path}, which is gone; run punchup tune --out {ref} again")
    try:
        meta = read_metadata(path)
        base_meta = read_metadata(base_path)
    except Exception as exc:  # PunchupError from the header reader: say it as a model error
        raise ModelError(str(exc)) from None
    if meta.get("general.type") != "adapter" or meta.get("adapter.type") != "lora":
        raise ModelError(f"{path} is not a LoRA adapter (general.type={meta.get('general.type')})")
    if meta.get("general.architecture") != base_meta.get("general.architecture"):
        raise ModelError(f"adapter {path.name} is for {meta.get('general.architecture')} models, "
                         f"but {base_path.name} is {base_meta.get('general.architecture')}")
    recorded = meta.get(BASE_HASH_KEY)
    if recorded and base_digest and recorded != base_digest:
        raise ModelError(f"adapter {path.name} was trained on another base (sha256 {recorded[:12]}), "
                         f"not {base_path.name} ({base_digest[:12]})")
    return path
