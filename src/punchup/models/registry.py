"""Providers behind "provider/name" strings, imported only when first used.

A provider is a factory `(name: str, options: dict) -> Model`. Registering by
dotted path keeps `import punchup` fast and lets an optional dependency fail
with the name of the package to install instead of an ImportError at start-up.
"""

from __future__ import annotations

from typing import Any, Callable

from punchup import registry
from punchup.errors import ModelError
from punchup.models.base import Model

ProviderFactory = Callable[[str, dict[str, Any]], Model]

_PROVIDERS = registry.providers

DEFAULT_MODEL = "local/smollm2"


def register_provider(provider: str, target: str | ProviderFactory, package: str | None = None) -> None:
    """Add a provider, either as "module:function" (lazy) or a factory callable."""
    _PROVIDERS.register(provider, target, package)


def list_providers() -> list[str]:
    return _PROVIDERS.names()


def split_model_id(model_id: str) -> tuple[str, str]:
    provider, sep, name = model_id.partition("/")
    if not sep or not provider or not name:
        raise ModelError(f"model '{model_id}' is not of the form provider/name (e.g. {DEFAULT_MODEL})")
    return provider, name


def get_model(model_id: str, **options: Any) -> Model:
    """Resolve "provider/name" to a Model instance."""
    provider, name = split_model_id(model_id)
    return _PROVIDERS.get(provider)(name, options)
