"""Detection: every rule over every view of a candidate text, reported as reasons, never obeyed.

The judge still scores a flagged text; the reasons travel with the score. The hard
part is fiction: stories legitimately contain courtroom judges, talent-show scores,
teachers with red pens, letters and diaries addressed to someone. So the rules aim at
the *evaluator of this text* (evaluator-only words, "this story/response", lettered
candidates, judge-output formats, chat-template syntax), and phrases that are only
suspicious in the text's own voice are not counted inside character speech.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from punchup.judging.guard.encoded import decoded_payloads, encoded_runs
from punchup.judging.guard.languages import LANGUAGE_RULES
from punchup.judging.guard.normalise import (
    as_displayed,
    describe_hidden,
    hidden_positions,
    normalise,
    strip_hidden,
    tag_payload,
    unmask_confusables,
    unspace_letters,
)
from punchup.judging.guard.rule import Rule
from punchup.judging.guard.rules_address import ADDRESS_RULES
from punchup.judging.guard.rules_categories import CATEGORY_RULES, ENCODING_OFFER
from punchup.judging.guard.rules_format import FORMAT_RULES
from punchup.judging.guard.speech import speech_spans
from punchup.judging.guard.vocabulary import EVAL_CONTEXT, EVALUATOR, SELF_CONTEXT

RULES: tuple[Rule, ...] = ADDRESS_RULES + FORMAT_RULES + CATEGORY_RULES + LANGUAGE_RULES
_ADDRESSEE = re.compile(rf"\b(?:{EVALUATOR}|judges?|grader|AI|model)\b", re.IGNORECASE)


class InjectionReport(BaseModel):
    """What the guard found in one candidate text; `flagged` is true exactly when there are reasons."""

    flagged: bool
    reasons: list[str] = Field(default_factory=list)



def _snippet(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split()).strip(" \"'")
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _first_visible(match: re.Match[str]) -> int:
    """Where the match's own words begin (patterns may swallow leading whitespace)."""
    matched = match.group(0)
    return match.start() + len(matched) - len(matched.lstrip())


def _has_context(rule: Rule, match: re.Match[str]) -> bool:
    if rule.context is None:
        return True
    text = match.string
    # Evidence must sit in the same paragraph as the match, not anywhere in the text.
    paragraph_start = text.rfind("\n\n", 0, match.start()) + 1
    paragraph_end = text.find("\n\n", match.end())
    paragraph_end = len(text) if paragraph_end == -1 else paragraph_end
    window = text[max(paragraph_start, match.start() - 120) : min(paragraph_end, match.end() + 200)]
    evidence = EVAL_CONTEXT if rule.context == "eval" else SELF_CONTEXT
    return evidence.search(window) is not None


def _scan(text: str) -> list[tuple[str, str]]:
    """(code, snippet) for every rule that fires on `text`, in rule order.

    A match overlapping an earlier one of the same code is the same finding seen
    by a second rule, so it is not reported again.
    """
    speech = speech_spans(text)
    found: list[tuple[str, str]] = []
    claimed: dict[str, list[tuple[int, int]]] = {}
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            if not match.group(0).strip():
                continue
            if not rule.counts_in_speech and _inside(_first_visible(match), speech):
                continue
            if rule.accept is not None and not rule.accept(match):
                continue
            if not _has_context(rule, match):
                continue
            spans = claimed.setdefault(rule.code, [])
            if any(match.start() < end and start < match.end() for start, end in spans):
                continue
            spans.append((match.start(), match.end()))
            key = (rule.code, _snippet(match.group(0)))
            if key not in found:
                found.append(key)
    return found


def detect_injection(text: str) -> InjectionReport:
    """Look for attempts in `text` to steer its judge; see the module docstring for what counts."""
    reasons: list[str] = []

    hidden = hidden_positions(text)
    if hidden:
        reasons.append(f'hidden-characters: "{describe_hidden(text, hidden)}"')

    as_written = set(_scan(normalise(text)))
    visible = normalise(strip_hidden(as_displayed(text)))
    visible_findings = _scan(visible)
    for code, snippet in visible_findings:
        if (code, snippet) in as_written:
            reasons.append(f'{code}: "{snippet}"')
        else:
            # Readable only once the invisible characters are gone: hidden on purpose.
            reasons.append(f'hidden-instruction: "{snippet}" ({code})')

    known = {snippet for _, snippet in visible_findings}
    for view in (unmask_confusables(visible), unspace_letters(visible)):
        for code, snippet in _scan(view) if view != visible else []:
            if snippet not in known:
                known.add(snippet)
                reasons.append(f'obfuscated-instruction: "{snippet}" ({code})')

    payload = tag_payload(text)
    if payload.strip():
        # Any text spelled in tag characters is an invisible message; say what it tries to do if we can tell.
        for code, snippet in _scan(normalise(payload)) or [("tag-text", _snippet(payload))]:
            reasons.append(f'hidden-instruction: "{snippet}" ({code})')

    reasons.extend(_encoded_reasons(visible))

    unique = list(dict.fromkeys(reasons))
    return InjectionReport(flagged=bool(unique), reasons=unique)


def _encoded_reasons(text: str) -> list[str]:
    """What base64/hex/ROT13 runs say once decoded, and blobs offered to the evaluator with encoding words."""
    reasons = []
    for encoding, decoded in decoded_payloads(text):
        findings = _scan(normalise(decoded))
        for code, snippet in findings:
            reasons.append(f'encoded-payload: "{snippet}" ({code}, {encoding})')
        if not findings and encoding != "rot13" and EVAL_CONTEXT.search(decoded):
            reasons.append(f'encoded-payload: "{_snippet(decoded)}" ({encoding})')
    for paragraph in re.split(r"\n\s*\n", text):
        if encoded_runs(paragraph) and ENCODING_OFFER.search(paragraph) and _ADDRESSEE.search(paragraph):
            reasons.append(f'encoded-payload: "{_snippet(paragraph)}" (an encoded blob offered to the evaluator)')
    return reasons
