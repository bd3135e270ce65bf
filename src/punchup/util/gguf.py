"""Read a GGUF file's header (metadata and tensor table) and write GGUF files, without the `gguf` package.

`punchup tune` checks a base model and `@lora=` checks an adapter before anything
heavy loads: is it a GGUF at all, which architecture, model or adapter, which base.
The local provider rewrites a model's tensors into a batch-friendly copy
(models/providers/local_weights.py). The gguf package's reader parses every field
into numpy views (15 s for SmolLM2's 49k-token vocabulary); this reads scalars,
skips arrays and keeps the metadata block as raw bytes to copy, in milliseconds.

File layout (GGUF v2/v3): magic, version, tensor count, key/value count; the
key/value pairs; one entry per tensor (name, dimensions innermost first, ggml
type, offset into the data section); padding to the alignment; the data.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterable

from punchup.errors import PunchupError

MAGIC = b"GGUF"
DEFAULT_ALIGNMENT = 32
# value type -> struct format of one scalar (8 = string, 9 = array are handled apart)
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}
_STRING, _ARRAY, _FLOAT32 = 8, 9, 6

# ggml tensor types punchup reads or writes, and (weights per block, bytes per block) of each
F32, F16, Q4_0, Q4_1, Q8_0 = 0, 1, 2, 3, 8
BLOCKS = {F32: (1, 4), F16: (1, 2), Q4_0: (32, 18), Q4_1: (32, 20), Q8_0: (32, 34)}


@dataclass(frozen=True)
class TensorEntry:
    name: str
    dims: tuple[int, ...]  # innermost first: a matrix is (columns, rows)
    type: int
    offset: int  # from the start of the data section

    @property
    def nbytes(self) -> int:
        if self.type not in BLOCKS:
            raise PunchupError(f"tensor {self.name}: ggml type {self.type} is not one punchup can copy")
        per_block, block_bytes = BLOCKS[self.type]
        count = 1
        for dim in self.dims:
            count *= dim
        return count // per_block * block_bytes


@dataclass(frozen=True)
class Layout:
    version: int
    metadata: dict[str, Any]  # scalars and strings; arrays are skipped
    metadata_bytes: bytes  # the key/value block exactly as in the file
    metadata_count: int
    tensors: tuple[TensorEntry, ...]
    data_start: int
    alignment: int


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


def _read_metadata(handle: BinaryIO, count: int) -> dict[str, Any]:
    metadata: dict[str, Any] = {}
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


def _read_tensor(handle: BinaryIO) -> TensorEntry:
    name = _string(handle)
    n_dims = _read(handle, "<I")
    if n_dims > 4:
        raise ValueError(f"tensor {name} has {n_dims} dimensions")
    dims = tuple(_read(handle, "<Q") for _ in range(n_dims))
    return TensorEntry(name, dims, _read(handle, "<I"), _read(handle, "<Q"))


def _open(path: Path, with_tensors: bool) -> Layout:
    try:
        with path.open("rb") as handle:
            if handle.read(4) != MAGIC:
                raise PunchupError(f"{path} is not a GGUF file (no GGUF magic bytes)")
            version = _read(handle, "<I")
            if version < 2:
                raise PunchupError(f"{path}: GGUF version {version} is too old (2 or later is needed)")
            n_tensors, count = _read(handle, "<Q"), _read(handle, "<Q")
            start = handle.tell()
            metadata = _read_metadata(handle, count)
            metadata_bytes = b""
            tensors: tuple[TensorEntry, ...] = ()
            alignment = int(metadata.get("general.alignment", DEFAULT_ALIGNMENT))
            data_start = 0
            if with_tensors:
                end = handle.tell()
                handle.seek(start)
                metadata_bytes = handle.read(end - start)
                tensors = tuple(_read_tensor(handle) for _ in range(n_tensors))
                data_start = -(-handle.tell() // alignment) * alignment
            metadata.update({"GGUF.version": version, "GGUF.tensor_count": n_tensors})
            return Layout(version, metadata, metadata_bytes, count, tensors, data_start, alignment)
    except FileNotFoundError:
        raise PunchupError(f"GGUF file not found: {path}") from None
    except IsADirectoryError:
        raise PunchupError(f"{path} is a folder, not a GGUF file") from None
    except (EOFError, ValueError, struct.error) as exc:
        raise PunchupError(f"{path}: damaged GGUF header ({exc or 'file ends early'})") from None
    except OSError as exc:
        raise PunchupError(f"cannot read {path}: {exc.strerror}") from None


def read_metadata(path: Path) -> dict[str, Any]:
    """Scalar and string metadata of a GGUF file; arrays (vocabularies) are skipped."""
    return _open(path, with_tensors=False).metadata


def read_layout(path: Path) -> Layout:
    """Metadata, the raw metadata block and the tensor table (the data itself stays on disk)."""
    return _open(path, with_tensors=True)


def encode_string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def metadata_string(key: str, value: str) -> bytes:
    """One key/value pair holding a string, as it is stored in a GGUF metadata block."""
    return encode_string(key) + struct.pack("<I", _STRING) + encode_string(value)


def metadata_float32(key: str, value: float) -> bytes:
    return encode_string(key) + struct.pack("<I", _FLOAT32) + struct.pack("<f", value)


def write_gguf(path: Path, metadata_bytes: bytes, metadata_count: int,
               tensors: Iterable[tuple[str, tuple[int, ...], int, bytes]], alignment: int = DEFAULT_ALIGNMENT) -> None:
    """Write a GGUF v3 file: the metadata block as given, then each (name, dims, type, data) tensor.

    Written to a temporary name and renamed into place, so a reader never sees half a file."""
    tensors = list(tensors)
    table, offset = bytearray(), 0
    for name, dims, ggml_type, data in tensors:
        table += encode_string(name) + struct.pack("<I", len(dims)) + b"".join(struct.pack("<Q", d) for d in dims)
        table += struct.pack("<IQ", ggml_type, offset)
        offset = -(-(offset + len(data)) // alignment) * alignment
    partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
    try:
        with partial.open("wb") as out:
            out.write(MAGIC + struct.pack("<IQQ", 3, len(tensors), metadata_count) + metadata_bytes + table)
            out.write(b"\0" * (-out.tell() % alignment))
            for _name, _dims, _type, data in tensors:
                out.write(data)
                out.write(b"\0" * (-len(data) % alignment))
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
