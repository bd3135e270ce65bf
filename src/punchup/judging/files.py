"""Judge texts from files (for `punchup judge`): rubric scores for each, or one pair in both orders."""

from __future__ import annotations

from pathlib import Path

from punchup.errors import PunchupError
from punchup.judging.factory import PairJudging, RubricJudging
from punchup.judging.records import PairResult, RubricResult
from punchup.packs import Pack, PromptSpec

MAX_TEXT_BYTES = 1_000_000


def read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise PunchupError(f"{path}: larger than {MAX_TEXT_BYTES // 1000} kB; judge excerpts instead")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise PunchupError(f"file not found: {path}") from None
    except UnicodeDecodeError:
        raise PunchupError(f"{path}: not UTF-8 text") from None
    except IsADirectoryError:
        raise PunchupError(f"{path}: is a folder, not a text file") from None
    except OSError as exc:
        raise PunchupError(f"{path}: cannot read: {exc.strerror}") from None
    if not text.strip():
        raise PunchupError(f"{path}: file is empty")
    return text


def choose_prompt(pack: Pack, prompt_id: str | None) -> PromptSpec:
    return pack.prompt(prompt_id) if prompt_id else pack.prompts[0]


async def judge_files(judge: RubricJudging, pack: Pack, prompt: PromptSpec, paths: list[Path]) -> list[tuple[Path, RubricResult]]:
    texts = [(path, read_text(path)) for path in paths]  # read all first: a bad file fails before any call
    return [(path, await judge.judge(pack, prompt, text)) for path, text in texts]


async def judge_file_pair(judge: PairJudging, pack: Pack, prompt: PromptSpec, first: Path, second: Path) -> PairResult:
    return await judge.judge_pair(pack, prompt, read_text(first), read_text(second))
