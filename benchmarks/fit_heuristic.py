"""Refit the `craft/heuristic` judge and say honestly how well it does on writing it was not fitted to.

Run: .venv/bin/python -m benchmarks.fit_heuristic [--data FILE ...] [--dry-run] [--embed]
Default data, read in place and never copied: ../shared/data/wq-style-mimic.jsonl (150 expert pairs:
an author's paragraph against a skilled imitation) and ../shared/data/lamp-scored-paragraphs.jsonl
(paragraphs with expert-derived scores, paired off where the scores differ by 2 or more; see
punchup.analysis.calibration_data). Each file is one source.

The headline is leave-one-source-out accuracy: fit on every source but one (standardisation and the
L2 strength chosen on those sources only), score the source left out. Two methods are measured that
way: "advice" (judging/heuristic/advice.py: directions fixed by craft advice, one strength fitted) and
"logistic" (every weight fitted); the one with the better held-out mean ships. Nested grouped cross-validation
within each source is printed too, labelled as such: it measures how well the method learns *that*
kind of pair, which is not the same thing. Training accuracy is printed last and labelled.
A verdict with P within DECISION_MARGIN (0.02) of 0.5 is a tie and counts half, as the judge does;
intervals resample groups of pairs sharing a text (2000 draws). The shipped weights are fitted on
every source; `fit.leave_one_source_out` in weights.json records the held-out figures.
--embed (needs `pip install 'punchup[embed]'`) also scores all-MiniLM-L6-v2 sentence embeddings as
features under the same leave-one-source-out protocol; the shipped weights never use them.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from punchup.analysis.calibrate import LoadedPair, load_pairs
from punchup.judging.heuristic.fit import (
    cluster_bootstrap_ci,
    groups_sharing_texts,
    leave_one_source_out,
    nested_cv_predictions,
)
from punchup.judging.heuristic.refit import (
    CLIP,
    FITTED,
    METHODS,
    TIE_BAND,
    feature_rows,
    weights_from_pairs,
)
from punchup.judging.heuristic.scorer import WEIGHTS_PATH
from punchup.metrics.length import word_count

DATA_DIR = Path(__file__).resolve().parents[2] / "shared" / "data"
DEFAULT_DATA = [DATA_DIR / "wq-style-mimic.jsonl", DATA_DIR / "lamp-scored-paragraphs.jsonl"]
EMBED_LAMBDAS = (0.03, 0.1, 0.3, 1.0, 3.0, 10.0, 30.0)  # 384 columns need far stronger shrinkage


def line(label: str, credits: np.ndarray, groups: np.ndarray, note: str = "") -> str:
    low, high = cluster_bootstrap_ci(credits, groups)
    return f"  {label:<58} {credits.mean():6.1%}  [{low:.1%}, {high:.1%}]  {note}"


def baseline(first: np.ndarray, second: np.ndarray, wins: np.ndarray, smaller_wins: bool) -> np.ndarray:
    """Per-pair credit of a rule that picks the text with the smaller (or larger) value; equal values tie."""
    difference = (second - first) if smaller_wins else (first - second)
    return np.where(difference == 0, 0.5, ((difference > 0) == (wins > 0.5)).astype(float))


def embedding_report(loaded: list[LoadedPair], first: np.ndarray, second: np.ndarray, wins: np.ndarray,
                     groups: np.ndarray, sources: np.ndarray) -> None:
    from punchup.judging.heuristic.embeddings import embed

    vectors_first = embed([item.pair.text_a for item in loaded])
    vectors_second = embed([item.pair.text_b for item in loaded])
    for label, a, b in (("embeddings alone", vectors_first, vectors_second),
                        ("craft features + embeddings", np.hstack([first, vectors_first]), np.hstack([second, vectors_second]))):
        for source, credits in leave_one_source_out(a, b, wins, groups, sources, CLIP, TIE_BAND).items():
            print(line(f"{label}, held out: {source}", credits, groups[sources == source]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", help="preference or scored-paragraph JSONL (repeatable)")
    parser.add_argument("--dry-run", action="store_true", help="report only; do not rewrite the weights file")
    parser.add_argument("--embed", action="store_true", help="also score sentence embeddings (punchup[embed]) as features")
    args = parser.parse_args()
    paths = args.data or DEFAULT_DATA
    loaded = load_pairs(paths)
    wins = np.array([1.0 if item.pair.preferred == "a" else 0.0 for item in loaded])
    groups = groups_sharing_texts([(item.pair.text_a, item.pair.text_b) for item in loaded])
    sources = np.array([item.source for item in loaded])
    first = feature_rows([item.pair.text_a for item in loaded])
    second = feature_rows([item.pair.text_b for item in loaded])
    print(f"{len(loaded)} pairs: " + ", ".join(f"{s} {int(np.sum(sources == s))}" for s in np.unique(sources)))
    print("accuracy (95% interval resampling groups of pairs sharing a text; ties count half)")

    print("leave-one-source-out: fitted on every other source, scored on this one (THE generalisation figure)")
    by_method = {}
    for method, fitter in METHODS.items():
        by_method[method] = leave_one_source_out(first, second, wins, groups, sources, CLIP, TIE_BAND, fitter=fitter)
        for source, credits in by_method[method].items():
            print(line(f"craft/heuristic ({method}), held out: {source}", credits, groups[sources == source]))
        if by_method[method]:
            print(f"  mean over held-out sources ({method}): {np.mean([c.mean() for c in by_method[method].values()]):.1%}")
    # Ship the method that does best on the source it was not fitted to (the mean, then the worst source).
    method = max(by_method, key=lambda m: (round(float(np.mean([c.mean() for c in by_method[m].values()] or [0])), 3),
                                           min((c.mean() for c in by_method[m].values()), default=0)))
    held_out = by_method[method]
    print(f"  shipped method: {method}")
    if args.embed:
        embedding_report(loaded, first, second, wins, groups, sources)

    print("trivial baselines, per source (need no fit)")
    words_first = np.array([word_count(item.pair.text_a) for item in loaded])
    words_second = np.array([word_count(item.pair.text_b) for item in loaded])
    cliches = FITTED.index("cliches")
    for source in np.unique(sources):
        mask = sources == source
        print(line(f"shorter wins (words), {source}", baseline(words_first[mask], words_second[mask], wins[mask], True), groups[mask]))
        print(line(f"longer wins (words), {source}", baseline(words_first[mask], words_second[mask], wins[mask], False), groups[mask]))
        print(line(f"fewer cliches wins, {source}",
                   baseline(first[mask, cliches], second[mask, cliches], wins[mask], True), groups[mask]))

    print("within one source, logistic method: nested grouped CV 10x5 (how well it learns that kind of pair; not generalisation)")
    within = {}
    for source in np.unique(sources):
        mask = sources == source
        credits = nested_cv_predictions(first[mask], second[mask], wins[mask], groups[mask], clip=CLIP, tie_band=TIE_BAND)
        within[str(source)] = round(float(credits.mean()), 4)
        print(line(f"nested CV within {source}", credits, groups[mask]))

    fitted = weights_from_pairs([(i.pair.text_a, i.pair.text_b, i.pair.preferred == "a") for i in loaded],
                                [item.source for item in loaded],
                                {"leave_one_source_out": {s: round(float(c.mean()), 4) for s, c in held_out.items()},
                                 "leave_one_source_out_other_methods": {
                                     m: {s: round(float(c.mean()), 4) for s, c in r.items()}
                                     for m, r in by_method.items() if m != method},
                                 "cv_within_source_logistic": within},
                                method=method)
    print(f"  TRAINING accuracy (fitted on all {len(loaded)} pairs, scored on the same pairs): "
          f"{fitted.fit['training_accuracy']:.1%}  (L2 = {fitted.l2})")
    print("weights (per standard deviation of the feature; positive = preferred texts have more of it)")
    for name, weight in sorted(zip(fitted.features, fitted.weights), key=lambda item: -abs(item[1])):
        print(f"  {name:<28} {weight:+.3f}")
    if args.dry_run:
        print("dry run: weights not written")
        return
    WEIGHTS_PATH.write_text(json.dumps(fitted.model_dump(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS_PATH} (weights version {fitted.version})")


if __name__ == "__main__":
    main()
