"""The studio's typed records: what the Store keeps and what the Studio API returns.

A web front end renders these as they are; the CLI prints them.
"""

from __future__ import annotations

import hashlib
from typing import Literal

from pydantic import BaseModel, Field

from punchup.studio.provenance import Span, human_share
from punchup.studio.steering import Recipe
from punchup.studio.tree import Kind

Status = Literal["empty", "fresh", "stale"]


def text_hash(text: str | None) -> str:
    """Content hash of a node's chosen text, short enough to print in a report."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()[:12]


class StorySettings(BaseModel):
    """Per-story choices the writer makes once: the credit on the title page, the structure, the format."""

    author: str = ""
    structure: str = ""  # a beat template name (structure.py); "" is the generic outline
    format: str = ""  # a steering format (multi-cam, single-cam, ...), the default for every generation


class Story(BaseModel):
    id: int
    title: str
    pack: str
    created_at: str
    updated_at: str
    settings: StorySettings = Field(default_factory=StorySettings)


class NodeState(BaseModel):
    """The part of a node that edits change and undo restores."""

    text: str | None = None
    provenance: list[Span] = Field(default_factory=list)
    parent_hashes: dict[str, str] = Field(default_factory=dict)
    chosen_alt: int | None = None  # number of the alternative the text started from
    model: str | None = None  # the model that wrote the current text's first draft


class Node(NodeState):
    id: int
    story_id: int
    label: str
    kind: Kind
    ordinal: int = 0
    parents: list[str] = Field(default_factory=list)
    locked: bool = False
    # Bumped on every change (also undo and lock), so a cascade can tell that
    # the writer touched a node while its replacement was being generated.
    revision: int = 0
    created_at: str
    updated_at: str

    @property
    def content_hash(self) -> str:
        return text_hash(self.text)

    @property
    def human_share(self) -> float:
        return human_share(self.provenance)

    def state(self) -> NodeState:
        return NodeState(**self.model_dump(include=set(NodeState.model_fields)))


class Alternative(BaseModel):
    id: int
    node_id: int
    number: int  # what the writer types in `choose NODE NUMBER`; stable for the node's life
    text: str
    model: str
    prompt_hash: str
    seed: int
    judge: str | None = None
    score: float | None = None  # the judge's overall 1..10; None when unranked or the judgment failed
    scores: dict[str, int] = Field(default_factory=dict)
    rationale: str = ""
    created_at: str
    recipe: Recipe | None = None  # how it was made (None: made before recipes were kept)


class NodeVersion(BaseModel):
    id: int
    node_id: int
    action: str  # choose, edit, rewrite, continue, resize, cascade, accept
    state: NodeState
    created_at: str


class NodeView(BaseModel):
    """One node as `show` presents it."""

    label: str
    kind: Kind
    ordinal: int
    status: Status
    locked: bool
    stale_because: list[str] = Field(default_factory=list)  # parents whose text changed under it
    text: str | None
    excerpt: str
    human_percent: float | None  # None for a node without text
    alternatives: int
    chosen_alt: int | None
    content_hash: str
    versions: int
    revision: int = 0  # what a page sends back, so a write based on an old view is refused


class StoryView(BaseModel):
    story: Story
    nodes: list[NodeView]


class NodeDetail(BaseModel):
    node: NodeView
    alternatives: list[Alternative]  # best first
    provenance: list[Span]
    parents: list[str]


class RankedNode(BaseModel):
    """The alternatives one expand produced for one node, best first."""

    label: str
    alternatives: list[Alternative]
    seeds: list[int] = Field(default_factory=list)  # the seeds this run drew for the node


class ExpandResult(BaseModel):
    story_id: int
    target: str
    nodes: list[RankedNode]
    judge: str | None
    calls_made: int
    calls_cached: int
    more: bool = False  # the seeds were ones the node never had


class NodeChange(BaseModel):
    label: str
    old_hash: str
    new_hash: str
    summary: str


class SkippedNode(BaseModel):
    label: str
    reason: str


class CascadeReport(BaseModel):
    story_id: int
    root: str
    changed: list[NodeChange]
    skipped: list[SkippedNode]
    calls_made: int
    calls_cached: int


class RewriteResult(BaseModel):
    label: str
    mode: Literal["span", "continue", "resize"]
    start: int
    end: int  # the region of the NEW text the model wrote
    old_hash: str
    new_hash: str
    text: str
    model: str
