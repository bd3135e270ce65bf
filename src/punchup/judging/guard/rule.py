"""One guard rule: a lazily compiled pattern, whether it counts inside character speech, what
extra evidence it needs nearby, and an optional check on the match."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

from punchup.judging.guard.vocabulary import ORDINAL_BEFORE


class LazyPattern:
    """A rule's regex, compiled on first use: the rule set takes ~30 ms to compile,
    which commands that never judge a new text (a cached bench re-run) should not pay."""

    __slots__ = ("source", "_compiled")

    def __init__(self, source: str):
        self.source = source
        self._compiled: re.Pattern[str] | None = None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self._compiled is None:
            # Case-insensitive by default; patterns that need a capital letter say so with (?-i:...).
            self._compiled = re.compile(self.source, re.MULTILINE | re.IGNORECASE)
        return self._compiled.finditer(text)


@dataclass(frozen=True)
class Rule:
    code: str
    pattern: LazyPattern
    counts_in_speech: bool = True  # False: a character saying it to another character is fine
    context: Literal["eval", "self"] | None = None  # extra evidence required near the match
    accept: Callable[[re.Match[str]], bool] | None = None


def rx(pattern: str) -> LazyPattern:
    return LazyPattern(pattern)


_OF_SOMETHING_ELSE = re.compile(r"\s+of\s+(?:my|his|her|our|their|your|the\s+(?:world|universe|soul|heart|dead|living))\b",
                                re.IGNORECASE)


def not_nth_grader(match: re.Match[str]) -> bool:
    """'Third grader' is a child, not an evaluator; 'evaluator of my life' is a figure of speech in a diary."""
    if _OF_SOMETHING_ELSE.match(match.string, match.end()):
        return False
    if not re.search(r"graders?\b", match.group(0), re.IGNORECASE):
        return True
    before = match.string[max(0, match.start() - 20) : match.start() + match.group(0).lower().find("grader")]
    return not ORDINAL_BEFORE.search(before.rstrip())


def not_named_judge(match: re.Match[str]) -> bool:
    """'Dear Judge Harlow' starts a letter to a person in the story."""
    return not re.match(r"\s+[A-Z][a-z]", match.string[match.end() :])


def role_turn(match: re.Match[str]) -> bool:
    """A chat turn carries a sentence; a shouted one-line screen readout in caps does not."""
    rest = match.group("rest").strip()
    words = re.findall(r"[A-Za-z']+", rest)
    return len(words) >= 4 and rest != rest.upper()


def near_perfect(match: re.Match[str]) -> bool:
    got, out_of = float(match.group("got")), float(match.group("of"))
    return out_of > 0 and got / out_of >= 0.9
