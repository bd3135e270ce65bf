"""Cascade: regenerate the stale descendants of a node, in topological order, only when asked.

Rules, in the order they are checked for each descendant (re-read from the
store just before it is considered, so the writer may keep working meanwhile):
1. locked nodes are never touched;
2. nodes without a chosen text have nothing to regenerate;
3. only a node whose own parents changed is regenerated; one that is stale only
   because an ancestor was kept (human-written or locked) would get the same
   inputs again, so it waits;
4. human-written nodes (provenance mostly the writer's) are kept unless
   include_human is set;
5. the best of the new alternatives is written only if the node did not change
   while it was being generated (compare-and-set on the node's revision);
   when every draft was empty junk, the next seeds are drawn, DRAWS times in all.
"""

from __future__ import annotations

from difflib import SequenceMatcher

from punchup.packs import Pack
from punchup.studio.defaults import HUMAN_WRITTEN, NO_JUDGE
from punchup.studio.mine import Miner
from punchup.studio.provenance import ai_source, whole
from punchup.studio.records import CascadeReport, NodeChange, NodeState, SkippedNode, Story, text_hash
from punchup.studio.staleness import changed_parents, current_parent_hashes, descendants, stale_reasons
from punchup.studio.tree import Kind, StudioError

DRAWS = 3  # draws of n seeds each before a node is left as it was


def diff_summary(old: str, new: str) -> str:
    """A one-line account of how far the text moved: characters added and removed, similarity, words."""
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    added = removed = 0
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    if not added and not removed:
        return "text unchanged (re-built on the new parents)"
    return f"+{added} −{removed} chars, {matcher.ratio():.0%} similar, {len(old.split())}→{len(new.split())} words"


async def run_cascade(miner: Miner, story: Story, pack: Pack, leaf: Kind, root: str, *, include_human: bool = False,
                      n: int = 1, model_id: str | None = None, judge: str | None = None, seed: int = 0) -> CascadeReport:
    repo = miner.repo
    nodes = repo.nodes(story.id)
    if root not in nodes:
        raise StudioError(f"story {story.id} has no node '{root}' yet (see: punchup write show)")
    changed: list[NodeChange] = []
    skipped: list[SkippedNode] = []

    def skip(label: str, reason: str) -> None:
        skipped.append(SkippedNode(label=label, reason=reason))

    for planned in descendants(root, nodes):
        nodes = repo.nodes(story.id)  # the writer may have edited, chosen or locked anything meanwhile
        node = nodes[planned.label]
        if node.locked:
            skip(node.label, "locked")
            continue
        if node.text is None:
            skip(node.label, "no chosen text yet")
            continue
        if not changed_parents(node, nodes):
            waits_on = stale_reasons(nodes).get(node.label)
            skip(node.label, f"waits: {'; '.join(waits_on)}" if waits_on else "fresh")
            continue
        if node.human_share > HUMAN_WRITTEN and not include_human:
            skip(node.label, f"human-written ({node.human_share:.0%} by the writer); kept (use --include-human to regenerate)")
            continue
        built_on = current_parent_hashes(node, nodes)
        try:
            for draw in range(DRAWS):  # a small model now and then writes only junk: draw the next seeds
                ranked = await miner.generate_for(
                    story, pack, leaf, nodes, node.label, n=n, model_id=model_id or node.model,
                    judge=judge if n > 1 else NO_JUDGE, seed=seed + draw * n,  # nothing to rank among one draft
                )
                if ranked.alternatives:
                    break
        except StudioError as exc:
            skip(node.label, str(exc))
            continue
        if not ranked.alternatives:
            skip(node.label, f"the model returned only empty drafts ({DRAWS * n} seeds)")
            continue
        best = ranked.alternatives[0]
        state = NodeState(
            text=best.text,
            provenance=whole(best.text, ai_source(best.model, best.prompt_hash, best.created_at)),
            parent_hashes=built_on,  # the parents it was generated from, even if one changed since
            chosen_alt=best.number,
            model=best.model,
        )
        if not repo.save_state(node, state, "cascade", expect_revision=node.revision):
            skip(node.label, "changed by the writer during the cascade; kept the writer's version")
            continue
        changed.append(NodeChange(
            label=node.label, old_hash=text_hash(node.text), new_hash=text_hash(best.text),
            summary=diff_summary(node.text, best.text),
        ))
    return CascadeReport(story_id=story.id, root=root, changed=changed, skipped=skipped, calls_made=0, calls_cached=0)
