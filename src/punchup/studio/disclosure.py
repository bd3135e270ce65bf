"""Before a story leaves the studio: what is missing or stale, and the optional authorship disclosure.

The screenplay itself carries no statistics about who wrote it; a writer who
wants to disclose AI assistance (a contest, a producer, a guild) exports the
disclosure as its own document.
"""

from __future__ import annotations

from punchup.studio.authorship import AuthorshipReport
from punchup.studio.records import Node, Story
from punchup.studio.staleness import stale_reasons


def export_problems(nodes: dict[str, Node], leaf: str) -> list[str]:
    """What a reader would trip over: scenes with no script yet, stale scenes or scripts, nothing written."""
    reasons = stale_reasons(nodes)
    written = {n.ordinal for n in nodes.values() if n.kind == leaf and n.text}
    problems: list[str] = []
    if not written:
        problems.append(f"no {leaf} is written yet")
    for node in sorted(nodes.values(), key=lambda n: (n.ordinal, n.kind)):
        if node.kind == "scene" and node.text and node.ordinal not in written:
            problems.append(f"scene {node.ordinal} has no {leaf} yet (it is left out)")
        if node.kind in ("scene", leaf) and node.label in reasons:
            problems.append(f"{node.label} is stale ({'; '.join(reasons[node.label])})")
    return problems


def disclosure_markdown(story: Story, report: AuthorshipReport) -> str:
    """The authorship disclosure: the statement, then shares per scene and per node, and the method."""
    by = f" by {story.settings.author}" if story.settings.author else ""
    lines = [f"# Authorship disclosure: {story.title}{by}", "", report.statement, "", "## Per scene", ""]
    lines += [f"- scene {s.scene}: " + ", ".join(f"{a.author} {a.percent:.1f}%" for a in s.shares) for s in report.scenes]
    if not report.scenes:
        lines.append("- (no scenes yet)")
    lines += ["", "## Per node", "", "| node | characters | who wrote it | edit distance from the AI draft |", "|---|---|---|---|"]
    for node in report.nodes:
        distance = ("" if node.edit_distance is None
                    else f"{node.edit_distance} of {node.offered_chars} ({node.normalised_distance:.0%})")
        lines.append(f"| {node.label} | {node.chars} | " + ", ".join(f"{a.author} {a.percent:.1f}%" for a in node.shares)
                     + f" | {distance} |")
    lines += ["", f"Edit distance: {report.distance_method}. Characters typed by the writer count as theirs; "
              "\"ai-edited\" is model text the writer typed over.", ""]
    return "\n".join(lines)
