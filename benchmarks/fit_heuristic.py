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

Two judges are fitted this way: craft/heuristic (text features only, weights.json) and craft/heuristic-lm
(the same plus open-endedness under the embedded model, judging/heuristic/predictability.py;
weights-lm.json). The model reads each of the ~1,140 texts once (about 6 minutes on 2 cores; values are
kept in the cache folder, so a re-run reads none). --judge picks one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from rich.progress import track

from punchup.analysis.calibrate import LoadedPair, load_pairs
from punchup.judging.heuristic.fit import (
    cluster_bootstrap_ci,
    groups_sharing_texts,
    leave_one_source_out,
    nested_cv_predictions,
)
from punchup.judging.heuristic.features import text_features
from punchup.judging.heuristic.judge import HEURISTIC_LM_JUDGE, WEIGHTS_FOR
from punchup.judging.heuristic.predictability import MODEL_FEATURE
from punchup.judging.heuristic.refit import (
    CLIP,
    FITTED,
    FITTED_WITH_MODEL,
    METHODS,
    TIE_BAND,
    feature_rows,
    fitter,
    weights_from_pairs,
)
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


def measured_judge(name: str):  # type: ignore[no-untyped-def]
    """(features, measure) of a craft judge: the -lm judge's measure reads texts with the embedded model."""
    if name == HEURISTIC_LM_JUDGE:
        from punchup.judging.heuristic.predictability import WithOpenEndedness, shared_meter

        return FITTED_WITH_MODEL, WithOpenEndedness(shared_meter())
    return FITTED, None


def rows_with_progress(loaded: list[LoadedPair], features, measure) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[no-untyped-def]
    if measure is None:
        return feature_rows([i.pair.text_a for i in loaded], features), feature_rows([i.pair.text_b for i in loaded], features)
    texts = sorted({t for i in loaded for t in (i.pair.text_a, i.pair.text_b)})
    values = {text: measure(text) for text in track(texts, description="reading texts with the embedded model")}
    by_text = lambda text: values[text]  # noqa: E731 - the measure, already evaluated
    return (feature_rows([i.pair.text_a for i in loaded], features, by_text),
            feature_rows([i.pair.text_b for i in loaded], features, by_text))


def fit_judge(name: str, loaded: list[LoadedPair], wins: np.ndarray, groups: np.ndarray, sources: np.ndarray,
              dry_run: bool) -> dict[str, float]:
    """Measure one craft judge's methods held out, ship the better one; returns its held-out accuracy by source."""
    features, measure = measured_judge(name)
    first, second = rows_with_progress(loaded, features, measure)
    print(f"== {name} ({len(features)} features)")
    print("leave-one-source-out: fitted on every other source, scored on this one (THE generalisation figure)")
    by_method = {}
    for method in METHODS:
        by_method[method] = leave_one_source_out(first, second, wins, groups, sources, CLIP, TIE_BAND,
                                                 fitter=fitter(method, features))
        for source, credits in by_method[method].items():
            print(line(f"{name} ({method}), held out: {source}", credits, groups[sources == source]))
        if by_method[method]:
            print(f"  mean over held-out sources ({method}): {np.mean([c.mean() for c in by_method[method].values()]):.1%}")
    # Ship the method that does best on the source it was not fitted to (the mean, then the worst source).
    method = max(by_method, key=lambda m: (round(float(np.mean([c.mean() for c in by_method[m].values()] or [0])), 3),
                                           min((c.mean() for c in by_method[m].values()), default=0)))
    held_out = by_method[method]
    print(f"  shipped method: {method}")
    if MODEL_FEATURE in features:
        column = features.index(MODEL_FEATURE)
        for source in np.unique(sources):
            mask = sources == source
            print(line(f"more open-ended wins (no fit), {source}",
                       baseline(first[mask, column], second[mask, column], wins[mask], False), groups[mask]))

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
                                method=method, features=features, measure=measure or text_features)
    print(f"  TRAINING accuracy (fitted on all {len(loaded)} pairs, scored on the same pairs): "
          f"{fitted.fit['training_accuracy']:.1%}  (L2 = {fitted.l2})")
    print("weights (per standard deviation of the feature; positive = preferred texts have more of it)")
    for feature, weight in sorted(zip(fitted.features, fitted.weights), key=lambda item: -abs(item[1])):
        print(f"  {feature:<28} {weight:+.3f}")
    path = WEIGHTS_FOR[name]
    if dry_run:
        print("dry run: weights not written")
    else:
        path.write_text(json.dumps(fitted.model_dump(), indent=1) + "\n", encoding="utf-8")
        print(f"wrote {path} (weights version {fitted.version})")
    return {s: float(c.mean()) for s, c in held_out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, action="append", help="preference or scored-paragraph JSONL (repeatable)")
    parser.add_argument("--dry-run", action="store_true", help="report only; do not rewrite the weights files")
    parser.add_argument("--embed", action="store_true", help="also score sentence embeddings (punchup[embed]) as features")
    parser.add_argument("--judge", choices=sorted(WEIGHTS_FOR), action="append",
                        help="fit only this craft judge (repeatable; default: both)")
    args = parser.parse_args()
    paths = args.data or DEFAULT_DATA
    loaded = load_pairs(paths)
    wins = np.array([1.0 if item.pair.preferred == "a" else 0.0 for item in loaded])
    groups = groups_sharing_texts([(item.pair.text_a, item.pair.text_b) for item in loaded])
    sources = np.array([item.source for item in loaded])
    print(f"{len(loaded)} pairs: " + ", ".join(f"{s} {int(np.sum(sources == s))}" for s in np.unique(sources)))
    print("accuracy (95% interval resampling groups of pairs sharing a text; ties count half)")

    first = feature_rows([item.pair.text_a for item in loaded])
    second = feature_rows([item.pair.text_b for item in loaded])
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
    if args.embed:
        embedding_report(loaded, first, second, wins, groups, sources)

    results = {name: fit_judge(name, loaded, wins, groups, sources, args.dry_run) for name in (args.judge or WEIGHTS_FOR)}
    print("== held out, side by side (mean over sources)")
    for name, held_out in results.items():
        print(f"  {name:<22} " + "  ".join(f"{s} {v:.1%}" for s, v in held_out.items())
              + f"  mean {np.mean(list(held_out.values())):.1%}")


if __name__ == "__main__":
    main()
