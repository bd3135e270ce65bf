"""Content hashes: the same inputs always give the same key, on any machine."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def content_key(value: Any) -> str:
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of punchup's own code and data files (~5 ms, once per process).

    Results derived without a model (text metrics, summaries) are reused only
    under the same fingerprint, so an edited or upgraded punchup recomputes
    them, while model calls, keyed by what the model saw, stay cached.
    """
    root = Path(__file__).parent.parent  # the punchup package, not util/
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".json") and path.is_file():
            digest.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()
