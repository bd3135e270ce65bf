"""Stale is derived, never stored: a node is stale when a parent's text is no longer the text it was built on.

Each node records its parents' content hashes when its text was made (chosen,
generated, or first written). Comparing them with the parents' current hashes
says whether it is *directly* stale. A node built on a stale parent is stale
too (transitively), except through a locked parent: locking a node is the
writer saying "this stays", so what is built on it stays valid.
"""

from __future__ import annotations

from punchup.studio.records import Node, Status, text_hash
from punchup.studio.tree import sort_key


def current_parent_hashes(node: Node, nodes: dict[str, Node]) -> dict[str, str]:
    return {p: text_hash(nodes[p].text if p in nodes else None) for p in node.parents}


def changed_parents(node: Node, nodes: dict[str, Node]) -> list[str]:
    """Parents whose text changed since this node's text was made (empty for a node without text)."""
    if node.text is None:
        return []
    now = current_parent_hashes(node, nodes)
    return [p for p in node.parents if node.parent_hashes.get(p) != now[p]]


def topological(nodes: dict[str, Node]) -> list[Node]:
    return sorted(nodes.values(), key=lambda n: sort_key(n.kind, n.ordinal))


def stale_reasons(nodes: dict[str, Node]) -> dict[str, list[str]]:
    """label -> why it is stale, for every stale node (fresh and empty nodes are absent)."""
    reasons: dict[str, list[str]] = {}
    for node in topological(nodes):
        if node.text is None:
            continue
        why = [f"{p} changed" for p in changed_parents(node, nodes)]
        why += [
            f"built on stale {p}"
            for p in node.parents
            if p in reasons and not nodes[p].locked and f"{p} changed" not in why
        ]
        if why:
            reasons[node.label] = why
    return reasons


def status_of(node: Node, reasons: dict[str, list[str]]) -> Status:
    if node.text is None:
        return "empty"
    return "stale" if node.label in reasons else "fresh"


def descendants(label: str, nodes: dict[str, Node]) -> list[Node]:
    """Every node built (directly or not) on `label`, in topological order."""
    children: dict[str, list[str]] = {}
    for node in nodes.values():
        for parent in node.parents:
            children.setdefault(parent, []).append(node.label)
    found: set[str] = set()
    frontier = [label]
    while frontier:
        for child in children.get(frontier.pop(), []):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return [n for n in topological(nodes) if n.label in found]
