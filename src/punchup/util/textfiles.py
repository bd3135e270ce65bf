"""Reading a user's text file (prompt, story, data): one place that turns every OS/encoding
problem into a one-line PunchupError naming the file."""

from __future__ import annotations

from pathlib import Path

from punchup.errors import PunchupError

MAX_TEXT_BYTES = 1_000_000  # far beyond any context window; larger files are a mistake


def read_user_text(path: Path, what: str = "file", max_bytes: int = MAX_TEXT_BYTES, allow_empty: bool = False) -> str:
    try:
        if path.stat().st_size > max_bytes:
            raise PunchupError(f"{what} {path} is larger than {max_bytes // 1000} kB")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PunchupError(f"{what} not found: {path}") from None
    except UnicodeDecodeError:
        raise PunchupError(f"{what} {path} is not UTF-8 text") from None
    except IsADirectoryError:
        raise PunchupError(f"{what} {path} is a folder, not a text file") from None
    except OSError as exc:
        raise PunchupError(f"cannot read {what} {path}: {exc.strerror}") from None
    if not allow_empty and not text.strip():
        raise PunchupError(f"{what} {path} is empty")
    return text
