"""Providers behind "provider/name" strings, imported only when first used.

A provider is a factory `(name: str, options: dict) -> Model`. Registering by
dotted path keeps `import punchup` fast and lets an optional dependency fail
with the name of the package to install instead of an ImportError at start-up.
"""

from __future__ import annotations

import importlib
from typing import Any, Callable

from punchup.errors import ModelError
from punchup.models.base import Model

ProviderFactory = Callable[[str, dict[str, Any]], Model]

# provider -> ("module:function", pip package that provides its dependency)
_PROVIDERS: dict[str, tuple[str, str | None]] = {
    "local": ("punchup.models.local:create", "llama-cpp-python"),
    "openai": ("punchup.models.openai_compat:create", "openai"),
    "fake": ("punchup.models.fake:create", None),
}

# factories already imported, or registered directly as callables
_FACTORIES: dict[str, ProviderFactory] = {}

DEFAULT_MODEL = "local/smollm2"


def register_provider(provider: str, target: str | ProviderFactory, package: str | None = None) -> None:
    """Add a provider, either as "module:function" (lazy) or a factory callable."""
    if callable(target):
        _FACTORIES[provider] = target
    else:
        _PROVIDERS[provider] = (target, package)


def providers() -> list[str]:
    return sorted(set(_PROVIDERS) | set(_FACTORIES))


def split_model_id(model_id: str) -> tuple[str, str]:
    provider, sep, name = model_id.partition("/")
    if not sep or not provider or not name:
        raise ModelError(f"model '{model_id}' is not of the form provider/name (e.g. {DEFAULT_MODEL})")
    return provider, name


def _factory(provider: str) -> ProviderFactory:
    if provider in _FACTORIES:
        return _FACTORIES[provider]
    if provider not in _PROVIDERS:
        raise ModelError(f"unknown model provider '{provider}' (known: {', '.join(providers())})")
    target, package = _PROVIDERS[provider]
    module_name, _, attr = target.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        hint = f"; install it with: pip install {package}" if package else ""
        raise ModelError(f"provider '{provider}' needs the missing package '{exc.name}'{hint}") from None
    factory = getattr(module, attr)
    _FACTORIES[provider] = factory
    return factory


def get_model(model_id: str, **options: Any) -> Model:
    """Resolve "provider/name" to a Model instance."""
    provider, name = split_model_id(model_id)
    return _factory(provider)(name, options)
