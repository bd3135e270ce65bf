"""The HTML report rendered from real bench runs on scripted fake models."""

from __future__ import annotations

import html
import re
from collections import Counter
from pathlib import Path

import pytest

from punchup.errors import PunchupError
from punchup.models.fake import script
from punchup.packs import load_packs
from punchup.report import default_report_path, render_report, write_report
from punchup.report.plots import clean_svg, criteria_heatmap
from punchup.report.render import TEMPLATES
from tests.report.helpers import always_first_judge, bench_config, run_bench, script_length_writers

WRITERS = ["fake/short", "fake/medium", "fake/long"]


@pytest.fixture
async def report(store) -> str:
    script_length_writers()
    await run_bench(store, bench_config("r", WRITERS, "fiction,camera,comedy"))
    return render_report(store, "r")


def leaderboard_writers(html: str) -> list[str]:
    rows = re.findall(r'<tr class="leaderboard-row">(.*?)</tr>', html, flags=re.S)
    return [re.search(r'<td class="writer">(.*?)</td>', row).group(1) for row in rows]


async def test_leaderboard_has_a_row_per_writer_in_rank_order(report):
    assert leaderboard_writers(report) == ["fake/long", "fake/medium", "fake/short"]  # the judge prefers length
    assert report.count('<svg class="ci"') == 3 * 3  # raw, length-controlled and rubric bars per writer


async def test_plots_are_inline_svg_with_unique_ids(report):
    plots = re.findall(r'<svg class="plot"[^>]*id="([^"]+)"', report)
    assert plots == ["heatmap-0", "heatmap-1", "heatmap-2", "length-scatter"]  # fiction, camera, comedy (run order), length
    ids = Counter(re.findall(r'\sid="([^"]+)"', report))
    assert [i for i, n in ids.items() if n > 1] == []
    assert "<?xml" not in report and "<!DOCTYPE svg" not in report
    # Every internal SVG reference points at an id that exists in the page.
    for target in re.findall(r'(?:href="#|url\(#)([^")]+)', report):
        assert target in ids, target


async def test_nothing_refers_to_the_network(report):
    assert "http://" not in report and "https://" not in report
    assert not re.search(r"<script[^>]*\bsrc=|<link\b|@import|url\((?!#)", report, flags=re.I)
    policy = html.unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', report).group(1))
    assert policy.startswith("default-src 'none'; ") and "connect-src" not in policy
    assert report.count("<script") == 1  # the print helper, allowed by hash


async def test_judge_quality_and_comparability_fields(report, store):
    panel = report[report.index('id="judge-quality"'):report.index('id="examples"')]
    for field in ("judge model", "fake/judge", "order-flip rate", "failed pair judgments", "failed rubric judgments",
                  "injections flagged", "self-preference", "temperature=0.0", "max_tokens=400", "punchup version", "seed"):
        assert field in panel, field
    for pack in load_packs("fiction,camera,comedy"):
        hashed = pack.model_copy(update={"prompts": pack.prompts[:3]}).content_hash
        assert f'title="{hashed}"' in panel and hashed[:12] in panel
    assert panel.count("matches") == 3  # the pack files on disk are the ones the run used
    assert 'id="flip-warning"' not in report  # this judge never flips
    assert "none detected" in panel  # no writer uses the judge's model


async def test_negative_criteria_are_marked_and_inverted(report):
    fiction = load_packs("fiction")[0]
    negatives = [c.name for c in fiction.rubric if c.negative]
    assert negatives
    for name in negatives:
        escaped = name.replace("'", "&#39;")
        assert f"{escaped} ↓" in report  # heatmap column label
        assert re.search(re.escape(escaped) + r' <span class="badge neg">↓ negative</span>', report)


async def test_craft_sections_show_camera_and_comedy(report):
    crafts = report[report.index('id="crafts"'):report.index('id="judge"')]
    assert "craft-camera" in crafts and "craft-comedy" in crafts and "craft-personas" not in crafts
    assert re.search(r"<th>(pan|tilt|dolly in|push-in|tracking|crane|dolly zoom|whip pan|rack focus|handheld)</th>", crafts)
    assert re.search(r"\d+/\d+</span>", crafts)  # adherence as correct/required
    assert "Not in this run: reader personas (judged in the full preset); refusal calibration (refusal pack)." in crafts


async def test_example_browser_has_every_text_and_verdict(report, store):
    generations = dict(store.run_items("r", "generation"))
    assert report.count('<details class="block example"') == 9  # 3 packs x 3 prompts
    assert report.count('<article class="card">') == len(generations) == 27
    some_text = next(iter(generations.values()))["text"]
    assert some_text in report
    assert report.count("<h4>Pairwise verdicts</h4>") == 9


async def test_flip_warning_and_self_preference(store):
    script("short", lambda m, c: "A short story.")
    script("judge", lambda m, c: "A story by the judge." if c.json_schema is None else always_first_judge(m, c))
    await run_bench(store, bench_config("f", ["fake/short", "fake/judge"]))
    html = render_report(store, "f")
    assert re.search(r'id="flip-warning"[^>]*>Judge order-flip rate is 100%', html)
    assert "mostly ties" in html
    assert "self-preference risk: writer &#39;fake/judge&#39;" in html
    assert "writers using the judge's model: 1" in html


async def test_calibration_results_are_shown_and_malformed_ones_skipped(report, store):
    assert "No calibration results for judge fake/judge" in report
    store.put_run_item("calibration:fake/judge", "calibration", "human-prefs",
                       {"accuracy": 0.72, "ci_low": 0.61, "ci_high": 0.81, "flip_rate": 0.12, "pairs": 150,
                        "source": "data/human_prefs.jsonl"})
    store.put_run_item("calibration:fake/judge", "calibration", "broken", {"accuracy": "high"})
    store.put_run_item("calibration:other/judge", "calibration", "other", {"accuracy": 0.99, "source": "elsewhere.jsonl"})
    html = render_report(store, "r")
    table = html[html.index('id="calibration"'):]
    table = table[:table.index("</table>")]
    assert "data/human_prefs.jsonl" in table and "72%" in table and "61%–81%" in table and "150" in table
    assert table.count("<tr>") == 2  # header + the one well-formed result for this judge
    assert "elsewhere.jsonl" not in html


async def test_unknown_or_unfinished_runs_are_clear_errors(store):
    with pytest.raises(PunchupError, match=r"run 'nope' not found in store .*punchup.db"):
        render_report(store, "nope")
    store.put_run("half", {"run": "half"})
    with pytest.raises(PunchupError, match="run 'half' has no finished summary"):
        render_report(store, "half")


async def test_write_report_writes_atomically_and_checks_the_path(report, store, tmp_path):
    target = write_report(store, "r", tmp_path / "out.html")
    assert target.read_text(encoding="utf-8").startswith("<!doctype html>")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".partial")] == []
    with pytest.raises(PunchupError, match="report folder .*missing does not exist"):
        write_report(store, "r", tmp_path / "missing" / "out.html")
    with pytest.raises(PunchupError, match="is a folder"):
        write_report(store, "r", tmp_path)
    assert default_report_path("calibration:judge/x y") == Path("report-calibration_judge_x_y.html")


def test_template_never_marks_values_safe():
    template = (TEMPLATES / "report.html.j2").read_text(encoding="utf-8")
    assert "|safe" not in template.replace(" ", "") and "autoescape false" not in template


def test_clean_svg_prefixes_ids_and_strips_the_document_wrapper():
    first = criteria_heatmap("a", ["w1", "w2"], [("Voice", False), ("Cliché density", True)], [[5.0, 3.0], [None, 8.0]])
    second = criteria_heatmap("b", ["w1", "w2"], [("Voice", False), ("Cliché density", True)], [[5.0, 3.0], [None, 8.0]])
    ids_a = set(re.findall(r'\sid="([^"]+)"', first))
    ids_b = set(re.findall(r'\sid="([^"]+)"', second))
    assert ids_a and not ids_a & ids_b
    assert all(i == "a" or i.startswith("a-") for i in ids_a)
    assert first.startswith('<svg class="plot" role="img" id="a"')
    assert "<metadata" not in first and "<style" not in first and "xmlns" not in first and "<!--" not in first
    assert "Cliché density ↓" in first and "—" in first  # negative label and the missing cell
    raw = '<?xml version="1.0"?>\n<svg width="10pt" height="5pt" viewBox="0 0 10 5" xmlns="http://www.w3.org/2000/svg"><!-- x --><defs><path id="m1"/></defs><use xlink:href="#m1"/><g clip-path="url(#c1)"/></svg>'
    cleaned = clean_svg(raw, "p")
    assert cleaned == ('<svg class="plot" role="img" id="p" style="max-width:10pt" viewBox="0 0 10 5">'
                       '<defs><path id="p-m1"/></defs><use xlink:href="#p-m1"/><g clip-path="url(#p-c1)"/></svg>')
