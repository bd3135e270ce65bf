"""Text views the rules read: invisible characters found and removed, look-alike letters and
spaced-out words folded, right-to-left overrides shown as a human would see them."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

_ALWAYS_HIDDEN = (
    (0x200B, 0x200B),  # zero width space
    (0x2060, 0x2064),  # word joiner and invisible operators
    (0xFEFF, 0xFEFF),  # zero width no-break space
    (0x202A, 0x202E),  # bidi embeddings and overrides
    (0x2066, 0x2069),  # bidi isolates
    (0xE0000, 0xE007F),  # tag characters: invisible ASCII look-alikes
)
_JOINERS = {0x200C, 0x200D}
_VARIATION_SELECTORS = ((0xFE00, 0xFE0F), (0xE0100, 0xE01EF))


def _in_ranges(code: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= code <= high for low, high in ranges)


def hidden_positions(text: str) -> list[int]:
    positions = []
    for index, char in enumerate(text):
        code = ord(char)
        if code == 0xFEFF and index == 0:
            continue  # a byte-order mark left by a file read carries nothing
        if _in_ranges(code, _ALWAYS_HIDDEN):
            positions.append(index)
        elif code in _JOINERS:
            # ZWJ/ZWNJ legitimately glue emoji and shape Indic or Persian letters;
            # next to plain ASCII they only serve to hide or split words.
            neighbours = text[index - 1 : index] + text[index + 1 : index + 2]
            if any(n.isascii() and not n.isspace() for n in neighbours):
                positions.append(index)
        elif _in_ranges(code, _VARIATION_SELECTORS):
            # One selector after a base character is normal; a run of them encodes data.
            previous = text[index - 1] if index else ""
            following = text[index + 1] if index + 1 < len(text) else ""
            if any(c and _in_ranges(ord(c), _VARIATION_SELECTORS) for c in (previous, following)):
                positions.append(index)
    return positions


def strip_hidden(text: str) -> str:
    hidden = set(hidden_positions(text))
    return "".join(char for index, char in enumerate(text) if index not in hidden)


def describe_hidden(text: str, positions: list[int]) -> str:
    counts: Counter[str] = Counter()
    for index in positions:
        code = ord(text[index])
        if 0xE0000 <= code <= 0xE007F:
            counts["U+E00xx TAG CHARACTERS"] += 1
        else:
            counts[f"U+{code:04X} {unicodedata.name(text[index], 'UNNAMED')}"] += 1
    return ", ".join(f"{name} x{count}" for name, count in counts.most_common())


def tag_payload(text: str) -> str:
    """The ASCII text spelled by tag characters, which render as nothing."""
    return "".join(chr(ord(c) - 0xE0000) for c in text if 0xE0020 <= ord(c) <= 0xE007E)


# --------------------------------------------------------------------------- text views

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
                         "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'"})

# Cyrillic and Greek letters that pass for Latin ones; folded only inside words
# that also contain ASCII letters, so genuine Cyrillic or Greek text is untouched.
_CONFUSABLES = str.maketrans({
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0445": "x", "\u0443": "y",
    "\u0456": "i", "\u0458": "j", "\u0455": "s", "\u0501": "d", "\u0261": "g", "\u04bb": "h", "\u0410": "A",
    "\u0412": "B", "\u0415": "E", "\u041a": "K", "\u041c": "M", "\u041d": "H", "\u041e": "O", "\u0420": "P",
    "\u0421": "C", "\u0422": "T", "\u0425": "X", "\u03bf": "o", "\u03b1": "a", "\u0391": "A", "\u0392": "B",
    "\u0395": "E", "\u0397": "H", "\u0399": "I", "\u039a": "K", "\u039c": "M", "\u039d": "N", "\u039f": "O",
    "\u03a1": "P", "\u03a4": "T", "\u03a7": "X", "\u03a5": "Y", "\u0396": "Z",
})
_MIXED_SCRIPT_WORD = re.compile(r"\w*[A-Za-z]\w*")
_LETTER_SPACED = re.compile(r"(?<!\S)(?:[A-Za-z0-9][ .\-_*](?=[A-Za-z0-9])){3,}[A-Za-z0-9](?!\S)")


def normalise(text: str) -> str:
    """Compatibility-fold (fullwidth and styled letters become plain) and straighten quotes."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


def unmask_confusables(text: str) -> str:
    return _MIXED_SCRIPT_WORD.sub(lambda m: m.group(0).translate(_CONFUSABLES), text)


def unspace_letters(text: str) -> str:
    """'i g n o r e' -> 'ignore': letters spaced out to dodge word matching."""
    return _LETTER_SPACED.sub(lambda m: re.sub(r"[ .\-_*]", "", m.group(0)), text)



_RIGHT_TO_LEFT_OVERRIDE = re.compile("\u202e([^\u202c\n]*)\u202c?")


def as_displayed(text: str) -> str:
    """Reverse right-to-left-override runs, so the scan reads what a human would see."""
    return _RIGHT_TO_LEFT_OVERRIDE.sub(lambda m: m.group(1)[::-1], text)
