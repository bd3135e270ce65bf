"""A writer's choices as training data, only from stories the writer licensed for training.

Consent is explicit and auditable: `punchup write license --train` appends an
event (story, yes/no, who, when) to the store, and the latest event is the
story's state; nothing from a story without a current "yes" is ever read here.
Each row says which story it came from, who wrote it and how much of the text
was typed by a human (provenance).

Preferences a writer expresses in the studio:
  - choosing alternative k of a node: k beats each alternative not chosen;
  - editing the chosen text: the writer's final text beats the AI text it replaced.
The prompt is the exact request that produced the alternatives (from the store's call record).
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Literal

from punchup.errors import PunchupError
from punchup.improve.export import Export
from punchup.improve.rows import assistant
from punchup.store import Store
from punchup.store.store import now
from punchup.util.hashing import content_key


def set_consent(store: Store, story_id: int, train: bool, granted_by: str) -> None:
    if not granted_by.strip():
        raise PunchupError("say who gives (or withdraws) consent: --by NAME")
    store.execute("INSERT INTO story_training_consent (story_id, train, granted_by, created_at) VALUES (:s, :t, :b, :c)",
                  s=story_id, t=int(train), b=granted_by.strip(), c=now())


def consent_history(store: Store, story_id: int) -> list[dict[str, Any]]:
    return [dict(r) for r in store.query(
        "SELECT train, granted_by, created_at FROM story_training_consent WHERE story_id = :s ORDER BY id", s=story_id)]


def licensed_story_ids(store: Store) -> list[int]:
    """Stories whose latest consent event says yes."""
    rows = store.query(
        """SELECT c.story_id FROM story_training_consent c
           WHERE c.id = (SELECT MAX(id) FROM story_training_consent WHERE story_id = c.story_id) AND c.train = 1
           ORDER BY c.story_id""")
    return [int(r["story_id"]) for r in rows]


def _prompt(store: Store, alternative_id: int) -> list[dict[str, str]] | None:
    """The messages of the model call that produced an alternative (its call_key is kept with it)."""
    keys = store.query("SELECT call_key FROM story_alternatives WHERE id = :i", i=alternative_id)
    call = store.get_call(keys[0]["call_key"]) if keys else None
    if call is None:
        return None
    messages = json.loads(call["messages"])
    return messages if messages and messages[-1].get("role") == "user" else None


def studio_rows(store: Store, fmt: Literal["dpo", "sft", "kto"]) -> tuple[Export, list[str]]:
    """(rows, one line per exported story naming it, its author, consent and the human share of its texts)."""
    from punchup.studio.repository import StoryRepository

    repo = StoryRepository(store)
    licensed = licensed_story_ids(store)
    if not licensed:
        raise PunchupError("no story is licensed for training; the writer can license one with "
                           "`punchup write license --train --by NAME` (nothing was exported)")
    rows: list[dict[str, Any]] = []
    skipped: Counter[str] = Counter()
    sources = []
    seen: set[tuple[int, str, bool]] = set()
    for story_id in licensed:
        story = repo.story(story_id)
        consent = consent_history(store, story_id)[-1]
        before = len(rows)
        shares = []
        for node in repo.nodes(story_id).values():
            alts = repo.alternatives(node.id)
            chosen = next((a for a in alts if a.number == node.chosen_alt), None)
            if chosen is None or not node.text:
                continue
            prompt = _prompt(store, chosen.id)
            if prompt is None:
                skipped["the request that made the alternatives is not in the store"] += 1
                continue
            shares.append(node.human_share)
            meta = {"source": "studio", "story_id": story_id, "story": story.title, "author": story.settings.author,
                    "consent": {"by": consent["granted_by"], "at": consent["created_at"]}, "node": node.label,
                    "human_share": round(node.human_share, 3), "model": chosen.model}
            edited = node.text.strip() != chosen.text.strip()
            if fmt == "sft":
                rows.append({"prompt": prompt, "completion": assistant(node.text),
                             "punchup": {**meta, "kind": "final text", "completion_hash": content_key(node.text)}})
                continue
            pairs = [(chosen.text, alt.text, f"chose alternative {chosen.number} over {alt.number}")
                     for alt in alts if alt.number != chosen.number and alt.text.strip() != chosen.text.strip()]
            if edited:
                pairs.append((node.text, chosen.text, "the writer's edit over the AI text it replaced"))
            for good, bad, kind in pairs:
                if fmt == "dpo":
                    rows.append({"prompt": prompt, "chosen": assistant(good), "rejected": assistant(bad),
                                 "punchup": {**meta, "kind": kind, "chosen_hash": content_key(good),
                                             "rejected_hash": content_key(bad)}})
                else:
                    for text, label in ((good, True), (bad, False)):
                        if (node.id, content_key(text), label) in seen:
                            continue
                        seen.add((node.id, content_key(text), label))
                        rows.append({"prompt": prompt, "completion": assistant(text), "label": label,
                                     "punchup": {**meta, "kind": kind, "completion_hash": content_key(text)}})
        share = f"{100 * sum(shares) / len(shares):.0f}% typed by a human" if shares else "no chosen texts"
        sources.append(f"story {story_id} '{story.title}' by {story.settings.author or 'unnamed author'} "
                       f"(licensed by {consent['granted_by']} at {consent['created_at'][:19]}): "
                       f"{len(rows) - before} rows, {share}")
    return Export(rows, skipped), sources
