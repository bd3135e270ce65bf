"""Synthetic contrastive pairs: exactly one controlled change separates the chosen text from the rejected one.

A learned judge fitted only on expert pairs learns whatever happens to separate
those pairs (length, one corpus's habits). A pair whose two texts differ by one
known flaw teaches that flaw and nothing else: the chosen text is a competent
original, the rejected text is the same words with slop phrases inserted, feelings
named instead of shown, filler padding, adverb-laden dialogue tags, a repeated
phrase, an on-the-nose line replacing subtext, or a Fountain scene's format
broken. A change that does not apply to a text (no dialogue to flatten, not a
Fountain scene) yields no pair rather than a pair that differs by nothing.
Deterministic: the same texts and seed give the same pairs.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

SOURCE_PREFIX = "synthetic"
_SENTENCE = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019]))\s+(?=[\"'\u201c\u2018A-Z])")
_DIALOGUE_TAG = re.compile(r"([,?!][\"\u201d])\s+(he|she|they|I|[A-Z][a-z]+)\s+(said|asked|says|asks)\b")
_QUOTE = re.compile(r"[\"\u201c]([^\"\u201c\u201d]{12,200})[\"\u201d]")
_SCENE_HEADING = re.compile(r"^(INT\.|EXT\.|INT\./EXT\.|I/E\.?)\s", re.MULTILINE)
_CUE = re.compile(r"^([A-Z][A-Z .'-]{1,30})(\s*\(.*\))?$", re.MULTILINE)

SLOP_SENTENCES = (
    "A shiver ran down her spine.", "His heart pounded in his chest.", "The air was thick with tension.",
    "It was a testament to everything they had been through.", "She let out a breath she didn't know she was holding.",
    "Little did they know, their lives were about to change forever.", "Time seemed to stand still.",
    "A wave of emotion washed over him.", "The silence was deafening.", "Her eyes sparkled with mischief.",
)
TELLING_SENTENCES = (
    "{Subj} felt very sad.", "{Subj} was angry.", "{Subj} felt a deep sense of loss.", "{Subj} was nervous and afraid.",
    "It was clear that {subj} was lonely.", "{Subj} felt happy and relieved.", "{Subj} was overwhelmed with grief.",
)
FILLER_OPENERS = ("It is important to note that ", "In many ways, ", "At the end of the day, ", "Needless to say, ",
                  "In a very real sense, ", "Basically, ", "As a matter of fact, ")
FILLER_SENTENCES = ("This was a moment that would stay with them for a long time.",
                    "There were many things to think about, and all of them mattered in their own way.",
                    "It was, in every sense, a very significant and meaningful experience.")
BOOKISM_TAGS = ("exclaimed angrily", "retorted sharply", "whispered softly", "shouted loudly", "snapped irritably",
                "replied sadly", "growled menacingly")
ON_THE_NOSE = ("I am upset because you never listen to me and it makes me feel invisible.",
               "I feel sad and I want you to know that I am hurt by what you did.",
               "The truth is that I am afraid of losing you, and that is why I am angry.")
THEME_STATEMENTS = ("In the end, it was really a story about how loss changes a person.",
                    "The lesson was clear: family matters more than anything else.")


@dataclass(frozen=True)
class ContrastPair:
    chosen: str
    rejected: str
    change: str  # which one thing differs

    @property
    def source(self) -> str:
        return f"{SOURCE_PREFIX}:{self.change}"


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text.strip()) if s]


def _subject(text: str) -> str:
    counts = {p: len(re.findall(rf"\b{p}\b", text, re.IGNORECASE)) for p in ("she", "he", "they", "I")}
    return max(counts, key=counts.get) if any(counts.values()) else "she"


def _insert(text: str, rng: random.Random, extra: Sequence[str]) -> str | None:
    parts = sentences(text)
    if len(parts) < 3:
        return None
    for sentence in extra:
        parts.insert(rng.randrange(1, len(parts)), sentence)
    return " ".join(parts)


def slop(text: str, rng: random.Random) -> str | None:
    return _insert(text, rng, rng.sample(SLOP_SENTENCES, 3))


def telling(text: str, rng: random.Random) -> str | None:
    subj = _subject(text)
    lines = [s.replace("{Subj}", subj.capitalize()).replace("{subj}", subj) for s in rng.sample(TELLING_SENTENCES, 3)]
    return _insert(text, rng, lines)


def filler(text: str, rng: random.Random) -> str | None:
    parts = sentences(text)
    if len(parts) < 3:
        return None
    for index in rng.sample(range(len(parts)), min(3, len(parts))):
        if parts[index][:1].isupper() and not parts[index].startswith("I "):
            parts[index] = rng.choice(FILLER_OPENERS) + parts[index][0].lower() + parts[index][1:]
    parts.insert(rng.randrange(1, len(parts)), rng.choice(FILLER_SENTENCES))
    return " ".join(parts)


def dialogue_tags(text: str, rng: random.Random) -> str | None:
    changed, count = _DIALOGUE_TAG.subn(lambda m: f"{m.group(1)} {m.group(2)} {rng.choice(BOOKISM_TAGS)}", text)
    return changed if count else None


def repetition(text: str, rng: random.Random) -> str | None:
    parts = sentences(text)
    if len(parts) < 3:
        return None
    repeated = rng.choice(parts[: max(1, len(parts) // 2)])
    for _ in range(2):
        parts.insert(rng.randrange(1, len(parts) + 1), repeated)
    return " ".join(parts)


def on_the_nose(text: str, rng: random.Random) -> str | None:
    quotes = list(_QUOTE.finditer(text))
    if quotes:
        target = rng.choice(quotes)
        return text[: target.start(1)] + rng.choice(ON_THE_NOSE) + text[target.end(1):]
    parts = sentences(text)
    return " ".join(parts + [rng.choice(THEME_STATEMENTS)]) if len(parts) >= 3 else None


def broken_fountain(text: str, rng: random.Random) -> str | None:
    if not _SCENE_HEADING.search(text):
        return None
    broken = _SCENE_HEADING.sub(lambda m: m.group(1).lower().rstrip(".") + " ", text)
    return _CUE.sub(lambda m: m.group(1).title() + ":", broken).replace("\n\n", "\n")


CHANGES: dict[str, Callable[[str, random.Random], str | None]] = {
    "slop": slop, "telling": telling, "filler": filler, "dialogue-tags": dialogue_tags,
    "repetition": repetition, "on-the-nose": on_the_nose, "broken-fountain": broken_fountain,
}


def contrastive_pairs(texts: Iterable[str], seed: int = 0, changes: Sequence[str] | None = None) -> list[ContrastPair]:
    """For each text, one pair per applicable change (each change seeded by the text, the change and `seed`)."""
    pairs = []
    for text in dict.fromkeys(texts):
        for name in changes or CHANGES:
            rng = random.Random(f"{seed}/{name}/{text}")
            rejected = CHANGES[name](text, rng)
            if rejected and rejected != text:
                pairs.append(ContrastPair(chosen=text, rejected=rejected, change=name))
    return pairs
