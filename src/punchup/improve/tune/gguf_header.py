"""Read a GGUF file's metadata (the key/value header) without the `gguf` package or its tensors.

`punchup tune` checks a base model and `@lora=` checks an adapter before anything
heavy loads: is it a GGUF at all, which architecture, model or adapter, which base.
The gguf package's reader parses every field into numpy views (15 s for SmolLM2's
49k-token vocabulary); this reads scalars and skips arrays, in milliseconds.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any, BinaryIO

from punchup.errors import PunchupError

MAGIC = b"GGUF"
# value type -> struct format of one scalar (8 = string, 9 = array are handled apart)
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY = 8, 9


def _read(handle: BinaryIO, fmt: str) -> Any:
    size = struct.calcsize(fmt)
    data = handle.read(size)
    if len(data) != size:
        raise EOFError
    return struct.unpack(fmt, data)[0]


def _string(handle: BinaryIO) -> str:
    length = _read(handle, "<Q")
    if length > 1 << 24:
        raise ValueError("string length out of range")
    data = handle.read(length)
    if len(data) != length:
        raise EOFError
    return data.decode("utf-8", errors="replace")


def _skip_array(handle: BinaryIO) -> None:
    item_type, count = _read(handle, "<I"), _read(handle, "<Q")
    if item_type in _SCALARS:
        handle.seek(struct.calcsize(_SCALARS[item_type]) * count, 1)
    elif item_type == _STRING:
        for _ in range(count):
            handle.seek(_read(handle, "<Q"), 1)
    else:
        raise ValueError(f"unsupported array item type {item_type}")


def read_metadata(path: Path) -> dict[str, Any]:
    """Scalar and string metadata of a GGUF file; arrays (vocabularies) are skipped."""
    try:
        with path.open("rb") as handle:
            if handle.read(4) != MAGIC:
                raise PunchupError(f"{path} is not a GGUF file (no GGUF magic bytes)")
            version = _read(handle, "<I")
            if version < 2:
                raise PunchupError(f"{path}: GGUF version {version} is too old (2 or later is needed)")
            _tensors, count = _read(handle, "<Q"), _read(handle, "<Q")
            metadata: dict[str, Any] = {"GGUF.version": version, "GGUF.tensor_count": _tensors}
            for _ in range(count):
                key, value_type = _string(handle), _read(handle, "<I")
                if value_type in _SCALARS:
                    metadata[key] = _read(handle, _SCALARS[value_type])
                elif value_type == _STRING:
                    metadata[key] = _string(handle)
                elif value_type == _ARRAY:
                    _skip_array(handle)
                else:
                    raise ValueError(f"unknown value type {value_type} for key {key}")
            return metadata
    except FileNotFoundError:
        raise PunchupError(f"GGUF file not found: {path}") from None
    except IsADirectoryError:
        raise PunchupError(f"{path} is a folder, not a GGUF file") from None
    except (EOFError, ValueError, struct.error) as exc:
        raise PunchupError(f"{path}: damaged GGUF header ({exc or 'file ends early'})") from None
    except OSError as exc:
        raise PunchupError(f"cannot read {path}: {exc.strerror}") from None
