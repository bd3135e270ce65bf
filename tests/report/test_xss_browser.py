"""Hostile model output in a real headless Chromium: nothing runs, the layout holds, the text shows as text."""

from __future__ import annotations

import asyncio
import re

import pytest

from punchup.models.fake import script
from punchup.report import write_report
from tests.report.helpers import bench_config, chromium_page, length_loving_judge, run_bench, watch_page

pytestmark = pytest.mark.browser  # scripted fake models, a real Chromium

SCRIPT_TAG = "<script>window.__xss=1</script>"
IMG_ONERROR = '<img src=x onerror="window.__xss=2">'
BREAKOUT = "</pre></article></div></details></table></section></main><script>window.__xss=3</script><h2>fake section</h2>"
JUDGE_RATIONALE = "<script>window.__xss=4</script></td></tr></table>"
HOSTILE_NAME = "<img src=x onerror=window.__xss=5>"
SECTIONS = ["leaderboard", "criteria", "length", "crafts", "judge", "examples"]


def hostile_run(store, path):
    script("xss_script", lambda m, c: f"Once upon a time {SCRIPT_TAG} the end.")
    script("xss_img", lambda m, c: f"{IMG_ONERROR} A picture that never loads, and a much longer story about it.")
    script("xss_break", lambda m, c: f"{BREAKOUT} and then the layout was supposed to break.")
    script("judge", length_loving_judge(rationale=JUDGE_RATIONALE))
    writers = ["fake/xss_script", "fake/xss_img", f"fake/xss_break@name={HOSTILE_NAME}"]
    asyncio.run(run_bench(store, bench_config("xss", writers, "fiction,camera")))
    return write_report(store, "xss", path)


def test_hostile_output_is_inert_text_in_chromium(store, tmp_path):
    report = hostile_run(store, tmp_path / "xss.html")
    source = report.read_text(encoding="utf-8")
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in source and SCRIPT_TAG not in source

    with chromium_page() as page:
        seen = watch_page(page)
        page.goto(report.as_uri())
        page.wait_for_load_state("load")

        # Nothing executed: not the scripts, not the onerror handlers, not via the writer's name.
        assert page.evaluate("typeof window.__xss") == "undefined"
        # Escaping, not the CSP, stopped it: the browser never even saw a script to refuse.
        assert not [m for m in seen["console"] if "Content Security Policy" in m], seen["console"]
        assert all(url.startswith("file://") for url in seen["requests"]), seen["requests"]
        assert page.evaluate("document.querySelectorAll('script').length") == 1  # only the print helper
        assert page.evaluate("document.querySelectorAll('img').length") == 0

        # The layout holds: the same six top-level sections in order, the breakout's fake <h2> is text.
        assert page.evaluate("[...document.querySelectorAll('main > section')].map(s => s.id)") == SECTIONS
        assert page.evaluate("document.querySelectorAll('body > div.page > footer').length") == 1
        assert page.locator("#leaderboard-table tr.leaderboard-row").count() == 3
        assert page.evaluate("document.querySelectorAll('h2').length") == len(SECTIONS)
        assert page.locator("details.example").count() == 6  # 2 packs x 3 prompts
        assert page.locator("details.example article.card").count() == 18

        # The payloads are visible, as text.
        page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        body = page.inner_text("body")
        for payload in (SCRIPT_TAG, IMG_ONERROR, "</div></details></table></section></main>", "<script>window.__xss=4</script>", HOSTILE_NAME):
            assert payload in body, payload
        assert HOSTILE_NAME in page.inner_text("#leaderboard-table")
        card_text = page.locator("details.example pre.text").first.inner_text()
        assert re.search(r"Once upon a time <script>window.__xss=1</script> the end\.|<img src=x|</pre>", card_text)
        assert page.evaluate("typeof window.__xss") == "undefined"  # opening every <details> ran nothing either
