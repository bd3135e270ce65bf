"""Sampler settings as writer-profile options: `@antislop`, `@best_of=4;judge=J`, `@unusual;hot=1.4`.

Each sampler owns its option keys (`backtracks` belongs to antislop, `judge`
and `select` to best_of, `hot`, `cool` and `opening` to unusual), so a key
given without its sampler is a mistake and says so. Values are checked here,
when the writer is parsed, so a bad one fails before any model is loaded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from punchup.errors import PunchupError

DEFAULT_BACKTRACKS = 24
MAX_BEST_OF = 16
MAX_OPENING_TOKENS = 256


class _Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AntislopSettings(_Settings):
    phrases: str | None = None  # a phrase file (one per line); None: punchup's versioned slop list
    max_backtracks: int = Field(DEFAULT_BACKTRACKS, ge=0, le=1000)

    def describe(self) -> str:
        source = f"phrases from {Path(self.phrases).name}" if self.phrases else "slop list"
        return f"antislop ({source}, at most {self.max_backtracks} backtracks)"


class UnusualSettings(_Settings):
    hot: float = Field(1.3, gt=0, le=2)
    cool: float = Field(0.6, ge=0, le=2)
    opening: Literal["sentence"] | int = "sentence"  # the hot part: the first sentence, or this many tokens

    def describe(self) -> str:
        opening = "first sentence" if self.opening == "sentence" else f"first {self.opening} tokens"
        return f"unusual ({opening} at temperature {self.hot:g}, the rest at {self.cool:g})"


class BestOfSettings(_Settings):
    n: int = Field(ge=2, le=MAX_BEST_OF)
    judge: str | None = None  # None: the default judge
    select: Literal["pairwise", "rubric"] = "pairwise"

    def describe(self) -> str:
        from punchup.judging.factory import DEFAULT_JUDGE

        return f"best of {self.n} (picked by {self.judge or DEFAULT_JUDGE}, {self.select})"


class SamplerSettings(_Settings):
    """The samplers of one writer; token-level ones (antislop, unusual) run in one pass, best_of wraps them."""

    antislop: AntislopSettings | None = None
    unusual: UnusualSettings | None = None
    best_of: BestOfSettings | None = None

    def describe(self) -> str:
        return "; ".join(part.describe() for part in (self.antislop, self.unusual, self.best_of) if part is not None)


def describe_sampler(data: dict[str, Any] | None) -> str:
    """A stored writer's sampler (as in a run's config) in words, for reports; "—" for none."""
    if not data:
        return "—"
    return SamplerSettings.model_validate(data).describe() or "—"


# option key -> the sampler it belongs to
OPTION_OWNERS = {"antislop": "antislop", "backtracks": "antislop", "unusual": "unusual", "hot": "unusual",
                 "cool": "unusual", "opening": "unusual", "best_of": "best_of", "judge": "best_of", "select": "best_of"}


def sampler_from_options(options: dict[str, str | None], where: str) -> SamplerSettings | None:
    """Settings from a writer's sampler options (key -> value, None for a bare key); None when it has none."""
    if not options:
        return None
    for key in options:
        owner = OPTION_OWNERS[key]
        if owner not in options:
            raise PunchupError(f"{where}: option '{key}' belongs to @{owner}; add '{owner}' to use it")
    fields: dict[str, Any] = {}
    if "antislop" in options:
        phrases = options["antislop"]
        if phrases is not None:
            from punchup.improve.samplers.phrases import PhraseList

            try:
                PhraseList.from_file(Path(phrases))  # unreadable or empty lists fail now, with the file named
            except PunchupError as exc:
                raise PunchupError(f"{where}: {exc}") from None
        fields["antislop"] = AntislopSettings(
            phrases=phrases, max_backtracks=_number(options, "backtracks", where, int, 0, 1000, DEFAULT_BACKTRACKS))
    if "unusual" in options:
        if options["unusual"] is not None:
            raise PunchupError(f"{where}: 'unusual' takes no value; set its schedule with hot=, cool= and opening=")
        opening: Any = options.get("opening") or "sentence"
        if opening != "sentence":
            opening = _number(options, "opening", where, int, 1, MAX_OPENING_TOKENS, 0, extra="or 'sentence'")
        fields["unusual"] = UnusualSettings(hot=_number(options, "hot", where, float, 0.01, 2, 1.3),
                                            cool=_number(options, "cool", where, float, 0, 2, 0.6), opening=opening)
    if "best_of" in options:
        judge = options.get("judge")
        if "judge" in options:
            if not judge or not judge.strip():
                raise PunchupError(f"{where}: option 'judge' needs a judge (judge=local/smollm2, judge=craft/heuristic, ...)")
            from punchup.judging.factory import panel_members

            try:
                panel_members(judge)  # bad judge specs fail with the judge's own one-line reason
            except PunchupError as exc:
                raise PunchupError(f"{where}: {exc}") from None
        select = options.get("select") or "pairwise"
        if select not in ("pairwise", "rubric"):
            raise PunchupError(f"{where}: select must be 'pairwise' or 'rubric', got '{select}'")
        if options["best_of"] is None:
            raise PunchupError(f"{where}: best_of needs the number of candidates (best_of=4)")
        fields["best_of"] = BestOfSettings(n=_number(options, "best_of", where, int, 2, MAX_BEST_OF, 0),
                                           judge=judge.strip() if judge else None, select=select)  # type: ignore[arg-type]
    return SamplerSettings(**fields)


def _number(options: dict[str, str | None], key: str, where: str, kind: type, low: float, high: float, default: Any,
            extra: str = "") -> Any:
    if key not in options:
        return default
    raw = options[key]
    what = "a whole number" if kind is int else "a number"
    try:
        value = kind(raw) if raw is not None else None
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise PunchupError(f"{where}: {key} must be {what} from {low:g} to {high:g}{' ' + extra if extra else ''}, got '{raw or ''}'")
    return value
