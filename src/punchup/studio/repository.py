"""Reading and writing story records through the Store's SQL (tables from migration 004_stories).

Only this module knows the table layout; everything above it sees records.
"""

from __future__ import annotations

import json
from datetime import datetime, timezone
from typing import Any

from punchup.util.hashing import canonical_json
from punchup.store import Store
from punchup.studio.provenance import Span
from punchup.studio.records import Alternative, Node, NodeState, NodeVersion, Story, StorySettings
from punchup.studio.steering import Recipe
from punchup.studio.tree import Kind, StudioError, parents_of


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _node(row: Any) -> Node:
    record = dict(row)
    record["parents"] = json.loads(record["parents"])
    record["parent_hashes"] = json.loads(record["parent_hashes"])
    record["provenance"] = [Span.model_validate(s) for s in json.loads(record["provenance"])]
    record["locked"] = bool(record["locked"])
    return Node.model_validate(record)


def _alternative(row: Any) -> Alternative:
    record = dict(row)
    record["scores"] = json.loads(record["scores"]) if record["scores"] else {}
    record["rationale"] = record["rationale"] or ""
    record.pop("call_key", None)
    recipe = record.pop("recipe", None)
    record["recipe"] = Recipe.model_validate_json(recipe) if recipe else None
    return Alternative.model_validate(record)


def _story(row: Any) -> Story:
    record = dict(row)
    record["settings"] = StorySettings.model_validate_json(record.get("settings") or "{}")
    return Story.model_validate(record)


def _state_columns(state: NodeState) -> dict[str, Any]:
    return {
        "text": state.text,
        "provenance": canonical_json([s.model_dump() for s in state.provenance]),
        "parent_hashes": canonical_json(state.parent_hashes),
        "chosen_alt": state.chosen_alt,
        "model": state.model,
    }


class StoryRepository:
    def __init__(self, store: Store):
        self.store = store

    # -- stories ----------------------------------------------------------------
    def create_story(self, title: str, pack: str) -> Story:
        stamp = _now()
        with self.store.transaction():
            self.store.execute(
                "INSERT INTO stories (title, pack, created_at, updated_at) VALUES (:t, :p, :s, :s)", t=title, p=pack, s=stamp
            )
            row = self.store.query("SELECT * FROM stories WHERE id = last_insert_rowid()")
        return _story(row[0])

    def stories(self) -> list[Story]:
        return [_story(r) for r in self.store.query("SELECT * FROM stories ORDER BY id DESC")]

    def story(self, story_id: int | None) -> Story:
        """The story with this id, or the most recently created one when story_id is None."""
        if story_id is None:
            rows = self.store.query("SELECT * FROM stories ORDER BY id DESC LIMIT 1")
            if not rows:
                raise StudioError('no stories in this store yet; start one with: punchup write new "LOGLINE"')
        else:
            rows = self.store.query("SELECT * FROM stories WHERE id = :i", i=story_id)
            if not rows:
                raise StudioError(f"no story {story_id} in this store (list them with: punchup write stories)")
        return _story(rows[0])

    def update_story(self, story_id: int, title: str | None = None, settings: StorySettings | None = None) -> Story:
        current = self.story(story_id)
        self.store.execute(
            "UPDATE stories SET title = :t, settings = :s, updated_at = :u WHERE id = :i",
            t=title if title is not None else current.title, s=(settings or current.settings).model_dump_json(),
            u=_now(), i=story_id,
        )
        return self.story(story_id)

    def delete_story(self, story_id: int) -> None:
        """The story and everything in it (its model calls stay cached). Children go first, so an
        interrupted delete leaves a smaller story, never rows that point at nothing."""
        self.story(story_id)
        nodes = "SELECT id FROM story_nodes WHERE story_id = :s"
        with self.store.transaction():  # all of it or nothing
            self.store.execute(f"DELETE FROM story_node_versions WHERE node_id IN ({nodes})", s=story_id)
            self.store.execute(f"DELETE FROM story_alternatives WHERE node_id IN ({nodes})", s=story_id)
            self.store.execute("DELETE FROM story_nodes WHERE story_id = :s", s=story_id)
            self.store.execute("DELETE FROM stories WHERE id = :s", s=story_id)

    def touch(self, story_id: int) -> None:
        self.store.execute("UPDATE stories SET updated_at = :t WHERE id = :i", t=_now(), i=story_id)

    # -- nodes ------------------------------------------------------------------
    def nodes(self, story_id: int) -> dict[str, Node]:
        rows = self.store.query("SELECT * FROM story_nodes WHERE story_id = :s", s=story_id)
        return {node.label: node for node in map(_node, rows)}

    def find_node(self, story_id: int, label: str) -> Node | None:
        rows = self.store.query("SELECT * FROM story_nodes WHERE story_id = :s AND label = :l", s=story_id, l=label)
        return _node(rows[0]) if rows else None

    def node(self, story_id: int, label: str) -> Node:
        node = self.find_node(story_id, label)
        if node is None:
            raise StudioError(f"story {story_id} has no node '{label}' yet (see: punchup write show)")
        return node

    def ensure_node(self, story_id: int, label: str, kind: Kind, ordinal: int) -> Node:
        stamp = _now()
        self.store.execute(
            """INSERT INTO story_nodes (story_id, label, kind, ordinal, parents, parent_hashes, provenance, created_at, updated_at)
               VALUES (:s, :l, :k, :o, :p, '{}', '[]', :t, :t) ON CONFLICT (story_id, label) DO NOTHING""",
            s=story_id, l=label, k=kind, o=ordinal, p=canonical_json(parents_of(kind, ordinal)), t=stamp,
        )
        return self.node(story_id, label)

    def save_state(self, node: Node, state: NodeState, action: str, expect_revision: int | None = None) -> bool:
        """Write a node's new state and a version for undo, in one transaction.

        Compare-and-set: the write happens only if the node is still at the
        revision the caller started from (`node.revision` unless given) and not
        locked; returns False when someone changed or locked it meanwhile.
        """
        with self.store.transaction():
            changed = self.store.execute(
                """UPDATE story_nodes SET text = :text, provenance = :provenance, parent_hashes = :parent_hashes,
                    chosen_alt = :chosen_alt, model = :model, revision = revision + 1, updated_at = :t
                    WHERE id = :id AND revision = :rev AND locked = 0""",
                id=node.id, t=_now(), rev=node.revision if expect_revision is None else expect_revision,
                **_state_columns(state),
            )
            if not changed:
                return False
            self.store.execute(
                "INSERT INTO story_node_versions (node_id, action, state, created_at) VALUES (:n, :a, :s, :t)",
                n=node.id, a=action, s=canonical_json(state.model_dump()), t=_now(),
            )
            self.touch(node.story_id)
        return True

    def set_locked(self, node: Node, locked: bool) -> None:
        self.store.execute(
            "UPDATE story_nodes SET locked = :l, revision = revision + 1, updated_at = :t WHERE id = :i",
            l=int(locked), t=_now(), i=node.id,
        )

    # -- versions ---------------------------------------------------------------
    def versions(self, node_id: int) -> list[NodeVersion]:
        rows = self.store.query("SELECT * FROM story_node_versions WHERE node_id = :n ORDER BY id", n=node_id)
        return [
            NodeVersion(id=r["id"], node_id=r["node_id"], action=r["action"], state=NodeState.model_validate_json(r["state"]),
                        created_at=r["created_at"])
            for r in rows
        ]

    def version_counts(self, story_id: int) -> dict[int, int]:
        rows = self.store.query(
            """SELECT v.node_id, COUNT(*) AS n FROM story_node_versions v JOIN story_nodes s ON s.id = v.node_id
               WHERE s.story_id = :s GROUP BY v.node_id""",
            s=story_id,
        )
        return {r["node_id"]: r["n"] for r in rows}

    def undo(self, node: Node) -> NodeState | None:
        """Drop the node's latest version and restore the one before it (or the empty state), in one transaction.

        None when the node changed or was locked since `node` was read (compare-and-set, as in save_state).
        """
        with self.store.transaction():
            current = self.store.query("SELECT revision, locked FROM story_nodes WHERE id = :i", i=node.id)
            if not current or current[0]["revision"] != node.revision or current[0]["locked"]:
                return None
            history = self.versions(node.id)
            if not history:
                raise StudioError(f"nothing to undo on '{node.label}'")
            previous = history[-2].state if len(history) > 1 else NodeState()
            self.store.execute("DELETE FROM story_node_versions WHERE id = :i", i=history[-1].id)
            self.store.execute(
                """UPDATE story_nodes SET text = :text, provenance = :provenance, parent_hashes = :parent_hashes,
                    chosen_alt = :chosen_alt, model = :model, revision = revision + 1, updated_at = :t WHERE id = :id""",
                id=node.id, t=_now(), **_state_columns(previous),
            )
            self.touch(node.story_id)
        return previous

    # -- alternatives -------------------------------------------------------------
    def alternatives(self, node_id: int) -> list[Alternative]:
        rows = self.store.query("SELECT * FROM story_alternatives WHERE node_id = :n ORDER BY number", n=node_id)
        return [_alternative(r) for r in rows]

    def alternative_counts(self, story_id: int) -> dict[int, int]:
        rows = self.store.query(
            """SELECT a.node_id, COUNT(*) AS n FROM story_alternatives a JOIN story_nodes s ON s.id = a.node_id
               WHERE s.story_id = :s GROUP BY a.node_id""",
            s=story_id,
        )
        return {r["node_id"]: r["n"] for r in rows}

    def add_alternative(self, node_id: int, call_key: str, text: str, model: str, prompt_hash: str, seed: int,
                        recipe: Recipe | None = None) -> Alternative:
        """Insert once per (node, model call): re-running the same expand returns the stored alternative."""
        self.store.execute(
            """INSERT INTO story_alternatives (node_id, number, call_key, text, model, prompt_hash, seed, recipe, created_at)
               SELECT :n, COALESCE(MAX(number), 0) + 1, :k, :text, :m, :p, :seed, :r, :t FROM story_alternatives
               WHERE node_id = :n ON CONFLICT (node_id, call_key) DO NOTHING""",
            n=node_id, k=call_key, text=text, m=model, p=prompt_hash, seed=seed,
            r=recipe.model_dump_json() if recipe else None, t=_now(),
        )
        row = self.store.query("SELECT * FROM story_alternatives WHERE node_id = :n AND call_key = :k", n=node_id, k=call_key)
        return _alternative(row[0])

    def alternative(self, node: Node, number: int) -> Alternative:
        rows = self.store.query("SELECT * FROM story_alternatives WHERE node_id = :n AND number = :x", n=node.id, x=number)
        if not rows:
            count = len(self.alternatives(node.id))
            known = f"1..{count}" if count else "none yet; run: punchup write expand " + node.label
            raise StudioError(f"'{node.label}' has no alternative {number} (alternatives: {known})")
        return _alternative(rows[0])

    def score_alternative(self, alt_id: int, judge: str, score: float | None, scores: dict[str, int], rationale: str) -> None:
        self.store.execute(
            "UPDATE story_alternatives SET judge = :j, score = :s, scores = :c, rationale = :r WHERE id = :i",
            j=judge, s=score, c=canonical_json(scores), r=rationale, i=alt_id,
        )
