"""The studio: co-writing a story tree (logline -> premise -> characters -> beats -> scenes -> script/prose)
with ranked alternatives, derived stale marks, cascades, targeted rewrites and per-character provenance.

`Studio` is the whole public API; the CLI (`punchup write ...`) and the web app are thin layers over it.
Names are imported on first use, so `punchup --help` does not pay for judges and exporters.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS: dict[str, str] = {
    "DEFAULT_JUDGE": "punchup.judging.factory",
    "NO_JUDGE": "punchup.studio.defaults",
    "AuthorShare": "punchup.studio.authorship",
    "AuthorshipReport": "punchup.studio.authorship",
    "NodeAuthorship": "punchup.studio.authorship",
    "SceneAuthorship": "punchup.studio.authorship",
    "ExportResult": "punchup.studio.export",
    "Source": "punchup.studio.provenance",
    "Span": "punchup.studio.provenance",
    "Alternative": "punchup.studio.records",
    "CascadeReport": "punchup.studio.records",
    "ExpandResult": "punchup.studio.records",
    "Node": "punchup.studio.records",
    "NodeChange": "punchup.studio.records",
    "NodeDetail": "punchup.studio.records",
    "NodeVersion": "punchup.studio.records",
    "NodeView": "punchup.studio.records",
    "RankedNode": "punchup.studio.records",
    "RewriteResult": "punchup.studio.records",
    "SkippedNode": "punchup.studio.records",
    "Story": "punchup.studio.records",
    "StoryView": "punchup.studio.records",
    "StorySettings": "punchup.studio.records",
    "Studio": "punchup.studio.studio",
    "StudioError": "punchup.studio.tree",
    "Pitch": "punchup.studio.pitching",
    "PitchBoard": "punchup.studio.pitching",
    "PassResult": "punchup.studio.room",
    "Pick": "punchup.studio.room",
    "Recipe": "punchup.studio.steering",
    "Steering": "punchup.studio.steering",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from punchup.studio.authorship import AuthorShare, AuthorshipReport, NodeAuthorship, SceneAuthorship
    from punchup.judging.factory import DEFAULT_JUDGE
    from punchup.studio.defaults import NO_JUDGE
    from punchup.studio.export import ExportResult
    from punchup.studio.provenance import Source, Span
    from punchup.studio.records import (
        Alternative, CascadeReport, ExpandResult, Node, NodeChange, NodeDetail, NodeVersion, NodeView, RankedNode,
        RewriteResult, SkippedNode, Story, StoryView,
    )
    from punchup.studio.pitching import Pitch, PitchBoard
    from punchup.studio.records import StorySettings
    from punchup.studio.room import PassResult, Pick
    from punchup.studio.steering import Recipe, Steering
    from punchup.studio.studio import Studio
    from punchup.studio.tree import StudioError


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'punchup.studio' has no attribute {name!r}")
    return getattr(importlib.import_module(_EXPORTS[name]), name)
