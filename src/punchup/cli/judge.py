"""Glue for `punchup judge`: build the judge, run it on files, print verdicts."""

from __future__ import annotations

import click
from punchup.cli.options import base_url_option, console, store_option
import asyncio
import json
from pathlib import Path

from rich.console import Console

from punchup.config import Settings
from punchup.errors import PunchupError
from punchup.judging.files import choose_prompt, judge_file_pair, judge_files, read_text
from punchup.judging.factory import DEFAULT_JUDGE, build_judges, judge_models
from punchup.models.pool import ModelPool, check_models
from punchup.packs import load_pack
from punchup.store import Store
from punchup.util.terminal import markup, plain


def run_judge(settings: Settings, console: Console, *, pack_name: str, judge_id: str | None, prompt_id: str | None,
              pair: bool, as_json: bool, files: list[Path], base_url: str | None, store: str) -> None:
    pack = load_pack(pack_name)
    prompt = choose_prompt(pack, prompt_id)
    if pair and len(files) != 2:
        raise PunchupError(f"--pair compares exactly two files; got {len(files)}")
    for path in files:
        read_text(path)  # every file must be readable before the store or a model is touched
    judge_id = judge_id or DEFAULT_JUDGE
    options_for = lambda model_id: settings.model_options(model_id, base_url)  # noqa: E731
    check_models(judge_models(judge_id), options_for)
    models = ModelPool(Store(store), options_for)
    judges = build_judges(judge_id, models.store, models)

    async def go() -> None:
        try:
            if pair:
                result = await judge_file_pair(judges.pairwise, pack, prompt, files[0], files[1])
                if as_json:
                    print(json.dumps(result.model_dump(), ensure_ascii=False))
                    return
                if not result.ok:
                    console.print(f"[red]failed judgment[/]: {markup(result.error)}", highlight=False)
                    return
                for cid, outcome in result.outcomes.items():
                    winner = {1.0: files[0].name, 0.0: files[1].name}.get(outcome.score_x, "tie")
                    note = " (orders disagreed → tie)" if outcome.flipped else ""
                    console.print(plain(f"{cid}: {winner}{note}"), markup=False)
                for label, reasons in ((files[0].name, result.injection_x), (files[1].name, result.injection_y)):
                    if reasons:
                        console.print(f"[yellow]injection flagged in {markup(label)}[/]: {markup('; '.join(reasons))}",
                                      highlight=False)
                return
            for path, result in await judge_files(judges.rubric, pack, prompt, files):
                if as_json:
                    print(json.dumps({"file": str(path), **result.model_dump()}, ensure_ascii=False))
                    continue
                if not result.ok:
                    console.print(f"{markup(path)}: [red]failed judgment[/]: {markup(result.error)}", highlight=False)
                    continue
                scores = ", ".join(f"{k} {v}" for k, v in result.scores.items()) or "no criterion scored"
                console.print(plain(f"{path}: overall {result.overall:.2f} · {scores}"), markup=False, highlight=False)
                if result.not_judged:
                    console.print(plain(f"  not judged by this judge: {', '.join(result.not_judged)}"), markup=False,
                                  highlight=False)
                if result.moves:
                    console.print(plain("  moves: " + ", ".join(f"{m}: {v}" for m, v in result.moves.items())), markup=False)
                console.print(f"  {plain(result.rationale)}", markup=False, style="dim", highlight=False)
                if result.injection:
                    console.print(f"  [yellow]injection flagged[/]: {markup('; '.join(result.injection))}", highlight=False)
        finally:
            await models.aclose()

    asyncio.run(go())


@click.command()
@click.option("--pack", "pack_name", required=True, help="Pack name or YAML file.")
@click.option("--judge", "judge_id", default=None, help="Judge: a model, craft/heuristic-lm (default), craft/heuristic, or a panel A+B.")
@click.option("--prompt", "prompt_id", default=None, help="Which pack prompt the texts answer (default: the first).")
@click.option("--pair", is_flag=True, help="Compare exactly two files (both orders) instead of scoring each.")
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON lines.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@base_url_option
@store_option
def judge(pack_name: str, judge_id: str | None, prompt_id: str | None, pair: bool, as_json: bool,
          files: tuple[Path, ...], base_url: str | None, store: str) -> None:
    """Score text files with the pack's rubric, or compare two with --pair."""

    run_judge(Settings.from_env(), console, pack_name=pack_name, judge_id=judge_id, prompt_id=prompt_id, pair=pair,
              as_json=as_json, files=list(files), base_url=base_url, store=store)
