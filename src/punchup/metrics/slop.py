"""Slop index: how often a text leans on phrases that mark generic AI fiction.

The list is a judgement call, so it is versioned: a score is only comparable
with scores computed from the same SLOP_LIST_VERSION. Bump the version when
entries change, and record it next to stored scores.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

from pydantic import BaseModel, ConfigDict

from punchup.metrics.length import word_count

SLOP_LIST_VERSION = "1"

# Placeholders let one entry cover his/her/their/my variants of a cliché.
_PLACEHOLDERS = {
    "{poss}": r"(?:his|her|their|my|your|our|its)",
    "{subj}": r"(?:he|she|they|i|you|we)",
    "{obj}": r"(?:him|her|them|me|you|us)",
    "{refl}": r"(?:himself|herself|themselves|myself|yourself|ourselves)",
}

# (label shown to users, pattern template). In templates a literal space
# stands for any run of whitespace so line-wrapped text still matches.
# Order matters: when two entries could start at the same place, the earlier
# (more specific) one wins, and every stretch of text is counted once.
SLOP_PHRASES: tuple[tuple[str, str], ...] = (
    # Breath, body and shiver clichés.
    ("breath she didn't know she was holding",
     r"(?:(?:let out|released|releasing|exhaled|exhaling) )?(?:a )?breath {subj} (?:didn't|did not|hadn't|had not)"
     r" (?:know|known|realize|realized|realise|realised) {subj} (?:was|were|had been) holding"),
    ("shiver down her spine",
     r"(?:a )?(?:shiver|shivers|chill|chills) (?:ran |running |went |raced |racing |crept |creeping |ran up and )?down {poss} spine"),
    ("sent a shiver", r"sen(?:t|ding|ds) (?:a )?(?:shiver|shivers|chill|chills) (?:through|across|over)"),
    ("let out a breath", r"(?:let out|released|releasing|exhaled|exhaling) a (?:shaky |trembling |long |slow |deep |ragged )?breath"),
    ("breath hitched", r"breath (?:hitched|hitching|caught)(?: in {poss} throat)?"),
    ("heart pounding", r"heart (?:pounded|pounding|hammered|hammering|raced|racing)(?: in {poss} (?:chest|ears))?"),
    ("heart swelled with", r"heart (?:swelled|swelling|soared|soaring) with"),
    ("blood ran cold", r"{poss} blood ran cold"),
    ("lump in her throat", r"(?:a )?lump (?:formed |rose |rising )?in {poss} throat"),
    ("every fiber of her being", r"every (?:fiber|fibre) of {poss} being"),
    ("steeled herself", r"steel(?:ed|ing) {refl}"),
    ("squared his shoulders", r"squar(?:ed|ing) {poss} shoulders"),
    ("mind racing", r"(?:mind|thoughts) (?:raced|racing|reeled|reeling|whirled|whirling)"),
    ("eyes widened in surprise", r"eyes widen(?:ed|ing) in (?:surprise|shock|disbelief|realization|realisation|horror)"),
    # Eyes, smiles and voices.
    ("glint in her eye", r"(?:a )?(?:mischievous |playful |knowing |wicked )?(?:glint|twinkle) in {poss} eyes?"),
    ("eyes sparkled", r"eyes (?:sparkled|sparkling|twinkled|twinkling|glimmered|glimmering|gleamed|gleaming|glistened|glistening)"),
    ("smile tugging at her lips", r"(?:a )?smile (?:tugged|tugging|played|playing|danced|dancing) (?:at|on|across) {poss} (?:lips|mouth)"),
    ("the corners of her mouth", r"the corners? of {poss} (?:mouth|lips)"),
    ("ghost of a smile", r"(?:the )?ghost of a (?:smile|grin)"),
    ("a knowing smile", r"(?:a )?(?:knowing|wry|rueful) (?:smile|grin)"),
    ("mischievous", r"mischievous(?:ly)?"),
    ("barely above a whisper", r"barely (?:above|louder than) a whisper"),
    ("barely a whisper", r"barely (?:more than )?a whisper"),
    # Atmosphere.
    ("the air was thick with", r"(?:the )?air (?:was |hung |grew |felt )?(?:thick|heavy) with"),
    ("hung in the air", r"hung (?:heavy )?in the air"),
    ("crackled with energy", r"crackl(?:ed|ing) with (?:energy|tension|electricity|anticipation|magic|power)"),
    ("palpable", r"palpabl[ey]"),
    ("time stood still", r"time (?:seemed to )?(?:stood still|stand still|stopped|slowed)"),
    ("the world seemed to", r"the (?:world|universe) seemed to"),
    ("the world around them", r"the world around {obj}"),
    ("deafening silence", r"(?:deafening silence|silence was deafening|silence stretched|heavy silence|silence hung)"),
    ("pregnant pause", r"pregnant (?:pause|silence)"),
    ("smell of ozone", r"(?:smell|scent|tang) of ozone"),
    ("sun dipped below the horizon", r"(?:the )?sun (?:dipped|dipping|sank|sinking) (?:below|beneath) the horizon"),
    ("painting the sky", r"paint(?:ed|ing|s) the sky"),
    ("hues of", r"hues of"),
    ("bathed in golden light", r"bath(?:ed|ing) in (?:\w+ ){0,2}(?:light|glow)"),
    ("dappled", r"dappled"),
    ("echoed through the", r"echo(?:ed|ing|es) (?:through|off|across) the"),
    ("in the heart of", r"in the (?:very )?heart of"),
    ("in a world where", r"in a world where"),
    ("nestled", r"nestled"),
    ("bustling", r"bustling"),
    ("a sight to behold", r"a sight to behold"),
    ("silent sentinel", r"(?:silent|stoic|watchful) sentinels?"),
    # Abstract filler and signposting.
    ("a testament to", r"(?:a )?testament to"),
    ("the weight of", r"the (?:crushing |heavy )?weight of"),
    ("a dance of", r"(?:an? )?(?:intricate |delicate |elaborate )?dance of"),
    ("symphony of", r"symphon(?:y|ies) of"),
    ("tapestry", r"tapestr(?:y|ies)"),
    ("kaleidoscope", r"kaleidoscop(?:e|es|ic)"),
    ("a mix of emotions", r"a (?:mix|mixture|blend|swirl|torrent) of emotions?"),
    ("a whirlwind of", r"(?:a )?(?:whirlwind|maelstrom|rollercoaster|roller coaster|torrent) of"),
    ("a flicker of", r"a flicker of"),
    ("a pang of", r"a pang of"),
    ("a surge of", r"a surge of"),
    ("a wave of", r"a wave of"),
    ("a flurry of", r"a flurry of"),
    ("a newfound sense of", r"(?:a )?newfound"),
    ("a sense of wonder", r"a sense of (?:wonder|dread|unease|foreboding|purpose|belonging|calm)"),
    ("tendrils of", r"tendrils? of"),
    ("beacon of hope", r"(?:a )?beacons? of"),
    ("the very fabric of", r"the (?:very )?fabric of (?:reality|existence|time|space|the universe)"),
    ("a stark reminder", r"(?:a )?stark (?:reminder|contrast)"),
    ("the complexities of", r"(?:navigat(?:e|ing) )?the complexities of"),
    ("the human spirit", r"the human spirit"),
    ("whatever the future held", r"whatever (?:the future (?:held|holds|might bring|may bring)|(?:lay|lies) ahead)"),
    ("ready to face", r"ready to face (?:whatever|the future|anything|the unknown)"),
    ("an eternity", r"(?:what felt like |felt like )?an eternity"),
    ("in that moment", r"in (?:that|this) (?:very )?moment"),
    ("little did they know", r"little did \w+ know"),
    ("maybe, just maybe", r"maybe,? just maybe"),
    ("couldn't help but", r"(?:couldn't|could not|can't|cannot) help but"),
    ("something shifted", r"something (?:shifted|had shifted)"),
    ("haunting melody", r"haunting(?:ly)? (?:melody|beauty|beautiful)"),
    ("embark on", r"embark(?:s|ed|ing)? (?:on|upon)"),
    # Single words that AI prose reaches for far more often than people do.
    ("delve", r"delv(?:e|es|ed|ing)"),
    ("unspoken", r"unspoken"),
    ("ethereal", r"ethereal"),
    ("enigmatic", r"enigmatic"),
    ("visceral", r"visceral"),
    ("myriad", r"myriad"),
    ("resonate", r"resonat(?:e|es|ed|ing)"),
    ("intricate", r"intricate(?:ly)?"),
    ("juxtaposition", r"juxtaposition"),
    ("ministrations", r"ministrations"),
    ("camaraderie", r"camaraderie"),
    ("indelible", r"indelibl[ey]"),
    ("cacophony", r"cacophon(?:y|ous)"),
    ("unbeknownst", r"unbeknownst"),
    ("amidst", r"amidst"),
    ("interplay", r"interplay"),
    ("liminal", r"liminal"),
    ("gossamer", r"gossamer"),
    ("crescendo", r"crescendo"),
    ("iridescent", r"iridescen(?:t|ce)"),
    ("luminescent", r"luminescen(?:t|ce)"),
    ("mesmerizing", r"mesmeri[sz](?:ing|ed)"),
    ("reverberate", r"reverberat(?:e|es|ed|ing)"),
    ("uncharted", r"uncharted"),
    ("intertwined", r"(?:intertwin|entwin)(?:e|ed|es|ing)"),
    ("unwavering", r"unwavering(?:ly)?"),
    ("unyielding", r"unyielding"),
    ("indomitable", r"indomitable"),
    ("otherworldly", r"otherworldly"),
    ("intoxicating", r"intoxicating"),
    ("whimsical", r"whimsical"),
    ("bittersweet", r"bittersweet"),
    ("stock AI character name", r"(?:elara|seraphina|eldoria|kaelen|lyra|thorne)"),
)


def _compile_template(template: str) -> str:
    pattern = template.replace(" ", r"\s+")
    for placeholder, alternatives in _PLACEHOLDERS.items():
        pattern = pattern.replace(placeholder, alternatives)
    return pattern


# One alternation, so matches never overlap and each stretch of text counts
# once; group names map a match back to its label.
_SLOP_REGEX = re.compile(
    r"\b(?:"
    + "|".join(f"(?P<p{index}>{_compile_template(template)})" for index, (_, template) in enumerate(SLOP_PHRASES))
    + r")\b",
    re.IGNORECASE,
)


class SlopScore(BaseModel):
    """Slop hits in one text. ``phrases`` lists each matched label once, most frequent first."""

    model_config = ConfigDict(frozen=True)

    hits_per_1000_words: float
    hits: int
    words: int
    phrases: list[str]


def slop_spans(text: str, start: int = 0) -> Iterator[tuple[str, int, int]]:
    """(label, start, end) of each slop hit in ``text`` from ``start`` on; offsets are into ``text`` itself."""
    # Curly apostrophes would otherwise defeat entries such as "didn't" (same length, so offsets hold).
    normalised = text.replace("\u2019", "'")
    for match in _SLOP_REGEX.finditer(normalised, start):
        label_index = int(match.lastgroup[1:])  # type: ignore[index]
        yield SLOP_PHRASES[label_index][0], match.start(), match.end()


def slop_hits(text: str) -> Counter[str]:
    """Count of hits per slop label in ``text``."""
    return Counter(label for label, _, _ in slop_spans(text))


def slop_index(text: str) -> SlopScore:
    """Slop hits per 1000 words; 0.0 for a text without words."""
    counts = slop_hits(text)
    total_words = word_count(text)
    total_hits = sum(counts.values())
    rate = 1000.0 * total_hits / total_words if total_words else 0.0
    # Most frequent first, ties alphabetical, so output is stable.
    phrases = [label for label, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]
    return SlopScore(hits_per_1000_words=rate, hits=total_hits, words=total_words, phrases=phrases)
