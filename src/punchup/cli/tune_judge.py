"""`punchup tune-judge`: train a learned judge (fine-tuned MiniLM reward model) and register it as reward/NAME."""

from __future__ import annotations

from pathlib import Path

import click

from punchup.cli.options import console
from punchup.errors import PunchupError

def _pairs(data: tuple[Path, ...], distill: tuple[Path, ...]) -> tuple[list[tuple[str, str, bool]], list[str]]:
    from punchup.judging.reward.sources import distilled_pairs, labelled_pairs

    (expert, expert_sources), (distilled, distilled_sources) = labelled_pairs(data), distilled_pairs(distill)
    if not expert and not distilled:
        raise PunchupError("tune-judge needs preference pairs: --data FILE (pairs or scored paragraphs) or --distill FILE")
    return expert + distilled, expert_sources + distilled_sources


@click.command("tune-judge")
@click.option("--data", type=click.Path(path_type=Path), multiple=True,
              help="Calibration JSONL: text_a/text_b/preferred pairs or text/score paragraphs (repeatable).")
@click.option("--distill", type=click.Path(path_type=Path), multiple=True,
              help="DPO rows exported from a run judged by a stronger judge, to distil it (repeatable).")
@click.option("--out", "name", required=True, help="Judge name: then use --judge reward/NAME.")
@click.option("--synthetic/--no-synthetic", default=True, show_default=True,
              help="Add one contrastive pair per chosen text (one controlled flaw: slop, telling, filler, ...).")
@click.option("--epochs", type=click.IntRange(1, 50), default=2, show_default=True)
@click.option("--lr", type=click.FloatRange(0, 1, min_open=True), default=3e-4, show_default=True)
@click.option("--rank", type=click.IntRange(1, 128), default=8, show_default=True)
@click.option("--max-len", type=click.IntRange(16, 512), default=256, show_default=True, help="Word pieces per text.")
@click.option("--batch", type=click.IntRange(1, 256), default=8, show_default=True, help="Pairs per step.")
@click.option("--max-steps", type=click.IntRange(1, None), default=None, help="Stop after this many steps.")
@click.option("--seed", type=int, default=0, show_default=True)
def tune_judge(data: tuple[Path, ...], distill: tuple[Path, ...], name: str, synthetic: bool, epochs: int, lr: float,
               rank: int, max_len: int, batch: int, max_steps: int | None, seed: int) -> None:
    """Fine-tune the MiniLM sentence encoder (LoRA + Bradley-Terry head) on preference pairs; resumable."""
    from punchup.improve.tune.adapters import NAME_PATTERN  # judges are named like adapters
    from punchup.judging.reward.finetune import RewardTuneParams
    from punchup.judging.reward.model import user_judges_dir

    if not NAME_PATTERN.match(name):
        raise PunchupError(f"judge name '{name}' must be 1-64 letters, digits, '.', '_' or '-'")
    pairs, sources = _pairs(data, distill)
    params = RewardTuneParams(epochs=epochs, lr=lr, rank=rank, alpha=2.0 * rank, max_len=max_len, batch=batch,
                              max_steps=max_steps, seed=seed)
    from punchup.cli.training_bar import training_bar
    from punchup.judging.reward.scorers import fit_tuned, save_tuned

    folder = user_judges_dir()
    # The checkpoint sits with the judges, keyed by name; it belongs to these pairs and params only, so a killed
    # run resumes and a different run starts afresh (finetune.run_key).
    checkpoint = folder / ".checkpoints" / f"{name}.pt"
    with training_bar("train") as (on_step, say):
        say(f"training reward/{name} on {len(pairs)} pairs from {', '.join(sorted(set(sources)))}")
        scorer = fit_tuned(name, pairs, sources, params, checkpoint, synthetic=synthetic, progress=on_step)
    card = save_tuned(scorer, folder, {})
    checkpoint.unlink(missing_ok=True)
    fit = scorer.card.fit
    console.print(f"judge reward/{name}: {card}", highlight=False, markup=False)
    console.print(f"  {fit['training_pairs']} training pairs ({fit['pairs']} given), last losses {fit['losses']}, "
                  f"{fit['train_s']:.0f} s", highlight=False, markup=False)
    console.print(f"  measure it held out: punchup calibrate --judge reward/{name} --data FILE --data OTHER",
                  highlight=False, markup=False)
