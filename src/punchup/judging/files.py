"""Judge texts from files (for `punchup judge`): rubric scores for each, or one pair in both orders."""

from __future__ import annotations

from pathlib import Path

from punchup.judging.factory import PairJudging, RubricJudging
from punchup.judging.records import PairResult, RubricResult
from punchup.packs import Pack, PromptSpec
from punchup.util.textfiles import read_user_text

def read_text(path: Path) -> str:
    return read_user_text(path, "text file")


def choose_prompt(pack: Pack, prompt_id: str | None) -> PromptSpec:
    return pack.prompt(prompt_id) if prompt_id else pack.prompts[0]


async def judge_files(judge: RubricJudging, pack: Pack, prompt: PromptSpec, paths: list[Path]) -> list[tuple[Path, RubricResult]]:
    texts = [(path, read_text(path)) for path in paths]  # read all first: a bad file fails before any call
    return [(path, await judge.judge(pack, prompt, text)) for path, text in texts]


async def judge_file_pair(judge: PairJudging, pack: Pack, prompt: PromptSpec, first: Path, second: Path) -> PairResult:
    return await judge.judge_pair(pack, prompt, read_text(first), read_text(second))
