"""docs/extending.md: every Python example in it runs as written, in order, in a fresh folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from punchup import registry

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "extending.md"
EXAMPLES = re.findall(r"```python\n(.*?)```", GUIDE.read_text(encoding="utf-8"), flags=re.DOTALL)


def test_the_guide_has_an_example_for_each_kind_of_plug_in() -> None:
    headings = re.findall(r"^## (.+)$", GUIDE.read_text(encoding="utf-8"), flags=re.MULTILINE)
    assert {"A provider", "A judge", "A pack", "A pack check", "A sampler"} <= set(headings)
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_example_runs(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    before = {kind: set(getattr(registry, kind).names()) for kind in ("providers", "judges", "samplers", "pack_checks")}
    try:
        exec(compile(EXAMPLES[index], f"{GUIDE.name} example {index + 1}", "exec"), {"__name__": f"example_{index}"})
    finally:  # examples register demo plug-ins; leave the registries as the other tests expect them
        for kind, names in before.items():
            table = getattr(registry, kind)
            for name in set(table.names()) - names:
                table.unregister(name)
