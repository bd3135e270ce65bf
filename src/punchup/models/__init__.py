"""Models: the contract, the providers behind "provider/name" strings, and the caching recorder."""

from punchup.models.base import GenerateConfig, Generation, Message, Model, as_messages
from punchup.models.cached import CachedModel, CallStats, call_key
from punchup.models.registry import DEFAULT_MODEL, get_model, list_providers, register_provider, split_model_id
from punchup.models.text_stream import current_listener, streaming

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
    "current_listener",
    "get_model",
    "list_providers",
    "register_provider",
    "split_model_id",
    "streaming",
]
