"""What judges return: typed records, stored as JSON in the judgments table."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Literal, Protocol

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from punchup.models import CachedModel
    from punchup.packs import Pack, Persona, PromptSpec
    from punchup.store import Store

Verdict = Literal["A", "B", "tie"]


class RubricResult(BaseModel):
    ok: bool
    judge: str
    pack: str
    pack_version: str
    prompt_id: str
    persona: str | None = None
    scores: dict[str, int] = Field(default_factory=dict)  # criterion id (or "love") -> 1..10, only criteria judged
    # Criteria this judge cannot tell apart from the rest: shown as "not judged by this judge", never as a number.
    not_judged: list[str] = Field(default_factory=list)
    moves: dict[str, str] = Field(default_factory=dict)  # camera move -> correct/incorrect/missing
    alts: list[int] = Field(default_factory=list)  # comedy: one score per alt
    overall: float | None = None  # weighted mean on 1..10, negative criteria inverted
    rationale: str = ""
    injection: list[str] = Field(default_factory=list)  # guard reasons; non-empty = flagged
    error: str | None = None
    raw: str = ""
    cached: bool = False


class CriterionOutcome(BaseModel):
    """One pairwise criterion after both orders: score of the first text (1, 0.5, 0)."""

    score_x: float
    flipped: bool  # the two orders disagreed, so the outcome became a tie
    margin: float


class PairResult(BaseModel):
    ok: bool
    judge: str
    pack: str
    pack_version: str
    prompt_id: str
    outcomes: dict[str, CriterionOutcome] = Field(default_factory=dict)
    score_x: float | None = None  # mean over criteria: 1 = x won everything
    flips: int = 0
    injection_x: list[str] = Field(default_factory=list)
    injection_y: list[str] = Field(default_factory=list)
    rationale: str = ""
    error: str | None = None
    raw: str = ""
    cached: bool = False


class RubricJudging(Protocol):
    """Anything that scores one text against a pack's rubric: an LLM judge, the built-in judge, a panel."""

    name: str

    async def judge(self, pack: Pack, prompt: PromptSpec, text: str, persona: Persona | None = None) -> RubricResult: ...


class PairJudging(Protocol):
    """Anything that compares two texts written to the same brief, in both orders."""

    name: str

    async def judge_pair(self, pack: Pack, prompt: PromptSpec, text_x: str, text_y: str) -> PairResult: ...


JudgePair = tuple[RubricJudging, PairJudging]


@dataclass(frozen=True)
class JudgeFamily:
    """A registered family of judges answering for "family/NAME" (punchup.registry.judges).

    `names` lists the valid NAMEs (checked before any store or model is opened); `build` makes the
    rubric and pairwise judge for one of them. A judge that needs no model ignores `model_for`.
    """

    names: Callable[[], list[str]]
    build: Callable[[str, "Store", Callable[[str], "CachedModel"]], Any]
