"""Ranking drafts with a judge, in a writer's words: scores, craft-word reasons and how sure the ranking is.

Every studio ranking (node alternatives, span proposals, setup alts) goes
through score_texts, so one judge spec means the same thing everywhere. A
failed judgment stays failed (no score, ranked last), never a default.
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the terminal and web views import the craft words without loading the judges
    from punchup.judging.factory import JudgeSet
    from punchup.judging.records import RubricResult
    from punchup.packs import Pack

# Two drafts closer than this on the 1..10 scale are a tie: the judge cannot tell them apart.
TIE_MARGIN = 0.3

# The built-in craft judge names text features; a writer reads them as notes on the page.
CRAFT_WORDS: dict[str, str] = {
    "more clichés": "leans on stock phrases",
    "fewer clichés": "fresh phrasing, few stock phrases",
    "more repeated phrases": "repeats itself",
    "fewer repeated phrases": "no phrase said twice",
    "more varied sentence length": "varied rhythm",
    "more uniform sentence length": "flat rhythm: every sentence the same length",
    "longer sentences": "long, winding sentences",
    "shorter sentences": "short, punchy sentences",
    "more very long sentences": "some sentences run on",
    "fewer very long sentences": "no run-on sentences",
    "more very short sentences": "staccato beats",
    "fewer very short sentences": "few staccato beats",
    "richer vocabulary": "specific word choice",
    "plainer vocabulary": "plain word choice",
    "more filter words (felt, saw, noticed)": "filters the action through 'felt/saw/noticed'",
    "fewer filter words (felt, saw, noticed)": "puts us in the moment (no 'felt/saw/noticed')",
    "more -ly adverbs": "props verbs up with -ly adverbs",
    "fewer -ly adverbs": "strong verbs, few -ly adverbs",
    "more fancy dialogue tags": "fancy dialogue tags (\"she exclaimed\")",
    "plainer dialogue tags": "invisible dialogue tags",
    "more abstract nouns": "abstract: tells rather than shows",
    "more concrete nouns": "concrete: things we can see",
    "more names and numbers": "specific names and numbers",
    "fewer names and numbers": "generic: few names or numbers",
    "more similes": "leans on similes",
    "fewer similes": "few similes",
    "more trailing -ing clauses": "trailing -ing clauses (a model tic)",
    "fewer trailing -ing clauses": "clean sentence endings",
    "more lists of three": "lists of three (a model tic)",
    "fewer lists of three": "no rule-of-three padding",
    "more em-dashes": "many em-dashes",
    "fewer em-dashes": "few em-dashes",
    "more exclamation marks": "shouts with exclamation marks",
    "fewer exclamation marks": "no exclamation marks",
    "longer": "longer",
    "shorter": "economical",
    "further from the requested length": "off the requested length",
    "closer to the requested length": "on the requested length",
}
_FEATURE_NOTE = re.compile(r"([a-z][a-z ()',/-]+?) \(([+-]?\d+(?:\.\d+)?)\)")


def craft_reasons(rationale: str) -> list[str]:
    """The judge's reasons as a writer's notes: "more uniform sentence length (-0.59)" -> "flat rhythm: ..."."""
    if not rationale:
        return []
    if "vs the average training text:" not in rationale:
        return [rationale.strip()]  # an LLM judge already speaks in words
    found = _FEATURE_NOTE.findall(rationale.split("vs the average training text:", 1)[1])
    reasons = []
    for phrase, weight in found:
        words = CRAFT_WORDS.get(phrase.strip(), phrase.strip())
        reasons.append(f"{words} ({'helps' if float(weight) > 0 else 'hurts'})")
    return reasons


async def score_texts(judges: "JudgeSet", pack: "Pack", prompt_id: str, brief: str, texts: list[str]) -> list["RubricResult"]:
    from punchup.packs import PromptSpec

    spec = PromptSpec(id=prompt_id, text=brief[:1500])
    return list(await asyncio.gather(*(judges.rubric.judge(pack, spec, text) for text in texts)))


def confidence(scores: list[float | None]) -> str:
    """A sentence on how sure the ranking is, from the scores best first."""
    known = [s for s in scores if s is not None]
    failed = len(scores) - len(known)
    tail = f"; {failed} judgment(s) failed and rank last" if failed else ""
    if len(known) < 2:
        return ("only one draft was scored" if known else "no draft could be scored") + tail
    top, second = known[0], known[1]
    ties = sum(1 for s in known if top - s < TIE_MARGIN)
    if ties == len(known):
        return f"the judge cannot tell these apart (all within {TIE_MARGIN} of {top:.1f}){tail}"
    if ties > 1:
        return f"the judge cannot tell the top {ties} apart ({top:.1f} to {known[ties - 1]:.1f}){tail}"
    return f"the best leads by {top - second:.1f} points ({top:.1f} vs {second:.1f}){tail}"
