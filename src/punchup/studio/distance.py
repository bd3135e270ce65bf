"""Levenshtein edit distance between what the model offered and what the writer kept.

Bit-parallel (Myers 1999, in Hyyrö's formulation for global edit distance):
the DP column of the shorter string lives in the bits of two Python integers,
so each character of the longer string costs a handful of big-integer
operations instead of a loop over the shorter one. A few thousand characters
take milliseconds; the common prefix and suffix (untouched text, the usual
case after an edit) are trimmed first.
"""

from __future__ import annotations


def levenshtein(a: str, b: str) -> int:
    """Insertions, deletions and substitutions (each cost 1) that turn a into b."""
    prefix = 0
    limit = min(len(a), len(b))
    while prefix < limit and a[prefix] == b[prefix]:
        prefix += 1
    a, b = a[prefix:], b[prefix:]
    suffix = 0
    limit = min(len(a), len(b))
    while suffix < limit and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    if suffix:
        a, b = a[:-suffix], b[:-suffix]
    if len(a) < len(b):
        a, b = b, a
    m = len(b)
    if m == 0:
        return len(a)

    peq: dict[str, int] = {}  # per character: bit i set where b[i] is that character
    for i, char in enumerate(b):
        peq[char] = peq.get(char, 0) | (1 << i)
    mask = (1 << m) - 1
    top = 1 << (m - 1)
    plus, minus = mask, 0  # vertical deltas of the current DP column: +1 / -1 bits
    score = m
    for char in a:
        eq = peq.get(char, 0)
        xv = eq | minus
        xh = (((eq & plus) + plus) ^ plus) | eq
        hplus = minus | (~(xh | plus) & mask)
        hminus = plus & xh
        if hplus & top:
            score += 1
        elif hminus & top:
            score -= 1
        hplus = ((hplus << 1) | 1) & mask  # row 0 of the DP grows by one per column: global distance
        hminus = (hminus << 1) & mask
        plus = hminus | (~(xv | hplus) & mask)
        minus = hplus & xv
    return score


def normalised_distance(offered: str, kept: str) -> float:
    """Distance divided by the longer length: 0 = kept verbatim, 1 = nothing of the offer survived."""
    longest = max(len(offered), len(kept))
    return levenshtein(offered, kept) / longest if longest else 0.0
