"""Writer profiles: a model plus optional system prompt, craft notes and sampling overrides.

Profiles let users compare models, prompting strategies and fine-tunes the same way.
Inline form: MODEL[@key=value;key=value...], keys: temp, top_p, max_tokens, craft, system, name.
    local/smollm2                 plain
    local/smollm2@craft           the pack's craft notes as system prompt
    local/smollm2@temp=1.2        hotter sampling
    local/smollm2@lora=NAME       with a LoRA adapter from `punchup tune --out NAME` (or lora=PATH.gguf)
Samplers (punchup.improve.samplers): antislop[=PHRASE_FILE] (backtracks=N), best_of=N (judge=J, select=pairwise|rubric),
unusual (hot=T, cool=T, opening=sentence|N); they compose with the keys above: local/smollm2@antislop;temp=0.9;name=x
Or a YAML file holding one profile or `writers: [profile, ...]`.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from punchup.errors import PunchupError
from punchup.improve.samplers.settings import OPTION_OWNERS, SamplerSettings, sampler_from_options
from punchup.models.registry import split_model_id
from punchup.util.userfiles import load_yaml_file

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
    sampler: SamplerSettings | None = None  # antislop / unusual / best_of, see punchup.improve.samplers

    def system_for(self, pack_craft_notes: str, pack_system: str | None) -> str | None:
        parts = [p.strip() for p in (pack_system, pack_craft_notes if self.craft_notes else None, self.system_prompt) if p]
        return "\n\n".join(parts) or None


def parse_inline(spec: str) -> WriterProfile:
    model, _, options = spec.partition("@")
    split_model_id(model)  # the model part must name a provider
    fields: dict[str, Any] = {"name": spec, "model": model}
    sampler_options: dict[str, str | None] = {}
    for item in filter(None, (part.strip() for part in options.split(";"))):
        key, has_value, value = item.partition("=")
        if key in OPTION_OWNERS:
            if key in sampler_options:
                raise PunchupError(f"writer '{spec}': option '{key}' is given twice")
            sampler_options[key] = value if has_value else None
            continue
        if key == "lora":  # a LoRA adapter on a local model: part of the model id, so its calls cache apart
            if not value.strip() or not model.startswith("local/"):
                raise PunchupError(f"writer '{spec}': lora= needs a local/ model and an adapter (lora=NAME or PATH.gguf)")
            fields["model"] = f"{model}@lora={value.strip()}"
            continue
        if key not in _KEYS:
            known = ", ".join(sorted({*_KEYS, *OPTION_OWNERS, "lora"}))
            raise PunchupError(f"writer '{spec}': unknown option '{key}' (known: {known})")
        field = _KEYS[key]
        if field == "craft_notes":
            fields[field] = (value.lower() not in ("0", "false", "no", "off")) if has_value else True
        elif not has_value:
            raise PunchupError(f"writer '{spec}': option '{key}' needs a value ({key}=...)")
        else:
            fields[field] = value
    fields["sampler"] = sampler_from_options(sampler_options, f"writer '{spec}'")
    return _validate(fields, f"writer '{spec}'")


def _validate(fields: dict[str, Any], where: str) -> WriterProfile:
    try:
        return WriterProfile.model_validate(fields)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"]) or "profile"
        raise PunchupError(f"{where}: {loc}: {first['msg']}") from None


def load_writer_file(path: Path) -> list[WriterProfile]:
    # The same size, UTF-8, alias and nesting limits as packs: a profile file is the user's too.
    data = load_yaml_file(path, str(path), PunchupError)
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
