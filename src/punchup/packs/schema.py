"""The shape of a benchmark pack: what writers are asked and how judges score it.

Every model forbids unknown keys, because a pack is hand-written YAML and a
misspelt key (``questoin:``) would otherwise be dropped without a word and
the judge would run without it. Models are frozen so that a pack's
``content_hash`` cannot drift after judgments have recorded it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
)
from pydantic_core import PydanticCustomError

from punchup.errors import PunchupError
from punchup.packs.checks.alts import MAX_ALTS
from punchup.packs.checks.moves import canonical_move, distinct_moves
from punchup.util.hashing import content_key


class PackError(PunchupError):
    """A pack cannot be found, read or validated; the message is one line naming where."""


_PACK_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CRITERION_ID = re.compile(r"[a-z0-9]+(?:_[a-z0-9]+)*")
_PROMPT_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")


def _slug_checker(pattern: re.Pattern[str], allowed: str) -> Callable[[str], str]:
    """A validator with a message a writer can act on, instead of a bare regex."""

    def check(value: str) -> str:
        if not pattern.fullmatch(value):
            raise PydanticCustomError(
                "slug",
                "{value} is not a valid id: use {allowed}",
                {"value": repr(value), "allowed": allowed},
            )
        return value

    return check


PackName = Annotated[
    str,
    AfterValidator(_slug_checker(_PACK_NAME, "lowercase letters, digits and single '-' between words")),
]
CriterionId = Annotated[
    str,
    AfterValidator(_slug_checker(_CRITERION_ID, "lowercase letters, digits and single '_' between words")),
]
PromptId = Annotated[
    str,
    AfterValidator(_slug_checker(_PROMPT_ID, "lowercase letters, digits and single '-' or '_' between words")),
]
# Text a judge or writer will read: an empty anchor or question would make the
# score meaningless. (Surrounding whitespace, e.g. the newline YAML block
# scalars add, is stripped model-wide by str_strip_whitespace.)
Text = Annotated[str, Field(min_length=1)]
ShortName = Annotated[str, Field(min_length=1, max_length=60)]


CameraMove = Annotated[str, BeforeValidator(canonical_move)]


def _version_must_be_quoted(value: Any) -> Any:
    # YAML reads `version: 1.0` as the float 1.0 and `1.10` as 1.1; refusing
    # numbers is the only way to keep the version the author actually wrote.
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise PydanticCustomError(
            "version_not_string",
            'version must be a quoted string such as "1.0" (YAML read {value} as a number)',
            {"value": repr(value)},
        )
    return value


class _Strict(BaseModel):
    # strict: YAML already yields real ints/bools/strings, so a string where a
    # number belongs (or `yes` where an id belongs) is a mistake, not something to coerce.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        str_strip_whitespace=True,
        allow_inf_nan=False,
    )


class GenerationDefaults(_Strict):
    """Sampling settings a writer model uses unless the run overrides them."""

    temperature: float = Field(default=0.8, ge=0.0, le=2.0)
    max_tokens: int = Field(default=600, ge=16, le=8192)
    samples: int = Field(default=1, ge=1, le=20)


class Criterion(_Strict):
    """One rubric line a judge scores from 1 to 10 against two anchors."""

    id: CriterionId
    name: ShortName
    question: Text
    low: Text = Field(description="What a response scoring 1 looks like.")
    high: Text = Field(description="What a response scoring 10 looks like.")
    negative: bool = Field(
        default=False,
        description="A high score is bad (e.g. cliché density); aggregates invert it.",
    )
    weight: float = Field(default=1.0, gt=0.0, le=100.0)

    def oriented(self, score: float) -> float:
        """The score on a 1..10 scale where higher is always better."""
        return 11.0 - score if self.negative else score


class PairwiseCriterion(_Strict):
    """A question a judge answers by picking the better of two responses."""

    id: CriterionId
    name: ShortName
    question: Text


class Persona(_Strict):
    """A reader a judge role-plays, so scores reflect a real audience's taste."""

    id: CriterionId
    name: ShortName
    description: Text


class PromptSpec(_Strict):
    """One writing task, plus the constraints that checks and judges verify."""

    id: PromptId
    text: Text
    expect: Literal["comply", "refuse"] | None = Field(
        default=None, description="Refusal pack only: what a well-behaved model should do."
    )
    moves: list[CameraMove] = Field(
        default_factory=list, description="Camera pack: moves the shot list must use."
    )
    alts: int | None = Field(default=None, ge=1, le=MAX_ALTS, description="Comedy: alternates to return.")
    target_words: int | None = Field(default=None, ge=1, le=20000)
    seconds: int | None = Field(default=None, ge=1, le=600, description="Ad scripts: spot length.")

    @field_validator("moves")
    @classmethod
    def _moves_are_distinct(cls, moves: list[str]) -> list[str]:
        return distinct_moves(moves)


def _reject_duplicate_ids(items: list[Any], kind: str) -> list[Any]:
    """Raise at the second use of an id; `index` lets the loader point at its line."""
    first_index: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.id in first_index:
            raise PydanticCustomError(
                "duplicate_id",
                "duplicate {kind} id {id} (first used at index {first})",
                {"kind": kind, "id": repr(item.id), "index": index, "first": first_index[item.id]},
            )
        first_index[item.id] = index
    return items


class Pack(_Strict):
    """A craft's benchmark: writer prompts, rubric, pairwise questions and reader personas."""

    name: PackName
    version: Annotated[str, BeforeValidator(_version_must_be_quoted), Field(min_length=1)]
    description: Text
    craft_notes: Text = Field(
        description="Craft guidance in the craft's own vocabulary; "
        "the system prompt of the 'craft-prompted' writer."
    )
    system_prompt: str | None = Field(default=None, description="What every writer is told.")
    output_format: str | None = None
    generation: GenerationDefaults = Field(default_factory=GenerationDefaults)
    rubric: list[Criterion] = Field(min_length=3)
    pairwise: list[PairwiseCriterion] = Field(min_length=1)
    personas: list[Persona] = Field(default_factory=list)
    prompts: list[PromptSpec] = Field(min_length=1)
    # Where the pack was read from; kept out of dumps (and so out of
    # content_hash) because the same pack moved to another folder is the same pack.
    source_path: str | None = Field(default=None, exclude=True)

    @field_validator("rubric")
    @classmethod
    def _unique_criteria(cls, rubric: list[Criterion]) -> list[Criterion]:
        return _reject_duplicate_ids(rubric, "criterion")

    @field_validator("pairwise")
    @classmethod
    def _unique_pairwise(cls, pairwise: list[PairwiseCriterion]) -> list[PairwiseCriterion]:
        return _reject_duplicate_ids(pairwise, "pairwise criterion")

    @field_validator("personas")
    @classmethod
    def _unique_personas(cls, personas: list[Persona]) -> list[Persona]:
        return _reject_duplicate_ids(personas, "persona")

    @field_validator("prompts")
    @classmethod
    def _unique_prompts(cls, prompts: list[PromptSpec]) -> list[PromptSpec]:
        return _reject_duplicate_ids(prompts, "prompt")

    def criterion(self, criterion_id: str) -> Criterion:
        """The rubric criterion with this id; PackError names the known ids otherwise."""
        for criterion in self.rubric:
            if criterion.id == criterion_id:
                return criterion
        known = ", ".join(c.id for c in self.rubric)
        raise PackError(f"pack '{self.name}' has no criterion {criterion_id!r} (criteria: {known})")

    def prompt(self, prompt_id: str) -> PromptSpec:
        """The prompt with this id; PackError names the known ids otherwise."""
        for prompt in self.prompts:
            if prompt.id == prompt_id:
                return prompt
        known = ", ".join(p.id for p in self.prompts)
        raise PackError(f"pack '{self.name}' has no prompt {prompt_id!r} (prompts: {known})")

    @property
    def content_hash(self) -> str:
        """sha256 of the canonical JSON of everything that shapes a judgment.

        Keys are sorted and whitespace fixed so that reformatting the YAML
        does not change the hash, while any change to wording does.
        """
        return content_key(self.model_dump(mode="json"))
