"""Encoded payloads: text a human skims past as noise that a judge model can decode and obey.

Base64 and hex runs are decoded when they spell readable text; a paragraph that names
ROT13 is rotated. The detector scans what comes out with every rule, and a blob that
is offered with encoding words ("decode and follow", "base64 for the grader") is
reported even when its content says nothing the rules know.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re

_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{16,}={0,2}(?![A-Za-z0-9+/=])")
_HEX = re.compile(r"\b(?:[0-9a-fA-F]{2}[ :]?){8,}\b")
_ROT13_NAMED = re.compile(r"\brot-?13\b", re.IGNORECASE)
MIN_PRINTABLE = 0.9


def _readable(raw: bytes) -> str | None:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    printable = sum(ch.isprintable() or ch in "\n\t" for ch in text)
    if not text or printable / len(text) < MIN_PRINTABLE or " " not in text.strip():
        return None  # not words: random-looking data, an ID or a hash
    return text


def decoded_payloads(text: str) -> list[tuple[str, str]]:
    """(encoding, decoded text) for every run in `text` that decodes to readable words."""
    found: list[tuple[str, str]] = []
    for match in _BASE64.finditer(text):
        token = match.group(0)
        if token.isalpha() and (token.islower() or token.isupper()):
            continue  # a long plain word, not base64
        try:
            decoded = _readable(base64.b64decode(token + "=" * (-len(token) % 4), validate=True))
        except (binascii.Error, ValueError):
            decoded = None
        if decoded:
            found.append(("base64", decoded))
    for match in _HEX.finditer(text):
        digits = re.sub(r"[ :]", "", match.group(0))
        if len(digits) % 2 == 0 and not digits.isdigit():
            decoded = _readable(bytes.fromhex(digits))
            if decoded:
                found.append(("hex", decoded))
    for paragraph in re.split(r"\n\s*\n", text):
        if _ROT13_NAMED.search(paragraph):
            found.append(("rot13", codecs.decode(_ROT13_NAMED.sub(" ", paragraph), "rot13")))
    return found


def encoded_runs(text: str) -> list[str]:
    """Blob-like runs (base64 or hex of 16+ characters), decodable or not."""
    return [m.group(0) for m in _BASE64.finditer(text) if not m.group(0).isalpha()] + [m.group(0) for m in _HEX.finditer(text)]
