"""Stale marks on a hand-built story tree: which nodes, for which reasons, and what a lock stops.

The tree (the studio's diamond): logline -> premise -> characters -> beats -> scene-1 -> script-1, where
scene-1 and script-1 are also built on the characters; scene-2 hangs off the beats too.
"""

from __future__ import annotations

from punchup.studio.records import Node, text_hash
from punchup.studio.staleness import changed_parents, current_parent_hashes, descendants, stale_reasons, status_of, topological

SHAPE = {
    "logline": ("logline", 0, []),
    "premise": ("premise", 0, ["logline"]),
    "characters": ("characters", 0, ["premise"]),
    "beats": ("beats", 0, ["characters"]),
    "scene-1": ("scene", 1, ["beats", "characters"]),
    "scene-2": ("scene", 2, ["beats", "characters"]),
    "script-1": ("script", 1, ["scene-1", "characters"]),
}


def tree(texts: dict[str, str | None] | None = None, built_on: dict[str, dict[str, str]] | None = None,
         locked: tuple[str, ...] = ()) -> dict[str, Node]:
    """Every node has text "<label> v1" built on its parents' v1 texts unless `texts`/`built_on` say otherwise."""
    texts = {label: f"{label} v1" for label in SHAPE} | (texts or {})
    nodes = {}
    for index, (label, (kind, ordinal, parents)) in enumerate(SHAPE.items()):
        hashes = {p: text_hash(f"{p} v1") for p in parents} | (built_on or {}).get(label, {})
        nodes[label] = Node(id=index, story_id=1, label=label, kind=kind, ordinal=ordinal, parents=parents,
                            text=texts[label], parent_hashes=hashes, locked=label in locked,
                            created_at="t", updated_at="t")
    return nodes


def test_a_consistent_tree_is_fresh():
    nodes = tree()
    assert stale_reasons(nodes) == {}
    assert {status_of(n, {}) for n in nodes.values()} == {"fresh"}


def test_an_edit_marks_the_children_directly_and_the_rest_transitively():
    nodes = tree({"premise": "premise v2"})
    assert stale_reasons(nodes) == {
        "characters": ["premise changed"],
        "beats": ["built on stale characters"],
        "scene-1": ["built on stale beats", "built on stale characters"],
        "scene-2": ["built on stale beats", "built on stale characters"],
        "script-1": ["built on stale scene-1", "built on stale characters"],
    }


def test_a_node_whose_parent_changed_is_not_also_listed_as_built_on_it():
    # beats changed AND characters changed: scene-1 names each parent once, with the direct reason.
    nodes = tree({"characters": "characters v2", "beats": "beats v2"},
                 built_on={"beats": {"characters": text_hash("characters v2")}})
    reasons = stale_reasons(nodes)
    assert reasons["scene-1"] == ["beats changed", "characters changed"]
    assert "beats" not in reasons  # beats was remade on the new characters
    assert reasons["script-1"] == ["characters changed", "built on stale scene-1"]


def test_a_locked_node_stops_staleness_from_passing_through_it():
    nodes = tree({"premise": "premise v2"}, locked=("characters",))
    # The lock keeps the characters themselves stale (their parent did change) but says "this stays",
    # so nothing built on them is stale.
    assert stale_reasons(nodes) == {"characters": ["premise changed"]}
    locked_beats = tree({"premise": "premise v2"}, locked=("beats",))
    assert stale_reasons(locked_beats) == {
        "characters": ["premise changed"],
        "beats": ["built on stale characters"],
        "scene-1": ["built on stale characters"],
        "scene-2": ["built on stale characters"],
        "script-1": ["built on stale scene-1", "built on stale characters"],
    }


def test_empty_nodes_are_never_stale_and_pass_no_staleness_on():
    # The premise changed under characters that now have no text: the empty node is not stale, but the
    # beats built on its old text are (their parent's text is gone).
    nodes = tree({"premise": "premise v2", "characters": None})
    reasons = stale_reasons(nodes)
    assert "characters" not in reasons and reasons["beats"] == ["characters changed"]
    assert status_of(nodes["characters"], {"characters": ["x"]}) == "empty"
    assert changed_parents(nodes["characters"], nodes) == []
    # Rebuilt on the empty characters, nothing is stale: the premise edit stops at the empty node.
    rebuilt = tree({"premise": "premise v2", "characters": None},
                   built_on={label: {"characters": text_hash(None)} for label in ("beats", "scene-1", "scene-2", "script-1")})
    assert stale_reasons(rebuilt) == {}


def test_changed_parents_and_current_hashes():
    nodes = tree({"beats": "beats v2", "characters": "characters v2"})
    assert changed_parents(nodes["scene-1"], nodes) == ["beats", "characters"]
    assert changed_parents(nodes["premise"], nodes) == []
    assert current_parent_hashes(nodes["scene-1"], nodes) == {"beats": text_hash("beats v2"),
                                                               "characters": text_hash("characters v2")}
    missing_parent = dict(nodes)
    del missing_parent["logline"]
    assert current_parent_hashes(missing_parent["premise"], missing_parent) == {"logline": text_hash(None)}
    assert changed_parents(missing_parent["premise"], missing_parent) == ["logline"]


def test_status_of_uses_the_reasons():
    nodes = tree({"premise": "premise v2"})
    reasons = stale_reasons(nodes)
    assert [status_of(nodes[label], reasons) for label in SHAPE] == [
        "fresh", "fresh", "stale", "stale", "stale", "stale", "stale"]


def test_descendants_in_topological_order():
    nodes = tree()
    assert [n.label for n in descendants("characters", nodes)] == ["beats", "scene-1", "scene-2", "script-1"]
    assert [n.label for n in descendants("scene-1", nodes)] == ["script-1"]
    assert [n.label for n in descendants("logline", nodes)] == list(SHAPE)[1:]
    assert descendants("script-1", nodes) == []
    shuffled = {label: nodes[label] for label in reversed(SHAPE)}
    assert [n.label for n in topological(shuffled)] == list(SHAPE)
