"""A reward model's weights: which encoder, how its vectors are standardised, one weight per dimension.

The score of a text is w · z(e(text)), where e is the frozen sentence encoder and z
standardises each dimension with the training means and scales; pairwise,
P(x better) = sigmoid(w · (z(e(x)) − z(e(y)))): a Bradley-Terry model whose
strengths are linear in the embedding, trained on preference pairs with the
Bradley-Terry (pairwise logistic) loss. Only weights ship, as JSON, never data.
Also where reward judges live: shipped ones in weights/, ones a user trained with
`punchup tune-judge` in user_judges_dir(), which shadow a shipped one of the same name.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from punchup.util.hashing import content_key

WEIGHTS_DIR = Path(__file__).with_name("weights")
USER_JUDGES_ENV = "PUNCHUP_JUDGES_DIR"
ENCODER = "all-MiniLM-L6-v2"


class RewardWeights(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    encoder: str = ENCODER
    means: list[float]
    scales: list[float]
    weights: list[float]
    clip: float = Field(gt=0)
    l2: float
    score_spread: float = Field(gt=0)
    fit: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> RewardWeights:
        if not (len(self.means) == len(self.scales) == len(self.weights)) or min(self.scales, default=1.0) <= 0:
            raise ValueError("inconsistent reward weights")
        return self

    @property
    def version(self) -> str:
        return content_key(self.model_dump(exclude={"fit"}))[:16]

    @property
    def sources(self) -> list[str]:
        return list(self.fit.get("sources") or [])


def user_judges_dir() -> Path:
    """Where `punchup tune-judge` writes the reward judges a user trains (next to the LoRA adapters)."""
    configured = os.environ.get(USER_JUDGES_ENV)
    return Path(configured).expanduser() if configured else Path.home() / ".local" / "share" / "punchup" / "judges"


def shipped_names() -> list[str]:
    """The reward models that ship with punchup (only those that beat craft/heuristic held out)."""
    return sorted(path.stem for path in WEIGHTS_DIR.glob("*.json"))


def reward_names() -> list[str]:
    """Every `reward/NAME` this machine can build: the shipped ones and the ones trained here."""
    folder = user_judges_dir()
    trained = [path.stem for path in folder.glob("*.json")] if folder.is_dir() else []
    return sorted(set(shipped_names()) | set(trained))


def weights_path(name: str) -> Path:
    """A trained judge of this name shadows a shipped one: the user asked for their own by training it."""
    trained = user_judges_dir() / f"{name}.json"
    return trained if trained.is_file() else WEIGHTS_DIR / f"{name}.json"
