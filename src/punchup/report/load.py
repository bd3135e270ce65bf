"""Read everything a report shows about one run from the Store, defensively.

The report never recomputes a bench: it reads the run's stored items. Pack
files are re-read only for labels a summary does not keep (criterion names,
which criteria are negative, prompt texts), and the report says when the file
on disk no longer matches the hash the run recorded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Literal

from punchup.analysis.records import BenchSummary, load_summary
from punchup.errors import PunchupError
from punchup.packs import Pack, load_packs
from punchup.store import Store

PackStatus = Literal["current", "changed", "unavailable"]


@dataclass(frozen=True)
class CriterionLabel:
    id: str
    name: str
    negative: bool | None  # None: the pack file could not be read, so we cannot tell


@dataclass(frozen=True)
class PackInfo:
    name: str
    version: str
    hash: str
    prompts_run: int
    status: PackStatus
    criteria: list[CriterionLabel] = field(default_factory=list)
    pairwise_names: dict[str, str] = field(default_factory=dict)
    persona_names: dict[str, str] = field(default_factory=dict)
    prompt_texts: dict[str, str] = field(default_factory=dict)

    def criterion(self, criterion_id: str) -> CriterionLabel:
        return next((c for c in self.criteria if c.id == criterion_id), CriterionLabel(criterion_id, criterion_id, None))


@dataclass(frozen=True)
class CalibrationResult:
    key: str
    accuracy: float
    ci_low: float | None
    ci_high: float | None
    flip_rate: float | None
    pairs: int | None
    source: str


@dataclass(frozen=True)
class ReportData:
    run: str
    summary: BenchSummary
    generations: dict[str, dict[str, Any]]
    rubric: dict[str, dict[str, Any]]
    personas: dict[str, dict[str, Any]]
    pairs: dict[str, dict[str, Any]]
    packs: dict[str, PackInfo]
    calibration: list[CalibrationResult]

    @property
    def config(self) -> dict[str, Any]:
        return self.summary.config

    @property
    def judge(self) -> str:
        return str(self.config.get("judge") or self.summary.judge_quality.judge or "unknown")


def load_report_data(store: Store, run: str) -> ReportData:
    summary = load_summary(store, run)
    config = summary.config
    judge = str(config.get("judge") or "")
    return ReportData(
        run=run,
        summary=summary,
        generations=dict(store.run_items(run, "generation")),
        rubric=dict(store.run_items(run, "rubric")),
        personas=dict(store.run_items(run, "persona")),
        pairs=dict(store.run_items(run, "pair")),
        packs=_pack_infos([p.model_dump() for p in summary.packs], config.get("packs") or [], config.get("prompts_per_pack")),
        calibration=load_calibration(store, judge) if judge else [],
    )


def _pack_infos(recorded: list[dict[str, Any]], specs: list[str], prompts_per_pack: int | None) -> dict[str, PackInfo]:
    on_disk: dict[str, Pack] = {}
    for spec in specs:
        try:
            loaded = load_packs(str(spec))
        except PunchupError:
            continue  # a moved or deleted pack file only costs labels, not the report
        for pack in loaded:
            # The bench hashes the pack as it ran it: cut to the preset's first prompts.
            on_disk[pack.name] = pack.model_copy(update={"prompts": pack.prompts[:prompts_per_pack]}) if prompts_per_pack else pack
    infos = {}
    for entry in recorded:
        name = str(entry.get("name"))
        pack = on_disk.get(name)
        recorded_hash = str(entry.get("hash") or "")
        status: PackStatus = "unavailable" if pack is None else ("current" if pack.content_hash == recorded_hash else "changed")
        infos[name] = PackInfo(
            name=name,
            version=str(entry.get("version") or "?"),
            hash=recorded_hash,
            prompts_run=int(entry.get("prompts") or 0),
            status=status,
            criteria=[CriterionLabel(c.id, c.name, c.negative) for c in pack.rubric] if pack else [],
            pairwise_names={c.id: c.name for c in pack.pairwise} if pack else {},
            persona_names={p.id: p.name for p in pack.personas} if pack else {},
            prompt_texts={p.id: p.text for p in pack.prompts} if pack else {},
        )
    return infos


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def load_calibration(store: Store, judge: str) -> list[CalibrationResult]:
    """Calibration results stored for this judge; malformed records are skipped, not fatal.

    They are written by `punchup calibrate` as run items of run
    `calibration:<judge>`, kind "calibration".
    """
    results = []
    for key, data in store.run_items(f"calibration:{judge}", "calibration"):
        if not isinstance(data, dict):
            continue
        accuracy = _number(data.get("accuracy"))
        if accuracy is None:
            continue
        pairs = _number(data.get("pairs"))
        source = data.get("source") or data.get("source_file") or data.get("file") or key
        results.append(CalibrationResult(
            key=key,
            accuracy=accuracy,
            ci_low=_number(data.get("ci_low")),
            ci_high=_number(data.get("ci_high")),
            flip_rate=_number(data.get("flip_rate")),
            pairs=int(pairs) if pairs is not None else None,
            source=str(source),
        ))
    return results
