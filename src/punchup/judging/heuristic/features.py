"""Judge-free craft features of one text: the inputs of the `craft/heuristic` judge.

Every feature is a rate or a share, so a long and a short text are compared on
habits rather than on size; length itself is one explicit feature. Each feature
carries the words a rationale uses for "this text has more of it" and "less of
it", so a verdict can say *why* ("fewer clichés", "more varied sentence length").
The word lists are judgement calls: FEATURE_VERSION is part of every cached
heuristic judgment, so bump it when a list or a formula changes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from punchup.metrics.diversity import lexical_diversity
from punchup.metrics.length import words
from punchup.metrics.repetition import repetition
from punchup.metrics.slop import slop_index

FEATURE_VERSION = "1"


@dataclass(frozen=True)
class Feature:
    name: str
    more: str  # rationale phrase when the text has more of it
    less: str  # ... and when it has less


# The phrases are margin notes, in the words a script editor would use; the weights stay behind them in `raw`.
FEATURES: tuple[Feature, ...] = (
    Feature("cliches", "leans on stock phrases", "fresher phrasing, fewer stock phrases"),
    Feature("repetition", "repeats its own phrases", "does not repeat itself"),
    Feature("sentence_length_variation", "varies its sentence rhythm", "sentences all run to one length"),
    Feature("mean_sentence_length", "longer, more sustained sentences", "shorter, clipped sentences"),
    Feature("long_sentences", "more long, winding sentences", "fewer long, winding sentences"),
    Feature("short_sentences", "more short sentences that land a beat", "fewer short sentences to land a beat"),
    Feature("lexical_variety", "a wider vocabulary", "a narrower vocabulary"),
    Feature("filter_words", "filters the scene through a watcher (felt, saw, noticed)",
            "puts the reader straight into the scene (fewer felt/saw/noticed)"),
    Feature("ly_adverbs", "props verbs up with -ly adverbs", "lets the verbs work without -ly adverbs"),
    Feature("fancy_dialogue_tags", "tags tell us how lines sound (hissed, exclaimed)", "plain 'said' tags let the lines speak"),
    Feature("abstract_nouns", "names feelings and ideas (grief, hope) instead of showing them", "stays with concrete things"),
    Feature("specifics", "more particulars: names, places, numbers", "fewer particulars: names, places, numbers"),
    Feature("similes", "reaches for more similes", "fewer similes"),
    Feature("trailing_participles", "more trailing -ing clauses, a stock machine rhythm", "fewer trailing -ing clauses"),
    Feature("triads", "more lists of three", "fewer lists of three"),
    Feature("em_dashes", "more em-dashes", "fewer em-dashes"),
    Feature("semicolons", "more semicolons", "fewer semicolons"),
    Feature("exclamations", "more exclamation marks", "fewer exclamation marks"),
    Feature("length", "runs longer", "is shorter"),
    Feature("off_target_length", "further from the requested length", "closer to the requested length"),
)
FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)
# Features a language model measures (predictability.py), used only by judges whose weights name them.
MODEL_FEATURES: tuple[Feature, ...] = (
    Feature("open_endedness", "keeps the reader guessing: the next word is seldom the expected one",
            "predictable: word after word is the one a reader expects"),
)
FEATURE_BY_NAME: dict[str, Feature] = {f.name: f for f in FEATURES + MODEL_FEATURES}

LONG_SENTENCE_WORDS = 35
SHORT_SENTENCE_WORDS = 5

# Words that put a perceiving character between the reader and the thing perceived.
FILTER_WORDS = frozenset(
    "felt feel feels feeling saw see sees seeing noticed notice notices noticing seemed seem seems "
    "realized realised realize realise realizes realises wondered wonder wondering watched heard "
    "thought knew decided".split()
)

# -ly words that are not manner adverbs, so "only", "family" or "early" do not count against a text.
_NOT_LY_ADVERBS = frozenset(
    "only family early likely unlikely ugly holy reply supply apply belly fly ally rally july italy jelly "
    "bully silly hilly lily emily molly holly sally billy kelly lonely lovely friendly daily weekly monthly "
    "yearly elderly costly deadly lively orderly curly chilly woolly surly burly jolly folly bodily "
    "melancholy anomaly assembly multiply comply imply rely tally dolly gully sully wily oily".split()
)

# Tags that announce how a line was spoken instead of letting the line do it.
FANCY_TAGS = frozenset(
    "exclaimed exclaims hissed hisses growled growls snapped snaps retorted retorts quipped quips "
    "murmured murmurs breathed breathes chuckled chuckles sighed sighs gasped gasps snarled snarls "
    "purred purrs intoned intones declared declares proclaimed proclaims barked barks whispered "
    "whispers stammered stammers cried cries mused muses interjected interjects".split()
)
PLAIN_TAGS = frozenset("said says asked asks told tells replied replies answered answers".split())

# Abstract nouns that stand in for the concrete thing a reader could see or hear.
ABSTRACT_NOUNS = frozenset(
    "love loss grief sorrow sadness joy happiness hope despair fear anger rage longing memory memories "
    "silence truth beauty peace pain suffering emotion emotions feeling feelings sense existence "
    "identity meaning purpose freedom destiny fate soul spirit heart essence connection journey "
    "moment moments time life death nature reality presence absence weight burden resilience "
    "strength courage wisdom innocence solitude loneliness belonging legacy power mercy".split()
)

# Text pasted from the web often loses the space (or line break) after a sentence
# ("unjust.By then"); a lowercase letter, end punctuation and a capital is a break too.
_SENTENCE_END = re.compile(
    r"(?<=[.!?\u2026])[\"'\u201d\u2019)\]]*\s+|\n+|(?<=[a-z][.!?])(?=\u201c?[A-Z])|(?<=[a-z][.!?][\"\u201d])(?=[A-Z])"
)
_QUOTED = re.compile(r"[\"\u201c][^\"\u201c\u201d]*[\"\u201d]")
_AFTER_QUOTE_TAG = re.compile(r"[\"\u201d],?\s+(?:(?:he|she|i|they|we|[A-Z][a-z]+)\s+)?([a-z]+)(?:\s+([a-z]+ly))?")
_MID_SENTENCE_CAPITAL = re.compile(r"(?<=[a-z,;:] )[A-Z][a-z]+")
_NUMBER = re.compile(r"\b\d[\d,.:]*\b")
_SIMILE = re.compile(r"\b(?:like an?|as if|as though)\b", re.IGNORECASE)
_TRAILING_PARTICIPLE = re.compile(r",\s+[a-z]+ing\b")
_TRIAD = re.compile(r"\b\w+(?: \w+)?, \w+(?: \w+)?,? (?:and|or) \w+", re.IGNORECASE)
_EM_DASH = re.compile(r"\u2014|\u2013|(?<=\w)--(?=\w)| -- ")


def sentences(text: str) -> list[str]:
    """Sentences of a text, split after . ! ? (and any closing quote) or at line breaks."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip() and words(s)]


def _per_1000(count: int, total_words: int) -> float:
    return 1000.0 * count / total_words if total_words else 0.0


def _dialogue_tags(text: str) -> tuple[int, int, int]:
    """(plain tags, fancy tags, adverbs right after a tag) following closing quotes."""
    plain = fancy = adverbs = 0
    for match in _AFTER_QUOTE_TAG.finditer(text):
        verb, adverb = match.group(1), match.group(2)
        if verb in PLAIN_TAGS:
            plain += 1
        elif verb in FANCY_TAGS:
            fancy += 1
        else:
            continue
        adverbs += adverb is not None and adverb not in _NOT_LY_ADVERBS
    return plain, fancy, adverbs


def _sentence_shape(text: str) -> tuple[float, float, float, float]:
    """(coefficient of variation, mean, share long, share short) of sentence lengths in words."""
    lengths = [len(words(s)) for s in sentences(text)]
    if not lengths:
        return 0.0, 0.0, 0.0, 0.0
    mean = sum(lengths) / len(lengths)
    spread = math.sqrt(sum((n - mean) ** 2 for n in lengths) / len(lengths))
    share_long = sum(n >= LONG_SENTENCE_WORDS for n in lengths) / len(lengths)
    share_short = sum(n <= SHORT_SENTENCE_WORDS for n in lengths) / len(lengths)
    return spread / mean, mean, share_long, share_short


def text_features(text: str, target_words: int | None = None) -> dict[str, float]:
    """Every feature of FEATURES for one text, in that order.

    ``target_words`` (a brief's requested length) feeds ``off_target_length``;
    without one that feature is 0, so it can only matter where a brief sets a length.
    """
    tokens = words(text)
    total = len(tokens)
    cv, mean_length, share_long, share_short = _sentence_shape(text)
    plain, fancy, tag_adverbs = _dialogue_tags(text)
    # Similes, participles and lists inside dialogue are a character's voice, not the narrator's habits.
    narration = _QUOTED.sub(" ", text)
    ly_adverbs = sum(1 for w in tokens if len(w) > 4 and w.endswith("ly") and w not in _NOT_LY_ADVERBS)
    off_target = abs(math.log((total + 1) / target_words)) if target_words else 0.0
    values = {
        "cliches": slop_index(text).hits_per_1000_words,
        "repetition": repetition(text, n=3),
        "sentence_length_variation": cv,
        "mean_sentence_length": math.log1p(mean_length),
        "long_sentences": share_long,
        "short_sentences": share_short,
        "lexical_variety": lexical_diversity(text),
        "filter_words": _per_1000(sum(w in FILTER_WORDS for w in tokens), total),
        "ly_adverbs": _per_1000(ly_adverbs, total),
        # Fancy tags and adverbs glued to tags are one habit: telling the reader how a line sounded.
        "fancy_dialogue_tags": (fancy + tag_adverbs) / (plain + fancy) if plain + fancy else 0.0,
        "abstract_nouns": _per_1000(sum(w in ABSTRACT_NOUNS for w in tokens), total),
        "specifics": _per_1000(len(_MID_SENTENCE_CAPITAL.findall(text)) + len(_NUMBER.findall(text)), total),
        "similes": _per_1000(len(_SIMILE.findall(narration)), total),
        "trailing_participles": _per_1000(len(_TRAILING_PARTICIPLE.findall(narration)), total),
        "triads": _per_1000(len(_TRIAD.findall(narration)), total),
        "em_dashes": _per_1000(len(_EM_DASH.findall(text)), total),
        "semicolons": _per_1000(text.count(";"), total),
        "exclamations": _per_1000(text.count("!"), total),
        "length": math.log1p(total),
        "off_target_length": off_target,
    }
    return {name: float(values[name]) for name in FEATURE_NAMES}
