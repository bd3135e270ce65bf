"""Writing a story to a file: Fountain, PDF and FDX (through screenplain) for screenplays, Markdown for prose.

File names suggested from a title are sanitised (ASCII slug, no separators,
no dot files, no reserved device names) and must land inside the folder they
were meant for; an explicit output path is the writer's own choice.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from punchup.studio.fountain import parse_fountain
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


def write_export(fmt: ExportFormat, text: str, target: Path) -> ExportResult:
    """`text` is Fountain for fountain/pdf/fdx and Markdown for md."""
    try:
        if fmt in ("fountain", "md"):
            target.write_text(text, encoding="utf-8")
        elif fmt == "pdf":
            from screenplain.export.pdf import to_pdf

            to_pdf(parse_fountain(text), str(target))
        else:
            from screenplain.export.fdx import to_fdx

            with target.open("w", encoding="utf-8") as out:
                to_fdx(parse_fountain(text), out)
    except OSError as exc:
        raise StudioError(f"cannot write {target}: {exc.strerror or exc}") from None
    return ExportResult(path=str(target), format=fmt, bytes=target.stat().st_size)
