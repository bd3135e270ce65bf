"""Shared by the report tests: scripted fake benches and a headless Chromium page."""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Callable

import pytest

from punchup.bench.config import BenchConfig
from punchup.bench.run import Bench
from punchup.models.fake import script
from punchup.store import Store

RATIONALE = "Specific images; the ending is earned."
BROWSER_WAIT_MS = 120_000
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def length_loving_judge(rationale: str = RATIONALE, noise: float = 0.0) -> Callable[[Any, Any], str]:
    """Valid JSON for any judge schema: rubric scores drawn from the text, pairwise prefers the longer
    text except for a `noise` share of verdicts (deterministic per prompt text), which gives real CIs."""

    def reply(messages: Any, config: Any) -> str:
        body = messages[-1].content
        rng = random.Random(body)
        answer: dict[str, Any] = {}
        for name, spec in config.json_schema["properties"].items():
            if name == "rationale":
                answer[name] = rationale
            elif spec.get("enum") == ["A", "B", "tie"]:
                a = body.split("CANDIDATE A START>>>")[1].split("<<<CANDIDATE A END")[0]
                b = body.split("CANDIDATE B START>>>")[1].split("<<<CANDIDATE B END")[0]
                answer[name] = "A" if (len(a) > len(b)) != (rng.random() < noise) else "B"
            else:
                answer[name] = rng.choice(spec["enum"])
        return json.dumps(answer)

    return reply


def always_first_judge(messages: Any, config: Any) -> str:
    """Says "A" whatever the order: every pairwise verdict flips, the worst position bias there is."""
    return json.dumps({k: (v["enum"][0] if "enum" in v else "x") for k, v in config.json_schema["properties"].items()})


def words_writer(count: int) -> Callable[[Any, Any], str]:
    return lambda messages, config: " ".join(["word"] * count) + f" seed {config.seed}."


def script_length_writers() -> None:
    script("short", words_writer(20))
    script("medium", words_writer(60))
    script("long", words_writer(120))
    script("judge", length_loving_judge())


def bench_config(run: str, writers: list[str], packs: str = "fiction", judge: str = "fake/judge", **update: Any) -> BenchConfig:
    config = BenchConfig.build(run, writers, judge, packs, "quick", None, 0, None)
    return config.model_copy(update=update) if update else config


async def run_bench(store: Store, config: BenchConfig) -> dict[str, Any]:
    return await Bench(config, store).run()


@contextmanager
def chromium_page(width: int = 1366, height: int = 900) -> Iterator[Any]:
    """A page in Debian's headless Chromium; fails (never skips) when the browser is missing."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian chromium is not installed (apt-get install -y chromium): the report browser tests need it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.fail("playwright is not installed: pip install -e '.[test]' (do not run `playwright install`)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            # Every wait is on a condition (an element, a download); the ceiling is generous because a browser
            # test may share two cores with llama.cpp, where Playwright's 30 s default can run out.
            page.set_default_timeout(BROWSER_WAIT_MS)
            yield page
        finally:
            browser.close()


def watch_page(page: Any) -> dict[str, list[str]]:
    """Record every request and console message, to prove the report fetches nothing and logs no CSP violation."""
    seen: dict[str, list[str]] = {"requests": [], "console": []}
    page.on("request", lambda request: seen["requests"].append(request.url))
    page.on("console", lambda message: seen["console"].append(message.text))
    return seen
