"""Which KV stream a new prompt starts from (the logic only; the real model's texts are checked in
test_local_batching.py)."""

from __future__ import annotations

import pytest

from punchup.models.providers.local_prefix import PrefixSlots, Start, common_prefix


def test_common_prefix_counts_equal_leading_tokens():
    assert common_prefix([1, 2, 3], [1, 2, 4]) == 2
    assert common_prefix([1, 2], [1, 2, 3]) == 2
    assert common_prefix([], [1]) == 0 and common_prefix([5], [6]) == 0


def test_nothing_held_starts_fresh_in_the_first_free_slot():
    slots = PrefixSlots(3)
    assert slots.choose([1, 2, 3], running={0}) == Start(slot=1, source=None, shared=0)


def test_a_running_sequence_with_the_same_opening_is_copied_but_never_the_last_two_prompt_tokens():
    slots = PrefixSlots(3)
    start = slots.choose([1, 2, 3, 4], running=set())
    slots.started(start, [1, 2, 3, 4])
    slots.fed(start.slot, [1, 2, 3, 4], 4)
    # The same prompt again: all but its last two tokens are reused (a one-token chunk would change its logits).
    assert slots.choose([1, 2, 3, 4], running={start.slot}) == Start(slot=1, source=0, shared=2)
    assert slots.choose([1, 2, 9, 9], running={start.slot}) == Start(slot=1, source=0, shared=2)
    assert slots.choose([1, 2, 9], running={start.slot}) == Start(slot=1, source=0, shared=1)
    assert slots.choose([7, 8], running={start.slot}) == Start(slot=1, source=None, shared=0)


def test_only_tokens_already_decoded_are_shared():
    slots = PrefixSlots(2)
    start = slots.choose([1, 2, 3, 4, 5], running=set())
    slots.started(start, [1, 2, 3, 4, 5])
    slots.fed(0, [1, 2, 3, 4, 5], 2)  # a long prompt part-way through its prefill
    assert slots.choose([1, 2, 3, 4, 6], running={0}).shared == 2


def test_a_finished_slot_keeps_its_prompt_and_is_reused_in_place():
    slots = PrefixSlots(2)
    start = slots.choose([1, 2, 3], running=set())
    slots.started(start, [1, 2, 3])
    slots.fed(0, [1, 2, 3], 3)
    slots.finished(0)
    assert slots.choose([1, 2, 5, 6], running=set()) == Start(slot=0, source=0, shared=2)
    slots.started(Start(slot=0, source=0, shared=2), [1, 2, 5, 6])
    assert slots.reused_tokens == 2 and slots.held[0] == [1, 2]


def test_when_every_free_slot_holds_something_the_least_recently_used_is_overwritten():
    slots = PrefixSlots(2)
    for slot, prompt in ((0, [1, 1]), (1, [2, 2])):
        slots.started(Start(slot=slot, source=None, shared=0), prompt)
        slots.fed(slot, prompt, 2)
    slots.finished(0)
    slots.finished(1)
    assert slots.choose([3, 3], running=set()) == Start(slot=0, source=None, shared=0)


def test_a_moved_sequence_holds_its_prompt_in_its_new_slot_and_the_old_slot_keeps_a_copy():
    slots = PrefixSlots(4)
    for slot, prompt in ((0, [1, 1, 1]), (1, [2, 2, 2]), (3, [3, 3, 3, 3])):
        slots.started(Start(slot=slot, source=None, shared=0), prompt)
        slots.fed(slot, prompt, len(prompt))
    slots.finished(1)
    slots.moved(3, 1)  # the engine closes the gap: slot 3's sequence now runs in slot 1
    assert slots.held[1] == [3, 3, 3, 3] and slots.held[3] == [3, 3, 3, 3]
    assert slots.idle_order == [3]  # slot 1 runs again; slot 3 is free and keeps the prompt
    assert slots.choose([3, 3, 3, 3, 9], running={0, 1}) == Start(slot=3, source=3, shared=3)


def test_a_failed_slot_is_forgotten_and_a_full_engine_has_no_slot():
    slots = PrefixSlots(1)
    slots.started(Start(slot=0, source=None, shared=0), [1, 2])
    slots.fed(0, [1, 2], 2)
    slots.forget(0)
    assert slots.choose([1, 2, 3], running=set()) == Start(slot=0, source=None, shared=0)
    with pytest.raises(ValueError):
        slots.choose([1], running={0})


class _Batch:
    """The fields of a llama_batch that fill_prefill writes."""

    def __init__(self, size: int):
        self.token, self.pos, self.n_seq_id, self.logits = [0] * size, [0] * size, [0] * size, [False] * size
        self.seq_id = [[0] for _ in range(size)]
        self.n_tokens = 0


@pytest.mark.parametrize(("prompt_tokens", "fed", "chunks"), [
    (513, 0, [511, 2]),  # 512 + 1 would leave the last token alone
    (514, 0, [512, 2]),
    (40, 37, [3]),
    (40, 38, [2]),
    (1, 0, [1]),  # a one-token prompt has no other way
])
def test_prompt_chunks_never_leave_a_single_token_behind(prompt_tokens, fed, chunks):
    from punchup.models.providers.local_sequence import Sequence, fill_prefill

    seq = Sequence(None, 3, list(range(prompt_tokens)), [], 8, None, None)
    seq.fed = fed
    batch, sizes = _Batch(512), []
    while seq.prefilling:
        sizes.append(fill_prefill(batch, seq, 512))
        assert batch.pos[: batch.n_tokens] == list(range(seq.fed - sizes[-1], seq.fed))
    assert sizes == chunks
    assert seq.output_index == sizes[-1] - 1 and batch.logits[sizes[-1] - 1] and sum(batch.logits[: sizes[-1]]) == 1


def test_a_decode_step_puts_its_rows_and_the_gap_fillers_in_slot_order():
    """llama.cpp puts only consecutive sequence ids in one micro-batch (one pass over the weights), so the
    engine closes gaps with filler rows; every sequence's logits row must still be its own."""
    from punchup.models.providers.local_sequence import FILLER_TOKEN, Sequence, fill_decode

    sequences = []
    for slot, prompt_tokens, pending in [(5, 7, 50), (1, 3, 10), (3, 12, 30)]:
        seq = Sequence(None, slot, list(range(prompt_tokens)), [], 8, None, None)
        seq.completion, seq.pending = [pending], pending
        sequences.append(seq)
    batch = _Batch(16)
    assert fill_decode(batch, sequences, fillers=[(4, 9), (2, 0)]) == 5
    rows = batch.n_tokens
    assert batch.seq_id[:rows] == [[1], [2], [3], [4], [5]]
    assert batch.token[:rows] == [10, FILLER_TOKEN, 30, FILLER_TOKEN, 50]
    assert batch.pos[:rows] == [3, 0, 12, 9, 7]  # a sequence's pending token goes right after its prompt
    assert batch.logits[:rows] == [True, False, True, False, True]
    assert [seq.output_index for seq in sequences] == [4, 0, 2] and all(seq.pending is None for seq in sequences)
