"""Which models can be used right now, for `punchup models`."""

from __future__ import annotations

from punchup.config import Settings
from punchup.errors import PunchupError
from punchup.models.registry import get_model, list_providers

# The model each provider is probed with; the OpenAI probe only lists the server's models.
_PROBES = {"local": "local/smollm2", "openai": "openai/probe", "fake": "fake/probe"}
_SHOWN = {"openai": "openai/MODEL", "fake": "fake/NAME"}


async def model_status(settings: Settings, base_url: str | None = None) -> list[dict[str, str]]:
    rows = []
    for provider in list_providers():
        probe = _PROBES.get(provider, f"{provider}/default")
        shown = _SHOWN.get(provider, probe)
        try:
            model = get_model(probe, **settings.model_options(probe, base_url))
            status = await model.check()
            await model.aclose()
        except PunchupError as exc:
            status = f"unavailable: {exc}"
        default = " (default)" if probe == settings.default_model else ""
        rows.append({"model": shown + default, "provider": provider, "status": status})
    return rows
