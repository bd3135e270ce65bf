"""Calibration: how often does a judge agree with human experts on pairs of texts?

Every figure punchup prints comes from a judge, so the judge itself needs a
score. A data file holds pairs of texts with the one people preferred; the
judge's pairwise judge compares every pair in both orders and the report gives
accuracy (with a bootstrap interval), the raw order-flip rate, a length-bias
split and per-source accuracy. Judgments are cached like any other; the report
is stored too, so a bench report can show how far its judge can be trusted.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field, ValidationError

from punchup.analysis.calibration_data import LoadedPair, PreferencePair, load_pairs
from punchup.analysis.loso import HeldOut, Refittable, leave_one_source_out
from punchup.analysis.ranking import rubric_mean_ci
from punchup.judging.factory import JudgeSet, panel_members
from punchup.judging.records import PairResult
from punchup.metrics.length import word_count
from punchup.packs import Pack, PromptSpec
from punchup.store import Store
from punchup.store.store import now
from punchup.util.hashing import content_key

DEFAULT_PROMPT = "Write a literary paragraph."
RUN_PREFIX = "calibration:"
ITEM_KIND = "calibration"
CONCURRENCY = 8  # pairs in flight; model pools and servers bound their own concurrency below this
TIE_RULE = "a tie (including orders that disagreed) counts as half correct"

Progress = Callable[[int, int], None]  # (pairs done, pairs total)

CALIBRATION_PACK = Pack.model_validate(
    {
        # The judge template reads "You are an exacting {name} editor" followed by the description.
        "name": "prose",
        "version": "1",
        "description": "Short prose passages, compared on overall writing quality as expert readers judge it.",
        "craft_notes": "Judge the writing as an expert editor would: voice, precision, rhythm, freshness.",
        "rubric": [
            {"id": "voice", "name": "Voice", "question": "Is the voice distinct and consistent?",
             "low": "Generic, interchangeable prose.", "high": "An unmistakable, controlled voice."},
            {"id": "precision", "name": "Precision", "question": "Is the language precise and concrete?",
             "low": "Vague, abstract, stock phrasing.", "high": "Exact, specific, freshly seen language."},
            {"id": "rhythm", "name": "Rhythm", "question": "Do the sentences move with purposeful rhythm?",
             "low": "Monotonous or clumsy sentences.", "high": "Sentence length and sound shaped for effect."},
        ],
        "pairwise": [
            {"id": "overall_quality", "name": "Overall writing quality",
             "question": "Which text shows better overall writing quality, as an expert editor would judge it?"},
        ],
        "prompts": [{"id": "calibration", "text": DEFAULT_PROMPT}],
    }
)


class DataFile(BaseModel):
    file: str
    sha256: str
    pairs: int


class Split(BaseModel):
    pairs: int
    accuracy: float | None
    training: bool = False  # the judge was fitted on these pairs: training accuracy, not a test


class CalibrationReport(BaseModel):
    judge: str
    source: str  # the data files' names (what a bench report shows next to the figures)
    data_key: str  # content hash of the data: one stored report per judge and data set
    data_files: list[DataFile]
    pairs: int
    judged: int
    failed: int
    errors: list[str] = Field(default_factory=list)  # a few distinct failure reasons
    accuracy: float | None
    ci_low: float | None
    ci_high: float | None
    tie_rule: str = TIE_RULE
    ties: int
    flips: int
    flip_rate: float | None  # share of order comparisons where the two orders disagreed
    longer_preferred: Split  # pairs where experts preferred the longer text
    shorter_preferred: Split
    judge_picked_longer: float | None  # of the judge's decided verdicts
    experts_picked_longer: float | None
    by_source: dict[str, Split]
    training_sources: list[str] = Field(default_factory=list)  # sources the judge as shipped was fitted on
    # Fittable judges: source -> accuracy of the judge refitted on every other source (leave-one-source-out).
    held_out: dict[str, HeldOut] = Field(default_factory=dict)
    wall_time_s: float
    created_at: str


def prompt_for(pair: PreferencePair) -> PromptSpec:
    """The brief the judge sees; its id hashes the text because judges cache by prompt id."""
    text = (pair.prompt or "").strip() or DEFAULT_PROMPT
    return PromptSpec(id=f"brief-{content_key(text)[:16]}", text=text)


def _data_files(paths: list[Path], loaded: list[LoadedPair]) -> list[DataFile]:
    counts: dict[str, int] = defaultdict(int)
    for item in loaded:
        counts[item.where.rsplit(":", 1)[0]] += 1
    return [DataFile(file=p.name, sha256=hashlib.sha256(p.read_bytes()).hexdigest(), pairs=counts[str(p)]) for p in paths]


def _credit(pair: PreferencePair, result: PairResult) -> float:
    """How right the judge was: its score for the preferred text (1, 0.5 on a tie, 0; panels may be between)."""
    assert result.score_x is not None
    return result.score_x if pair.preferred == "a" else 1.0 - result.score_x


def _split(credits: list[float]) -> Split:
    return Split(pairs=len(credits), accuracy=sum(credits) / len(credits) if credits else None)


def summarise(judges: JudgeSet, paths: list[Path], loaded: list[LoadedPair], results: list[PairResult],
              wall_time_s: float) -> CalibrationReport:
    """The report from judged pairs (pure: no judging, no store)."""
    judged = [(item, result) for item, result in zip(loaded, results) if result.ok and result.score_x is not None]
    credits = [_credit(item.pair, result) for item, result in judged]
    accuracy = ci_low = ci_high = None
    if credits:
        accuracy, ci_low, ci_high = rubric_mean_ci(credits, n_boot=2000, seed=0)
    by_length: dict[str, list[float]] = {"longer": [], "shorter": []}
    picked_longer: list[bool] = []
    experts_longer: list[bool] = []
    by_source: dict[str, list[float]] = defaultdict(list)
    for (item, result), credit in zip(judged, credits):
        words_a, words_b = word_count(item.pair.text_a), word_count(item.pair.text_b)
        by_source[item.source].append(credit)
        if words_a == words_b:
            continue
        a_longer = words_a > words_b
        expert_longer = (item.pair.preferred == "a") == a_longer
        experts_longer.append(expert_longer)
        by_length["longer" if expert_longer else "shorter"].append(credit)
        if result.score_x != 0.5:
            picked_longer.append((result.score_x > 0.5) == a_longer)
    trained = set(getattr(judges.pairwise, "fitted_sources", None) or [])
    flips = sum(result.flips for _, result in judged)
    comparisons = len(judged) * len(CALIBRATION_PACK.pairwise) * len(panel_members(judges.name))
    files = _data_files(paths, loaded)
    return CalibrationReport(
        judge=judges.name,
        source=", ".join(f.file for f in files),
        data_key=content_key(sorted(f.sha256 for f in files)),
        data_files=files,
        pairs=len(loaded),
        judged=len(judged),
        failed=len(loaded) - len(judged),
        errors=sorted({r.error or "no verdict" for r in results if not (r.ok and r.score_x is not None)})[:3],
        accuracy=accuracy,
        ci_low=ci_low,
        ci_high=ci_high,
        ties=sum(result.score_x == 0.5 for _, result in judged),
        flips=flips,
        flip_rate=flips / comparisons if comparisons else None,
        longer_preferred=_split(by_length["longer"]),
        shorter_preferred=_split(by_length["shorter"]),
        judge_picked_longer=sum(picked_longer) / len(picked_longer) if picked_longer else None,
        experts_picked_longer=sum(experts_longer) / len(experts_longer) if experts_longer else None,
        by_source={name: _split(values).model_copy(update={"training": name in trained})
                   for name, values in sorted(by_source.items())},
        training_sources=sorted(trained),
        wall_time_s=round(wall_time_s, 3),
        created_at=now(),
    )


async def calibrate(judges: JudgeSet, data_paths: list[Path], store: Store,
                    progress: Progress | None = None) -> CalibrationReport:
    """Judge every pair of the data files (both orders), store and return the report."""
    loaded = load_pairs(data_paths)  # a bad file fails before any judging
    started = time.monotonic()
    slots = asyncio.Semaphore(CONCURRENCY)
    done = 0

    async def judge_one(item: LoadedPair) -> PairResult:
        nonlocal done
        async with slots:
            pair = item.pair
            result = await judges.pairwise.judge_pair(CALIBRATION_PACK, prompt_for(pair), pair.text_a, pair.text_b)
        done += 1
        if progress is not None:
            progress(done, len(loaded))
        return result

    results = await asyncio.gather(*(judge_one(item) for item in loaded))
    report = summarise(judges, data_paths, loaded, list(results), time.monotonic() - started)
    if isinstance(judges.pairwise, Refittable):
        report.held_out = await leave_one_source_out(judges.pairwise, loaded, CALIBRATION_PACK, prompt_for)
        report.wall_time_s = round(time.monotonic() - started, 3)
    save_calibration(store, report)
    return report


def calibration_run(judge: str) -> str:
    return f"{RUN_PREFIX}{judge}"


def save_calibration(store: Store, report: CalibrationReport) -> None:
    """Keep the report as a run item of `calibration:<judge>`, one per data set.

    No row goes into `runs`: that table lists bench runs, and commands that
    default to "the latest run" must never pick a calibration.
    """
    store.put_run_item(calibration_run(report.judge), ITEM_KIND, report.data_key, report.model_dump(mode="json"))


def load_calibrations(store: Store, judge: str) -> list[CalibrationReport]:
    """Every stored calibration of this judge (any data set), newest first; unreadable records are skipped."""
    reports = []
    for _, data in store.run_items(calibration_run(judge), ITEM_KIND):
        try:
            reports.append(CalibrationReport.model_validate(data))
        except ValidationError:
            continue  # written by another punchup version: the report reader shows what it can
    return sorted(reports, key=lambda r: r.created_at, reverse=True)
