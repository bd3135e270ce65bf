"""Writing a story to a file: Fountain, PDF and FDX (through screenplain) for screenplays, Markdown for prose.

File names suggested from a title are sanitised (ASCII slug, no separators,
no dot files, no reserved device names) and must land inside the folder they
were meant for; an explicit output path is the writer's own choice.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
import unicodedata
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from punchup.studio.fountain import fdx_with_title_page, parse_fountain
from punchup.studio.tree import StudioError

ExportFormat = Literal["fountain", "pdf", "fdx", "md"]
EXTENSIONS: dict[str, str] = {"fountain": ".fountain", "pdf": ".pdf", "fdx": ".fdx", "md": ".md"}
SCREENPLAY_FORMATS = ("fountain", "pdf", "fdx")
PROSE_FORMATS = ("md",)
_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


class ExportResult(BaseModel):
    path: str
    format: ExportFormat
    bytes: int
    warnings: list[str] = []  # what was missing or stale (exported anyway with allow_stale)
    disclosure: str | None = None  # the authorship disclosure written beside it


def safe_filename(title: str, fmt: str) -> str:
    """'../../etc/My Story: Part 2' -> 'etc-my-story-part-2.fountain': a name, never a path."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-") or "story"
    if slug in _RESERVED:
        slug = f"story-{slug}"
    return slug + EXTENSIONS[fmt]


def output_path(path: str | Path | None, title: str, fmt: str) -> Path:
    """Where to write: the given file, or a sanitised name from the title inside the given (or current) folder."""
    if path is not None and not Path(path).is_dir():
        target = Path(path).expanduser()
        if not target.parent.exists():
            raise StudioError(f"cannot write {target}: folder {target.parent} does not exist")
        return target
    folder = Path(path).expanduser() if path is not None else Path.cwd()
    target = folder / safe_filename(title, fmt)
    if target.resolve().parent != folder.resolve():
        raise StudioError(f"refusing to write {target}: it would land outside {folder}")
    return target


def check_format(fmt: str, leaf: str) -> None:
    allowed = SCREENPLAY_FORMATS if leaf == "script" else PROSE_FORMATS
    if fmt not in EXTENSIONS:
        raise StudioError(f"unknown export format '{fmt}' (known: {', '.join(EXTENSIONS)})")
    if fmt not in allowed:
        kind = "screenplay" if leaf == "script" else "short story"
        raise StudioError(f"a {kind} exports as {' or '.join(allowed)}, not {fmt}")


def write_export(fmt: ExportFormat, text: str, target: Path, force: bool = False) -> ExportResult:
    """`text` is Fountain for fountain/pdf/fdx and Markdown for md.

    Atomic: the file is written beside the target under a temporary name and
    renamed over it only when complete, so a crash or a full disk never leaves
    a half-written screenplay in place of the last good one. An existing file
    is replaced only with `force`.
    """
    if target.exists() and not force:
        raise StudioError(f"{target} already exists; pass --force to replace it")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent)
    except OSError as exc:
        raise StudioError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            if fmt in ("fountain", "md"):
                out.write(text)
            elif fmt == "fdx":
                from screenplain.export.fdx import to_fdx

                screenplay, body = parse_fountain(text), io.StringIO()
                to_fdx(screenplay, body)
                out.write(fdx_with_title_page(body.getvalue(), screenplay.title_page))
        if fmt == "pdf":
            from screenplain.export.pdf import to_pdf

            to_pdf(parse_fountain(text), temporary)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())  # on disk before the rename makes it the real file
        os.replace(temporary, target)
    except OSError as exc:
        raise StudioError(f"cannot write {target}: {exc.strerror or exc}") from None
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return ExportResult(path=str(target), format=fmt, bytes=target.stat().st_size)
