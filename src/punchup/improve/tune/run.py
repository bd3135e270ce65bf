"""One `punchup tune`: served from the store when done before, else load, train (resuming), write the GGUF, record.

The adapter and its checkpoint live in a folder named by the run's key under the
adapters folder, so a killed run finds its own checkpoint and two different runs
never share one; the name given with --out is only a pointer to that folder's file.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from punchup.improve.tune.adapters import adapters_dir, check_name, register
from punchup.improve.tune.spec import TuneSpec, check_tune_extra, file_sha256
from punchup.store import Store
from punchup.store.store import now

ADAPTER_FILE = "adapter.gguf"
CHECKPOINT_FILE = "checkpoint.pt"


@dataclass(frozen=True)
class TuneOutcome:
    record: dict[str, Any]
    served_from_store: bool
    resumed_from: int
    adapter: Path


def stored_tune(store: Store, key: str) -> dict[str, Any] | None:
    """The recorded run with this key, if its adapter file is still there and unchanged."""
    rows = store.query("SELECT * FROM tune_runs WHERE key = :key", key=key)
    if not rows:
        return None
    record = {**dict(rows[0]), "params": json.loads(rows[0]["params"]), "losses": json.loads(rows[0]["losses"])}
    path = Path(record["adapter_path"])
    if not path.is_file() or file_sha256(path) != record["adapter_sha256"]:
        return None  # deleted or edited: train again
    return record


def tune_runs(store: Store) -> list[dict[str, Any]]:
    return [{**dict(r), "params": json.loads(r["params"]), "losses": json.loads(r["losses"])}
            for r in store.query("SELECT * FROM tune_runs ORDER BY created_at")]


def run_tune(store: Store, spec: TuneSpec, name: str, progress: Callable[[Any], None] | None = None,
             on_start: Callable[[str], None] | None = None) -> TuneOutcome:
    check_name(name)
    key = spec.key
    if (record := stored_tune(store, key)) is not None:
        register(name, Path(record["adapter_path"]), _pointer(record))
        return TuneOutcome(record, True, 0, Path(record["adapter_path"]))
    check_tune_extra()
    started = time.perf_counter()
    from peft import get_peft_model_state_dict

    from punchup.improve.tune.base import load_base, pick_device
    from punchup.improve.tune.data import build_examples
    from punchup.improve.tune.gguf_adapter import gguf_tensors, write_adapter
    from punchup.improve.tune.train import add_lora, train

    folder = adapters_dir() / key[:16]
    folder.mkdir(parents=True, exist_ok=True)
    device = pick_device()
    if on_start:
        on_start(f"loading {spec.base.path.name} into transformers on {device}")
    model, tokenizer = load_base(spec.base, device)
    examples = build_examples(tokenizer, spec.rows, spec.params.max_len)
    model = add_lora(model, spec.params)
    if on_start:
        on_start(f"training {spec.params.method} LoRA r={spec.params.rank} on {len(examples)} rows")
    result = train(model, examples, spec.params, key, folder / CHECKPOINT_FILE, tokenizer.pad_token_id, device, progress)
    meta = spec.base.metadata
    arch = spec.base.architecture
    tensors = gguf_tensors(get_peft_model_state_dict(model), arch, int(meta[f"{arch}.attention.head_count"]),
                           int(meta.get(f"{arch}.attention.head_count_kv", meta[f"{arch}.attention.head_count"])))
    adapter = write_adapter(folder / ADAPTER_FILE, tensors, arch, spec.params.alpha, spec.base.sha256, key, name)
    record = {
        "key": key, "name": name, "base": spec.base.model_id, "base_sha256": spec.base.sha256,
        "data_sha256": spec.data_sha256, "method": spec.params.method, "params": spec.params.model_dump(),
        "seed": spec.params.seed, "rows": len(spec.rows), "losses": result.losses, "tokens": result.tokens,
        "train_s": round(result.train_s, 3), "wall_s": round(time.perf_counter() - started, 3),
        "peak_rss_mb": round(result.peak_rss_mb, 1), "adapter_path": str(adapter.resolve()),
        "adapter_sha256": file_sha256(adapter), "created_at": now(),
    }
    store.execute(
        """INSERT OR REPLACE INTO tune_runs (key, name, base, base_sha256, data_sha256, method, params, seed, rows,
           losses, tokens, train_s, wall_s, peak_rss_mb, adapter_path, adapter_sha256, created_at)
           VALUES (:key, :name, :base, :base_sha256, :data_sha256, :method, :params, :seed, :rows, :losses, :tokens,
           :train_s, :wall_s, :peak_rss_mb, :adapter_path, :adapter_sha256, :created_at)""",
        **{**record, "params": json.dumps(record["params"], sort_keys=True), "losses": json.dumps(record["losses"])},
    )
    register(name, adapter, _pointer(record))
    (folder / CHECKPOINT_FILE).unlink(missing_ok=True)  # recorded: the adapter is the result, the checkpoint is spent
    return TuneOutcome(record, False, result.resumed_from, adapter)


def _pointer(record: dict[str, Any]) -> dict[str, Any]:
    return {"tune_key": record["key"], "base": record["base"], "base_sha256": record["base_sha256"],
            "method": record["method"], "adapter_sha256": record["adapter_sha256"]}

