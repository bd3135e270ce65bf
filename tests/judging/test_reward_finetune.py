"""The fine-tuned learned judge: real LoRA steps on the real MiniLM encoder, through the tune loop and the CLI.

Tiny data and a few steps: these check that the path works (loss falls, resume is exact,
the saved judge is the trained one, calibrate refits it per held-out source), not how good
it is; benchmarks/fit_reward.py measures that on the development sets.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from punchup.errors import PunchupError
from punchup.judging.reward.finetune import RewardTuneParams, finetune, load_tensors, save_tensors
from punchup.judging.reward.scorers import fit_tuned, load_scorer, save_tuned, training_pairs
from tests.conftest import run_punchup
from tests.judging.test_contrast import PROSE
from tests.judging.test_reward import PLAIN, PURPLE

pytestmark = pytest.mark.embed
pytest.importorskip("peft")

PAIRS = [(plain, purple) for plain, purple in zip(PLAIN, PURPLE)]
FAST = RewardTuneParams(lr=2e-3, max_len=48, batch=3, epochs=4, seed=3)


class Interrupted(Exception):
    pass


def test_loss_falls_and_the_judge_prefers_what_it_was_taught(tmp_path: Path) -> None:
    encoder, result = finetune(PAIRS, FAST, tmp_path / "ck.pt")
    assert len(result.losses) == 8 and abs(result.losses[0] - np.log(2)) < 1e-3  # zero head: every reward starts at 0
    assert np.mean(result.losses[-2:]) < 0.5 * result.losses[0]
    rewards = encoder.scores(PLAIN + PURPLE)
    assert (rewards[:6] > rewards[6:]).all()
    assert result.tokens > 0 and result.peak_rss_mb > 0


def test_a_killed_run_resumes_where_it_stopped_with_the_same_losses(tmp_path: Path) -> None:
    _, whole = finetune(PAIRS, FAST, tmp_path / "whole.pt")

    def stop_after_three(report) -> None:
        if report.step == 3:
            raise Interrupted

    checkpoint = tmp_path / "killed.pt"
    with pytest.raises(Interrupted):
        finetune(PAIRS, FAST, checkpoint, progress=stop_after_three)
    _, resumed = finetune(PAIRS, FAST, checkpoint)
    assert resumed.resumed_from == 3
    assert resumed.losses == pytest.approx(whole.losses, abs=1e-5)
    # Another run's checkpoint is never resumed: different pairs start from step 0.
    _, other = finetune(PAIRS[::-1], FAST, checkpoint)
    assert other.resumed_from == 0


def test_saved_tensors_give_the_trained_rewards(tmp_path: Path) -> None:
    encoder, _ = finetune(PAIRS, FAST.model_copy(update={"epochs": 1}), tmp_path / "ck.pt")
    save_tensors(encoder, tmp_path / "t.safetensors")
    again = load_tensors(encoder.params, tmp_path / "t.safetensors")
    assert np.allclose(again.scores(PLAIN[:2]), encoder.scores(PLAIN[:2]), atol=1e-5)


def test_a_card_whose_tensors_were_changed_is_refused(tmp_path: Path) -> None:
    scorer = fit_tuned("tiny", [(a, b, True) for a, b in PAIRS], ["plain"], FAST.model_copy(update={"epochs": 1}),
                       tmp_path / "ck.pt", synthetic=False)
    card = save_tuned(scorer, tmp_path / "judges", {"note": "test"})
    loaded = load_scorer(card)
    assert np.allclose(loaded.rewards(PLAIN[:1]), scorer.rewards(PLAIN[:1]), atol=1e-5)
    tensors = card.with_suffix(".safetensors")
    data = bytearray(tensors.read_bytes())
    data[-3] ^= 0xFF  # one byte of the last tensor
    tensors.write_bytes(bytes(data))
    with pytest.raises(PunchupError, match="does not match its card"):
        load_scorer(card).rewards(PLAIN[:1])


def test_synthetic_pairs_add_one_contrast_per_chosen_text() -> None:
    given = [(PROSE, PURPLE[0], True), (PURPLE[1], PROSE, False), (PLAIN[0], PURPLE[2], True)]
    with_synthetic = training_pairs(given, synthetic=True)
    # PROSE is chosen twice but contrasted once; the one-sentence PLAIN[0] has no change that applies to it.
    assert with_synthetic[:3] == [(PROSE, PURPLE[0]), (PROSE, PURPLE[1]), (PLAIN[0], PURPLE[2])]
    (extra,) = with_synthetic[3:]
    assert extra[0] == PROSE and extra[1] != PROSE
    assert training_pairs(given, synthetic=False) == with_synthetic[:3]


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_tune_judge_registers_a_judge_that_calibrate_refits_per_held_out_source(tmp_path: Path) -> None:
    source_a = _write(tmp_path / "a.jsonl", [{"text_a": p, "text_b": q, "preferred": "a", "source": "plain-a"}
                                             for p, q in PAIRS[:3]])
    source_b = _write(tmp_path / "b.jsonl", [{"text_a": q, "text_b": p, "preferred": "b", "source": "plain-b"}
                                             for p, q in PAIRS[3:]])
    distilled = _write(tmp_path / "dpo.jsonl", [{"prompt": [{"role": "user", "content": "Write."}],
                                                 "chosen": [{"role": "assistant", "content": PLAIN[0]}],
                                                 "rejected": [{"role": "assistant", "content": PURPLE[1]}]}])
    env = {"PUNCHUP_JUDGES_DIR": str(tmp_path / "judges")}
    trained = run_punchup("tune-judge", "--data", str(source_a), "--data", str(source_b), "--distill", str(distilled),
                          "--out", "tiny", "--max-steps", "2", "--max-len", "48", "--batch", "4", env=env)
    assert trained.returncode == 0, trained.stderr
    assert "reward/tiny" in trained.stdout and "distilled:dpo.jsonl" in trained.stdout
    card = json.loads((tmp_path / "judges" / "tiny.json").read_text())
    assert card["kind"] == "finetuned" and card["fit"]["sources"] == ["distilled:dpo.jsonl", "plain-a", "plain-b"]

    calibrated = run_punchup("calibrate", "--judge", "reward/tiny", "--data", str(source_a), "--data", str(source_b),
                             "--store", str(tmp_path / "s.db"), env=env)
    assert calibrated.returncode == 0, calibrated.stderr
    assert "held out: plain-a" in calibrated.stdout and "held out: plain-b" in calibrated.stdout


def test_tune_judge_without_pairs_or_with_a_bad_name_says_so_in_one_line(tmp_path: Path) -> None:
    env = {"PUNCHUP_JUDGES_DIR": str(tmp_path / "judges")}
    empty = run_punchup("tune-judge", "--out", "x", env=env)
    assert empty.returncode != 0 and "needs preference pairs" in empty.stderr and "Traceback" not in empty.stderr
    bad = run_punchup("tune-judge", "--data", "nope.jsonl", "--out", "../x", env=env)
    assert bad.returncode != 0 and "judge name" in bad.stderr and "Traceback" not in bad.stderr


def test_two_refits_on_different_pairs_never_share_a_version(tmp_path: Path) -> None:
    # Judgments are cached under the scorer's version, so a refit must not look like another refit.
    one_epoch = FAST.model_copy(update={"epochs": 1})
    first = fit_tuned("tiny", [(a, b, True) for a, b in PAIRS], ["x"], one_epoch, tmp_path / "1.pt", synthetic=False)
    second = fit_tuned("tiny", [(b, a, True) for a, b in PAIRS], ["x"], one_epoch, tmp_path / "2.pt", synthetic=False)
    assert first.version != second.version


def test_without_the_tune_extra_the_error_names_what_to_install(monkeypatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "peft", None)  # as if never installed
    with pytest.raises(PunchupError, match=r"peft is not installed\): pip install 'punchup\[tune,embed\]'"):
        finetune(PAIRS, FAST, Path("unused.pt"))
