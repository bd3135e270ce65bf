"""Loading pack files: every user mistake becomes one PackError line naming file, field and line."""

from __future__ import annotations

import string
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from punchup.errors import PunchupError
from punchup.packs import (
    CAMERA_MOVES,
    Criterion,
    Pack,
    PackError,
    builtin_pack_dir,
    load_pack,
    load_packs,
)
from punchup.packs import loader

# A small valid pack. Tests break one thing in it and check the message
# points at the right line, found with line_of() rather than hard-coded.
VALID = """\
name: demo
version: "1.0"
description: A pack for tests.
craft_notes: |
  Keep it tight.
generation:
  temperature: 0.7
  max_tokens: 300
rubric:
  - id: voice
    name: Voice
    question: Is there a voice?
    low: Generic.
    high: Unmistakable.
  - id: cliche_density
    name: Cliches
    question: How many cliches?
    low: None.
    high: Wall to wall.
    negative: true
  - id: ending
    name: Ending
    question: Is the ending earned?
    low: Arbitrary.
    high: Inevitable.
pairwise:
  - id: better
    name: Better
    question: Which is better?
personas:
  - id: editor
    name: Editor
    description: Hates adverbs.
prompts:
  - id: heist
    text: Write a heist.
  - id: shot_list
    text: Write a shot list.
    moves: [pan, rack focus]
  - id: jokes
    text: Pitch alts.
    alts: 5
"""


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line number of the `occurrence`-th line containing `needle`."""
    hits = [number for number, line in enumerate(text.splitlines(), start=1) if needle in line]
    assert len(hits) >= occurrence, f"{needle!r} occurs {len(hits)} times"
    return hits[occurrence - 1]


def write(tmp_path: Path, text: str | bytes, name: str = "my.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def error_for(path: Path | str) -> str:
    with pytest.raises(PackError) as caught:
        load_pack(path)
    message = str(caught.value)
    assert "\n" not in message, "PackError messages must be one line"
    return message


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"{old!r} must occur exactly once"
    return text.replace(old, new)


# --- the happy path -------------------------------------------------------


def test_valid_file_loads_with_defaults_and_source_path(tmp_path: Path) -> None:
    path = write(tmp_path, VALID)
    pack = load_pack(path)
    assert pack.name == "demo"
    assert pack.craft_notes == "Keep it tight."  # block scalar newline stripped
    assert pack.generation.temperature == 0.7
    assert pack.generation.samples == 1  # default
    assert pack.source_path == str(path.resolve())
    assert pack.prompt("shot_list").moves == ["pan", "rack focus"]
    assert pack.prompt("jokes").alts == 5
    assert pack.criterion("cliche_density").negative is True


def test_string_path_and_yml_suffix_load(tmp_path: Path) -> None:
    path = write(tmp_path, VALID, name="demo.yml")
    assert load_pack(str(path)).name == "demo"


def test_pack_error_is_a_punchup_error() -> None:
    assert issubclass(PackError, PunchupError)


# --- malformed packs: file, field path and line ---------------------------


def test_missing_field_names_item_and_its_line(tmp_path: Path) -> None:
    text = replace_once(VALID, "    low: Arbitrary.\n", "")
    message = error_for(write(tmp_path, text))
    assert message == f"{tmp_path / 'my.yaml'}:{line_of(text, '- id: ending')}: rubric[2].low: field required"


def test_wrong_type_points_at_the_key_line(tmp_path: Path) -> None:
    text = replace_once(VALID, "temperature: 0.7", "temperature: hot")
    message = error_for(write(tmp_path, text))
    assert message.startswith(f"{tmp_path / 'my.yaml'}:{line_of(text, 'temperature:')}: generation.temperature: ")
    assert "number" in message


def test_out_of_range_value(tmp_path: Path) -> None:
    text = replace_once(VALID, "temperature: 0.7", "temperature: 3")
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'temperature:')}: generation.temperature: " in message
    assert "less than or equal to 2" in message


def test_string_where_number_belongs_is_not_coerced(tmp_path: Path) -> None:
    # Strict models: "300" in quotes is a mistake worth reporting, not a number.
    text = replace_once(VALID, "max_tokens: 300", 'max_tokens: "300"')
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'max_tokens:')}: generation.max_tokens: " in message


def test_unknown_key_typo_suggests_the_right_field(tmp_path: Path) -> None:
    text = replace_once(VALID, "question: Is the ending earned?", "questoin: Is the ending earned?")
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'questoin')}: rubric[2].questoin: unknown field" in message
    assert "did you mean 'question'?" in message


def test_unknown_top_level_key_suggests_field(tmp_path: Path) -> None:
    text = VALID + "personass: []\n"
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'personass')}: personass: unknown field; did you mean 'personas'?" in message


def test_unknown_key_without_close_match_lists_allowed_fields(tmp_path: Path) -> None:
    text = replace_once(VALID, "  max_tokens: 300", "  max_tokens: 300\n  zzz: 1")
    message = error_for(write(tmp_path, text))
    assert "generation.zzz: unknown field (allowed: temperature, max_tokens, samples)" in message


def test_a_key_made_of_a_line_break_is_quoted_and_the_message_stays_one_line(tmp_path: Path) -> None:
    # Found by the mutation property test below: a YAML key "\n" used to split the message over two lines.
    text = replace_once(VALID, "  max_tokens: 300", '  max_tokens: 300\n  "\\n": 1')
    message = error_for(write(tmp_path, text))
    assert "\n" not in message and "generation.'\\n': unknown field (allowed: temperature, max_tokens, samples)" in message


def test_duplicate_prompt_id_points_at_second_occurrence(tmp_path: Path) -> None:
    text = replace_once(VALID, "  - id: jokes", "  - id: heist")
    message = error_for(write(tmp_path, text))
    second = line_of(text, "- id: heist", occurrence=2)
    assert f"my.yaml:{second}: prompts[2].id: duplicate prompt id 'heist'" in message


def test_duplicate_criterion_id(tmp_path: Path) -> None:
    text = replace_once(VALID, "  - id: ending", "  - id: voice")
    message = error_for(write(tmp_path, text))
    second = line_of(text, "- id: voice", occurrence=2)
    assert f"my.yaml:{second}: rubric[2].id: duplicate criterion id 'voice'" in message


def test_unknown_camera_move_in_flow_list(tmp_path: Path) -> None:
    text = replace_once(VALID, "moves: [pan, rack focus]", "moves: [pan, zoom]")
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'moves:')}: prompts[1].moves[1]: unknown camera move 'zoom'" in message
    assert "dolly zoom" in message  # lists the known moves


def test_unknown_camera_move_in_block_list_points_at_item(tmp_path: Path) -> None:
    text = replace_once(VALID, "moves: [pan, rack focus]", "moves:\n      - pan\n      - steadicam")
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, '- steadicam')}: prompts[1].moves[1]: unknown camera move" in message


def test_camera_moves_are_canonicalised(tmp_path: Path) -> None:
    text = replace_once(VALID, "moves: [pan, rack focus]", "moves: [Dolly In, push in, 'Dolly-Zoom']")
    pack = load_pack(write(tmp_path, text))
    assert pack.prompt("shot_list").moves == ["dolly in", "push-in", "dolly zoom"]
    assert set(pack.prompt("shot_list").moves) <= set(CAMERA_MOVES)


def test_repeated_camera_move_is_rejected(tmp_path: Path) -> None:
    text = replace_once(VALID, "moves: [pan, rack focus]", "moves: [pan, Pan]")
    assert "prompts[1].moves: camera move 'pan' is listed twice" in error_for(write(tmp_path, text))


def test_bad_yaml_syntax_reports_line(tmp_path: Path) -> None:
    text = replace_once(VALID, "    name: Ending\n", "    name: Ending\n   oops: [unclosed\n")
    message = error_for(write(tmp_path, text))
    assert message.startswith(f"{tmp_path / 'my.yaml'}:")
    assert "YAML syntax error" in message
    line = int(message.split(":")[1])
    assert line_of(text, "oops") <= line <= line_of(text, "oops") + 2


def test_tab_indentation_is_a_syntax_error_on_its_line(tmp_path: Path) -> None:
    text = replace_once(VALID, "  max_tokens: 300", "\tmax_tokens: 300")
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'max_tokens')}: YAML syntax error" in message


@pytest.mark.parametrize("content", ["", "   \n\n", "# only a comment\n", "---\n"])
def test_empty_file(tmp_path: Path, content: str) -> None:
    message = error_for(write(tmp_path, content))
    assert message == f"{tmp_path / 'my.yaml'}: file is empty"


def test_non_utf8_bytes_name_the_line(tmp_path: Path) -> None:
    raw = VALID.encode("utf-8").replace(b"Hates adverbs.", b"Hates \xff adverbs.")
    message = error_for(write(tmp_path, raw))
    assert f"my.yaml:{line_of(VALID, 'Hates adverbs.')}: not valid UTF-8" in message
    assert "0xff" in message


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    assert load_pack(write(tmp_path, b"\xef\xbb\xbf" + VALID.encode("utf-8"))).name == "demo"


def test_top_level_list(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, "- name: demo\n- version: '1.0'\n"))
    assert message.startswith(f"{tmp_path / 'my.yaml'}:1: the top level must be a mapping")
    assert "not a list" in message


def test_top_level_scalar(tmp_path: Path) -> None:
    assert "not a piece of text" in error_for(write(tmp_path, "just some words\n"))


def test_unknown_pack_name_lists_builtins_and_suggests() -> None:
    message = error_for("ficton")
    assert message.startswith("unknown pack 'ficton' (built-in packs: ")
    assert "screenplay" in message and "refusal" in message
    assert "did you mean 'fiction'?" in message


def test_too_large_file(tmp_path: Path) -> None:
    padding = "# " + "x" * 1000 + "\n"
    text = VALID + padding * (loader.MAX_PACK_BYTES // len(padding) + 1)
    message = error_for(write(tmp_path, text))
    assert message.startswith(f"{tmp_path / 'my.yaml'}: file is too large")
    assert "2 MB" in message


def test_file_just_under_the_limit_is_read(tmp_path: Path) -> None:
    padding = "# " + "x" * 1000 + "\n"
    text = VALID + padding * ((loader.MAX_PACK_BYTES - len(VALID)) // len(padding))
    assert len(text.encode()) <= loader.MAX_PACK_BYTES
    assert load_pack(write(tmp_path, text)).name == "demo"


@pytest.mark.parametrize("bad_name", ["My Pack", "demo_pack", "-demo", "démo"])
def test_bad_pack_name_slug(tmp_path: Path, bad_name: str) -> None:
    text = replace_once(VALID, "name: demo", f"name: {bad_name}")
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:1: name: '{bad_name}' is not a valid id" in message


def test_bad_criterion_id_slug(tmp_path: Path) -> None:
    text = replace_once(VALID, "- id: ending", "- id: Ending-Earned")
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'Ending-Earned')}: rubric[2].id: 'Ending-Earned' is not a valid id" in message


def test_unquoted_version_number_explains_quoting(tmp_path: Path) -> None:
    text = replace_once(VALID, 'version: "1.0"', "version: 1.0")
    message = error_for(write(tmp_path, text))
    assert 'my.yaml:2: version: version must be a quoted string such as "1.0"' in message


def test_yaml_boolean_where_text_belongs_explains_quoting(tmp_path: Path) -> None:
    text = replace_once(VALID, "low: Arbitrary.", "low: no")
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'low: no')}: rubric[2].low: should be text, but YAML read no" in message
    assert "put it in quotes" in message


def test_too_few_rubric_criteria(tmp_path: Path) -> None:
    start = VALID.index("  - id: ending")
    text = VALID[:start] + VALID[VALID.index("pairwise:") :]
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'rubric:')}: rubric: " in message
    assert "at least 3" in message


def test_refusal_label_must_be_known(tmp_path: Path) -> None:
    text = replace_once(VALID, "    text: Write a heist.", "    text: Write a heist.\n    expect: maybe")
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'expect: maybe')}: prompts[0].expect: " in message
    assert "'comply'" in message and "'refuse'" in message


def test_zero_weight_rejected(tmp_path: Path) -> None:
    text = replace_once(VALID, "    negative: true", "    negative: true\n    weight: 0")
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'weight: 0')}: rubric[1].weight: " in message
    assert "greater than 0" in message


def test_duplicate_yaml_key_points_at_second(tmp_path: Path) -> None:
    # PyYAML would keep only the last value; the author should hear about it.
    first = "    question: Is there a voice?\n"
    text = replace_once(VALID, first, first + "    question: Again?\n")
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'question: Again?')}: duplicate key 'question'" in message


def test_source_path_may_not_be_set_by_the_file(tmp_path: Path) -> None:
    text = VALID + "source_path: /etc/passwd\n"
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, 'source_path')}: source_path: set by the loader" in message


def test_several_problems_reports_earliest_and_counts_rest(tmp_path: Path) -> None:
    text = replace_once(VALID, "temperature: 0.7", "temperature: 9")
    text = replace_once(text, "  - id: jokes", "  - id: Jokes!")
    text = replace_once(text, 'version: "1.0"', "version: 2")
    message = error_for(write(tmp_path, text))
    assert message.startswith(f"{tmp_path / 'my.yaml'}:2: version: ")
    assert message.endswith("(and 2 more problems)")


def test_non_text_key_is_named(tmp_path: Path) -> None:
    text = VALID + "2024: a year\n"
    message = error_for(write(tmp_path, text))
    assert f"my.yaml:{line_of(text, '2024:')}: (top level): key 2024 is not text; put it in quotes" in message


def test_whitespace_only_text_counts_as_empty(tmp_path: Path) -> None:
    text = replace_once(VALID, "    high: Inevitable.", '    high: "   "')
    message = error_for(write(tmp_path, text))
    line = line_of(text, 'high: "   "')
    assert f"my.yaml:{line}: rubric[2].high: " in message
    assert "at least 1 character" in message


def test_impossible_date_scalar_is_a_pack_error(tmp_path: Path) -> None:
    # PyYAML raises a bare ValueError while constructing this timestamp.
    text = replace_once(VALID, "description: A pack for tests.", "description: 2024-02-30")
    assert "my.yaml" in error_for(write(tmp_path, text))


def test_multiple_documents_rejected(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, VALID + "---\nname: other\n"))
    assert "YAML syntax error" in message and "single document" in message


def test_alias_bomb_is_refused_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 10):
        prev = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([prev] * 10)}]")
    message = error_for(write(tmp_path, "\n".join(lines) + "\n"))
    assert "too many values once aliases are expanded" in message


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    message = error_for(write(tmp_path, "name: &loop [*loop]\n"))
    assert "my.yaml:1: an alias refers to its own parent" in message


def test_deep_nesting_is_a_pack_error(tmp_path: Path) -> None:
    depth = 50_000
    message = error_for(write(tmp_path, "name: " + "[" * depth + "]" * depth + "\n"))
    assert "my.yaml" in message


def test_missing_file(tmp_path: Path) -> None:
    assert error_for(tmp_path / "nope.yaml") == f"{tmp_path / 'nope.yaml'}: no such file"


def test_wrong_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, VALID, name="demo.json")
    assert error_for(path) == f"{path}: pack files must end in .yaml or .yml"


def test_folder_given_to_load_pack(tmp_path: Path) -> None:
    assert "is a folder" in error_for(tmp_path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # chmod 0 means nothing to root (CI), so simulate the OS refusing instead.
    path = write(tmp_path, VALID)

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    assert error_for(path) == f"{path}: permission denied"


def test_other_os_errors_become_pack_errors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, VALID)

    def fail(self: Path, *args: object, **kwargs: object) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(Path, "open", fail)
    assert error_for(path) == f"{path}: cannot read file (Input/output error)"


def test_builtin_name_and_blank_spec() -> None:
    assert load_pack("fiction").source_path == str((builtin_pack_dir() / "fiction.yaml").resolve())
    assert "no pack given" in error_for("  ")


# --- the models themselves ------------------------------------------------


def test_content_hash_ignores_formatting_and_location_but_not_wording(tmp_path: Path) -> None:
    original = load_pack(write(tmp_path, VALID))
    reformatted_text = yaml.safe_dump(yaml.safe_load(VALID), default_flow_style=True, width=10_000)
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    reformatted = load_pack(write(moved, reformatted_text))
    assert reformatted.source_path != original.source_path
    assert reformatted.content_hash == original.content_hash
    assert len(original.content_hash) == 64

    reworded = load_pack(write(tmp_path, replace_once(VALID, "Hates adverbs.", "Hates semicolons."), "b.yaml"))
    assert reworded.content_hash != original.content_hash
    assert "source_path" not in original.model_dump()


def test_models_are_frozen(tmp_path: Path) -> None:
    pack = load_pack(write(tmp_path, VALID))
    with pytest.raises(ValidationError):
        pack.name = "changed"  # type: ignore[misc]


def test_lookup_helpers_name_known_ids(tmp_path: Path) -> None:
    pack = load_pack(write(tmp_path, VALID))
    assert pack.criterion("voice").name == "Voice"
    with pytest.raises(PackError, match=r"no criterion 'voic' \(criteria: voice, cliche_density, ending\)"):
        pack.criterion("voic")
    with pytest.raises(PackError, match=r"no prompt 'heist2' \(prompts: heist, shot_list, jokes\)"):
        pack.prompt("heist2")


def test_negative_criterion_orientation() -> None:
    plain = Criterion(id="voice", name="Voice", question="?", low="a", high="b")
    negative = Criterion(id="cliche", name="Cliche", question="?", low="a", high="b", negative=True)
    assert plain.oriented(8) == 8
    assert negative.oriented(8) == 3
    assert negative.oriented(1) == 10


def test_pack_can_be_built_in_python_and_round_trips(tmp_path: Path) -> None:
    pack = load_pack(write(tmp_path, VALID))
    rebuilt = Pack.model_validate(pack.model_dump())
    assert rebuilt.content_hash == pack.content_hash
    assert rebuilt.source_path is None


# --- several packs at once ------------------------------------------------


def _pack_text(name: str) -> str:
    return replace_once(VALID, "name: demo", f"name: {name}")


def test_folder_loads_every_yaml_sorted_by_file_name(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    write(folder, _pack_text("zeta"), "a.yaml")
    write(folder, _pack_text("alpha"), "b.yml")
    write(folder, "not a pack", "notes.txt")
    packs = load_packs(str(folder))
    assert [p.name for p in packs] == ["zeta", "alpha"]


def test_comma_list_mixes_names_files_and_folders(tmp_path: Path) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    write(folder, _pack_text("one"), "one.yaml")
    single = write(tmp_path, _pack_text("two"), "two.yaml")
    packs = load_packs(f"fiction, {single} ,{folder},comedy,")
    assert [p.name for p in packs] == ["fiction", "two", "one", "comedy"]


def test_folder_path_object_is_accepted(tmp_path: Path) -> None:
    write(tmp_path, _pack_text("solo"), "solo.yaml")
    assert [p.name for p in load_packs(tmp_path)] == ["solo"]


def test_bad_file_inside_folder_names_that_file(tmp_path: Path) -> None:
    write(tmp_path, _pack_text("good"), "a.yaml")
    broken = write(tmp_path, replace_once(_pack_text("bad"), "temperature: 0.7", "temperature: -1"), "b.yaml")
    with pytest.raises(PackError, match=rf"^{broken}:\d+: generation.temperature: "):
        load_packs(str(tmp_path))


def test_same_pack_twice_is_refused(tmp_path: Path) -> None:
    write(tmp_path, _pack_text("fiction"), "my-fiction.yaml")
    with pytest.raises(PackError, match="pack name 'fiction' is already used by"):
        load_packs(f"fiction,{tmp_path}")


def test_empty_folder_and_empty_list(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="folder has no .yaml pack files"):
        load_packs(str(tmp_path))
    with pytest.raises(PackError, match="no packs given"):
        load_packs(" , ,")


def test_unknown_name_in_list() -> None:
    with pytest.raises(PackError, match="unknown pack 'poems'"):
        load_packs("fiction,poems")


# --- property: nothing but PackError, whatever the file says ---------------

_PROPERTY_SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# YAML-flavoured text finds the parser's corners faster than uniform text.
_yaml_chars = st.sampled_from(list(string.printable) + ["\u00e9", "\ufeff", "\x00", "\x85", "\u2028", "\ud800"])
_yaml_tokens = st.sampled_from(
    ["name:", "rubric:", "- ", "  ", "\n", ": ", "&a ", "*a", "!!binary ", "!!python/object ", "{", "}",
     "[", "]", '"', "'", "|", ">", "? ", "---", "...", "#", "%YAML 1.1", "!!int ", "2024-02-30", "~", "id: x"]
)
_yaml_like_text = st.lists(st.one_of(_yaml_tokens, _yaml_chars), max_size=60).map("".join)


def _assert_only_pack_errors(path: Path) -> None:
    try:
        load_pack(path)
    except PackError as error:
        assert "\n" not in str(error)
        assert str(path) in str(error)


@_PROPERTY_SETTINGS
@given(text=st.one_of(st.text(max_size=300), _yaml_like_text))
def test_arbitrary_text_only_raises_pack_error(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("prop") / "p.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    _assert_only_pack_errors(path)


@_PROPERTY_SETTINGS
@given(raw=st.binary(max_size=300))
def test_arbitrary_bytes_only_raise_pack_error(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("prop") / "p.yaml"
    path.write_bytes(raw)
    _assert_only_pack_errors(path)


_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20),
    st.sampled_from(list(CAMERA_MOVES) + ["comply", "refuse", "demo"]),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=12,
)


@_PROPERTY_SETTINGS
@given(
    path_in_pack=st.lists(
        st.sampled_from(["rubric", "prompts", "generation", 0, 1, 2, "id", "moves", "low"]), min_size=1, max_size=4
    ),
    replacement=_values,
)
def test_mutated_valid_pack_only_raises_pack_error(
    tmp_path_factory: pytest.TempPathFactory, path_in_pack: list[str | int], replacement: object
) -> None:
    data = yaml.safe_load(VALID)
    target = data
    for key in path_in_pack[:-1]:
        try:
            target = target[key]
        except (KeyError, IndexError, TypeError):
            break
    last = path_in_pack[-1]
    if isinstance(target, dict):
        target[str(last)] = replacement
    elif isinstance(target, list) and isinstance(last, int) and last < len(target):
        target[last] = replacement
    path = tmp_path_factory.mktemp("prop") / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    _assert_only_pack_errors(path)
