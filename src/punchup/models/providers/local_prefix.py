"""Prompt prefixes shared between sequences: which KV stream a new request starts from.

Requests often begin alike: the quick bench's plain and hot writers send the same
prompts, and every prompt of a writer opens with the same system message (27
prompts, 4,896 tokens, of which 1,794 are distinct prefixes). The engine keeps,
for every sequence slot, the prompt tokens whose keys and values its KV stream
holds; finished slots keep theirs until the slot is needed. A new request takes
over (or gets a copy of) the stream with the longest common prefix and
prefills only the rest.

This changes no text: llama.cpp computes a prompt token's keys and values, and
the last token's logits, bit for bit the same whether the prefix was decoded in
the same step, an earlier one, or in another stream and copied (measured on the
weights copy and on Q4_1; tests/models/test_local_batching.py checks the texts).
One exception, measured: a prompt chunk of a single token goes through another
attention kernel than a chunk of several and its logits differ (by up to 0.56), so
the last *two* prompt tokens are always decoded by the request itself
(RECOMPUTED), and local_sequence.fill_prefill never leaves a chunk of one.
"""

from __future__ import annotations

from dataclasses import dataclass

RECOMPUTED = 2  # prompt tokens at the end that a request always decodes itself (see above)


@dataclass(frozen=True)
class Start:
    """Where a new sequence starts: its slot, and the stream (if any) whose first `shared` tokens it reuses."""

    slot: int
    source: int | None  # None: nothing reused; == slot: the slot's own kept stream; else a stream to copy
    shared: int


def common_prefix(a: list[int], b: list[int]) -> int:
    n = min(len(a), len(b))
    for i in range(n):
        if a[i] != b[i]:
            return i
    return n


class PrefixSlots:
    """The prompt tokens each slot's KV stream holds, and the choice of slot for a new prompt."""

    def __init__(self, parallel: int):
        self.parallel = parallel
        self.held: dict[int, list[int]] = {}  # slot -> prompt tokens whose KV its stream holds, from position 0
        self.idle_order: list[int] = []  # free slots that still hold a prefix, least recently used first
        self.reused_tokens = 0  # prompt tokens not decoded again (the tests and the benchmark read it)

    def choose(self, prompt: list[int], running: set[int]) -> Start:
        """The slot for `prompt`; its last RECOMPUTED tokens are never reused."""
        free = [slot for slot in range(self.parallel) if slot not in running]
        if not free:
            raise ValueError("no free slot")
        limit = max(0, len(prompt) - RECOMPUTED)
        best_slot, best = None, 0
        for slot, tokens in self.held.items():
            shared = min(common_prefix(tokens, prompt), limit)
            # Ties go to a free slot: reusing it in place needs no copy.
            if shared > best or (shared == best and shared > 0 and slot in free and best_slot not in free):
                best_slot, best = slot, shared
        if best_slot is not None and best_slot in free:
            return Start(slot=best_slot, source=best_slot, shared=best)
        # A slot that holds nothing, else the least recently used one.
        empty = [slot for slot in free if slot not in self.held]
        slot = empty[0] if empty else next(s for s in self.idle_order if s in free)
        return Start(slot=slot, source=best_slot if best else None, shared=best)

    def started(self, start: Start, prompt: list[int]) -> None:
        """The slot now runs `prompt`; nothing beyond the shared prefix is in its stream yet."""
        if start.slot in self.idle_order:
            self.idle_order.remove(start.slot)
        self.held[start.slot] = prompt[: start.shared]
        self.reused_tokens += start.shared

    def fed(self, slot: int, prompt: list[int], count: int) -> None:
        """The first `count` prompt tokens of the slot's sequence are decoded into its stream."""
        if len(self.held.get(slot, ())) != count:  # every decode step calls this; most change nothing
            self.held[slot] = prompt[:count]

    def finished(self, slot: int) -> None:
        """The slot's sequence ended; its stream keeps its prompt for a later request."""
        if slot in self.held and self.held[slot]:
            self.idle_order.append(slot)
        else:
            self.forget(slot)

    def moved(self, source: int, target: int) -> None:
        """The sequence in `source` now runs in `target`, on a copy of its stream; `source` keeps the prompt as a
        finished slot does."""
        if target in self.idle_order:
            self.idle_order.remove(target)
        self.held[target] = list(self.held.get(source, []))
        self.finished(source)

    def forget(self, slot: int) -> None:
        self.held.pop(slot, None)
        if slot in self.idle_order:
            self.idle_order.remove(slot)
