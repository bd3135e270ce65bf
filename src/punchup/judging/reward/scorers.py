"""The two kinds of reward model behind `reward/NAME`: one number per text, refittable on preference pairs.

`LinearScorer`: a Bradley-Terry head on frozen sentence embeddings (model.py,
train.py; the [embed] extra). `TunedScorer`: the encoder itself fine-tuned with
LoRA (finetune.py; the [tune] and [embed] extras). Both give a text a reward on a
scale where a difference of `spread` is one typical gap, say which sources they
were fitted on, and refit themselves for leave-one-source-out.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Protocol

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from punchup.judging.reward.encoder import embed_texts
from punchup.judging.reward.model import WEIGHTS_DIR, RewardWeights
from punchup.util.hashing import content_key

MEMO_LIMIT = 20000


class Scorer(Protocol):
    name: str
    description: str

    @property
    def version(self) -> str: ...
    @property
    def sources(self) -> list[str]: ...
    @property
    def spread(self) -> float: ...
    def rewards(self, texts: Sequence[str]) -> np.ndarray: ...
    def refit(self, pairs: list[tuple[str, str, bool]], sources: list[str]) -> Scorer: ...


class LinearScorer:
    description = "a Bradley-Terry head on frozen sentence embeddings"

    def __init__(self, weights: RewardWeights):
        self.weights = weights
        self.name = weights.name
        self._w, self._means, self._scales = (np.array(weights.weights), np.array(weights.means),
                                              np.array(weights.scales))

    version = property(lambda self: self.weights.version)
    sources = property(lambda self: self.weights.sources)
    spread = property(lambda self: self.weights.score_spread)

    def rewards(self, texts: Sequence[str]) -> np.ndarray:
        z = np.clip((embed_texts(texts) - self._means) / self._scales, -self.weights.clip, self.weights.clip)
        return z @ self._w

    def refit(self, pairs: list[tuple[str, str, bool]], sources: list[str]) -> LinearScorer:
        from punchup.judging.reward.train import train_reward

        first, second = embed_texts([a for a, _, _ in pairs]), embed_texts([b for _, b, _ in pairs])
        return LinearScorer(train_reward(self.weights.name, first, second, pairs, sources))


class TunedCard(BaseModel):
    """What ships for a fine-tuned reward model besides its tensors (NAME.safetensors next to NAME.json)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["finetuned"] = "finetuned"
    name: str
    encoder: str = "all-MiniLM-L6-v2"
    params: dict[str, Any]
    synthetic: bool = True  # contrastive pairs were added to the training pairs (and are again on refit)
    reward_mean: float
    score_spread: float = Field(gt=0)
    tensors_sha256: str
    fit: dict[str, Any] = Field(default_factory=dict)


class TunedScorer:
    description = "a fine-tuned MiniLM encoder (LoRA) with a Bradley-Terry head"

    def __init__(self, card: TunedCard, encoder: Any | None = None, tensors: Path | None = None):
        self.card, self.name = card, card.name
        self._encoder, self._tensors = encoder, tensors or WEIGHTS_DIR / f"{card.name}.safetensors"
        self._memo: dict[str, float] = {}

    version = property(lambda self: content_key(self.card.model_dump(exclude={"fit"}))[:16])
    sources = property(lambda self: list(self.card.fit.get("sources") or []))
    spread = property(lambda self: self.card.score_spread)

    def _model(self) -> Any:
        if self._encoder is None:
            from punchup.errors import PunchupError
            from punchup.improve.tune.spec import file_sha256
            from punchup.judging.reward.finetune import RewardTuneParams, load_tensors

            if not self._tensors.is_file() or file_sha256(self._tensors) != self.card.tensors_sha256:
                raise PunchupError(f"reward/{self.name}: {self._tensors} is missing or does not match its card "
                                   "(retrain it with benchmarks/fit_reward.py)")
            self._encoder = load_tensors(RewardTuneParams(**self.card.params), self._tensors)
        return self._encoder

    def rewards(self, texts: Sequence[str]) -> np.ndarray:
        missing = list(dict.fromkeys(t for t in texts if t not in self._memo))
        if missing:
            if len(self._memo) + len(missing) > MEMO_LIMIT:
                self._memo.clear()
            self._memo.update(zip(missing, (float(r) for r in self._model().scores(missing))))
        return np.array([self._memo[t] for t in texts]) - self.card.reward_mean

    def refit(self, pairs: list[tuple[str, str, bool]], sources: list[str]) -> TunedScorer:
        from punchup.judging.reward.finetune import RewardTuneParams

        with tempfile.TemporaryDirectory(prefix="punchup-reward-") as folder:
            return fit_tuned(self.name, pairs, sources, RewardTuneParams(**self.card.params), Path(folder) / "ck.pt",
                             synthetic=self.card.synthetic)


def training_pairs(pairs: Sequence[tuple[str, str, bool]], synthetic: bool, seed: int = 0) -> list[tuple[str, str]]:
    """(chosen, rejected) from judged pairs, plus one contrastive pair per distinct chosen text when `synthetic`."""
    import random

    from punchup.judging.reward.contrast import contrastive_pairs

    chosen_rejected = [(a, b) if a_wins else (b, a) for a, b, a_wins in pairs]
    if not synthetic:
        return chosen_rejected
    rng = random.Random(seed)
    extra = []
    for text in dict.fromkeys(c for c, _ in chosen_rejected):
        options = contrastive_pairs([text], seed)
        if options:
            pick = rng.choice(options)
            extra.append((pick.chosen, pick.rejected))
    return chosen_rejected + extra


def fit_tuned(name: str, pairs: Sequence[tuple[str, str, bool]], sources: Sequence[str], params: Any, checkpoint: Path,
              synthetic: bool = True, progress: Any = None) -> TunedScorer:
    """Fine-tune on `pairs` (+ contrastive pairs); the card's mean and spread come from the training texts."""
    from punchup.judging.reward.finetune import finetune

    train = training_pairs(pairs, synthetic, params.seed)
    encoder, result = finetune(train, params, checkpoint, progress)
    texts = list(dict.fromkeys(t for pair in pairs for t in pair[:2]))
    rewards = encoder.scores(texts)
    # Until saved, the card names its tensors by their bytes, so two refits never share a version (judgments are
    # cached under the version: a refit must not be served another refit's verdicts).
    digest = hashlib.sha256()
    for key, tensor in sorted(encoder.state().items()):
        digest.update(key.encode() + tensor.detach().cpu().numpy().tobytes())
    card = TunedCard(name=name, params=params.model_dump(), synthetic=synthetic, reward_mean=round(float(rewards.mean()), 6),
                     score_spread=round(max(float(rewards.std()), 1e-3), 6), tensors_sha256=f"unsaved:{digest.hexdigest()}",
                     fit={"sources": sorted(set(sources)), "pairs": len(pairs), "training_pairs": len(train),
                          "losses": [round(x, 4) for x in result.losses[-5:]], "train_s": round(result.train_s, 1)})
    return TunedScorer(card, encoder)


def save_tuned(scorer: TunedScorer, folder: Path, fit_notes: dict[str, Any]) -> Path:
    """Write NAME.safetensors and NAME.json into `folder`; returns the JSON card's path."""
    from punchup.improve.tune.spec import file_sha256
    from punchup.judging.reward.finetune import save_tensors

    folder.mkdir(parents=True, exist_ok=True)
    tensors = folder / f"{scorer.name}.safetensors"
    save_tensors(scorer._model(), tensors)
    card = scorer.card.model_copy(update={"tensors_sha256": file_sha256(tensors), "fit": {**scorer.card.fit, **fit_notes}})
    path = folder / f"{scorer.name}.json"
    path.write_text(json.dumps(card.model_dump(), indent=1) + "\n", encoding="utf-8")
    return path


def load_scorer(path: Path) -> Scorer:
    """The scorer a weights JSON describes (linear head or fine-tuned card)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("kind") == "finetuned":
        return TunedScorer(TunedCard.model_validate(data), tensors=path.with_suffix(".safetensors"))
    return LinearScorer(RewardWeights.model_validate(data))
