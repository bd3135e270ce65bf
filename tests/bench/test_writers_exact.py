"""Writer profiles: what each option does to the system prompt and the sampling call, inline and in YAML."""

from __future__ import annotations

import pytest

from punchup.bench.briefs import writer_messages
from punchup.bench.config import QUICK_WRITERS, BenchConfig
from punchup.bench.run import Bench
from punchup.bench.writers import WriterProfile, load_writer_file, parse_inline, parse_writers
from punchup.errors import PunchupError
from punchup.models.fake import script
from punchup.packs import load_pack

CRAFT = "Show, do not tell."
PACK_SYSTEM = "You are a novelist."


def test_system_for_joins_pack_system_craft_notes_and_own_prompt_in_that_order():
    both = WriterProfile(name="w", model="fake/w", craft_notes=True, system_prompt="  Be brief.  ")
    assert both.system_for(f"  {CRAFT}\n", PACK_SYSTEM) == f"{PACK_SYSTEM}\n\n{CRAFT}\n\nBe brief."
    assert both.system_for(CRAFT, None) == f"{CRAFT}\n\nBe brief."
    plain = WriterProfile(name="p", model="fake/p")
    assert plain.system_for(CRAFT, PACK_SYSTEM) == PACK_SYSTEM  # no craft notes unless asked
    assert plain.system_for(CRAFT, None) is None
    assert plain.system_for(CRAFT, "   ") is None
    crafted = WriterProfile(name="c", model="fake/c", craft_notes=True)
    assert crafted.system_for(CRAFT, None) == CRAFT
    assert crafted.system_for("", None) is None


def test_the_quick_presets_craft_writer_really_gets_the_craft_notes():
    fiction = load_pack("fiction")
    plain, crafted, hot = parse_writers(QUICK_WRITERS)
    assert (plain.name, crafted.name, hot.name) == ("local/smollm2", "smollm2+craft", "smollm2-hot")
    crafted_messages = writer_messages(crafted, fiction, fiction.prompts[0])
    plain_messages = writer_messages(plain, fiction, fiction.prompts[0])
    assert crafted_messages[0].role == "system" and fiction.craft_notes.strip() in crafted_messages[0].content
    assert all(fiction.craft_notes.strip() not in m.content for m in plain_messages)
    assert crafted_messages[-1] == plain_messages[-1]  # the same brief
    assert hot.temperature == 1.2 and not hot.craft_notes


@pytest.mark.parametrize(
    "spec, fields",
    [
        ("fake/w", {"name": "fake/w", "model": "fake/w", "craft_notes": False, "system_prompt": None,
                    "temperature": None, "top_p": None, "max_tokens": None}),
        ("fake/w@craft", {"craft_notes": True}),
        ("fake/w@craft=yes", {"craft_notes": True}),
        ("fake/w@craft=0", {"craft_notes": False}),
        ("fake/w@craft=off", {"craft_notes": False}),
        ("fake/w@craft=False", {"craft_notes": False}),
        ("fake/w@craft=no", {"craft_notes": False}),
        ("fake/w@temp=0.7", {"temperature": 0.7}),
        ("fake/w@temperature=0", {"temperature": 0.0}),
        ("fake/w@top_p=0.5", {"top_p": 0.5}),
        ("fake/w@max_tokens=64", {"max_tokens": 64}),
        ("fake/w@system=Write in the second person.", {"system_prompt": "Write in the second person."}),
        ("fake/w@name=mine; temp=1.1 ;craft", {"name": "mine", "temperature": 1.1, "craft_notes": True}),
    ],
)
def test_inline_options(spec, fields):
    profile = parse_inline(spec)
    assert {key: getattr(profile, key) for key in fields} == fields
    assert profile.model == "fake/w"
    if "name" not in fields:
        assert profile.name == spec  # the whole spec names the writer unless name= is given


@pytest.mark.parametrize(
    "spec, message",
    [
        ("fake/w@tmp=1", "unknown option 'tmp'"),
        ("fake/w@temp", "option 'temp' needs a value"),
        ("fake/w@temp=3", "temperature"),
        ("fake/w@top_p=0", "top_p"),
        ("fake/w@top_p=1.5", "top_p"),
        ("fake/w@max_tokens=0", "max_tokens"),
        ("smollm2@temp=1", "not of the form provider/name"),
    ],
)
def test_bad_inline_options_name_the_writer_and_the_option(spec, message):
    with pytest.raises(PunchupError, match=message):
        parse_writers([spec])


def test_a_comma_starts_a_new_writer_only_before_a_provider():
    profiles = parse_writers(["fake/a@system=Short, sharp, shocking.;name=a, fake/b@temp=0.3"])
    assert [(p.name, p.model) for p in profiles] == [("a", "fake/a"), ("fake/b@temp=0.3", "fake/b")]
    assert profiles[0].system_prompt == "Short, sharp, shocking."


def test_writers_yaml_with_a_list_and_with_one_profile(tmp_path):
    listed = tmp_path / "writers.yaml"
    listed.write_text(
        "writers:\n"
        "  - model: fake/a\n"
        "    craft_notes: true\n"
        "    temperature: 0.4\n"
        "  - model: fake/b\n"
        "    name: bee\n"
        "    system_prompt: Write like a tabloid.\n"
        "    top_p: 0.8\n"
        "    max_tokens: 50\n",
        encoding="utf-8",
    )
    a, b = load_writer_file(listed)
    assert (a.name, a.model, a.craft_notes, a.temperature) == ("fake/a", "fake/a", True, 0.4)
    assert (b.name, b.system_prompt, b.top_p, b.max_tokens) == ("bee", "Write like a tabloid.", 0.8, 50)
    single = tmp_path / "one.yml"
    single.write_text("model: fake/c\ntemperature: 1.0\n", encoding="utf-8")
    assert [(p.name, p.temperature) for p in parse_writers([str(single), "fake/d"])] == [("fake/c", 1.0), ("fake/d", None)]


@pytest.mark.parametrize(
    "text, message",
    [
        ("writers:\n  - model: fake/a\n    colour: red\n", r"writers\[0\]: colour"),
        ("writers:\n  - model: fake/a\n  - model: fake/b\n    top_p: 2\n", r"writers\[1\]: top_p"),
        ("writers:\n  - model: smollm2\n", "not of the form provider/name"),
        ("- just\n- a list\n", "expected a profile mapping"),
        ("writers: [1, 2]\n", "expected a profile mapping"),
        ("writers:\n  - name: nameless\n  - temperature: 0.5\n", r"writers\[0\]: model: Field required"),
        ("model: [unclosed\n", r"bad\.yaml:\d+: YAML syntax error"),
        # A nested field is named by its whole path, dots between the parts.
        ("writers:\n  - model: fake/a\n    sampler:\n      best_of:\n        n: 1\n",
         r"writers\[0\]: sampler\.best_of\.n: Input should be greater than or equal to 2$"),
    ],
)
def test_bad_writers_yaml_names_the_file_and_entry(tmp_path, text, message):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PunchupError, match=message) as info:
        parse_writers([str(path)])
    assert "\n" not in str(info.value)


def test_duplicate_and_missing_writers_are_user_errors(tmp_path):
    with pytest.raises(PunchupError, match="repeated: fake/a"):
        parse_writers(["fake/a,fake/a"])
    with pytest.raises(PunchupError, match="repeated: x"):
        parse_writers(["fake/a@name=x", "fake/b@name=x"])
    with pytest.raises(PunchupError, match="no writers given"):
        parse_writers([])
    with pytest.raises(PunchupError, match="writer profile file not found"):
        parse_writers([str(tmp_path / "absent.yaml")])


async def test_profile_options_reach_the_writer_call(store):
    fiction = load_pack("fiction")
    hot = script("opt-hot", lambda messages, config: "A hot draft.")
    crafted = script("opt-craft", lambda messages, config: "A crafted draft.")
    plain = script("opt-plain", lambda messages, config: "A plain draft.")
    for model in (hot, crafted, plain):
        model.calls.clear()
    writers = ["fake/opt-hot@temp=1.3;top_p=0.6;max_tokens=40", "fake/opt-craft@craft;system=Use no adverbs.",
               "fake/opt-plain"]
    config = BenchConfig.build("options", writers, "craft/heuristic", "fiction", "quick", 1, 0, None)
    await Bench(config, store).run()
    hot_config = hot.calls[0][1]
    assert (hot_config.temperature, hot_config.top_p, hot_config.max_tokens) == (1.3, 0.6, 40)
    plain_config = plain.calls[0][1]
    assert plain_config.temperature == fiction.generation.temperature and plain_config.top_p == 0.95
    assert plain_config.max_tokens == min(fiction.generation.max_tokens, config.max_tokens)
    crafted_system = crafted.calls[0][0][0]
    assert crafted_system.role == "system"
    assert crafted_system.content.endswith(f"{fiction.craft_notes.strip()}\n\nUse no adverbs.")
    assert all(fiction.craft_notes.strip() not in m.content for m in plain.calls[0][0])
    assert len(hot.calls) == len(crafted.calls) == len(plain.calls) == len(fiction.prompts[: config.prompts_per_pack])


def test_lora_becomes_part_of_a_local_model_id():
    profile = parse_inline("local/smollm2@lora=rainy;temp=0.5")
    assert (profile.model, profile.temperature, profile.name) == ("local/smollm2@lora=rainy", 0.5, "local/smollm2@lora=rainy;temp=0.5")
    assert parse_inline("local/smollm2@lora= adapters/a.gguf ").model == "local/smollm2@lora=adapters/a.gguf"
    for spec in ("fake/w@lora=rainy", "local/smollm2@lora=", "local/smollm2@lora=  "):
        with pytest.raises(PunchupError, match=r"^writer '.*': lora= needs a local/ model and an adapter"):
            parse_inline(spec)


def test_sampler_options_reach_the_sampler_settings_once_each():
    assert parse_inline("fake/w@temp=0.4").sampler is None
    profile = parse_inline("fake/w@best_of=3;temp=0.4")
    assert profile.sampler is not None and profile.sampler.best_of is not None and profile.temperature == 0.4
    with pytest.raises(PunchupError, match=r"^writer 'fake/w@best_of=3;best_of=4': option 'best_of' is given twice$"):
        parse_inline("fake/w@best_of=3;best_of=4")


@pytest.mark.parametrize(
    "spec, message",
    [
        ("fake/w@tmp=1", r"^writer 'fake/w@tmp=1': unknown option 'tmp' \(known: .*\bcraft, .*\blora, .*\btop_p\b.*\)$"),
        ("fake/w@temp", r"^writer 'fake/w@temp': option 'temp' needs a value \(temp=\.\.\.\)$"),
        ("fake/w@top_p=2", r"^writer 'fake/w@top_p=2': top_p: "),
    ],
)
def test_inline_errors_are_exact(spec, message):
    with pytest.raises(PunchupError, match=message):
        parse_inline(spec)


def test_list_errors_are_exact(tmp_path):
    with pytest.raises(PunchupError, match=r"^writer names must be unique; repeated: fake/a, fake/b$"):
        parse_writers(["fake/a,fake/a,fake/b,fake/b"])
    with pytest.raises(PunchupError, match=r"^no writers given$"):
        parse_writers([])
