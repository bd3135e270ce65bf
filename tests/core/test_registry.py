"""The one Registry type: lazy "module:object" entries, entry-point plug-ins, errors that name the package."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from punchup import registry
from punchup.errors import ModelError, PunchupError
from punchup.registry import Registry


def test_lazy_entry_is_imported_on_first_use_only() -> None:
    table: Registry[object] = Registry("widget", "punchup.test_widgets")
    table.register("json", "json:dumps")
    assert "json" in table and table.names() == ["json"]
    import json

    assert table.get("json") is json.dumps


def test_unknown_name_lists_the_known_ones() -> None:
    table: Registry[object] = Registry("widget", "punchup.test_widgets")
    table.register("a", object())
    with pytest.raises(PunchupError, match=r"unknown widget 'b' \(known: a\)"):
        table.get("b")


def test_missing_optional_dependency_names_the_package_to_install() -> None:
    table: Registry[object] = Registry("widget", "punchup.test_widgets", error=ModelError)
    table.register("gone", "no_such_module_for_punchup:thing", package="punchup-gone")
    with pytest.raises(ModelError, match="needs the missing package 'no_such_module_for_punchup'; install it with: pip install punchup-gone"):
        table.get("gone")


def test_builtin_entries_are_listed_without_importing_them() -> None:
    assert {"local", "openai", "fake"} <= set(registry.providers.names())
    assert "craft" in registry.judges.names()
    assert {"moves", "alts", "expect"} <= set(registry.pack_checks.names())


def test_a_third_party_package_plugs_in_through_an_entry_point(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real installed distribution (a dist-info folder on sys.path) declaring an entry point."""
    (tmp_path / "punchup_demo_plugin.py").write_text("def create(name, options):\n    return ('demo', name)\n")
    dist = tmp_path / "punchup_demo_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: punchup-demo-plugin\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[punchup.demo_providers]\ndemo = punchup_demo_plugin:create\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    table: Registry[object] = Registry("model provider", "punchup.demo_providers")
    assert table.names() == ["demo"]
    assert table.get("demo")("x", {}) == ("demo", "x")
    sys.modules.pop("punchup_demo_plugin", None)
