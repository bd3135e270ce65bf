"""A short screenplay written end to end on the real embedded SmolLM2: structure asserted, never taste."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from punchup.models import CachedModel
from punchup.studio import Studio, StudioError
from punchup.studio.fountain import parse_fountain, scene_headings
from punchup.studio.outline import beat_entries

pytestmark = pytest.mark.real

BELOW_PREMISE = {"characters", "beats", "scene-1", "scene-2", "script-1", "script-2"}
MY_PREMISE = "Nell keeps the last manned lighthouse in Shetland and owes her life to Cal, the smuggler she is paid to report."
MY_SCRIPT = "INT. BOATHOUSE - NIGHT\n\nCal bails water with a saucepan. Nell watches from the door.\n\nNELL\nThe inspector comes Tuesday.\n\nCAL\nThen I'm gone Monday."


async def test_a_short_screenplay_end_to_end(smollm2, store, tmp_path: Path):
    started = time.perf_counter()
    studio = Studio(store, lambda model_id: CachedModel(smollm2, store), writer="local/smollm2", max_tokens=96)
    studio.new("A lighthouse keeper must decide whether to report the smuggler who saved her life.", title="The Keeper")

    # Premises ranked by the real model as judge (the default is craft/heuristic); later steps skip ranking.
    premises = await studio.expand("logline", n=2, judge="local/smollm2")
    ranked = premises.nodes[0].alternatives
    assert len(ranked) == 2 and {a.seed for a in ranked} == {0, 1}
    assert all(a.judge == "local/smollm2" for a in ranked)
    # The judge's JSON is grammar-constrained, so every judgment succeeds: a failed one (score None) fails the test.
    assert all(a.score is not None and 1 <= a.score <= 10 for a in ranked), [(a.score, a.rationale) for a in ranked]
    assert ranked[0].score >= ranked[1].score  # ranked best first
    studio.choose("premise", ranked[0].number)
    await studio.expand("premise", n=2, judge="none")
    studio.choose("characters", 1)
    beats = await studio.expand("characters", n=2, judge="none")
    best_outline = max(beats.nodes[0].alternatives, key=lambda a: len(beat_entries(a.text)))
    assert len(beat_entries(best_outline.text)) >= 2, best_outline.text
    studio.choose("beats", best_outline.number)
    scenes = await studio.expand("beats", n=2, judge="none", max_scenes=2)
    assert [node.label for node in scenes.nodes] == ["scene-1", "scene-2"]
    for number in (1, 2):
        studio.choose(f"scene-{number}", 1)
        scripts = await studio.expand(f"scene-{number}", n=2, judge="none")
        assert scripts.target == f"script-{number}" and len(scripts.nodes[0].alternatives) == 2
        studio.choose(f"script-{number}", 1)
    assert {n.status for n in studio.show().nodes} == {"fresh"}
    generated_in = time.perf_counter() - started

    # The writer writes scene 2 themselves, then changes the premise.
    studio.edit("script-2", MY_SCRIPT)
    studio.edit("premise", MY_PREMISE)
    status = {n.label: n.status for n in studio.show().nodes}
    assert {label for label, s in status.items() if s == "stale"} == BELOW_PREMISE
    assert status["logline"] == status["premise"] == "fresh"

    report = await studio.cascade("premise")
    changed = {c.label for c in report.changed}
    skipped = {s.label: s.reason for s in report.skipped}
    assert {"characters", "beats", "scene-1", "script-1"} <= changed, skipped
    assert skipped["script-2"].startswith("human-written")
    assert changed | set(skipped) == BELOW_PREMISE
    assert studio.text("script-2") == MY_SCRIPT and studio.text("premise") == MY_PREMISE
    for label in changed:
        assert studio.node(label).node.status == "fresh"

    authorship = studio.authorship()
    assert sum(share.percent for share in authorship.shares) == pytest.approx(100.0)
    assert {share.author for share in authorship.shares} >= {"human", "local/smollm2"}
    assert "human-written" in authorship.statement and "local/smollm2" in authorship.statement

    # script-2 (the writer's) was kept over a regenerated scene-2: stale, so the export needs --allow-stale.
    with pytest.raises(StudioError, match="not ready to export: script-2 is stale"):
        studio.export("fountain", tmp_path / "keeper.fountain")
    fountain = studio.export("fountain", tmp_path / "keeper.fountain", allow_stale=True)
    assert any("script-2 is stale" in w for w in fountain.warnings)
    assert len(scene_headings(parse_fountain(Path(fountain.path).read_text(encoding="utf-8")))) == 2
    pdf = studio.export("pdf", tmp_path / "keeper.pdf", allow_stale=True)
    assert Path(pdf.path).read_bytes()[:4] == b"%PDF"
    print(f"\nreal studio: generation {generated_in:.1f}s, total {time.perf_counter() - started:.1f}s, "
          f"cascade calls {report.calls_made}")
