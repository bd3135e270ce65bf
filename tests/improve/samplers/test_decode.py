"""The antislop rewind and the unusual schedule on a toy bigram backend (logic only; the real model is in test_real_samplers)."""

from __future__ import annotations

import numpy as np
import pytest

from punchup.improve.samplers import decode as decode_module
from punchup.improve.samplers.decode import DecodeSettings, Schedule, decode
from punchup.improve.samplers.phrases import PhraseList
from punchup.improve.samplers.tokens import pick_token
from punchup.metrics.slop import slop_hits

from .toy import PROMPT, ToyBackend, ids


def settings(**changes):
    base = dict(temperature=0.0, top_p=0.95, max_tokens=20, seed=3)
    return DecodeSettings(**{**base, **changes})


def phrase_file(tmp_path, *phrases):
    path = tmp_path / "phrases.txt"
    path.write_text("# my list\n" + "\n".join(phrases) + "\n", encoding="utf-8")
    return PhraseList.from_file(path)


def test_without_phrases_the_toy_writes_its_greedy_slop():
    out = decode(ToyBackend(), PROMPT, settings())
    assert out.text == " A shiver down her spine."
    assert slop_hits(out.text)  # the built-in list does flag it
    assert out.finish_reason == "stop" and out.backtracks == 0


def test_slop_list_rewinds_to_where_the_phrase_began_and_bans_that_token():
    backend = ToyBackend()
    out = decode(backend, PROMPT, settings(phrases=PhraseList.slop(), max_backtracks=5))
    # "A shiver down her spine" starts at " A": that token is forbidden at position 0, so the model takes " The".
    assert out.text == " The cat sat."
    assert not slop_hits(out.text)
    assert out.backtracks == 1
    assert out.tokens_regenerated == 6  # " A shiver down her spine ." was cut
    assert out.phrases_avoided == {"shiver down her spine": 1}
    # The prompt is evaluated once; after the rewind to position 0 the next evaluation is the new first token.
    assert backend.evaluated.count(PROMPT) == 1
    after_phrase = backend.evaluated.index(PROMPT + ids(" A", " shiver", " down", " her", " spine"))
    assert backend.evaluated[after_phrase + 1] == PROMPT + ids(" The")


def test_user_phrase_file_bans_mid_sentence_and_keeps_the_text_before_it(tmp_path):
    backend = ToyBackend()
    out = decode(backend, PROMPT, settings(phrases=phrase_file(tmp_path, "her   spine"), max_backtracks=5))
    assert out.text == " A shiver down"  # " her" is banned after " down"; the toy's next best is the end
    assert out.tokens_regenerated == 3 and out.phrases_avoided == {"her spine": 1}
    # The rewind evaluates from the token before the phrase: the text before it is kept, not recomputed.
    after_phrase = backend.evaluated.index(PROMPT + ids(" A", " shiver", " down", " her", " spine"))
    assert backend.evaluated[after_phrase + 1] == PROMPT + ids(" A", " shiver", " down")


def test_bans_at_one_position_accumulate_over_several_backtracks(tmp_path):
    phrases = phrase_file(tmp_path, "shiver down", "chill down")
    out = decode(ToyBackend(), PROMPT, settings(phrases=phrases, max_backtracks=5))
    # " shiver" is banned after " A", then " chill" too (the text before them is unchanged), so " cat" is left.
    assert out.text == " A cat sat."
    assert out.backtracks == 2 and out.phrases_avoided == {"shiver down": 1, "chill down": 1}
    assert out.tokens_regenerated == 6  # " shiver down her" and " chill down her"


def test_a_user_phrase_bans_its_own_first_token(tmp_path):
    out = decode(ToyBackend(), PROMPT, settings(phrases=phrase_file(tmp_path, "shiver down her spine"), max_backtracks=5))
    assert out.text == " A chill down her spine."  # not on this list, though the slop list would catch it
    assert out.backtracks == 1


def test_backtracks_are_bounded_and_the_leftover_is_recorded():
    out = decode(ToyBackend(), PROMPT, settings(phrases=PhraseList.slop(), max_backtracks=0))
    assert out.text == " A shiver down her spine."
    assert out.budget_exhausted and out.trace()["backtrack_budget_exhausted"] is True


def test_a_phrase_that_might_still_grow_waits_for_the_next_token(tmp_path):
    phrases = phrase_file(tmp_path, "her spine")
    assert phrases.completed(" down her spine", finished=False) is None
    assert phrases.completed(" down her spine", finished=True) is not None
    assert phrases.completed(" down her spines.", finished=False) is None  # a longer word is not the phrase
    assert phrases.completed(" down her spine.", finished=False).label == "her spine"


def test_same_seed_same_text_and_draws_do_not_depend_on_backtracks():
    hot = dict(temperature=1.5, top_p=1.0)
    first = decode(ToyBackend(), PROMPT, settings(seed=11, **hot, phrases=PhraseList.slop(), max_backtracks=5))
    again = decode(ToyBackend(), PROMPT, settings(seed=11, **hot, phrases=PhraseList.slop(), max_backtracks=5))
    assert first.text == again.text and first.trace() == again.trace()
    texts = {decode(ToyBackend(), PROMPT, settings(seed=s, **hot)).text for s in range(40)}
    assert len(texts) > 1  # temperature does sample


def test_stop_strings_end_the_text():
    out = decode(ToyBackend(), PROMPT, settings(stop=(" her",)))
    assert out.text == " A shiver down" and out.finish_reason == "stop"


def test_max_tokens_gives_length():
    out = decode(ToyBackend(), PROMPT, settings(max_tokens=3))
    assert out.text == " A shiver down" and out.finish_reason == "length" and out.completion_tokens == 3


def test_unusual_is_hot_for_the_first_sentence_then_cool(monkeypatch):
    used: list[float] = []
    real_pick = decode_module.pick_token

    def recording_pick(logits, banned, temperature, top_p, u):
        used.append(temperature)
        return real_pick(logits, banned, temperature, top_p, u)

    monkeypatch.setattr(decode_module, "pick_token", recording_pick)
    schedule = Schedule(hot=1.7, cool=0.0, opening=2)
    out = decode(ToyBackend(), PROMPT, settings(schedule=schedule))
    assert used[:2] == [1.7, 1.7] and set(used[2:]) == {0.0}
    assert out.opening is not None and out.text.startswith(out.opening) and len(out.opening) > 0


def test_sentence_opening_ends_after_the_first_sentence():
    schedule = Schedule(hot=1.5, cool=0.5)
    assert schedule.in_opening(3, "The tide came in")
    assert not schedule.in_opening(5, "The tide came in. It")
    assert not schedule.in_opening(4, "A list:\n- one")
    assert not schedule.in_opening(64, "a sentence that never ends")


def test_pick_token_greedy_ban_and_nucleus():
    logits = np.array([5.0, 4.0, 1.0, -3.0], dtype=np.float32)
    assert pick_token(logits, set(), 0.0, 0.95, 0.5) == 0
    assert pick_token(logits, {0}, 0.0, 0.95, 0.5) == 1
    assert pick_token(logits, set(), 1.0, 0.95, 0.0) == 0
    # u near 1 reaches the last kept token; indices 2 and 3 are below min_p, never drawn.
    assert {pick_token(logits, set(), 1.0, 1.0, u) for u in np.linspace(0, 0.999, 50)} == {0, 1}
    assert pick_token(logits, set(), 1.0, 0.5, 0.999) == 0  # top_p 0.5: only the top token survives
    assert pick_token(logits, {0, 1}, 1.0, 0.95, 0.999) == 2


@pytest.mark.parametrize("bad", ["", "# only a comment\n\n"])
def test_empty_phrase_file_is_one_clear_error(tmp_path, bad):
    from punchup.errors import PunchupError

    path = tmp_path / "p.txt"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(PunchupError, match="p.txt"):
        PhraseList.from_file(path)
