"""`make improve`: the whole loop on the embedded SmolLM2, timed, then the tuned model measured against its base.

bench (several samples per prompt, the training judge) -> export DPO pairs with held-out prompts -> tune a LoRA
-> bench base vs tuned on the held-out prompts under the training judge and under a second judge.
Prints training tokens/s, the loop's wall time, tune's peak memory, the tuned model's win rate with a 95% CI
under each judge, slop per 1,000 words, distinct-2, and whether the gain survives the second judge.

    python -m benchmarks.improve [--prompts 6] [--samples 3] [--steps 12] [--second-judge local/smollm2]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from punchup.improve.effect import tuning_effect
from punchup.store import Store

PACKS = "fiction,comedy,screenplay"
TRAINING_JUDGE = "craft/heuristic"


def punchup(*args: str, env: dict[str, str]) -> float:
    exe = Path(sys.executable).with_name("punchup")
    started = time.perf_counter()
    print("$ punchup " + " ".join(args), flush=True)
    subprocess.run([str(exe), *args], env=env, check=True)
    return time.perf_counter() - started


def measure(prompts: int, samples: int, steps: int, second_judge: str, folder: Path) -> dict[str, object]:
    env = {**os.environ, "PUNCHUP_ADAPTERS": str(folder / "adapters")}
    store = str(folder / "improve.db")
    data = folder / "pairs.jsonl"
    common = ("--store", store, "--packs", PACKS, "--max-tokens", "160", "--samples", str(samples))
    timings = {
        "bench": punchup("bench", "--run", "train", "--prompts", str(prompts), "--judge", TRAINING_JUDGE,
                         "-w", "local/smollm2", "-w", "local/smollm2@temp=1.1;name=smollm2-warm",
                         "--report", str(folder / "train.html"), *common, env=env),
        "export": punchup("export", "--run", "train", "--format", "dpo", "-o", str(data), "--holdout", "0.25",
                          "--store", store, env=env),
        "tune": punchup("tune", "--data", str(data), "--method", "dpo", "--out", "improve", "--max-steps", str(steps),
                        "--lr", "5e-4", "--max-len", "256", "--batch", "4", "--store", store, env=env),
    }
    held = str(data.with_name("pairs.holdout.txt"))
    writers = ("-w", "local/smollm2@name=base", "-w", "local/smollm2@lora=improve;name=tuned")
    timings["measure"] = punchup("bench", "--run", "eval", "--only-prompts", held, "--judge", TRAINING_JUDGE, *writers,
                                 "--report", str(folder / "eval.html"), *common, env=env)
    timings["second judge"] = punchup("bench", "--run", "eval2", "--only-prompts", held, "--judge", second_judge,
                                      *writers, "--report", str(folder / "eval2.html"), *common, env=env)
    opened = Store(store)
    (tune,) = [dict(r) for r in opened.query("SELECT tokens, train_s, wall_s, peak_rss_mb, rows FROM tune_runs")]
    effect = tuning_effect(opened, ["eval", "eval2"], "base", "tuned", TRAINING_JUDGE)
    return {"timings": timings, "tune": tune, "effect": effect, "folder": str(folder)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prompts", type=int, default=6, help="prompts per pack for the training bench")
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--steps", type=int, default=12, help="DPO steps of batch 4")
    parser.add_argument("--second-judge", default="local/smollm2")
    parser.add_argument("--keep", type=Path, default=None, help="folder to keep the store, data and reports in")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="punchup-improve-"))
    folder.mkdir(parents=True, exist_ok=True)
    result = measure(args.prompts, args.samples, args.steps, args.second_judge, folder)
    timings, tune, effect = result["timings"], result["tune"], result["effect"]
    print("\n| figure | measured | aim |\n|---|---|---|")
    print(f"| training tokens/s (2 cores) | {tune['tokens'] / tune['train_s']:.0f} | |")
    print(f"| tune: rows, wall time, peak memory | {tune['rows']} pairs, {tune['wall_s']:.0f} s, "
          f"{tune['peak_rss_mb']:.0f} MB | < 4096 MB |")
    print(f"| loop wall time (bench, export, tune, bench) | {sum(timings.values()) / 60:.1f} min | < 20 min |")
    for stage, seconds in timings.items():
        print(f"|   {stage} | {seconds:.0f} s | |")
    for judge in effect.judges:
        ci = "n/a" if judge.rate is None else f"{judge.rate:.3f} [{judge.low:.3f}, {judge.high:.3f}]"
        print(f"| tuned vs base win rate, {judge.judge} ({judge.pairs} criterion outcomes) | {ci} ({judge.verdict}) | > 0.5 |")
    for name, sides in effect.signals.items():
        print(f"| {name}: base / tuned | {sides['base']} / {sides['tuned']} | |")
    print(f"| flags | {'; '.join(effect.flags) or 'none'} | |")
    print(f"\nstore, data and reports: {result['folder']}")


if __name__ == "__main__":
    main()
