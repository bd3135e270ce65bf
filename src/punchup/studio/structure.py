"""Beat templates: the shape of an outline for TV and film, chosen per story and editable.

The generic outline asks for five to eight beats. A template names its slots
(cold open, act breaks, tag; a feature's sequences), so the beats come back
one per slot, in order, and every scene knows where it sits. A writer can
also give their own slots (one per line), stored with the story.
"""

from __future__ import annotations

from punchup.studio.tree import StudioError

TEMPLATES: dict[str, list[str]] = {
    "tv-half-hour": [
        "COLD OPEN: a self-contained runner or a hook that sets up the episode's problem",
        "ACT ONE: the A-story problem arrives; the B-story starts",
        "ACT ONE BREAK: a complication that makes the problem worse",
        "ACT TWO: the plan, and how it goes wrong",
        "ACT TWO BREAK: the lowest point, or the biggest reversal",
        "ACT THREE: the resolution, paid off from something set up earlier",
        "TAG: a button: a last joke or a runner paid off",
    ],
    "tv-hour": [
        "TEASER: the hook, ending on a question the hour must answer",
        "ACT ONE: the case or problem, and what it costs the lead personally",
        "ACT TWO: the first approach fails; the stakes rise",
        "ACT THREE: the midpoint turn that changes what the problem is",
        "ACT FOUR: everything goes wrong at once",
        "ACT FIVE: the climax and the new normal, with a final turn",
    ],
    "feature": [
        "SEQUENCE 1 (status quo): the world and the want, up to the inciting incident",
        "SEQUENCE 2 (predicament): the lead resists, then commits at the end of act one",
        "SEQUENCE 3 (first obstacle): the new world and the first real test",
        "SEQUENCE 4 (midpoint): a false victory or false defeat that raises the stakes",
        "SEQUENCE 5 (complications): the plan frays; relationships strain",
        "SEQUENCE 6 (all is lost): the lowest point, the end of act two",
        "SEQUENCE 7 (climax): the final confrontation, the want against the need",
        "SEQUENCE 8 (resolution): the new normal, echoing the opening",
    ],
    "short": [
        "OPENING IMAGE: who and where, in one look",
        "THE TURN: the one thing that happens",
        "THE CHOICE: what the lead does about it",
        "CLOSING IMAGE: how the world looks now",
    ],
}
MAX_SLOTS = 40


def slots_for(structure: str) -> list[str]:
    """The slots of a template by name, or the writer's own slots (several lines) as given."""
    name = structure.strip()
    if not name:
        return []
    if name in TEMPLATES:
        return TEMPLATES[name]
    own = [line.strip().lstrip("-*•0123456789.) ").strip() for line in name.splitlines()]
    own = [line for line in own if line]
    if len(own) < 2:
        raise StudioError(f"unknown structure '{name}' (templates: {', '.join(TEMPLATES)}, or your own slots, one per line)")
    if len(own) > MAX_SLOTS:
        raise StudioError(f"a structure of {len(own)} slots is more than {MAX_SLOTS}")
    return own
