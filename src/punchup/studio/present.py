"""Plain-text renderings of studio records for the terminal (the web app renders the same records as HTML)."""

from __future__ import annotations

import textwrap

from punchup.studio.authorship import AuthorShare, AuthorshipReport
from punchup.studio.records import Alternative, CascadeReport, ExpandResult, NodeDetail, NodeView, RewriteResult, Story, StoryView
from punchup.studio.provenance import Span
from punchup.studio.ranking import confidence, craft_reasons
from punchup.studio.tree import KIND_ORDER
from punchup.util.terminal import plain_output


def _status(view: NodeView) -> str:
    status = view.status + (", locked" if view.locked else "")
    return status


def _who(view: NodeView) -> str:
    return "" if view.human_percent is None else f"{view.human_percent:.0f}% human"


@plain_output  # model and writer text: no terminal escapes reach the screen
def story_line(story: Story) -> str:
    by = f", by {story.settings.author}" if story.settings.author else ""
    return f"story {story.id}: {story.title}{by} ({story.pack}, started {story.created_at[:16].replace('T', ' ')})"


@plain_output
def story_tree(view: StoryView) -> str:
    lines = [story_line(view.story)]
    for node in view.nodes:
        depth = min(KIND_ORDER.index(node.kind), 5)
        label = "  " * depth + node.label
        alt = f"alt {node.chosen_alt}/{node.alternatives}" if node.chosen_alt else f"{node.alternatives} alts"
        lines.append(f"{label:<22} {_status(node):<15} {_who(node):<11} {alt:<9} {node.excerpt}")
        if node.stale_because:
            lines.append(f"{'':<22}   ↳ {'; '.join(node.stale_because)}")
    if len(view.nodes) == 1:
        lines.append('next: punchup write expand logline -n 3   (premises from the logline)')
    return "\n".join(lines)


def _indent(text: str, width: int = 4) -> str:
    return textwrap.indent(text.strip(), " " * width)


@plain_output
def alternative_block(alt: Alternative) -> str:
    score = "unranked" if alt.judge is None else ("no score" if alt.score is None else f"score {alt.score:.2f}")
    recipe = alt.recipe.line() if alt.recipe else f"{alt.model} · seed {alt.seed}"
    head = f"  [{alt.number}] {score} · {recipe}"
    reasons = craft_reasons(alt.rationale)
    rationale = f"\n      why: {'; '.join(reasons[:3])}" if reasons else ""
    return f"{head}{rationale}\n{_indent(alt.text, 6)}"


def _seed_range(seeds: list[int]) -> str:
    return f"seed {seeds[0]}" if len(seeds) == 1 else f"seeds {seeds[0]}–{seeds[-1]}"


@plain_output
def provenance_text(text: str, spans: list[Span]) -> str:
    """The text with who wrote each run marked inline: ⟨ai model: …⟩ and ⟨edited: …⟩; the writer's own is plain."""
    out: list[str] = []
    for span in spans:
        piece = text[span.start:span.end]
        if span.source.kind == "ai":
            out.append(f"⟨ai {span.source.model}: {piece}⟩")
        elif span.source.kind == "ai-edited":
            out.append(f"⟨edited: {piece}⟩")
        else:
            out.append(piece)
    return "".join(out)


@plain_output
def expand_report(result: ExpandResult) -> str:
    blocks: list[str] = []
    for node in result.nodes:
        drawn = f" on {_seed_range(node.seeds)}" if node.seeds else ""
        fresh = "new " if result.more else ""
        blocks.append(f"{node.label}: {len(node.alternatives)} {fresh}alternatives{drawn}, best first "
                      f"(choose with: punchup write choose {node.label} N)")
        blocks.extend(alternative_block(alt) for alt in node.alternatives)
        if node.alternatives:
            blocks.append(f"  ranking: {confidence([a.score for a in node.alternatives])}")
    if not result.more and not result.calls_made and result.calls_cached:
        blocks.append("(all from the store: the same seeds give the same drafts; --more draws new seeds)")
    blocks.append(f"judge: {result.judge} · {result.calls_made} model calls, {result.calls_cached} from the store")
    return "\n".join(blocks)


@plain_output
def node_detail(detail: NodeDetail, provenance: bool = False) -> str:
    view = detail.node
    lines = [f"{view.label} ({view.kind}) · {_status(view)} · {_who(view)} · hash {view.content_hash} · {view.versions} versions"]
    if view.stale_because:
        lines.append(f"stale: {'; '.join(view.stale_because)}")
    lines.append(f"built on: {', '.join(detail.parents) or '(nothing: the root)'}")
    lines.append(("text, with who wrote what (⟨ai …⟩ the model's, ⟨edited …⟩ yours over the model's):" if provenance
                  else "chosen text:") if view.text else "no chosen text yet")
    if view.text:
        lines.append(_indent(provenance_text(view.text, detail.provenance) if provenance else view.text))
    if detail.alternatives:
        lines.append("alternatives, best first:")
        lines.extend(alternative_block(alt) for alt in detail.alternatives)
    return "\n".join(lines)


@plain_output
def node_line(view: NodeView) -> str:
    return f"{view.label}: {_status(view)} · {_who(view)} · hash {view.content_hash} · {view.excerpt}"


@plain_output
def cascade_report(report: CascadeReport) -> str:
    lines = [f"cascade from {report.root}: {len(report.changed)} regenerated, {len(report.skipped)} left as they are"]
    for change in report.changed:
        lines.append(f"  {change.label:<12} {change.old_hash} -> {change.new_hash}  {change.summary}")
    for skipped in report.skipped:
        lines.append(f"  {skipped.label:<12} kept: {skipped.reason}")
    lines.append(f"{report.calls_made} model calls, {report.calls_cached} from the store")
    return "\n".join(lines)


@plain_output
def rewrite_report(result: RewriteResult) -> str:
    span = f" (new text at {result.start}:{result.end})" if result.mode != "resize" else ""
    return f"{result.label}: {result.mode} by {result.model}{span}, {result.old_hash} -> {result.new_hash}\n{_indent(result.text)}"


def _shares(shares: list[AuthorShare]) -> str:
    return ", ".join(f"{s.author} {s.percent:.1f}%" for s in shares) or "no text"


@plain_output
def authorship_text(report: AuthorshipReport) -> str:
    lines = [report.statement, "", "per scene:"]
    lines.extend(f"  scene {s.scene:<3} {s.chars:>6} chars  {_shares(s.shares)}" for s in report.scenes)
    if not report.scenes:
        lines.append("  (no scenes yet)")
    lines.append("per node:")
    for node in report.nodes:
        kept = ""
        if node.edit_distance is not None:
            kept = f"  · edit distance {node.edit_distance} of {node.offered_chars} offered ({node.normalised_distance:.0%})"
        lines.append(f"  {node.label:<12} {node.chars:>6} chars  {_shares(node.shares)}{kept}")
    lines.append(f"edit distance: {report.distance_method}")
    return "\n".join(lines)
