"""craft/heuristic: features on hand-written texts, the numpy fit on synthetic data, the judge through the
RubricJudging/PairJudging interfaces, the factory, and panels with a scripted LLM judge."""

import json
import random

import numpy as np
import pytest

from punchup.errors import PunchupError
from punchup.judging.factory import build_judges, judge_models, panel_members
from punchup.judging.heuristic.features import FEATURES, FEATURE_NAMES, sentences, text_features
from punchup.judging.heuristic.judge import (
    HEURISTIC_JUDGE,
    WEIGHTS_PATH,
    CraftScorer,
    HeuristicJudge,
    load_weights,
)
from punchup.packs.checks.alts import numbered_items
from punchup.packs.checks.moves import named_move
from punchup.judging.heuristic.fit import (
    Standardiser,
    choose_l2,
    fit_logistic,
    grouped_folds,
    groups_sharing_texts,
    nested_cv_predictions,
    symmetric_rows,
)
from punchup.judging.records import PairResult, RubricResult
from punchup.models import CachedModel, get_model
from punchup.models.fake import script
from punchup.packs import load_pack

FICTION = load_pack("fiction")
CAMERA = load_pack("camera")
COMEDY = load_pack("comedy")

CLICHED = (
    "She let out a breath she didn't know she was holding. A shiver ran down her spine. "
    "The air was thick with tension, and time stood still. In that moment, she felt a wave of emotion, "
    "a testament to the unspoken bond they shared. Her heart pounding, she realized the weight of her journey. "
    "She seemed to sense the palpable silence. She noticed his eyes sparkled with mischievous hope."
)
CLEAN = (
    "Mara kept the lighthouse log for forty years; the ink went brown in the damp. On the last page, "
    "under a pressed moth and a bus ticket from Oban, she wrote three words. Fog. No ships. "
    "Then she climbed the hundred and twelve steps, trimmed the wick her father had trimmed, and lit it anyway, "
    "because the Admiralty had stopped paying in 1974 and nobody had told the sea."
)


# -- features --------------------------------------------------------------------------------------

def test_every_feature_is_computed_and_named_for_rationales():
    values = text_features(CLEAN)
    assert list(values) == list(FEATURE_NAMES)
    assert all(isinstance(v, float) and np.isfinite(v) for v in values.values())
    assert all(f.more != f.less for f in FEATURES)


def test_cliche_laden_paragraph_has_more_cliches_filter_words_and_abstraction_than_a_specific_one():
    cliched, clean = text_features(CLICHED), text_features(CLEAN)
    assert cliched["cliches"] > 50 and clean["cliches"] == 0.0
    assert cliched["filter_words"] > clean["filter_words"]
    assert cliched["abstract_nouns"] > clean["abstract_nouns"]
    assert clean["specifics"] > cliched["specifics"]  # Mara, Oban, Admiralty, 1974


def test_filter_word_density_counts_exactly():
    # 20 words, of which felt, saw and noticed are filter words: 150 per 1000.
    text = "She felt the cold. He saw the boat come in slowly. They noticed nothing at all about the harbour wall."
    assert len(text.split()) == 20
    assert text_features(text)["filter_words"] == pytest.approx(150.0)


def test_ly_adverbs_skip_words_that_only_end_in_ly():
    text = "She walked quickly and quietly past the lonely family; only the early bus was there."
    # quickly, quietly count; lonely, family, only, early do not: 2 of 15 words.
    assert text_features(text)["ly_adverbs"] == pytest.approx(1000 * 2 / 15)


def test_sentence_rhythm_separates_uniform_from_varied_sentences():
    uniform = "The cat sat on the mat. The dog lay by the door. The bird sang in the tree."
    varied = "Stop. The dog, who had waited by the door since the first frost, finally lay down and slept. Then rain."
    assert text_features(uniform)["sentence_length_variation"] == pytest.approx(0.0)
    assert text_features(varied)["sentence_length_variation"] > 0.5
    assert text_features(varied)["short_sentences"] == pytest.approx(2 / 3)


def test_run_together_sentences_from_pasted_text_are_still_split():
    assert sentences("It was unjust.By then we knew. Nobody came!Then rain.") == [
        "It was unjust.", "By then we knew.", "Nobody came!", "Then rain."]


def test_dialogue_tags_and_punctuation_habits():
    fancy = '"Get out," she hissed angrily. "Now," he growled. "Fine," she said.'
    plain = '"Get out," she said. "Now," he said. "Fine," she said.'
    assert text_features(fancy)["fancy_dialogue_tags"] == pytest.approx((2 + 1) / 3)
    assert text_features(plain)["fancy_dialogue_tags"] == 0.0
    dashes = text_features("He came back \u2014 late \u2014 and sat; nobody spoke! Nobody moved!")
    assert dashes["em_dashes"] > 0 and dashes["semicolons"] > 0 and dashes["exclamations"] > dashes["semicolons"]


def test_off_target_length_only_counts_when_a_brief_sets_a_length():
    text = " ".join(["word"] * 99) + "."
    assert text_features(text)["off_target_length"] == 0.0
    assert text_features(text, target_words=100)["off_target_length"] == pytest.approx(0.0)
    assert text_features(text, target_words=400)["off_target_length"] > 1.0


# -- fitting -----------------------------------------------------------------------------------------

def synthetic_preferences(n=240, seed=3):
    rng = np.random.default_rng(seed)
    first, second = rng.normal(size=(n, 3)), rng.normal(size=(n, 3))
    true_weights = np.array([2.0, -1.5, 0.0])
    p = 1 / (1 + np.exp(-((first - second) @ true_weights)))
    return first, second, (rng.random(n) < p).astype(float), true_weights


def test_fit_recovers_the_sign_of_known_weights_and_is_antisymmetric():
    first, second, wins, _ = synthetic_preferences()
    weights = fit_logistic(*symmetric_rows(first - second, wins), l2=0.01)
    assert weights[0] > 1.0 and weights[1] < -0.7 and abs(weights[2]) < 0.4
    heavier = fit_logistic(*symmetric_rows(first - second, wins), l2=10.0)
    assert np.linalg.norm(heavier) < np.linalg.norm(weights)  # L2 shrinks


def test_nested_cross_validation_beats_chance_on_learnable_data_and_not_on_noise():
    first, second, wins, _ = synthetic_preferences()
    groups = np.arange(len(wins))
    assert nested_cv_predictions(first, second, wins, groups, outer_k=5, inner_k=3).mean() > 0.75
    noise = np.random.default_rng(9).random(len(wins)) < 0.5
    assert nested_cv_predictions(first, second, noise.astype(float), groups, outer_k=5, inner_k=3).mean() < 0.65
    assert choose_l2(first - second, wins, groups, k=3) > 0


def test_folds_keep_pairs_that_share_a_text_together():
    pairs = [("x", "y"), ("x", "z"), ("p", "q"), ("q", "r"), ("s", "t")]
    groups = groups_sharing_texts(pairs)
    assert groups[0] == groups[1] and groups[2] == groups[3] and len(set(groups)) == 3
    folds = grouped_folds(groups, k=3)
    assert sorted(np.concatenate(folds).tolist()) == list(range(5))
    for fold in folds:
        assert set(fold.tolist()) in ({0, 1}, {2, 3}, {4})


def test_standardiser_clips_outliers_and_survives_constant_columns():
    features = np.array([[0.0, 5.0], [1.0, 5.0], [2.0, 5.0], [100.0, 5.0]])
    scaler = Standardiser.fit(features, clip=1.5)
    z = scaler.apply(features)
    assert z[:, 1].tolist() == [0.0] * 4 and z.max() == 1.5


def test_shipped_weights_are_small_consistent_and_fitted_on_current_features():
    assert WEIGHTS_PATH.stat().st_size < 5000  # coefficients only, never data
    weights = load_weights()
    assert set(weights.features) <= set(FEATURE_NAMES) and "length" not in weights.features
    held_out = weights.fit["leave_one_source_out"]
    assert held_out and set(held_out) == set(weights.sources)  # one held-out figure per source it was fitted on
    # The advice method fits one strength only, so held out it does about as well as on its own pairs; a fully
    # fitted set (the other method, recorded beside it) does better on its own pairs than held out.
    other = weights.fit["leave_one_source_out_other_methods"]["logistic"]
    assert weights.fit["method_key"] == "advice" and sum(held_out.values()) >= sum(other.values())
    assert weights.fit["cv_within_source_logistic"]["wq-style-mimic.jsonl"] > max(other.values())
    assert len(weights.version) == 16


# -- the judge ---------------------------------------------------------------------------------------

async def test_rubric_through_the_judge_interface_is_valid_deterministic_and_cached(store):
    judge = build_judges(HEURISTIC_JUDGE, store, model_for=lambda m: pytest.fail("no model for a built-in judge")).rubric
    result = await judge.judge(FICTION, FICTION.prompts[0], CLEAN)
    assert isinstance(result, RubricResult) and result.ok and result.judge == HEURISTIC_JUDGE
    # Only the criteria with a signal of their own get a number; the rest are listed as not judged.
    assert set(result.scores) == {"show_dont_tell", "cliche_density"}
    assert set(result.not_judged) == {c.id for c in FICTION.rubric} - set(result.scores)
    assert result.scores["cliche_density"] == 1  # no stock phrase in CLEAN
    assert 1 <= result.overall <= 10 and "craft score" in result.rationale and "not judged by this judge" in result.rationale
    again = await HeuristicJudge(store).judge(FICTION, FICTION.prompts[0], CLEAN)
    assert again.cached and again.scores == result.scores and again.overall == result.overall
    assert store.count("judgments", "judge = :j", j=HEURISTIC_JUDGE) == 1


async def test_clean_specific_prose_outscores_cliches(store):
    judge = HeuristicJudge(store)
    brief = FICTION.prompts[0].model_copy(update={"target_words": None})  # both texts are far shorter than 400 words
    clean = await judge.judge(FICTION, brief, CLEAN)
    cliched = await judge.judge(FICTION, brief, CLICHED)
    assert clean.overall > cliched.overall
    assert "leans on stock phrases" in cliched.rationale and clean.overall > 5.5 > cliched.overall
    assert cliched.scores["cliche_density"] > clean.scores["cliche_density"]
    assert cliched.scores["show_dont_tell"] < clean.scores["show_dont_tell"]


async def test_a_fraction_of_the_asked_length_is_a_flaw_whatever_its_craft(store):
    judge = HeuristicJudge(store)
    asked = FICTION.prompts[0]
    assert asked.target_words == 400
    short = await judge.judge(FICTION, asked, CLEAN)  # 69 words of good prose for a 400-word brief
    free = await judge.judge(FICTION, asked.model_copy(update={"target_words": None}), CLEAN)
    assert "far short of the brief (69 words where it asks for about 400)" in short.rationale
    assert short.overall < free.overall and "far short" not in free.rationale


async def test_pairwise_is_valid_symmetric_without_flips_and_explains_itself(store):
    judge = HeuristicJudge(store)
    prompt = FICTION.prompts[0]
    forward = await judge.judge_pair(FICTION, prompt, CLEAN, CLICHED)
    backward = await judge.judge_pair(FICTION, prompt, CLICHED, CLEAN)
    assert isinstance(forward, PairResult) and forward.ok and forward.flips == 0 and backward.flips == 0
    assert set(forward.outcomes) == {c.id for c in FICTION.pairwise}
    assert forward.score_x == 1.0 and backward.score_x == 0.0
    assert all(not o.flipped and 1 <= o.margin <= 3 for o in forward.outcomes.values())
    phrases = [phrase for f in FEATURES for phrase in (f.more, f.less)]
    assert forward.rationale.startswith("text 1 preferred") and any(p in forward.rationale for p in phrases)
    assert "in its favour" in forward.rationale and "(+" not in forward.rationale  # craft words, not numbers
    raw = json.loads(forward.raw)
    assert raw["contributions"] and all({"feature", "difference", "logit"} == set(c) for c in raw["contributions"])
    assert raw["p_forward"] == pytest.approx(1 - raw["p_backward"])
    cached = await judge.judge_pair(FICTION, prompt, CLEAN, CLICHED)
    assert cached.cached and cached.score_x == forward.score_x


async def test_identical_texts_tie(store):
    result = await HeuristicJudge(store).judge_pair(FICTION, FICTION.prompts[0], CLEAN, CLEAN)
    assert result.ok and result.score_x == 0.5 and result.flips == 0 and result.rationale.startswith("neither text")


async def test_text_without_words_scores_lowest_and_loses_but_two_empty_texts_cannot_be_judged(store):
    judge = HeuristicJudge(store)
    rubric = await judge.judge(FICTION, FICTION.prompts[0], "  ...  ")
    pair = await judge.judge_pair(FICTION, FICTION.prompts[0], CLEAN, "")
    both = await judge.judge_pair(FICTION, FICTION.prompts[0], "", " ")
    assert rubric.ok and rubric.overall == pytest.approx(1.0, abs=0.01) and rubric.scores == {}
    assert set(rubric.not_judged) == {c.id for c in FICTION.rubric} and "no words" in rubric.rationale
    assert pair.ok and pair.score_x == 1.0 and "text 2: no words" in pair.rationale
    assert not both.ok and both.score_x is None and "neither text" in both.error


async def test_camera_moves_are_correct_only_when_named(store):
    prompt = CAMERA.prompts[0]  # pan, rack focus, dolly in
    shot_list = "1. WS: whip pan to the desk.\n2. CU: rack-focuses from the letter to the photo.\n3. MS: we dolly in slowly."
    result = await HeuristicJudge(store).judge(CAMERA, prompt, shot_list)
    assert result.moves == {"pan": "missing", "rack focus": "correct", "dolly in": "correct"}
    assert "named" in result.rationale
    assert named_move("She pans left, panning past the door.", "pan") and named_move("Hand-held, shaky.", "handheld")
    assert named_move("We track alongside her.", "tracking") and named_move("Push in on his face.", "push-in")
    assert not named_move("A whip pan.", "pan") and not named_move("The pantry door.", "pan")


async def test_comedy_alts_are_scored_one_by_one_and_missing_alts_score_1(store):
    prompt = next(p for p in COMEDY.prompts if p.alts)
    alts = "\n".join(f"{i}. My dentist retired to a 2009 Corolla, which is where he now keeps the good gas." for i in (1, 2))
    assert numbered_items(alts)[1].startswith("My dentist")
    result = await HeuristicJudge(store).judge(COMEDY, prompt, alts)
    assert len(result.alts) == prompt.alts and all(1 <= a <= 10 for a in result.alts)
    assert result.alts[prompt.alts - 1] == 1 and f"{prompt.alts - 2} missing" in result.rationale


async def test_persona_love_is_not_judged_rather_than_copied_from_the_craft_score(store):
    persona = FICTION.personas[0]
    result = await HeuristicJudge(store).judge(FICTION, FICTION.prompts[0], CLEAN, persona)
    assert result.ok and result.scores == {} and result.not_judged == ["love"] and result.persona == persona.id
    assert "persona is not judged by this judge" in result.rationale


def test_scorer_maps_average_text_to_the_middle_of_the_scale():
    scorer = CraftScorer(load_weights())
    assert scorer.to_ten(0.0) == pytest.approx(5.5)
    assert scorer.to_ten(10 * scorer.weights.score_spread) > 9.9


# -- factory and panel -------------------------------------------------------------------------------

def test_factory_names_models_and_rejects_unknown_builtins(store):
    assert judge_models("local/smollm2+craft/heuristic") == ["local/smollm2"]
    assert judge_models(HEURISTIC_JUDGE) == []
    assert build_judges(HEURISTIC_JUDGE, store, lambda m: pytest.fail("no model")).models == []
    for bad, words in (("craft/vibes", "unknown built-in judge 'craft/vibes'"), ("local/smollm2+", "empty member"),
                       ("craft/heuristic+craft/heuristic", "more than once")):
        with pytest.raises(PunchupError, match=words):
            panel_members(bad)
        with pytest.raises(PunchupError):
            build_judges(bad, store, lambda m: pytest.fail("no model"))


def schema_judge(messages, config):
    """A fake LLM judge that answers any rubric/pairwise schema: 7 everywhere, and always prefers A."""
    reply = {}
    for name, spec in config.json_schema["properties"].items():
        if name == "rationale":
            reply[name] = "Fake reasons."
        elif spec.get("enum") == ["A", "B", "tie"]:
            reply[name] = "A"
        elif name.startswith("move_"):
            reply[name] = "incorrect"
        else:
            reply[name] = 7 if 7 in spec["enum"] else spec["enum"][0]
    return json.dumps(reply)


def panel(store, name, responder):
    script(name, responder)
    return build_judges(f"fake/{name}+{HEURISTIC_JUDGE}", store, lambda m: CachedModel(get_model(m), store))


async def test_panel_rubric_averages_members(store):
    judges = panel(store, "panel-rubric", schema_judge)
    assert judges.models == ["fake/panel-rubric"] and judges.name == "fake/panel-rubric+craft/heuristic"
    heuristic = await HeuristicJudge(store).judge(FICTION, FICTION.prompts[0], CLEAN)
    result = await judges.rubric.judge(FICTION, FICTION.prompts[0], CLEAN)
    llm_overall = (5 * 7 + 2 * 4) / 7  # five criteria at 7, two negative criteria at 7 -> 4
    assert result.ok and result.overall == pytest.approx((llm_overall + heuristic.overall) / 2)
    # The LLM alone scored voice; both scored cliché density; nothing is left unjudged by the panel.
    assert result.scores["voice"] == 7 and "voice" not in heuristic.scores
    assert result.scores["cliche_density"] == round((7 + heuristic.scores["cliche_density"]) / 2)
    assert result.not_judged == []
    assert "fake/panel-rubric: Fake reasons." in result.rationale and "craft/heuristic: craft score" in result.rationale


async def test_panel_pairwise_averages_scores_and_sums_flips(store):
    judges = panel(store, "panel-pair", schema_judge)  # "always A": flips on every criterion
    result = await judges.pairwise.judge_pair(FICTION, FICTION.prompts[0], CLEAN, CLICHED)
    assert result.ok and result.flips == len(FICTION.pairwise)  # LLM member flips, the heuristic never does
    assert result.score_x == pytest.approx((0.5 + 1.0) / 2)
    # Per criterion the members vote: a tie (the flipped LLM) and a win for text 1 make a win, as rankings need.
    assert all(o.flipped and o.score_x == 1.0 for o in result.outcomes.values())


async def test_panel_survives_one_failed_member(store):
    judges = panel(store, "panel-garbage", lambda messages, config: "no JSON here")
    partly = await judges.rubric.judge(FICTION, FICTION.prompts[0], CLEAN)
    assert partly.ok and "fake/panel-garbage failed" in partly.rationale
    heuristic = await HeuristicJudge(store).judge(FICTION, FICTION.prompts[0], CLEAN)
    assert partly.overall == pytest.approx(heuristic.overall)
    empty = await judges.rubric.judge(FICTION, FICTION.prompts[0], "")
    assert empty.ok and empty.overall == pytest.approx(1.0, abs=0.01)  # the heuristic still ranks an empty text last
    pair = await judges.pairwise.judge_pair(FICTION, FICTION.prompts[0], CLEAN, CLICHED)
    assert pair.ok and pair.score_x == 1.0


def test_random_texts_never_crash_the_features():
    rng = random.Random(4)
    alphabet = "abc XYZ.,;!?\u2014\"'\n0123"
    for _ in range(200):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        assert all(np.isfinite(v) for v in text_features(text).values())
