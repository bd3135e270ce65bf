"""Changing a node's chosen text: choose, the writer's edit, accept, and the model's targeted rewrites.

Every change goes through StoryRepository.save_state (so it can be undone)
and carries the provenance forward: a choice is all AI, an edit is diffed
with the writer as author, a rewrite attributes only what the model wrote.
"""

from __future__ import annotations

from typing import Callable

from punchup.models import CachedModel, GenerateConfig, Message
from punchup.packs import Pack
from punchup.studio.defaults import KIND_MAX_TOKENS, REWRITE_TEMPERATURE
from punchup.studio.mine import MiningSettings
from punchup.studio.outline import clean_generation
from punchup.studio.prompts import (
    PromptContext,
    context_for,
    continue_messages,
    medium_of,
    prompt_hash,
    resize_messages,
    span_messages,
)
from punchup.studio.provenance import HUMAN, ai_source, apply_edit, splice, splice_edit, whole
from punchup.studio.records import Alternative, Node, NodeState, RewriteResult, Story, text_hash
from punchup.studio.repository import StoryRepository
from punchup.studio.rewrite import (
    SpanIntegrityError,
    check_span,
    continuation_separator,
    extract_replacement,
    fit_whitespace,
    splice_checked,
)
from punchup.studio.runaway import contain, token_budget
from punchup.studio.staleness import current_parent_hashes
from punchup.studio.tree import Kind, StudioError, parents_of, parse_label


def changed_meanwhile(label: str, action: str) -> str:
    return f"'{label}' changed meanwhile (edited, locked or undone elsewhere); the {action} was not saved: look again and retry"


def check_revision(node: Node, revision: int | None, action: str) -> None:
    """The writer acted on the node as a page showed it (revision); refuse when it has moved on since."""
    if revision is not None and revision != node.revision:
        raise StudioError(changed_meanwhile(node.label, action))


class Editor:
    def __init__(self, repo: StoryRepository, model_for: Callable[[str], CachedModel], settings: MiningSettings):
        self.repo = repo
        self.model_for = model_for
        self.settings = settings

    # -- the writer's decisions -------------------------------------------------------
    @staticmethod
    def refuse_locked(node: Node, action: str) -> None:
        if node.locked:
            raise StudioError(f"'{node.label}' is locked; unlock it before you {action} it")

    def commit(self, node: Node, state: NodeState, action: str) -> None:
        """Save a node's new state only if it is still as this action found it (revision, unlocked).

        A model call can take minutes; if the writer edited, locked or undid the
        node meanwhile, overwriting it would silently lose their work.
        """
        if not self.repo.save_state(node, state, action):
            raise StudioError(changed_meanwhile(node.label, action))

    @staticmethod
    def require_text(node: Node) -> str:
        if not node.text:
            raise StudioError(f"'{node.label}' has no text yet; choose an alternative or write it first")
        return node.text

    def choose(self, node: Node, alt: Alternative) -> None:
        self.refuse_locked(node, "choose for")
        nodes = self.repo.nodes(node.story_id)
        self.commit(node, NodeState(
            text=alt.text,
            provenance=whole(alt.text, ai_source(alt.model, alt.prompt_hash, alt.created_at)),
            parent_hashes=current_parent_hashes(node, nodes),
            chosen_alt=alt.number,
            model=alt.model,
        ), "choose")

    def edit(self, story: Story, label: str, text: str, revision: int | None = None) -> None:
        """`revision`: the one the writer's form showed; refused if the node moved on since."""
        if not text.strip():
            raise StudioError(f"the new text for '{label}' is empty (use undo to go back to an earlier version)")
        with self.repo.store.transaction():  # a new node and its first text land together
            self._edit(story, label, text, revision)

    def _edit(self, story: Story, label: str, text: str, revision: int | None) -> None:
        nodes = self.repo.nodes(story.id)
        node = nodes.get(label)
        if node is None:
            kind, ordinal = parse_label(label)
            for parent in parents_of(kind, ordinal):
                if parent not in nodes or nodes[parent].text is None:
                    raise StudioError(f"write or choose '{parent}' before writing '{label}'")
            node = self.repo.ensure_node(story.id, label, kind, ordinal)
        self.refuse_locked(node, "edit")
        check_revision(node, revision, "edit")
        if node.text is None:
            # Written from scratch: built on the parents as they are now.
            state = NodeState(text=text, provenance=whole(text, HUMAN), parent_hashes=current_parent_hashes(node, nodes))
        elif text == node.text:
            return
        else:
            provenance = apply_edit(node.text, text, node.provenance, HUMAN)
            # Once none of the model's characters are left, the text is no longer "the chosen alternative".
            still_offered = any(span.source.kind != "human" for span in provenance)
            state = node.state().model_copy(update={
                "text": text, "provenance": provenance, "chosen_alt": node.chosen_alt if still_offered else None,
            })
        self.commit(node, state, "edit")

    def accept(self, node: Node) -> None:
        self.refuse_locked(node, "accept")
        self.require_text(node)
        nodes = self.repo.nodes(node.story_id)
        state = node.state().model_copy(update={"parent_hashes": current_parent_hashes(node, nodes)})
        self.commit(node, state, "accept")

    # -- the model's targeted rewrites ---------------------------------------------------
    def _config(self, budget: int, seed: int) -> GenerateConfig:
        if self.settings.max_tokens is not None:
            budget = min(budget, self.settings.max_tokens)
        return GenerateConfig(temperature=REWRITE_TEMPERATURE, max_tokens=max(16, budget), seed=seed)

    async def _generate(self, node: Node, messages: list[Message], config: GenerateConfig, model_id: str | None) -> tuple[str, str]:
        model = self.model_for(model_id or node.model or self.settings.writer)
        generation = await model.generate(messages, config)
        return generation.text, model.name

    def _save(self, node: Node, text: str, provenance: list, action: str) -> None:
        self.commit(node, node.state().model_copy(update={"text": text, "provenance": provenance}), action)

    async def rewrite_span(self, node: Node, medium: str, start: int, end: int, instruction: str,
                           model_id: str | None, seed: int) -> RewriteResult:
        self.refuse_locked(node, "rewrite")
        text = self.require_text(node)
        check_span(start, end, len(text))
        if not instruction.strip():
            raise StudioError("a span rewrite needs an instruction (what should change?)")
        messages = span_messages(node.kind, PromptContext(medium=medium), text, start, end, instruction)
        reply, model_name = await self._generate(node, messages, self._config(token_budget(end - start), seed), model_id)
        contained, _ = contain(extract_replacement(reply, text, start, end).strip(), end - start)
        replacement = fit_whitespace(text[start:end], contained)
        if not replacement.strip():
            raise StudioError(f"the model returned nothing for span {start}:{end}; try another --seed")
        new_text = splice_checked(text, start, end, replacement)
        source = ai_source(model_name, prompt_hash(messages))
        if new_text == text:
            raise StudioError(f"the model gave span {start}:{end} back unchanged; try another --seed or instruction")
        self._save(node, new_text, splice_edit(node.provenance, text, start, end, replacement, source), "rewrite")
        return RewriteResult(label=node.label, mode="span", start=start, end=start + len(replacement),
                             old_hash=text_hash(text), new_hash=text_hash(new_text), text=new_text, model=model_name)

    async def continue_text(self, node: Node, nodes: dict[str, Node], pack: Pack, leaf: Kind, instruction: str,
                            model_id: str | None, seed: int) -> RewriteResult:
        self.refuse_locked(node, "continue")
        text = self.require_text(node)
        try:
            context = context_for(node.kind, node.ordinal, nodes, leaf)
        except StudioError:  # e.g. the beats lost this scene's entry: continue from the text alone
            context = PromptContext(medium=medium_of(leaf))
        messages = continue_messages(node.kind, context, text, instruction)
        budget = KIND_MAX_TOKENS.get(node.kind, pack.generation.max_tokens) // 2
        reply, model_name = await self._generate(node, messages, self._config(budget, seed), model_id)
        continuation = clean_generation(reply)
        if continuation.startswith(text.strip()):  # some models repeat the text before continuing it
            continuation = continuation[len(text.strip()):].lstrip()
        if not continuation:
            raise StudioError("the model returned no continuation; try another --seed")
        added = continuation_separator(text, continuation, node.kind) + continuation
        new_text = text + added
        if not new_text.startswith(text):
            raise SpanIntegrityError("a continuation changed the existing text")
        source = ai_source(model_name, prompt_hash(messages))
        self._save(node, new_text, splice(node.provenance, len(text), len(text), len(text), len(added), source), "continue")
        return RewriteResult(label=node.label, mode="continue", start=len(text), end=len(new_text),
                             old_hash=text_hash(text), new_hash=text_hash(new_text), text=new_text, model=model_name)

    async def resize(self, node: Node, medium: str, words: int, instruction: str, model_id: str | None, seed: int) -> RewriteResult:
        self.refuse_locked(node, "resize")
        text = self.require_text(node)
        if words < 1:
            raise StudioError("--words must be at least 1")
        messages = resize_messages(node.kind, PromptContext(medium=medium), text, words, instruction)
        reply, model_name = await self._generate(node, messages, self._config(words * 2 + 48, seed), model_id)
        new_text = clean_generation(reply)
        if not new_text:
            raise StudioError("the model returned an empty version; try another --seed")
        source = ai_source(model_name, prompt_hash(messages))
        self._save(node, new_text, apply_edit(text, new_text, node.provenance, source), "resize")
        return RewriteResult(label=node.label, mode="resize", start=0, end=len(new_text),
                             old_hash=text_hash(text), new_hash=text_hash(new_text), text=new_text, model=model_name)
