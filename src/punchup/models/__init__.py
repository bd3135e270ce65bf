"""Models: the contract, the providers behind "provider/name" strings, and the caching recorder."""

from punchup.models.base import GenerateConfig, Generation, Message, Model, as_messages
from punchup.models.cached import CachedModel, CallStats, call_key
from punchup.models.registry import DEFAULT_MODEL, get_model, list_providers, register_provider, split_model_id

__all__ = [
    "DEFAULT_MODEL",
    "CachedModel",
    "CallStats",
    "GenerateConfig",
    "Generation",
    "Message",
    "Model",
    "as_messages",
    "call_key",
    "get_model",
    "list_providers",
    "register_provider",
    "split_model_id",
]
