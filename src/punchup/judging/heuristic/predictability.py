"""How predictable a text is, word by word, to the embedded language model: `craft/heuristic-lm`'s model feature.

Why: an author's paragraph keeps a small model guessing; a skilled imitation, or an
LLM draft before an editor reworked it, goes where the model expects. Measured on
the development pairs with no fitting at all, the text on which SmolLM2 is less
sure of the next token is the preferred one 61-63 % of the time on both sources
(benchmarks/fit_heuristic.py prints the figures), which no single craft habit does.

What: "open-endedness" is the mean entropy, in nats, of the model's next-token
distribution over the text's first WINDOW tokens (the text alone, no prompt; the
distribution after the last token is not counted, it predicts past the text). It is
the distribution's uncertainty, not the surprise of the actual next token:
the surprise also rewards typos and noise, and carried less on the development pairs.
Word salad and nonsense are high on it, which is why the judge's flaw rules
(flaws.py) cost them more than any feature can give.

How: the weights copy of the embedded model (local_weights.py) through llama.cpp,
one text per evaluation, so a text's value never depends on other texts. Values are
remembered per text, in memory and in an append-only file under the cache folder,
keyed by the model file's content and METER_VERSION: a re-run makes no model calls.
"""

from __future__ import annotations

import atexit
import json
import threading
from pathlib import Path

import numpy as np

from punchup.errors import ModelError
from punchup.judging.heuristic.features import text_features
from punchup.util.cache import cache_root
from punchup.util.hashing import content_key

MODEL_FEATURE = "open_endedness"
WINDOW = 128  # tokens scored per text: 0.3 s a text on 2 cores
METER_VERSION = "1"  # bump when the formula, the window or the tokenisation changes
DEFAULT_MODEL = "smollm2"


ROWS_AT_ONCE = 16  # positions converted to float64 together: 6 MB for a 49k vocabulary, not 50


def mean_entropy(logits: np.ndarray) -> float:
    """Mean entropy (nats) of the softmax of each row of `logits` (positions x vocabulary)."""
    entropies = []
    for start in range(0, len(logits), ROWS_AT_ONCE):  # each row on its own, so the blocks change no value
        rows = logits[start:start + ROWS_AT_ONCE].astype(np.float64)
        rows -= rows.max(axis=1, keepdims=True)
        weights = np.exp(rows)
        totals = weights.sum(axis=1)
        # H = log Z - sum(p * l) with l the shifted logits and Z the sum of exp(l)
        entropies.append(np.log(totals) - (weights * rows).sum(axis=1) / totals)
    return float(np.concatenate(entropies).mean())


class PredictabilityMeter:
    """Open-endedness of texts under one local model; thread-safe, loads the model on first use."""

    def __init__(self, model: str = DEFAULT_MODEL, window: int = WINDOW, cache_folder: Path | None = None):
        from punchup.models.providers.local import file_digest, resolve_gguf  # no llama.cpp import until used

        self.model = model
        self.window = window
        self.path = resolve_gguf(model)
        self.version = f"{file_digest(self.path)[:16]}-w{window}-v{METER_VERSION}"
        self.cache_file = (cache_folder or cache_root() / "predictability") / f"{self.version}.jsonl"
        self.model_calls = 0  # texts evaluated by the model (not from the cache): tests read it
        self._llm = None
        self._lock = threading.Lock()
        self._values: dict[str, float] = self._read_cache()

    def open_endedness(self, text: str) -> float:
        key = content_key(text)
        with self._lock:
            if key not in self._values:
                value = self._evaluate(text)
                self._values[key] = value
                self._append(key, value)
            return self._values[key]

    def _read_cache(self) -> dict[str, float]:
        values: dict[str, float] = {}
        if not self.cache_file.is_file():
            return values
        for line in self.cache_file.read_text(encoding="utf-8").splitlines():
            try:
                record = json.loads(line)
                values[str(record["key"])] = float(record["value"])
            except (ValueError, KeyError, TypeError):
                continue  # a line torn by a kill mid-write: that text is evaluated again
        return values

    def _append(self, key: str, value: float) -> None:
        try:
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            with self.cache_file.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"key": key, "value": value}) + "\n")
        except OSError:
            return  # no room or no right to write: the value is kept in memory, and read again in a later run

    def _evaluate(self, text: str) -> float:
        llm = self._loaded()
        tokens = llm.tokenize(text.encode("utf-8"), add_bos=False, special=False)[: self.window + 1]
        if not tokens:
            raise ModelError(f"{self.model} has no tokens for a text of {len(text)} characters")
        llm.reset()
        llm.eval(tokens)
        logits = np.asarray(llm.scores[: len(tokens)])
        self.model_calls += 1
        return mean_entropy(logits[:-1] if len(tokens) > 1 else logits)

    def _loaded(self):  # type: ignore[no-untyped-def]
        if self._llm is None:
            from llama_cpp import Llama

            from punchup.models.providers.local import model_files
            from punchup.util.quiet import native_stderr_silenced

            files = model_files(self.path, None, batch_weights=True)
            try:
                with native_stderr_silenced():  # a warning per matrix: the offsets cannot use the repacked buffer
                    self._llm = Llama(model_path=str(files.model), lora_path=str(files.offsets) if files.offsets else None,
                                      n_ctx=self.window + 8, n_batch=self.window + 8, logits_all=True, verbose=False,
                                      seed=0)
            except (ValueError, RuntimeError, OSError) as exc:
                raise ModelError(f"cannot load {self.path} to measure predictability: {exc}") from None
        return self._llm


    def close(self) -> None:
        with self._lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None


class WithOpenEndedness:
    """A scorer's measure (scorer.Measure): the text features plus open-endedness under one meter."""

    def __init__(self, meter: PredictabilityMeter):
        self.meter = meter

    def __call__(self, text: str) -> dict[str, float]:
        return {**text_features(text), MODEL_FEATURE: self.meter.open_endedness(text)}


_meters: dict[str, PredictabilityMeter] = {}
_meters_lock = threading.Lock()


@atexit.register
def _close_meters() -> None:
    # Free the weights while the interpreter is intact: llama-cpp-python's __del__ fails noisily at shutdown.
    for meter in _meters.values():
        meter.close()


def shared_meter(model: str = DEFAULT_MODEL) -> PredictabilityMeter:
    """One meter per model per process: the judge, calibrate and the fit scripts share its values."""
    with _meters_lock:
        if model not in _meters:
            _meters[model] = PredictabilityMeter(model)
        return _meters[model]
