"""One registry type for everything that plugs in: providers, judges, samplers and pack checks.

An entry is either an object or a lazy "module:object" string, imported on first
use, so `import punchup` stays fast and an optional dependency fails with the
name of the package to install instead of an ImportError at start-up. Third-party
packages add entries through a Python entry-point group (like `llm` plugins and
Inspect's model APIs):

    [project.entry-points."punchup.judges"]
    mine = "my_package.judge:create"      # usable as --judge mine/NAME

Entry points are read once, the first time a name is not found among the built-ins.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Generic, TypeVar

from punchup.errors import ModelError, PunchupError

T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    target: Any  # an object, or "module:object" not yet imported
    package: str | None = None  # pip package behind an optional dependency, named in the error


class RegistryError(PunchupError):
    """An unknown name, or an entry whose optional dependency is missing."""


class Registry(Generic[T]):
    """Names -> objects of one kind, resolved lazily; `kind` names them in error messages."""

    def __init__(self, kind: str, group: str, error: type[PunchupError] = RegistryError) -> None:
        self.kind = kind
        self.group = group
        self.error = error
        self._entries: dict[str, Entry] = {}
        self._loaded: dict[str, T] = {}
        self._plugins_read = False

    def register(self, name: str, target: T | str, package: str | None = None) -> None:
        """Add (or replace) `name`: an object, or "module:object" imported on first use."""
        self._entries[name] = Entry(target, package)
        self._loaded.pop(name, None)

    def unregister(self, name: str) -> None:
        """Remove `name` (tests and plug-in reloads); unknown names are ignored."""
        self._entries.pop(name, None)
        self._loaded.pop(name, None)

    def names(self) -> list[str]:
        self._read_plugins()
        return sorted(self._entries)

    def __contains__(self, name: str) -> bool:
        if name not in self._entries:
            self._read_plugins()
        return name in self._entries

    def get(self, name: str) -> T:
        if name in self._loaded:
            return self._loaded[name]
        if name not in self:
            raise self.error(f"unknown {self.kind} '{name}' (known: {', '.join(self.names()) or 'none'})")
        entry = self._entries[name]
        value = self._import(name, entry) if isinstance(entry.target, str) else entry.target
        self._loaded[name] = value
        return value

    def _import(self, name: str, entry: Entry) -> T:
        module_name, sep, attribute = entry.target.partition(":")
        if not sep:
            raise self.error(f"{self.kind} '{name}' is registered as '{entry.target}', not 'module:object'")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            hint = f"; install it with: pip install {entry.package}" if entry.package else ""
            raise self.error(f"{self.kind} '{name}' needs the missing package '{exc.name}'{hint}") from None
        try:
            return getattr(module, attribute)
        except AttributeError:
            raise self.error(f"{self.kind} '{name}': module '{module_name}' has no '{attribute}'") from None

    def _read_plugins(self) -> None:
        if self._plugins_read:
            return
        self._plugins_read = True
        for point in entry_points(group=self.group):
            self._entries.setdefault(point.name, Entry(point.value))


# The four kinds, with punchup's own entries as lazy strings: nothing here is imported until used.
providers: Registry[Any] = Registry("model provider", "punchup.providers", error=ModelError)
providers.register("local", "punchup.models.providers.local:create", "llama-cpp-python")
providers.register("openai", "punchup.models.providers.openai_compat:create", "openai")
providers.register("fake", "punchup.models.fake:create")

# A judge family answers for "family/NAME": factory(name, store, model_for) -> (rubric judge, pairwise judge).
# A judge id whose family is not registered here is a model id: an LLM judge on that model.
judges: Registry[Any] = Registry("judge", "punchup.judges")
judges.register("craft", "punchup.judging.heuristic.judge:create")
judges.register("reward", "punchup.judging.reward.judge:create", "punchup[embed]")

# A sampler wraps a writer model (see punchup.improve.samplers.build): token-level ones are
# factory(model_id, antislop_settings, unusual_settings) -> Model; best_of is
# factory(inner_model, settings, judges, pack, prompt) -> Model.
samplers: Registry[Any] = Registry("sampler", "punchup.samplers")
samplers.register("antislop", "punchup.improve.samplers.token_sampler:TokenSamplerModel", "llama-cpp-python")
samplers.register("unusual", "punchup.improve.samplers.token_sampler:TokenSamplerModel", "llama-cpp-python")
samplers.register("best_of", "punchup.improve.samplers.best_of:BestOfModel")

# A pack check owns one per-prompt field of a pack (camera moves, comedy alts, refusal expectations).
pack_checks: Registry[Any] = Registry("pack check", "punchup.pack_checks")
pack_checks.register("moves", "punchup.packs.checks.moves:CHECK")
pack_checks.register("alts", "punchup.packs.checks.alts:CHECK")
pack_checks.register("expect", "punchup.packs.checks.expect:CHECK")

__all__ = ["Entry", "Registry", "RegistryError", "judges", "pack_checks", "providers", "samplers"]
