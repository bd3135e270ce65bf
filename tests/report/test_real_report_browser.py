"""A report of a real (tiny) bench on the embedded SmolLM2, opened in headless Chromium.

Asserts structure, never taste. Leaves a full-page screenshot and a printed PDF
in artifacts/ for people to look at.
"""

from __future__ import annotations

import asyncio
import shutil

import pytest

from punchup.bench.config import BenchConfig
from punchup.bench.run import Bench
from punchup.report import write_report
from tests.report.helpers import chromium_page, watch_page

pytestmark = [pytest.mark.real, pytest.mark.browser]

WRITERS = ["local/smollm2", "local/smollm2@temp=1.2;name=smollm2-hot"]


def test_real_smollm2_report_renders_in_chromium(store, tmp_path, artifacts):
    config = BenchConfig.build("smollm2-report", WRITERS, "local/smollm2", "fiction", "quick", None, 0, None)
    config = config.model_copy(update={"prompts_per_pack": 1, "max_tokens": 48})
    summary = asyncio.run(Bench(config, store).run()).to_json()
    report = write_report(store, config.run, tmp_path / "report.html")
    shutil.copyfile(report, artifacts / "report-smollm2.html")

    with chromium_page(width=1366, height=900) as page:
        seen = watch_page(page)
        page.goto(report.as_uri())
        page.wait_for_load_state("load")

        writers = page.locator("#leaderboard-table tr.leaderboard-row td.writer").all_inner_texts()
        assert sorted(writers) == ["local/smollm2", "smollm2-hot"]
        assert writers == [row["writer"] for row in summary["leaderboard"]]
        plots = page.locator("svg.plot")
        assert plots.count() == 2  # the fiction heatmap and the length scatter
        for index in range(plots.count()):
            box = plots.nth(index).bounding_box()
            assert box is not None and box["width"] > 300 and box["height"] > 100
        # CI bars: raw and length-controlled Elo when pairs were judged, rubric when scores were.
        expected_bars = sum(2 * bool(r["elo"]) + bool(r["rubric"]) for r in summary["leaderboard"])
        assert page.locator("#leaderboard-table svg.ci").count() == expected_bars
        assert page.inner_text("#judge-quality").count("local/smollm2") >= 1
        assert "writers using the judge's model: 2" in page.inner_text("#judge-quality")  # the judge also writes here
        assert page.locator("details.example article.card").count() == 2
        assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
        assert not [m for m in seen["console"] if "Content Security Policy" in m], seen["console"]

        page.screenshot(path=str(artifacts / "report-smollm2.png"), full_page=True)

        # The first prompt is open on screen; scores and rationales sit in closed <details>,
        # which printing must expand so that they reach paper.
        assert page.locator("details.example pre.text").first.is_visible()
        scores = page.locator("details.scores > :not(summary)").first
        assert not scores.is_visible()
        page.emulate_media(media="print")
        assert scores.is_visible()
        page.pdf(path=str(artifacts / "report-smollm2.pdf"), format="A4", print_background=True)

    assert (artifacts / "report-smollm2.png").stat().st_size > 50_000
    assert (artifacts / "report-smollm2.pdf").read_bytes().startswith(b"%PDF")
