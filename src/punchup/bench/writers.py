"""Writer profiles: a model plus optional system prompt, craft notes and sampling overrides.

Profiles let users compare models, prompting strategies and fine-tunes the same way.
Inline form: MODEL[@key=value;key=value...], keys: temp, top_p, max_tokens, craft, system, name.
    local/smollm2                 plain
    local/smollm2@craft           the pack's craft notes as system prompt
    local/smollm2@temp=1.2        hotter sampling
Or a YAML file holding one profile or `writers: [profile, ...]`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from punchup.errors import PunchupError
from punchup.models.registry import split_model_id

_KEYS = {"temp": "temperature", "temperature": "temperature", "top_p": "top_p", "max_tokens": "max_tokens",
         "craft": "craft_notes", "system": "system_prompt", "name": "name"}


# A comma starts a new writer only when a "provider/" follows, so system prompts may contain commas.
_NEXT_WRITER = re.compile(r",(?=\s*[A-Za-z0-9_.-]+/)")


class WriterProfile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80)
    model: str
    system_prompt: str | None = None
    craft_notes: bool = False  # prepend the pack's craft notes to the system prompt
    temperature: float | None = Field(None, ge=0, le=2)
    top_p: float | None = Field(None, gt=0, le=1)
    max_tokens: int | None = Field(None, ge=1, le=32768)

    def system_for(self, pack_craft_notes: str, pack_system: str | None) -> str | None:
        parts = [p.strip() for p in (pack_system, pack_craft_notes if self.craft_notes else None, self.system_prompt) if p]
        return "\n\n".join(parts) or None


def parse_inline(spec: str) -> WriterProfile:
    model, _, options = spec.partition("@")
    split_model_id(model)  # the model part must name a provider
    fields: dict[str, Any] = {"name": spec, "model": model}
    for item in filter(None, (part.strip() for part in options.split(";"))):
        key, has_value, value = item.partition("=")
        if key not in _KEYS:
            raise PunchupError(f"writer '{spec}': unknown option '{key}' (known: {', '.join(sorted(_KEYS))})")
        field = _KEYS[key]
        if field == "craft_notes":
            fields[field] = (value.lower() not in ("0", "false", "no", "off")) if has_value else True
        elif not has_value:
            raise PunchupError(f"writer '{spec}': option '{key}' needs a value ({key}=...)")
        else:
            fields[field] = value
    return _validate(fields, f"writer '{spec}'")


def _validate(fields: dict[str, Any], where: str) -> WriterProfile:
    try:
        return WriterProfile.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "profile"
        raise PunchupError(f"{where}: {loc}: {first['msg']}") from None


def load_writer_file(path: Path) -> list[WriterProfile]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PunchupError(f"{path}: cannot read writer profiles: {str(exc).splitlines()[0]}") from None
    entries = data.get("writers") if isinstance(data, dict) and "writers" in data else [data]
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise PunchupError(f"{path}: expected a profile mapping or 'writers:' with a list of them")
    profiles = []
    for i, entry in enumerate(entries):
        entry = {"name": entry.get("model", f"writer{i}"), **entry}
        profiles.append(_validate(entry, f"{path}: writers[{i}]"))
        split_model_id(profiles[-1].model)
    return profiles


def parse_writers(specs: list[str]) -> list[WriterProfile]:
    """Each spec: an inline profile, a YAML file, or a comma-separated list of inline profiles."""
    profiles: list[WriterProfile] = []
    for spec in specs:
        path = Path(spec)
        if spec.endswith((".yaml", ".yml")):
            if not path.is_file():
                raise PunchupError(f"writer profile file not found: {spec}")
            profiles.extend(load_writer_file(path))
        else:
            profiles.extend(parse_inline(s.strip()) for s in _NEXT_WRITER.split(spec) if s.strip())
    names = [p.name for p in profiles]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise PunchupError(f"writer names must be unique; repeated: {', '.join(duplicates)}")
    if not profiles:
        raise PunchupError("no writers given")
    return profiles
