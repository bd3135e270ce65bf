"""Pairwise judge: two anonymous texts, every criterion, both orders; disagreement is a tie."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, create_model

from punchup.util.hashing import content_key
from punchup.judging.llm.ask import RATIONALE_CHARS, Answer, JudgeReply, ModelJudge, ask_json, bounded_string, enum_int
from punchup.judging.guard import DATA_DECLARATION, detect_injection, wrap_candidate
from punchup.judging.llm.prompts import TEMPLATE_VERSION, render
from punchup.judging.orders import combine_orders
from punchup.judging.records import PairResult
from punchup.models import Message
from punchup.packs import Pack, PromptSpec

VERDICTS = ["A", "B", "tie"]


def pair_schema(pack: Pack) -> tuple[dict[str, Any], type[BaseModel]]:
    properties: dict[str, Any] = {"rationale": bounded_string(RATIONALE_CHARS)}
    typed: dict[str, Any] = {}
    for criterion in pack.pairwise:
        properties[criterion.id] = {"type": "string", "enum": VERDICTS}
        properties[f"{criterion.id}_margin"] = enum_int(1, 3)
        typed[criterion.id] = (Literal["A", "B", "tie"], Field(...))
        typed[f"{criterion.id}_margin"] = (Literal[1, 2, 3], Field(...))
    json_schema = {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}
    return json_schema, create_model("PairReply", __base__=JudgeReply, **typed)


class PairwiseJudge(ModelJudge):
    def messages(self, pack: Pack, prompt: PromptSpec, text_a: str, text_b: str) -> list[Message]:
        body = render(
            "pairwise.j2",
            pack=pack,
            prompt=prompt,
            candidate_a=wrap_candidate(text_a, "A"),
            candidate_b=wrap_candidate(text_b, "B"),
            data_declaration=DATA_DECLARATION,
        )
        return [Message(role="user", content=body)]

    async def _one_order(self, pack: Pack, prompt: PromptSpec, text_a: str, text_b: str) -> Answer[Any]:
        json_schema, reply_type = pair_schema(pack)
        return await ask_json(self.model, self.messages(pack, prompt, text_a, text_b), reply_type, json_schema, self.config)

    async def judge_pair(self, pack: Pack, prompt: PromptSpec, text_x: str, text_y: str) -> PairResult:
        """Compare x with y. The stored record is shared with (y, x): scores are mirrored on the way out."""
        swap = content_key(text_x) > content_key(text_y)
        first, second = (text_y, text_x) if swap else (text_x, text_y)
        result = await self._judge_canonical(pack, prompt, first, second)
        return mirror(result) if swap else result

    async def _judge_canonical(self, pack: Pack, prompt: PromptSpec, text_x: str, text_y: str) -> PairResult:
        key = content_key(
            {
                "kind": "pairwise",
                "judge": self.model.cache_name,  # not the name: a local model's weights copy computes its own text
                "config": self.config.cache_fields(),
                "pack": pack.content_hash,
                "prompt": prompt.id,
                "texts": [text_x, text_y],
                "template": TEMPLATE_VERSION,
            }
        )
        if (stored := self.reusable(key)) is not None:
            return PairResult.model_validate({**stored, "cached": True})

        forward = await self._one_order(pack, prompt, text_x, text_y)
        backward = await self._one_order(pack, prompt, text_y, text_x)
        result = PairResult(
            ok=forward.ok and backward.ok,
            judge=self.name,
            pack=pack.name,
            pack_version=pack.version,
            prompt_id=prompt.id,
            injection_x=detect_injection(text_x).reasons,
            injection_y=detect_injection(text_y).reasons,
            error=forward.error or backward.error,
            raw=f"{forward.raw}\n=== reversed order ===\n{backward.raw}",
        )
        if forward.value is not None and backward.value is not None:
            result.outcomes = combine_orders(pack, forward.value.model_dump(), backward.value.model_dump())
            result.score_x = sum(o.score_x for o in result.outcomes.values()) / len(result.outcomes)
            result.flips = sum(o.flipped for o in result.outcomes.values())
            result.rationale = forward.value.rationale  # type: ignore[attr-defined]
        self.store.put_judgment(
            key,
            kind="pairwise",
            judge=self.name,
            pack=pack.name,
            pack_hash=pack.content_hash,
            subject=f"{content_key(text_x)}|{content_key(text_y)}",
            ok=result.ok,
            result=result.model_dump(exclude={"cached"}),
            raw=result.raw,
            error=result.error,
        )
        return result


def mirror(result: PairResult) -> PairResult:
    """The same judgment seen from the other text's side."""
    return result.model_copy(
        update={
            "outcomes": {
                cid: o.model_copy(update={"score_x": 1.0 - o.score_x}) for cid, o in result.outcomes.items()
            },
            "score_x": None if result.score_x is None else 1.0 - result.score_x,
            "injection_x": result.injection_y,
            "injection_y": result.injection_x,
        }
    )
