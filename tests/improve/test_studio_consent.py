"""Writers' choices become training data only from stories they licensed, with provenance, auditable consent."""

import asyncio
import json

import pytest

from punchup.errors import PunchupError
from punchup.improve.rows import parse_row
from punchup.improve.studio_rows import consent_history, licensed_story_ids, set_consent, studio_rows
from tests.cli.test_foundation import assert_one_line_error
from tests.conftest import run_punchup
from tests.studio.conftest import fakes, make_studio  # noqa: F401  (fixture)


def two_stories(store):
    studio = make_studio(store)

    async def build():
        for logline in ("A keeper owes a smuggler her life.", "A ferry pilot finds a letter."):
            studio.new(logline, pack="screenplay", title=logline[:12])
            await studio.expand("logline", n=3)
            studio.choose("premise", 2)
    asyncio.run(build())
    first, second = sorted(s.id for s in studio.repo.stories())
    studio.edit("premise", "Nell keeps the light and the smuggler's secret, and both cost her.", story_id=second)
    return studio, first, second


def test_only_licensed_stories_are_exported_with_provenance(store, fakes):  # noqa: F811
    studio, first, second = two_stories(store)
    with pytest.raises(PunchupError, match="no story is licensed"):
        studio_rows(store, "dpo")
    set_consent(store, first, True, "Ana")
    set_consent(store, second, True, "Ben")
    set_consent(store, first, False, "Ana")  # withdrawn: the latest event wins
    assert licensed_story_ids(store) == [second]
    assert [e["train"] for e in consent_history(store, first)] == [1, 0]
    result, sources = studio_rows(store, "dpo")
    assert {row["punchup"]["story_id"] for row in result.rows} == {second}
    kinds = [row["punchup"]["kind"] for row in result.rows]
    assert kinds.count("chose alternative 2 over 1") == 1 and kinds.count("chose alternative 2 over 3") == 1
    edit = next(row for row in result.rows if row["punchup"]["kind"].startswith("the writer's edit"))
    assert edit["chosen"][0]["content"].startswith("Nell keeps the light")
    assert edit["punchup"]["human_share"] > 0.5 and edit["punchup"]["consent"]["by"] == "Ben"
    for row in result.rows:
        parse_row(json.dumps(row), "dpo", "row")
        assert row["prompt"][-1]["role"] == "user" and "logline" in row["prompt"][-1]["content"].lower()
    (line,) = sources
    assert f"story {second}" in line and "licensed by Ben" in line and "typed by a human" in line
    kto, _ = studio_rows(store, "kto")
    assert {r["label"] for r in kto.rows} == {True, False}
    sft, _ = studio_rows(store, "sft")
    assert [r["completion"][0]["content"] for r in sft.rows] == [edit["chosen"][0]["content"]]
    with pytest.raises(PunchupError, match="--by NAME"):
        set_consent(store, second, True, " ")


def test_cli_license_and_studio_export(store, fakes, tmp_path):  # noqa: F811
    _, first, second = two_stories(store)
    out = tmp_path / "studio.jsonl"
    refused = run_punchup("export", "--studio", "--format", "dpo", "-o", str(out), "--store", store.location)
    assert_one_line_error(refused, "no story is licensed")
    assert not out.exists()
    shown = run_punchup("write", "license", "--story", str(first), "--store", store.location)
    assert shown.returncode == 0 and "not licensed for training" in shown.stdout
    granted = run_punchup("write", "license", "--train", "--by", "Ana", "--story", str(first), "--store", store.location)
    assert granted.returncode == 0 and "licensed for training" in granted.stdout and "by Ana" in granted.stdout
    exported = run_punchup("export", "--studio", "--format", "dpo", "-o", str(out), "--store", store.location)
    assert exported.returncode == 0, exported.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert rows and {r["punchup"]["story_id"] for r in rows} == {first}
    assert f"story {first}" in exported.stdout and "licensed by Ana" in exported.stdout
