"""The bench: generate -> measure -> judge -> pair -> rank, async and resumable.

Every model call and judgment goes through the Store's cache, and every
finished item is written as a run item, so a killed bench re-run with the same
command repeats no finished call and ends with the same rankings.
"""

from __future__ import annotations

import asyncio
import time
from contextlib import contextmanager
from typing import Any, Awaitable, Callable, Iterable, Iterator, TypeVar


from punchup.__about__ import __version__
from punchup.analysis.records import BenchSummary, stored_summary
from punchup.bench.briefs import writer_messages
from punchup.bench.config import DEFAULT_CONCURRENCY, BenchConfig
from punchup.bench.state import BenchState, generation_key, sample_seed
from punchup.errors import ModelError, PunchupError
from punchup.util.hashing import canonical_json, code_fingerprint, content_key
from punchup.judging.factory import build_judges
from punchup.improve.samplers.build import WriterModels, check_sampler
from punchup.metrics import sample_diversity, text_metrics
from punchup.models import GenerateConfig
from punchup.models.pool import ModelPool
from punchup.packs import Pack, load_packs
from punchup.bench.pairing import schedule_pairs
from punchup.store import Store
from punchup.bench.writers import WriterProfile

T = TypeVar("T")

ProgressHook = Callable[[str, int], None]  # (stage, total) starts a stage; (stage, -1) advances it


class Bench:
    def __init__(self, config: BenchConfig, store: Store, model_options: Callable[[str], dict[str, Any]] | None = None,
                 progress: ProgressHook | None = None, concurrency: int = DEFAULT_CONCURRENCY):
        self.config = config
        self.store = store
        self.progress = progress or (lambda stage, n: None)
        self.limit = asyncio.Semaphore(concurrency)
        self.models = ModelPool(store, model_options)
        packs = load_packs(",".join(config.packs))
        if config.only_prompts:  # e.g. the held-out prompts of an export: exactly those, whatever the preset
            from punchup.improve.holdout import select_prompts

            packs = select_prompts(packs, config.only_prompts)
        elif config.prompts_per_pack:
            packs = [p.model_copy(update={"prompts": p.prompts[: config.prompts_per_pack]}) for p in packs]
        self.state = BenchState(packs=packs)
        self.judges = build_judges(config.judge, store, self.models)
        for writer in config.writers:
            check_sampler(writer.model, writer.sampler)  # e.g. antislop on an HTTP model: one line, before any call
        self.writer_models = WriterModels(
            self.models, lambda spec: self.judges if spec == config.judge else build_judges(spec, store, self.models))
        self.unchanged = False  # set by run(): True when the results equal the stored ones

    async def _each(self, stage: str, items: list[T], work: Callable[[T], Awaitable[None]]) -> None:
        self.progress(stage, len(items))

        async def one(item: T) -> None:
            async with self.limit:
                await work(item)
            self.progress(stage, -1)

        await asyncio.gather(*(one(item) for item in items))

    # -- stages ---------------------------------------------------------------
    def tasks(self) -> Iterable[tuple[Pack, Any, WriterProfile, int]]:
        for pack in self.state.packs:
            samples = self.config.samples or pack.generation.samples
            for prompt in pack.prompts:
                for writer in self.config.writers:
                    for sample in range(samples):
                        yield pack, prompt, writer, sample

    async def generate(self) -> None:
        async def work(task: tuple[Pack, Any, WriterProfile, int]) -> None:
            pack, prompt, writer, sample = task
            max_tokens = writer.max_tokens or pack.generation.max_tokens
            if self.config.max_tokens:
                max_tokens = min(max_tokens, self.config.max_tokens)
            config = GenerateConfig(
                temperature=writer.temperature if writer.temperature is not None else pack.generation.temperature,
                top_p=writer.top_p or 0.95,
                max_tokens=max_tokens,
                seed=sample_seed(self.config.seed, pack.name, prompt.id, sample),
            )
            key = generation_key(pack.name, prompt.id, writer.name, sample)
            record: dict[str, Any] = {"pack": pack.name, "prompt": prompt.id, "writer": writer.name,
                                      "model": writer.model, "sample": sample, "seed": config.seed}
            try:
                model = self.writer_models(writer.model, writer.sampler, pack, prompt)
                generation = await model.generate(writer_messages(writer, pack, prompt), config, sample_index=sample)
                record.update(ok=True, text=generation.text, tokens=generation.completion_tokens, finish=generation.finish_reason)
                if generation.trace:
                    record["sampler"] = generation.trace
            except ModelError as exc:
                record.update(ok=False, text="", tokens=0, error=str(exc))
            self.state.generations[key] = record
            self.store.put_run_item(self.config.run, "generation", key, record)

        await self._each("generate", list(self.tasks()), work)

    def measure(self) -> None:
        """Text metrics and sample diversity, reused from the store when text and code are unchanged."""
        self.progress("metrics", len(self.state.generations))
        stored = {kind: dict(self.store.run_items(self.config.run, kind)) for kind in ("metrics", "diversity")}
        by_prompt_writer: dict[str, list[str]] = {}
        for key, record in sorted(self.state.generations.items()):
            if record["ok"]:
                self.state.metrics[key] = self._derived(stored, "metrics", key, record["text"],
                                                        lambda text: text_metrics(text).model_dump())
                group = f"{record['pack']}/{record['prompt']}/{record['writer']}"
                by_prompt_writer.setdefault(group, []).append(record["text"])
            self.progress("metrics", -1)
        for group, texts in by_prompt_writer.items():
            if len(texts) > 1:
                self.state.diversity[group] = self._derived(stored, "diversity", group, texts,
                                                            lambda texts: sample_diversity(texts).model_dump())

    def _derived(self, stored: dict[str, dict[str, Any]], kind: str, key: str, source: Any,
                 compute: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
        """``compute(source)``, or its stored value if it was computed from the same source by the same code."""
        source_key = content_key([code_fingerprint(), source])
        previous = stored[kind].get(key)
        if previous is not None and previous["source"] == source_key:
            return previous["value"]
        value = compute(source)
        self.store.put_run_item(self.config.run, kind, key, {"source": source_key, "value": value})
        return value

    def _pack(self, name: str) -> Pack:
        return next(p for p in self.state.packs if p.name == name)

    async def judge_rubric(self) -> None:
        judge = self.judges.rubric
        jobs: list[tuple[str, str | None]] = []
        for key, record in sorted(self.state.generations.items()):
            if not record["ok"]:
                continue
            jobs.append((key, None))
            if self.config.personas:
                jobs.extend((key, persona.id) for persona in self._pack(record["pack"]).personas)

        async def work(job: tuple[str, str | None]) -> None:
            key, persona_id = job
            record = self.state.generations[key]
            pack = self._pack(record["pack"])
            persona = next((p for p in pack.personas if p.id == persona_id), None)
            result = await judge.judge(pack, pack.prompt(record["prompt"]), record["text"], persona)
            data = result.model_dump(exclude={"raw", "cached"})
            target = self.state.personas if persona else self.state.rubric
            item_key = f"{key}/{persona_id}" if persona else key
            target[item_key] = data
            self.store.put_run_item(self.config.run, "persona" if persona else "rubric", item_key, data)

        await self._each("rubric", jobs, work)

    def _rubric_means(self) -> dict[str, float]:
        totals: dict[str, list[float]] = {}
        for key, result in self.state.rubric.items():
            if result["overall"] is not None:
                totals.setdefault(self.state.generations[key]["writer"], []).append(result["overall"])
        return {w: sum(v) / len(v) for w, v in totals.items()}

    def pair_jobs(self) -> list[tuple[str, str, str, int]]:
        writers = [w.name for w in self.config.writers]
        prompt_ids = [f"{p.name}/{q.id}" for p in self.state.packs for q in p.prompts]
        schedule = schedule_pairs(writers, prompt_ids, self._rubric_means() or None, self.config.pair_budget)
        jobs = []
        for prompt_id, writer_a, writer_b in schedule:
            pack_name, prompt = prompt_id.split("/", 1)
            samples = self.config.samples or self._pack(pack_name).generation.samples
            for sample in range(samples):
                a = self.state.generations.get(generation_key(pack_name, prompt, writer_a, sample))
                b = self.state.generations.get(generation_key(pack_name, prompt, writer_b, sample))
                if a and b and a["ok"] and b["ok"]:
                    jobs.append((prompt_id, writer_a, writer_b, sample))
        return jobs

    async def judge_pairs(self) -> None:
        judge = self.judges.pairwise

        async def work(job: tuple[str, str, str, int]) -> None:
            prompt_id, writer_a, writer_b, sample = job
            pack_name, prompt = prompt_id.split("/", 1)
            pack = self._pack(pack_name)
            a = self.state.generations[generation_key(pack_name, prompt, writer_a, sample)]
            b = self.state.generations[generation_key(pack_name, prompt, writer_b, sample)]
            result = await judge.judge_pair(pack, pack.prompt(prompt), a["text"], b["text"])
            data = {**result.model_dump(exclude={"raw", "cached"}), "writer_a": writer_a, "writer_b": writer_b,
                    "sample": sample, "pack": pack_name, "words_a": len(a["text"].split()), "words_b": len(b["text"].split())}
            key = f"{prompt_id}/{writer_a}~{writer_b}/{sample}"
            self.state.pairs[key] = data
            self.store.put_run_item(self.config.run, "pair", key, data)

        await self._each("pairwise", self.pair_jobs(), work)

    def _summary(self) -> BenchSummary:
        """The run's figures; the stored ones when every input and the code are as they were."""
        state = self.state
        inputs = content_key([code_fingerprint(), self.config.model_dump(), [p.content_hash for p in state.packs],
                              self.judges.models, state.generations, state.rubric, state.personas, state.pairs])
        previous = stored_summary(self.store, self.config.run)
        if previous is not None and previous.inputs == inputs:
            self.unchanged = True  # the same inputs through the same code: nothing to recompute
            return previous.model_copy(update={"calls": self.models.call_counts()})
        from punchup.analysis.summary import summarize  # numpy: only when there is something to rank

        summary = summarize(self.config, state, __version__, self.judges.models, self.models.call_counts())
        summary.inputs = inputs
        self.unchanged = previous is not None and canonical_json(previous.results()) == canonical_json(summary.results())
        return summary

    async def run(self) -> BenchSummary:
        self.store.put_run(self.config.run, self.config.model_dump())
        timings: dict[str, float] = {}
        try:
            with _timed(timings, "generate"):
                await self.generate()
            if not any(r["ok"] for r in self.state.generations.values()):
                first = next(iter(self.state.generations.values()), {})
                raise PunchupError(f"no generation succeeded: {first.get('error', 'no prompts to run')}")
            with _timed(timings, "metrics"):
                self.measure()
            with _timed(timings, "rubric"):
                await self.judge_rubric()
            with _timed(timings, "pairwise"):
                await self.judge_pairs()
            self.progress("rank", 1)
            with _timed(timings, "rank"):
                summary = self._summary()
            summary.timings_s = {stage: round(seconds, 3) for stage, seconds in timings.items()}
            summary.faults = self.models.fault_counts()
            self.store.put_run_item(self.config.run, "summary", "summary", summary.to_json())
            self.progress("rank", -1)
            return summary
        finally:
            await self.models.aclose()


@contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        timings[stage] = time.perf_counter() - started
