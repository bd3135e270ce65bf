"""Rubric judge: one call scores every criterion of a pack on an anchored 1-10 scale."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from punchup.util.hashing import content_key
from punchup.judging.llm.ask import RATIONALE_CHARS, JudgeReply, ModelJudge, ask_json, bounded_string, enum_int
from punchup.judging.guard import DATA_DECLARATION, detect_injection, wrap_candidate
from punchup.judging.llm.prompts import TEMPLATE_VERSION, render
from punchup.packs.checks import all_checks
from punchup.judging.records import RubricResult
from punchup.models import Message
from punchup.packs import Pack, Persona, PromptSpec



def reply_fields(pack: Pack, prompt: PromptSpec, persona: Persona | None) -> dict[str, dict[str, Any]]:
    """JSON-schema property per field the judge must fill, in the order it should write them."""
    fields: dict[str, dict[str, Any]] = {"rationale": bounded_string(RATIONALE_CHARS)}
    if persona is not None:
        fields["love"] = enum_int(1, 10)
        return fields
    for criterion in pack.rubric:
        fields[criterion.id] = enum_int(1, 10)
    for check in all_checks():  # per-prompt fields: camera moves, comedy alts, ...
        fields.update(check.reply_fields(prompt))
    return fields


def reply_schema(fields: dict[str, dict[str, Any]]) -> tuple[dict[str, Any], type[BaseModel]]:
    json_schema = {"type": "object", "properties": fields, "required": list(fields), "additionalProperties": False}
    typed: dict[str, Any] = {}
    for name, spec in fields.items():
        if name == "rationale":
            continue
        values = tuple(spec["enum"])
        typed[name] = (Literal[values], Field(...))  # type: ignore[valid-type]
    return json_schema, create_model("RubricReply", __base__=JudgeReply, **typed)


def overall_score(pack: Pack, scores: dict[str, int]) -> float | None:
    """Weighted mean on 1..10 where a negative criterion counts as 11 - score."""
    total = weight = 0.0
    for criterion in pack.rubric:
        if criterion.id in scores:
            total += criterion.weight * criterion.oriented(scores[criterion.id])
            weight += criterion.weight
    return total / weight if weight else None


class RubricJudge(ModelJudge):
    def messages(self, pack: Pack, prompt: PromptSpec, text: str, persona: Persona | None) -> list[Message]:
        body = render(
            "rubric.j2",
            pack=pack,
            prompt=prompt,
            persona=persona,
            candidate=wrap_candidate(text, "1"),
            data_declaration=DATA_DECLARATION,
            check_instructions=[] if persona else [i for check in all_checks() if (i := check.instructions(prompt))],
        )
        return [Message(role="user", content=body)]

    async def judge(self, pack: Pack, prompt: PromptSpec, text: str, persona: Persona | None = None) -> RubricResult:
        key = content_key(
            {
                "kind": "rubric",
                "judge": self.model.cache_name,  # not the name: a local model's weights copy computes its own text
                "config": self.config.cache_fields(),
                "pack": pack.content_hash,
                "prompt": prompt.id,
                "persona": persona.id if persona else None,
                "text": text,
                "template": TEMPLATE_VERSION,
            }
        )
        if (stored := self.reusable(key)) is not None:
            return RubricResult.model_validate({**stored, "cached": True})

        fields = reply_fields(pack, prompt, persona)
        json_schema, reply_type = reply_schema(fields)
        answer = await ask_json(self.model, self.messages(pack, prompt, text, persona), reply_type, json_schema, self.config)
        result = RubricResult(
            ok=answer.ok,
            judge=self.name,
            pack=pack.name,
            pack_version=pack.version,
            prompt_id=prompt.id,
            persona=persona.id if persona else None,
            injection=detect_injection(text).reasons,
            error=answer.error,
            raw=answer.raw,
        )
        if answer.value is not None:
            values = answer.value.model_dump()
            result.rationale = values.pop("rationale", "")
            if persona is None:  # a persona gives one "love" score, not the per-move/per-alt checks
                for check in all_checks():
                    for field, value in check.read_reply(prompt, values).items():
                        setattr(result, field, value)
            result.scores = values
            result.overall = float(values["love"]) if persona else overall_score(pack, values)
        self.store.put_judgment(
            key,
            kind="persona" if persona else "rubric",
            judge=self.name,
            pack=pack.name,
            pack_hash=pack.content_hash,
            subject=content_key(text),
            ok=result.ok,
            result=result.model_dump(exclude={"cached"}),
            raw=answer.raw,
            error=answer.error,
        )
        return result
