"""Continuous batching for the embedded model: concurrent requests share llama.cpp decode steps.

Decoding several sequences in one step multiplies each block of weights by
several inputs at once; how much that buys depends on the weight format's CPU
kernels (Q4_1 files are loaded as an equivalent Q4_0 copy for that reason:
local_weights.py). One engine thread owns a llama.cpp context with `parallel`
sequence slots (one thread on purpose: ggml's OpenMP workers spin between
barriers, and two Python threads driving decodes in one process made every
decode about 3x slower). Each step it feeds every running sequence's last token in
one `llama_decode` and a newly admitted prompt in one of its own, then samples each
sequence with its own sampler chain. Waiting requests join one per step; a
finished or cancelled sequence frees its slot at once. A new prompt starts from the
KV stream holding the longest common prefix (a finished sequence's slot keeps its
prompt), so the shared part is not decoded again (local_prefix.py).

Determinism: each sequence has its own KV stream (`kv_unified=False`), so its
attention sees only its own cells, at the same positions whatever else runs, and
the CPU kernels compute every batch row independently, bit for bit (the weights
copy's adapter is Q8_0 for that reason: local_weights.py). On the weights copy,
attention is ggml's flash attention over a Q8_0 KV cache. Flash attention skips
the cells a row may not see (without it every row pays for the longest context
in the step, padded to 256 cells); Q8_0 keys make its dot products integer sums
(F16 keys: a step of 8 sequences at 500 tokens took 51 ms, Q8_0 keys 40 ms),
and Q8_0 values halve the cache again. A quantized cache also keeps ggml on its
one per-row kernel: with an F16 cache it takes a tiled kernel for 64 or more
query rows of one stream, and a split-KV one for one row of one stream over 512
cells or more, each summing in another order (measured: texts changed with
their company). The file as it is (`batch_weights=False`) keeps classic
attention and an F16 cache, so its texts stay those of llama-cpp-python's own
path. tests/models checks that a request's text is byte-identical alone and in
batches of other compositions.

llama.cpp puts only consecutive sequence ids in one micro-batch, and each
micro-batch is a pass over the weights: decoding slots 0-2 and 4-6 took 46.7 ms,
slots 0-7 34.8 ms (measured). On the copy, a step keeps its slots consecutive:
with nothing waiting, the sequences in the highest slots move down into free
ones (_compact: a stream is copied whole, about 8 ms, with its cells at the same
indices), and a slot still between decoding ones, one whose new prompt is being
prefilled, gets a filler row (no logits, removed after the step; _fillers).
"""

from __future__ import annotations

import ctypes
import threading
from collections import deque

import llama_cpp

from punchup.errors import ModelError
from punchup.models.providers.local_prefix import PrefixSlots
from punchup.models.providers.local_prompt import ChatPrompter
from punchup.models.providers.local_weights import ModelFiles
from punchup.models.providers.local_sequence import Request, Sequence, build_sampler, fill_decode, fill_prefill
from punchup.util.quiet import native_stderr_silenced

OWN_CONTEXT = 512  # tokens of the high-level Llama's own (unused for generation) context
BATCH_TOKENS = 512  # tokens per llama_decode: a step's running sequences, or one prompt chunk (one micro-batch)
ADMIT_PER_STEP = 1  # new sequences started per decode step (see _take_requests)


FLASH_CACHE_TYPE = llama_cpp.GGML_TYPE_Q8_0  # keys and values under flash attention (see the module docstring)


def flash_attention(files: ModelFiles) -> bool:
    """Whether the engine decodes these files with flash attention: the weights copy does, the file as it is not."""
    return files.offsets is not None


class BatchEngine:
    def __init__(self, files: ModelFiles, n_ctx: int, n_threads: int, parallel: int):
        from llama_cpp import Llama

        self.path = files.source
        self.files = files
        self.n_ctx = n_ctx  # per sequence, as the single-sequence provider had it
        self.parallel = parallel
        lora = files.adapter
        try:
            # The high-level object gives the weights, tokenizer, chat template and adapter; decoding happens
            # in the multi-sequence context below, so the Llama's own context is kept small.
            self.llm = Llama(model_path=str(files.model), n_ctx=OWN_CONTEXT, n_threads=n_threads, verbose=False,
                             seed=0, lora_path=str(lora) if lora else None)
        except (ValueError, RuntimeError, OSError) as exc:
            raise ModelError(f"cannot load GGUF {self.path}{f' with LoRA {lora}' if lora else ''}: {exc}") from None
        if lora and not self.llm._lora_adapter:  # llama-cpp-python checks `is None`; a failed load is a NULL pointer
            self.llm.close()
            raise ModelError(f"cannot load GGUF {self.path} with LoRA {lora}: llama.cpp could not read the adapter "
                             "(not a LoRA GGUF, or made for another model)")
        self.model = self.llm._model
        self.offsets = None
        if files.offsets:
            with native_stderr_silenced():  # a warning per matrix: its offsets cannot use the repacked buffer
                self.offsets = llama_cpp.llama_adapter_lora_init(self.model.model, str(files.offsets).encode())
        if files.offsets and not self.offsets:
            self.llm.close()
            raise ModelError(f"cannot load the batch-friendly copy of {self.path}: llama.cpp could not read "
                             f"{files.offsets} (delete it to have it written again)")
        self.prompter = ChatPrompter(self.llm)
        params = llama_cpp.llama_context_default_params()
        params.n_ctx = n_ctx * parallel
        params.n_batch = BATCH_TOKENS
        params.n_ubatch = BATCH_TOKENS
        params.n_seq_max = parallel
        # With a unified KV cache a request's last-token logits moved by up to 0.8 when others shared the batch.
        params.kv_unified = False  # one KV stream per sequence
        # Flash attention on the copy only (see the module docstring): the file as it is keeps what
        # Llama(flash_attn=False) wrote before batching.
        self.flash = flash_attention(files)
        if self.flash:
            params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED
            params.type_k = params.type_v = FLASH_CACHE_TYPE
        else:
            params.flash_attn_type = llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
        params.n_threads = params.n_threads_batch = n_threads
        params.no_perf = True
        self.ctx = llama_cpp.llama_init_from_model(self.model.model, params)
        if not self.ctx:
            self._free_weights()
            raise ModelError(f"cannot create a llama.cpp context for {self.path} ({parallel} x {n_ctx} tokens)")
        adapters = [adapter for adapter in (self.llm._lora_adapter, self.offsets) if adapter]
        if adapters:
            array = (llama_cpp.llama_adapter_lora_p_ctypes * len(adapters))(*adapters)
            scales = (ctypes.c_float * len(adapters))(*[1.0] * len(adapters))
            if llama_cpp.llama_set_adapters_lora(self.ctx, array, len(adapters), scales):
                llama_cpp.llama_free(self.ctx)
                self._free_weights()
                raise ModelError(f"cannot apply LoRA adapter {lora or files.offsets} to {self.path}")
        self.memory = llama_cpp.llama_get_memory(self.ctx)
        self.batch = llama_cpp.llama_batch_init(BATCH_TOKENS, 0, 1)
        self._queue: deque[Request] = deque()
        self._wake = threading.Condition()
        self._stopping = False
        self._running: dict[int, Sequence] = {}
        self.prefixes = PrefixSlots(parallel)  # which prompt tokens each KV stream holds (local_prefix.py)
        self.steps = 0  # decode steps so far (the tests read it to see that requests really shared steps)
        self.max_batch = 0  # most sequences decoded in one step
        self.filler_rows = 0  # rows decoded only to shape a step (_fillers)
        self.moves = 0  # sequences moved to a lower slot (_compact)
        self._thread = threading.Thread(target=self._loop, name=f"punchup-llama-{self.path.stem}", daemon=True)
        self._thread.start()

    # -- the caller's side (any thread) ----------------------------------------
    def submit(self, request: Request) -> None:
        with self._wake:
            if self._stopping:
                raise ModelError(f"local model {self.path.name} is shutting down")
            self._queue.append(request)
            self._wake.notify()

    @property
    def busy(self) -> bool:
        return bool(self._queue or self._running)

    def close(self) -> None:
        with self._wake:
            self._stopping = True
            self._wake.notify()
        if threading.current_thread() is not self._thread and self._thread.is_alive():
            self._thread.join()
        if self.ctx:
            llama_cpp.llama_batch_free(self.batch)
            llama_cpp.llama_free(self.ctx)
            self.ctx = None
        self._free_weights()

    def _free_weights(self) -> None:
        if self.offsets:
            llama_cpp.llama_adapter_lora_free(self.offsets)
            self.offsets = None
        self.llm.close()

    # -- the engine thread -------------------------------------------------------
    def _loop(self) -> None:
        while True:
            with self._wake:
                while not self._stopping and not self._queue and not self._running:
                    self._wake.wait()
                if self._stopping:
                    break
                admitted = self._take_requests()
            try:
                for request in admitted:
                    self._admit(request)
                self._drop_cancelled()
                if self._running:
                    self._step()
            except Exception as exc:  # a bug here must fail the callers, not leave them waiting on a dead thread
                error = ModelError(f"local model {self.path.name}: {type(exc).__name__}: {exc}")
                for seq in list(self._running.values()):
                    self._end(seq, error=error)
                for request in admitted:
                    if not request.future.done():
                        request.future.set_exception(error)
        for seq in list(self._running.values()):
            self._end(seq, error=ModelError(f"local model {self.path.name} was closed mid-generation"))

    def _take_requests(self) -> list[Request]:
        # One new sequence per step: a step carries at most one prompt's prefill, so running sequences keep an
        # even pace, and requests that arrive together start (and, at equal lengths, finish) a step apart
        # instead of all at once: a killed bench has its finished calls recorded one by one.
        taken: list[Request] = []
        while self._queue and len(self._running) + len(taken) < self.parallel and len(taken) < ADMIT_PER_STEP:
            request = self._queue.popleft()
            if request.future.set_running_or_notify_cancel():
                taken.append(request)
        return taken

    def _admit(self, request: Request) -> None:
        try:
            prompt, stops = self.prompter.tokens(request.messages)
            if len(prompt) >= self.n_ctx:
                raise ModelError(f"the prompt has {len(prompt)} tokens; the context window holds {self.n_ctx}")
            config = request.config
            max_tokens = min(config.max_tokens, self.n_ctx - len(prompt))
            sampler = build_sampler(self.model.vocab, config)
        except (ModelError, ValueError) as exc:
            request.future.set_exception(exc if isinstance(exc, ModelError) else ModelError(str(exc)))
            return
        start = self.prefixes.choose(prompt, set(self._running))
        if start.source is None:
            llama_cpp.llama_memory_seq_rm(self.memory, start.slot, -1, -1)
        else:
            if start.source != start.slot:  # another stream: copied whole (llama.cpp copies streams whole), then cut
                llama_cpp.llama_memory_seq_cp(self.memory, start.source, start.slot, -1, -1)
            llama_cpp.llama_memory_seq_rm(self.memory, start.slot, start.shared, -1)
        self.prefixes.started(start, prompt)
        seq = Sequence(request, start.slot, prompt, list(config.stop) + stops, max_tokens, sampler, self.model)
        seq.fed = start.shared
        self._running[start.slot] = seq

    def _drop_cancelled(self) -> None:
        for seq in list(self._running.values()):
            if seq.request.cancelled.is_set():
                self._end(seq, error=ModelError("generation cancelled"))

    def _step(self) -> None:
        """One decode of every running sequence's last token, then each prompt chunk in a decode of its own.

        A prompt chunk never shares a decode with other sequences' tokens: llama.cpp would split it into
        micro-batches of equal tokens per sequence, putting its first token in a micro-batch of one token per
        sequence, whose attention kernel sums in another order; for a prompt that starts after a shared
        prefix (local_prefix.py) that changed its logits (by up to 0.8, measured). Alone, a chunk's
        results are bit for bit those of the whole prompt decoded at once.
        """
        if self.flash and not self._queue:
            self._compact()
        sequences = sorted(self._running.values(), key=lambda s: s.seq_id)
        decoding = [seq for seq in sequences if seq.pending is not None]
        if decoding:
            self.max_batch = max(self.max_batch, len(decoding))
            fillers = self._fillers(decoding) if self.flash else []
            self.filler_rows += len(fillers)
            self._decode(decoding, fill_decode(self.batch, decoding, fillers))
            for slot, position in fillers:  # whatever became of the sequences, no stream keeps a filler's cell
                llama_cpp.llama_memory_seq_rm(self.memory, slot, position, -1)
        for seq in sequences:
            if seq.prefilling:
                self._decode([seq], fill_prefill(self.batch, seq, BATCH_TOKENS))
        self.steps += 1

    def _compact(self) -> None:
        """Move the sequence in the highest running slot into the lowest free one until the running slots are
        consecutive from 0. The copy keeps every cell at its index, so no text changes; the old slot keeps the
        prompt, as a finished one does."""
        while self._running:
            free = [slot for slot in range(self.parallel) if slot not in self._running]
            source = max(self._running)
            if not free or free[0] > source:
                return
            target = free[0]
            seq = self._running.pop(source)
            llama_cpp.llama_memory_seq_rm(self.memory, target, -1, -1)
            llama_cpp.llama_memory_seq_cp(self.memory, source, target, -1, -1)  # done at the next decode
            self._keep_prompt_only(source, seq)
            seq.seq_id = target
            self._running[target] = seq
            self.prefixes.moved(source, target)
            self.moves += 1

    def _keep_prompt_only(self, slot: int, seq: Sequence) -> None:
        """Cut a released slot's stream back to its sequence's prompt: only prompts are ever shared, and a stream
        cut back to one always has room for a filler row."""
        llama_cpp.llama_memory_seq_rm(self.memory, slot, len(seq.prompt), -1)

    def _fillers(self, decoding: list[Sequence]) -> list[tuple[int, int]]:
        """Rows (slot, position) that close the gaps between the slots a step decodes, so that the step is one
        micro-batch: each at the end of what its stream holds (a kept prompt, a prompt being prefilled, or
        nothing). Their cells are in streams no decoding row reads."""
        ids = {seq.seq_id for seq in decoding}
        return [(slot, llama_cpp.llama_memory_seq_pos_max(self.memory, slot) + 1)
                for slot in range(min(ids), max(ids)) if slot not in ids]

    def _decode(self, sequences: list[Sequence], n: int) -> None:
        code = llama_cpp.llama_decode(self.ctx, self.batch)
        if code != 0:
            error = ModelError(f"llama.cpp could not decode a batch of {n} tokens (code {code})")
            for seq in sequences:
                self._end(seq, error=error)
            return
        for seq in sequences:
            self.prefixes.fed(seq.seq_id, seq.prompt, seq.fed)
            if seq.output_index >= 0:
                seq.sample(self.ctx)
                if seq.finished:
                    self._end(seq)

    def _end(self, seq: Sequence, error: ModelError | None = None) -> None:
        """Free the sequence's slot, then answer its caller; its KV stream keeps its prompt for later requests."""
        del self._running[seq.seq_id]
        if error is None or seq.request.cancelled.is_set():
            self.prefixes.finished(seq.seq_id)
            self._keep_prompt_only(seq.seq_id, seq)
        else:  # a failed step may have left its stream half written
            self.prefixes.forget(seq.seq_id)
            llama_cpp.llama_memory_seq_rm(self.memory, seq.seq_id, -1, -1)
        seq.close()
        if error is not None:
            seq.request.future.set_exception(error)
        else:
            seq.request.future.set_result(seq.result())
