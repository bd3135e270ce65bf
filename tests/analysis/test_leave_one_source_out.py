"""Leave-one-source-out: a judge fitted on source A is never tested on A's pairs; scored paragraphs become
pairs deterministically; training accuracy is labelled as such."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from punchup.analysis.calibrate import calibrate
from punchup.analysis.calibration_data import MIN_SCORE_GAP, load_pairs
from punchup.analysis.loso import Refittable, training_split
from punchup.errors import PunchupError
from punchup.judging.factory import JudgeSet
from punchup.judging.heuristic.judge import HeuristicJudge
from punchup.judging.records import PairResult

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def _pairs(tmp_path: Path, name: str, count: int) -> Path:
    # The preferred text is the one without "very": a rule any fitted judge can find.
    rows = [{"text_a": f"{name} text {i}: the rain came in off the estuary at dusk.",
             "text_b": f"{name} text {i}: the very grey rain came very slowly in.", "preferred": "a" if i % 2 else "b"}
            for i in range(count)]
    for row in rows:
        if row["preferred"] == "b":
            row["text_a"], row["text_b"] = row["text_b"], row["text_a"]
    return _write(tmp_path / f"{name}.jsonl", rows)


class RecordingJudge:
    """Refittable: records what every refit was trained on and which pairs each refitted judge was asked."""

    name = "test/recording"
    fitted_sources = ["alpha.jsonl"]

    def __init__(self, log: list, trained: set[str] | None = None):
        self.log = log
        self.trained = trained or set()

    def refit(self, pairs, sources):
        texts = {t for a, b, _ in pairs for t in (a, b)}
        self.log.append({"sources": sources, "texts": texts, "asked": []})
        return RecordingJudge(self.log, texts)

    async def judge_pair(self, pack, prompt, text_x, text_y):
        if self.log and self.trained is self.log[-1]["texts"]:
            self.log[-1]["asked"].extend([text_x, text_y])
        return PairResult(ok=True, judge=self.name, pack=pack.name, pack_version=pack.version, prompt_id=prompt.id,
                          score_x=1.0 if "very" not in text_x else 0.0)


async def test_a_judge_fitted_on_one_source_is_never_tested_on_its_pairs(tmp_path, store):
    paths = [_pairs(tmp_path, "alpha", 12), _pairs(tmp_path, "beta", 10), _pairs(tmp_path, "gamma", 8)]
    log: list = []
    judge = RecordingJudge(log)
    assert isinstance(judge, Refittable)
    report = await calibrate(JudgeSet("test/recording", judge, judge, []), paths, store)
    assert set(report.held_out) == {"alpha.jsonl", "beta.jsonl", "gamma.jsonl"}
    assert len(log) == 3
    for fit, (source, held) in zip(log, sorted(report.held_out.items())):
        assert source not in fit["sources"] and held.fitted_on == fit["sources"]
        assert fit["asked"] and not set(fit["asked"]) & fit["texts"]  # nothing it was tested on was seen in training
        assert held.accuracy == 1.0 and held.pairs == {"alpha.jsonl": 12, "beta.jsonl": 10, "gamma.jsonl": 8}[source]
    # The shipped judge's own training source is labelled, in the report and its JSON.
    assert report.by_source["alpha.jsonl"].training and not report.by_source["beta.jsonl"].training
    assert report.model_dump(mode="json")["by_source"]["alpha.jsonl"]["training"] is True


def test_training_split_drops_pairs_sharing_a_text_with_the_held_out_source(tmp_path):
    shared = "A shared paragraph that appears in two sources."
    a = _write(tmp_path / "a.jsonl", [{"text_a": shared, "text_b": "other a", "preferred": "a"},
                                      {"text_a": "only a", "text_b": "other a2", "preferred": "b"}])
    b = _write(tmp_path / "b.jsonl", [{"text_a": "only b", "text_b": shared, "preferred": "b"}])
    train, test = training_split(load_pairs([a, b]), "b.jsonl")
    assert [t.pair.text_a for t in test] == ["only b"]
    assert [t.pair.text_a for t in train] == ["only a"]


async def test_one_source_gives_no_held_out_figures(tmp_path, store):
    log: list = []
    judge = RecordingJudge(log)
    report = await calibrate(JudgeSet("test/recording", judge, judge, []), [_pairs(tmp_path, "solo", 6)], store)
    assert report.held_out == {} and log == []


def test_scored_paragraphs_become_disjoint_pairs_with_the_higher_score_preferred(tmp_path):
    rows = [{"text": f"Paragraph number {i} about the harbour.", "score": float(i % 10)} for i in range(40)]
    rows.append(dict(rows[0]))  # a duplicate line is merged, not paired with itself
    pairs = load_pairs([_write(tmp_path / "scored.jsonl", rows)])
    scores = {row["text"]: row["score"] for row in rows}
    texts = [t for p in pairs for t in (p.pair.text_a, p.pair.text_b)]
    assert pairs and len(texts) == len(set(texts))
    for item in pairs:
        high, low = (item.pair.text_a, item.pair.text_b) if item.pair.preferred == "a" else (item.pair.text_b, item.pair.text_a)
        assert scores[high] - scores[low] >= MIN_SCORE_GAP and item.source == "scored.jsonl"
    assert [p.pair for p in pairs] == [p.pair for p in load_pairs([tmp_path / "scored.jsonl"])]  # deterministic


@pytest.mark.parametrize("row, words", [({"text": "x", "score": "high"}, "'score' must be a number"),
                                        ({"text": "", "score": 3}, "'text' must be a non-empty string")])
def test_bad_scored_line_names_file_and_line(tmp_path, row, words):
    path = _write(tmp_path / "bad.jsonl", [{"text": "fine", "score": 1}, row])
    with pytest.raises(PunchupError, match=rf"bad.jsonl:2: .*{words}"):
        load_pairs([path])


@pytest.mark.skipif(not (SHARED / "wq-style-mimic.jsonl").exists(), reason="development data not present")
async def test_craft_heuristic_refitted_without_a_source_reports_honest_held_out_accuracy(tmp_path, store):
    # A slice of each development source keeps this quick; the full figures come from benchmarks/fit_heuristic.py.
    wq = [json.loads(line) for line in (SHARED / "wq-style-mimic.jsonl").read_text().splitlines()[:24]]
    lamp = [json.loads(line) for line in (SHARED / "lamp-scored-paragraphs.jsonl").read_text().splitlines()[:100]]
    paths = [_write(tmp_path / "wq.jsonl", wq), _write(tmp_path / "lamp.jsonl", lamp)]
    judge = HeuristicJudge(store)
    report = await calibrate(JudgeSet("craft/heuristic", judge, judge, []), paths, store)
    assert set(report.held_out) == {"wq.jsonl", "lamp.jsonl"}
    for source, held in report.held_out.items():
        assert held.fitted_on == [s for s in ("lamp.jsonl", "wq.jsonl") if s != source]
        assert held.accuracy is not None and 0.0 <= held.accuracy <= 1.0 and held.training_pairs > 10
