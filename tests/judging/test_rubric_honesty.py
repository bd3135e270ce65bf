"""Rubric honesty end to end: a bench judged by craft/heuristic shows every criterion it did not compute as
"not judged by this judge" in the terminal, the summary JSON and the HTML report, never as a number."""

from __future__ import annotations

import json

from tests.conftest import run_main
from punchup.models.fake import script
from punchup.packs import load_pack

STORY = ("The harbour lights went out one by one as the fog came in. Mara counted them from the gallery, the way her "
         "father had taught her, and when the last one died she lit the lamp herself, though the keepers had been gone "
         "for thirty years. Nobody in the village asked who had done it. In the morning there was a jar of marmalade "
         "on the step of the lighthouse, and a note in a child's hand that said only: thank you for the ships.")




def test_bench_with_the_heuristic_judge_marks_unjudged_criteria_everywhere(tmp_path, capsys):
    script("honest-a", lambda messages, config: STORY)
    script("honest-b", lambda messages, config: STORY.replace("Mara", "Ines").replace("marmalade", "honey"))
    store, report = tmp_path / "s.db", tmp_path / "r.html"
    code = run_main(["bench", "--writers", "fake/honest-a,fake/honest-b", "--judge", "craft/heuristic", "--packs", "fiction",
                 "--run", "honest", "--report", str(report), "--store", str(store)])
    shown = capsys.readouterr().out
    assert code == 0, shown
    fiction = load_pack("fiction")
    measured = {"show_dont_tell", "cliche_density"}
    unjudged = {c.id for c in fiction.rubric} - measured
    assert "not judged" in shown
    assert run_main(["results", "--run", "honest", "--json", "--store", str(store)]) == 0
    summary = json.loads(capsys.readouterr().out)
    for writer, criteria in summary["criteria"]["fiction"].items():
        assert {c for c, cell in criteria.items() if cell is None} == unjudged, writer
        assert all(criteria[c]["mean"] >= 1 for c in measured)
    html = report.read_text(encoding="utf-8")
    assert "Not judged by this judge:" in html and html.count("not judged</span>") == 2 * len(unjudged)
    voice = next(c.name for c in fiction.rubric if c.id == "voice")
    assert voice in html.split("Not judged by this judge:")[1].split("</p>")[0]
