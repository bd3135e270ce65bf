"""Train the learned judges and ship one only if it beats `craft/heuristic` held out.

Run: .venv/bin/python -m benchmarks.fit_reward [--data FILE ...] [--distill FILE ...] [--no-finetune] [--dry-run]
(needs `pip install 'punchup[embed,tune]'`). Judges, all under the same leave-one-source-out protocol as
benchmarks/fit_heuristic.py (fit on every source but one, score the one left out; ties count half):

  craft/heuristic     the built-in judge, refitted per fold
  reward/minilm-bt    a Bradley-Terry head on frozen all-MiniLM-L6-v2 embeddings (punchup.judging.reward.train)
  reward/minilm-ft    the encoder itself fine-tuned: LoRA on every projection, a linear head, the pairwise
                      loss, through the same step loop as `punchup tune` (punchup.judging.reward.finetune);
                      its training pairs get one synthetic contrastive pair per chosen text (one controlled
                      flaw: punchup.judging.reward.contrast). About 20 minutes on 2 CPU cores; --no-finetune skips it.

--distill FILE adds DPO rows exported from a run judged by a stronger judge (`punchup export --format dpo
--judge openai/...`) to every fold's training pairs; they are never held out, as no expert labelled them.
A reward model's weights are written to src/punchup/judging/reward/weights/ only when its mean held-out
accuracy is higher than craft/heuristic's; otherwise an existing file is removed, so punchup never ships a
learned judge that generalises worse than the built-in one.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np

from benchmarks.fit_heuristic import DEFAULT_DATA, baseline, line
from punchup.analysis.calibrate import LoadedPair, load_pairs
from punchup.analysis.loso import training_split
from punchup.judging.heuristic.fit import groups_sharing_texts, leave_one_source_out
from punchup.judging.heuristic.refit import CLIP, TIE_BAND, feature_rows
from punchup.judging.reward.encoder import embed_texts
from punchup.judging.reward.finetune import RewardTuneParams
from punchup.judging.reward.model import WEIGHTS_DIR
from punchup.judging.reward.scorers import LinearScorer, fit_tuned, save_tuned
from punchup.judging.reward.sources import distilled_pairs
from punchup.judging.reward.train import CLIP as REWARD_CLIP
from punchup.judging.reward.train import LAMBDAS, train_reward
from punchup.metrics.length import word_count

LINEAR, TUNED = "minilm-bt", "minilm-ft"
TUNE_PARAMS = RewardTuneParams(epochs=2, lr=3e-4, batch=8, max_len=256, seed=0)


def _triples(items: list[LoadedPair]) -> list[tuple[str, str, bool]]:
    return [(i.pair.text_a, i.pair.text_b, i.pair.preferred == "a") for i in items]


def tuned_held_out(loaded: list[LoadedPair], extra: list[tuple[str, str, bool]], synthetic: bool) -> dict[str, np.ndarray]:
    """source -> per-pair credit of the fine-tuned judge trained without that source (plus `extra`)."""
    results = {}
    for source in sorted({item.source for item in loaded}):
        train, test = training_split(loaded, source)
        with tempfile.TemporaryDirectory() as folder:
            scorer = fit_tuned(TUNED, _triples(train) + extra, [i.source for i in train], TUNE_PARAMS,
                               Path(folder) / "ck.pt", synthetic=synthetic, progress=_every(20, source))
        rewards_a = scorer.rewards([i.pair.text_a for i in test])
        rewards_b = scorer.rewards([i.pair.text_b for i in test])
        wins = np.array([1.0 if i.pair.preferred == "a" else 0.0 for i in test])
        results[source] = baseline(rewards_a, rewards_b, wins, smaller_wins=False)  # the higher reward wins
    return results


def _every(n: int, label: str):
    def report(step) -> None:
        if step.step % n == 0 or step.step == step.total:
            print(f"    [{label}] step {step.step}/{step.total} loss {step.loss:.3f} {step.tokens_per_s:.0f} tok/s", flush=True)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append")
    parser.add_argument("--distill", type=Path, action="append", default=[])
    parser.add_argument("--no-finetune", action="store_true")
    parser.add_argument("--no-synthetic", action="store_true", help="fine-tune on the given pairs only")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    loaded = load_pairs(args.data or DEFAULT_DATA)
    extra, _ = distilled_pairs(tuple(args.distill))
    wins = np.array([1.0 if item.pair.preferred == "a" else 0.0 for item in loaded])
    groups = groups_sharing_texts([(item.pair.text_a, item.pair.text_b) for item in loaded])
    sources = np.array([item.source for item in loaded])
    if extra:
        print(f"distilled pairs added to every fold's training data: {len(extra)} (the linear and heuristic fits use "
              "expert pairs only)")
    vectors = embed_texts([i.pair.text_a for i in loaded]), embed_texts([i.pair.text_b for i in loaded])
    craft = feature_rows([i.pair.text_a for i in loaded]), feature_rows([i.pair.text_b for i in loaded])
    results = {
        "craft/heuristic": leave_one_source_out(*craft, wins, groups, sources, CLIP, TIE_BAND),
        f"reward/{LINEAR}": leave_one_source_out(*vectors, wins, groups, sources, REWARD_CLIP, TIE_BAND, LAMBDAS),
    }
    if not args.no_finetune:
        results[f"reward/{TUNED}"] = tuned_held_out(loaded, extra, not args.no_synthetic)
    lengths = np.array([word_count(i.pair.text_a) for i in loaded]), np.array([word_count(i.pair.text_b) for i in loaded])
    shorter = baseline(*lengths, wins, smaller_wins=True)
    results["baseline: shorter text wins"] = {s: shorter[sources == s] for s in np.unique(sources)}

    print("leave-one-source-out accuracy (fitted on every other source; ties count half)")
    means = {}
    for judge, by_source in results.items():
        for source, credits in by_source.items():
            print(line(f"{judge}, held out: {source}", credits, groups[sources == source]))
        means[judge] = float(np.mean([c.mean() for c in by_source.values()]))
        print(f"  {judge}: mean over held-out sources {means[judge]:.1%}")
    candidates = [j for j in results if j.startswith("reward/") and means[j] > means["craft/heuristic"]]
    if args.dry_run:
        print("dry run: nothing written")
        return
    for name in (LINEAR, TUNED):
        for suffix in (".json", ".safetensors"):
            (WEIGHTS_DIR / f"{name}{suffix}").unlink(missing_ok=True)
    if not candidates:
        print("no reward model beats craft/heuristic held out: none shipped")
        return
    best = max(candidates, key=means.get)
    notes = {"leave_one_source_out": {s: round(float(c.mean()), 4) for s, c in results[best].items()},
             "heuristic_leave_one_source_out": {s: round(float(c.mean()), 4) for s, c in results["craft/heuristic"].items()}}
    WEIGHTS_DIR.mkdir(exist_ok=True)
    if best == f"reward/{LINEAR}":
        weights = train_reward(LINEAR, *vectors, _triples(loaded), list(sources), notes)
        (WEIGHTS_DIR / f"{LINEAR}.json").write_text(weights.model_dump_json() + "\n", encoding="utf-8")
        print(f"wrote {LINEAR}: {LinearScorer(weights).version}")
    else:
        with tempfile.TemporaryDirectory() as folder:
            scorer = fit_tuned(TUNED, _triples(loaded) + extra, list(sources), TUNE_PARAMS, Path(folder) / "ck.pt",
                               synthetic=not args.no_synthetic)
        print(f"wrote {save_tuned(scorer, WEIGHTS_DIR, notes)}")
    print(f"shipped {best}: {means[best]:.1%} held out vs craft/heuristic {means['craft/heuristic']:.1%}")


if __name__ == "__main__":
    main()
