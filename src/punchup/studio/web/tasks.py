"""Background work for model calls: one event-loop thread runs expand/cascade/rewrite coroutines.

Why one dedicated loop: model clients (HTTP pools, llama.cpp) are bound to the loop
that created them, and the in-process model blocks while it generates; running it
off the web server's loop keeps every page and poll responsive meanwhile.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Literal

TaskState = Literal["running", "done", "failed"]


class DraftProgress:
    """What a task's drafts have done so far, fed one DraftEvent at a time from the model loop's thread.

    Finished drafts are listed in the order they landed ("2 of 3 done"); drafts still
    being written keep only their latest text, which the progress element shows as it
    grows. The web thread reads while the model thread writes, hence the lock.
    """

    def __init__(self) -> None:
        self.landed: list[Any] = []
        self._writing: dict[tuple[str, int], Any] = {}
        self._lock = threading.Lock()

    def __call__(self, event: Any) -> None:
        key = (event.label, event.seed)
        with self._lock:
            if event.partial:
                self._writing[key] = event
            else:
                self._writing.pop(key, None)
                self.landed.append(event)

    def writing(self) -> list[Any]:
        """Drafts under way, by seed, each with its text so far."""
        with self._lock:
            return sorted(self._writing.values(), key=lambda event: (event.label, event.seed))


@dataclass
class Task:
    id: int
    kind: str  # "expand" or "cascade"
    story_id: int
    label: str
    started: float = field(default_factory=time.monotonic)
    state: TaskState = "running"
    result: Any = None
    error: str | None = None
    # What has landed so far and what is being written: the progress element shows "2 of 3 done", the texts
    # that are in, and the ones still arriving.
    drafts: DraftProgress = field(default_factory=DraftProgress)
    total: int = 0  # alternatives asked for, when known

    @property
    def progress(self) -> list[Any]:
        return self.drafts.landed

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self.started


class TaskRunner:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="studio-models", daemon=True)
        self._thread.start()
        self._tasks: dict[int, Task] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def call(self, work: Callable[[], Awaitable[Any]], timeout: float | None = None) -> Any:
        """Run a coroutine on the model loop and block this thread until it ends."""
        return asyncio.run_coroutine_threadsafe(work(), self.loop).result(timeout)  # type: ignore[arg-type]

    async def run(self, work: Callable[[], Awaitable[Any]]) -> Any:
        """Await a coroutine that runs on the model loop, without blocking the caller's loop (a span rewrite)."""
        return await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(work(), self.loop))  # type: ignore[arg-type]

    def start(self, kind: str, story_id: int, label: str, work: Callable[[], Awaitable[Any]],
              describe_error: Callable[[BaseException], str], progress: DraftProgress | None = None,
              total: int = 0) -> Task:
        with self._lock:
            task = Task(next(self._ids), kind, story_id, label, total=total)
            if progress is not None:
                task.drafts = progress  # what the work reports to as alternatives arrive and land
            self._tasks[task.id] = task
        future: Future = asyncio.run_coroutine_threadsafe(work(), self.loop)  # type: ignore[arg-type]

        def finished(done: Future) -> None:
            error = done.exception()
            if error is None:
                task.result, task.state = done.result(), "done"
            else:
                task.error, task.state = describe_error(error), "failed"

        future.add_done_callback(finished)
        return task

    def get(self, task_id: int) -> Task | None:
        return self._tasks.get(task_id)

    def close(self, before_stop: Callable[[], Awaitable[Any]] | None = None) -> None:
        if before_stop is not None and self.loop.is_running():
            try:
                self.call(before_stop, timeout=10)
            except Exception:  # closing clients must never keep the server from stopping
                pass
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)
