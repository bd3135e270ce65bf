"""`punchup export` (training data from judged runs or licensed stories) and `punchup tune` (LoRA adapters)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from punchup.cli.options import console, store_option
from punchup.errors import PunchupError
from punchup.store import Store


def open_existing_store(location: str) -> Store:
    """Exporting reads a store; it must not create an empty one by mistake."""
    path = Path(location.removeprefix("sqlite:///")).expanduser()
    if "://" not in location and not path.is_file():
        raise PunchupError(f"store not found: {location} (run a bench first, or pass --store)")
    return Store(location)


def _print_skipped(skipped: dict[str, int]) -> None:
    for reason, count in sorted(skipped.items(), key=lambda item: -item[1]):
        console.print(f"  skipped {count}: {reason}", highlight=False, markup=False)


@click.command("export")
@click.option("--run", "runs", multiple=True, help="Bench run to export (repeatable).")
@click.option("--studio", "from_studio", is_flag=True, help="Export writers' choices from stories licensed for training.")
@click.option("--format", "fmt", type=click.Choice(["dpo", "sft", "kto"]), required=True)
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False), required=True, help="FILE.jsonl to write.")
@click.option("--min-margin", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Least net pairwise margin (0..1) for a row.")
@click.option("--judge", "judge", default=None, help="Only verdicts of this judge (its id as stored).")
@click.option("--split-by", type=click.Choice(["prompt", "pack"]), default="prompt", show_default=True)
@click.option("--holdout", type=click.FloatRange(0, 0.9), default=0.0, show_default=True,
              help="Fraction of prompts held out: written beside the data, never trained on.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the held-out choice.")
@store_option
def export(runs: tuple[str, ...], from_studio: bool, fmt: str, output: Path, min_margin: float, judge: str | None,
           split_by: str, holdout: float, seed: int, store: str) -> None:
    """Write DPO pairs, SFT rows or KTO labels (TRL's conversational format) from what punchup judged."""
    from punchup.improve.holdout import holdout_paths, split_rows
    from punchup.improve.rows import write_jsonl

    if bool(runs) == from_studio:
        raise PunchupError("give --run RUN (a bench run) or --studio (licensed stories), not both or neither")
    if not output.parent.is_dir():
        raise PunchupError(f"output folder {output.parent} does not exist")
    opened = open_existing_store(store)
    if from_studio:
        from punchup.improve.studio_rows import studio_rows

        result, sources = studio_rows(opened, fmt)  # type: ignore[arg-type]
    else:
        from punchup.improve.export import export_run

        result, sources = export_run(opened, list(runs), fmt, min_margin=min_margin, judge=judge), []  # type: ignore[arg-type]
    if not result.rows:
        _print_skipped(result.skipped)
        where = "the licensed stories" if from_studio else f"run(s) {', '.join(runs)}"
        raise PunchupError(f"{where} gave no {fmt} rows; nothing written")
    train, held, prompts = split_rows(result.rows, holdout, seed, split_by)  # type: ignore[arg-type]
    if not train:
        raise PunchupError("every row fell in the held-out prompts; lower --holdout")
    rows_path, prompts_path = holdout_paths(output)
    count = write_jsonl(output, train)
    console.print(f"wrote {count} {fmt} rows to {output}", highlight=False, markup=False)
    if holdout > 0:
        write_jsonl(rows_path, held)
        prompts_path.write_text("".join(f"{p}\n" for p in prompts), encoding="utf-8")
        console.print(f"held out {len(prompts)} prompt(s), {len(held)} rows: {rows_path}; prompt list: {prompts_path}",
                      highlight=False, markup=False)
    for line in sources:
        console.print(line, highlight=False, markup=False)
    _print_skipped(result.skipped)


@click.command("tune")
@click.option("--base", default="local/smollm2", show_default=True,
              help="Base model: a local GGUF (local/smollm2, local/PATH.gguf).")
@click.option("--data", type=click.Path(path_type=Path), required=True, help="JSONL rows from punchup export (or your own).")
@click.option("--method", type=click.Choice(["sft", "dpo"]), required=True)
@click.option("--out", "name", required=True, help="Adapter name: then use local/BASE@lora=NAME as a writer.")
@click.option("--epochs", type=click.IntRange(1, 100), default=1, show_default=True)
@click.option("--lr", type=click.FloatRange(0, 1, min_open=True), default=None,
              help="Learning rate (default: sft 2e-4, dpo 5e-5).")
@click.option("--rank", type=click.IntRange(1, 256), default=8, show_default=True, help="LoRA rank (alpha = 2 x rank).")
@click.option("--max-len", type=click.IntRange(16, 8192), default=256, show_default=True, help="Tokens per row (prompt + reply).")
@click.option("--batch", type=click.IntRange(1, 256), default=4, show_default=True)
@click.option("--beta", type=click.FloatRange(0, 10, min_open=True), default=0.1, show_default=True, help="DPO's KL strength.")
@click.option("--max-steps", type=click.IntRange(1, None), default=None, help="Stop after this many steps.")
@click.option("--seed", type=int, default=0, show_default=True)
@store_option
def tune(base: str, data: Path, method: str, name: str, epochs: int, lr: float | None, rank: int, max_len: int,
         batch: int, beta: float, max_steps: int | None, seed: int, store: str) -> None:
    """Train a LoRA adapter (SFT or DPO) on the CPU and write it as a llama.cpp GGUF adapter (resumable)."""
    from punchup.improve.tune.adapters import check_name
    from punchup.improve.tune.run import run_tune
    from punchup.improve.tune.spec import TuneParams, build_spec

    check_name(name)
    params = TuneParams(method=method, epochs=epochs, lr=lr or (2e-4 if method == "sft" else 5e-5), rank=rank,  # type: ignore[arg-type]
                        alpha=2.0 * rank, max_len=max_len, batch=batch, beta=beta, max_steps=max_steps, seed=seed)
    spec = build_spec(base, data, params)  # every input checked before the store is opened or anything written
    opened = Store(store)
    outcome = _run_with_progress(opened, spec, name, run_tune)
    record = outcome.record
    losses = record["losses"]
    if outcome.served_from_store:
        console.print(f"served from the store: trained {record['created_at'][:19]} in {record['wall_s']:.0f} s "
                      "(same base, data, method, hyperparameters and seed); no training", highlight=False, markup=False)
    elif outcome.resumed_from:
        console.print(f"resumed from step {outcome.resumed_from} of an interrupted run", highlight=False, markup=False)
    console.print(f"adapter '{name}': {outcome.adapter}", highlight=False, markup=False)
    console.print(f"  {len(losses)} steps, loss {losses[0]:.4f} -> {losses[-1]:.4f}, {record['tokens']} tokens, "
                  f"{record['tokens'] / max(record['train_s'], 1e-9):.0f} tokens/s, peak memory {record['peak_rss_mb']:.0f} MB",
                  highlight=False, markup=False)
    console.print(f"  use it as a writer: {spec.base.model_id}@lora={name}", highlight=False, markup=False)


def _run_with_progress(opened: Store, spec: Any, name: str, run_tune: Any) -> Any:
    from punchup.cli.training_bar import training_bar

    with training_bar("tune") as (on_step, say):
        return run_tune(opened, spec, name, progress=on_step, on_start=say)
