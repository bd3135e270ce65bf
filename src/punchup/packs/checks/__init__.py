"""Pack checks: one module per per-prompt field a pack can set, holding everything about that field.

A check owns (1) the field's vocabulary and validation, used by `packs.schema`; (2) what a rubric judge is
asked for it (extra JSON fields) and how the reply is read back; (3) what the built-in judge measures for
it; (4) the summary figure people read. Adding a field means one module here, registered in
`punchup.registry.pack_checks` (punchup/registry.py); the judges and the summary loop over `all_checks()`.

    moves   camera pack: required camera moves -> adherence per move ("dolly zoom: 6/10")
    alts    comedy pack: N alternates per setup -> hit rate and alts per keeper
    expect  refusal pack: comply or refuse -> over- and under-refusal
"""

from __future__ import annotations

from typing import Any, Protocol

from punchup import registry


class PackCheck(Protocol):
    """What every check provides. `prompt` is a PromptSpec, `state` a BenchState (duck-typed: checks sit
    below the packs schema and the bench, so they import neither)."""

    name: str  # the PromptSpec field it owns
    summary_key: str  # where its figure goes in the bench summary

    def instructions(self, prompt: Any) -> str: ...  # what a rubric judge is told; "" when the prompt has no such field

    def reply_fields(self, prompt: Any) -> dict[str, dict[str, Any]]: ...

    def read_reply(self, prompt: Any, values: dict[str, Any]) -> dict[str, Any]: ...

    def measure(self, prompt: Any, text: str, score_text: Any) -> tuple[dict[str, Any], list[str]]: ...

    def figure(self, state: Any) -> dict[str, Any]: ...


def all_checks() -> list[PackCheck]:
    """Every registered check, in name order."""
    return [registry.pack_checks.get(name) for name in registry.pack_checks.names()]


__all__ = ["PackCheck", "all_checks"]
