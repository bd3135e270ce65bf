"""Judge calibration: report figures on synthetic pairs with scripted judges, bad data files, the stored
report, the command's output, the real development set with craft/heuristic, and the real SmolLM2."""

import json
from pathlib import Path

import pytest
from rich.console import Console

from punchup.analysis.calibrate import CALIBRATION_PACK, DEFAULT_PROMPT, calibrate, load_calibrations, load_pairs, prompt_for
from punchup.cli.calibrate import run_calibrate
from punchup.config import Settings
from punchup.errors import PunchupError
from punchup.judging.factory import build_judges
from punchup.models import CachedModel, get_model
from punchup.models.fake import script
from punchup.report.load import load_calibration

from tests.conftest import SHARED

DEV_SET = SHARED / "data" / "wq-style-mimic.jsonl"


def candidate(body, label):
    return body.split(f"CANDIDATE {label} START>>>")[1].split(f"<<<CANDIDATE {label} END")[0]


def longer_wins(messages, config):
    """A scripted judge that prefers the longer candidate (tie on equal length), in any order."""
    body = messages[-1].content
    a, b = len(candidate(body, "A").split()), len(candidate(body, "B").split())
    verdict = "A" if a > b else "B" if b > a else "tie"
    reply = {"rationale": "Longer is better."}
    for name in config.json_schema["properties"]:
        if name != "rationale":
            reply[name] = 2 if name.endswith("_margin") else verdict
    return json.dumps(reply)


def always_a(messages, config):
    return json.dumps({n: ("A" if not n.endswith("_margin") else 1) if n != "rationale" else "first" for n in config.json_schema["properties"]})


def write_jsonl(path: Path, rows) -> Path:
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def words(n, word="kettle"):
    return " ".join([word] * n) + "."


SYNTHETIC = [
    {"id": 1, "text_a": words(30), "text_b": words(10), "preferred": "a", "source": "editors"},
    {"id": 2, "text_a": words(10, "harbour"), "text_b": words(30, "harbour"), "preferred": "b", "source": "editors",
     "prompt": "Write about a harbour at night."},
    {"id": 3, "text_a": words(40, "ledger"), "text_b": words(12, "ledger"), "preferred": "b"},
    {"id": 4, "text_a": words(20, "violin"), "text_b": words(20, "orchard"), "preferred": "A"},
]


def judges_for(store, name, responder):
    script(name, responder)
    return build_judges(f"fake/{name}", store, lambda model_id: CachedModel(get_model(model_id), store))


async def test_report_figures_on_synthetic_pairs(store, tmp_path):
    data = write_jsonl(tmp_path / "mine.jsonl", SYNTHETIC)
    seen = []
    report = await calibrate(judges_for(store, "cal-longer", longer_wins), [data], store,
                             progress=lambda done, total: seen.append((done, total)))
    assert report.pairs == 4 and report.judged == 4 and report.failed == 0
    assert report.accuracy == pytest.approx((1 + 1 + 0 + 0.5) / 4)  # the equal-length pair is a tie: half
    assert report.ci_low <= report.accuracy <= report.ci_high and report.ties == 1
    assert report.flips == 0 and report.flip_rate == 0.0
    assert report.longer_preferred.pairs == 2 and report.longer_preferred.accuracy == 1.0
    assert report.shorter_preferred.pairs == 1 and report.shorter_preferred.accuracy == 0.0
    assert report.judge_picked_longer == 1.0 and report.experts_picked_longer == pytest.approx(2 / 3)
    assert report.by_source["editors"].accuracy == 1.0 and report.by_source["mine.jsonl"].pairs == 2
    assert "half correct" in report.tie_rule and report.source == "mine.jsonl" and report.wall_time_s >= 0
    assert seen[-1] == (4, 4) and len(seen) == 4


async def test_pair_prompt_reaches_the_judge_and_defaults_to_a_literary_paragraph(store, tmp_path):
    data = write_jsonl(tmp_path / "p.jsonl", SYNTHETIC[:2])
    judges = judges_for(store, "cal-prompt", longer_wins)
    await calibrate(judges, [data], store)
    bodies = [messages[-1].content for messages, _ in get_model("fake/cal-prompt").calls]
    assert any("Write about a harbour at night." in b for b in bodies)
    assert any(DEFAULT_PROMPT in b for b in bodies)
    assert prompt_for(load_pairs([data])[1].pair).id != prompt_for(load_pairs([data])[0].pair).id


async def test_position_bias_shows_as_flips_and_coin_flip_accuracy(store, tmp_path):
    data = write_jsonl(tmp_path / "bias.jsonl", SYNTHETIC)
    report = await calibrate(judges_for(store, "cal-first", always_a), [data], store)
    assert report.flip_rate == 1.0 and report.flips == 4
    assert report.accuracy == 0.5 and report.ties == 4 and report.judge_picked_longer is None


async def test_failed_judgments_are_counted_not_scored(store, tmp_path):
    data = write_jsonl(tmp_path / "fail.jsonl", SYNTHETIC)
    report = await calibrate(judges_for(store, "cal-garbage", lambda m, c: "not json"), [data], store)
    assert report.failed == 4 and report.judged == 0 and report.accuracy is None and report.flip_rate is None
    assert report.errors and "unparseable" in report.errors[0]


async def test_report_is_stored_for_bench_reports_and_a_rerun_is_free(store, tmp_path):
    data = write_jsonl(tmp_path / "stored.jsonl", SYNTHETIC)
    first = await calibrate(judges_for(store, "cal-store", longer_wins), [data], store)
    again = await calibrate(judges_for(store, "cal-store", longer_wins), [data], store)
    assert len(get_model("fake/cal-store").calls) == 0  # every judgment came from the store
    assert again.accuracy == first.accuracy
    stored = load_calibrations(store, "fake/cal-store")
    assert len(stored) == 1 and stored[0].accuracy == first.accuracy  # one record per judge and data set
    shown = load_calibration(store, "fake/cal-store")  # what `punchup report` reads
    assert shown[0].accuracy == first.accuracy and shown[0].pairs == 4 and shown[0].source == "stored.jsonl"
    assert store.runs() == []  # "latest run" defaults must never pick a calibration


@pytest.mark.parametrize(
    "lines, message",
    [
        (['{"text_a": "x", "text_b": "y", "preferred": "a"}', "{not json"], r"bad\.jsonl:2: not a JSON line"),
        (['{"text_a": "x", "preferred": "a"}'], r"bad\.jsonl:1: missing field 'text_b'"),
        (['{"text_a": "x", "text_b": "y", "preferred": "c"}'], r"bad\.jsonl:1: 'preferred' must be \"a\" or \"b\", got 'c'"),
        (['{"text_a": "", "text_b": "y", "preferred": "a"}'], r"bad\.jsonl:1: field 'text_a'"),
        (['["x", "y", "a"]'], r"bad\.jsonl:1: expected a JSON object"),
        (["", "  "], r"bad\.jsonl has no pairs"),
    ],
)
def test_bad_data_files_name_the_file_and_line(tmp_path, lines, message):
    with pytest.raises(PunchupError, match=message):
        load_pairs([write_jsonl(tmp_path / "bad.jsonl", lines)])


def test_missing_or_repeated_data_files_are_user_errors(tmp_path):
    with pytest.raises(PunchupError, match=r"nowhere\.jsonl does not exist"):
        load_pairs([tmp_path / "nowhere.jsonl"])
    data = write_jsonl(tmp_path / "ok.jsonl", SYNTHETIC)
    with pytest.raises(PunchupError, match="given twice"):
        load_pairs([data, data])
    with pytest.raises(PunchupError, match="at least one data file"):
        load_pairs([])


def test_command_prints_the_report_and_json(tmp_path, capsys):
    data = write_jsonl(tmp_path / "cmd.jsonl", SYNTHETIC)
    script("cal-cmd", longer_wins)
    console = Console(record=True, width=160)
    store = str(tmp_path / "cmd.db")
    run_calibrate(Settings(), console, "fake/cal-cmd", [data], store, None, False)
    text = console.export_text()
    assert "accuracy vs experts" in text and "62.5%" in text and "half correct" in text and "order flips" in text
    report = run_calibrate(Settings(), Console(), "fake/cal-cmd", [data], store, None, True)
    printed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert printed["accuracy"] == report.accuracy == 0.625 and printed["pairs"] == 4


def test_command_rejects_a_bad_file_before_opening_the_store(tmp_path):
    bad = write_jsonl(tmp_path / "bad.jsonl", ['{"text_a": "x"}'])
    with pytest.raises(PunchupError, match="missing field"):
        run_calibrate(Settings(), Console(), "craft/heuristic", [bad], str(tmp_path / "never.db"), None, False)
    assert not (tmp_path / "never.db").exists()


async def test_craft_heuristic_training_accuracy_on_the_development_set(store):
    # The shipped weights saw this very file (one common strength was fitted on it and the other source), so the
    # report labels it training accuracy; held out (strength fitted on the other source only) it scores 62.3 %.
    judges = build_judges("craft/heuristic", store, lambda m: pytest.fail("no model needed"))
    report = await calibrate(judges, [DEV_SET], store)
    assert report.pairs == 150 and report.judged == 150 and report.failed == 0
    assert 0.0 <= report.ci_low <= report.accuracy <= report.ci_high <= 1.0
    # Measured 61.7 % (92.5 of 150) with the advice weights (a fully fitted set reached 77.7 % here, and 63.7 %
    # held out); a regression of a few points fails.
    assert report.accuracy >= 0.59
    assert report.flips == 0 and report.flip_rate == 0.0
    assert list(report.by_source) == ["wq-style-mimic.jsonl"] and report.by_source["wq-style-mimic.jsonl"].pairs == 150
    assert report.by_source["wq-style-mimic.jsonl"].training  # labelled: the shipped weights were fitted on it
    assert report.held_out == {}  # one source: nothing to hold out


@pytest.mark.real
async def test_real_smollm2_calibration_structure(smollm2, store, tmp_path):
    rows = [json.loads(line) for line in DEV_SET.read_text(encoding="utf-8").splitlines()[:4]]
    short = [{**{k: r[k] for k in ("id", "preferred")},
              "text_a": " ".join(r["text_a"].split()[:80]), "text_b": " ".join(r["text_b"].split()[:80])} for r in rows]
    data = write_jsonl(tmp_path / "four.jsonl", short)  # a temporary excerpt for this test only, never in the repo
    judges = build_judges("local/smollm2", store, lambda model_id: CachedModel(smollm2, store))
    report = await calibrate(judges, [data], store)
    assert report.pairs == 4 and report.judged == 4 and report.failed == 0  # JSON is grammar-constrained
    # The README's figures for the embedded judge: it picks the first position every time, so every verdict
    # flips with the order (flip rate 1.0, measured) and a flipped pair is a tie, counted half correct
    # (accuracy 0.5, measured). Greedy decoding: the same every run.
    assert report.flip_rate == 1.0 and report.flips == 4
    assert report.accuracy == 0.5
    print(f"SmolLM2 on 4 truncated pairs: accuracy {report.accuracy:.2f}, flip rate {report.flip_rate:.2f}, "
          f"{report.wall_time_s:.0f} s")
    assert CALIBRATION_PACK.pairwise[0].id == "overall_quality"
