"""The command line as a user meets it: real console script, real model, real store file."""

import json

import pytest

from punchup.__about__ import __version__
from tests.conftest import free_port, run_punchup


def assert_one_line_error(result, *fragments):
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


def test_version():
    result = run_punchup("--version")
    assert result.returncode == 0 and __version__ in result.stdout


def test_models_lists_providers_default_and_reachability():
    result = run_punchup("models", env={"PUNCHUP_OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert any(line.startswith("local/smollm2 (default)") and " ok " in line for line in lines)
    assert any(line.startswith("openai/MODEL") and "unreachable" in line for line in lines)
    assert any(line.startswith("fake/NAME") for line in lines)


@pytest.mark.real
def test_generate_records_and_rerun_makes_zero_calls(tmp_path):
    store = tmp_path / "gen.db"
    args = ("generate", "--prompt", "Write a haiku about a ferry.", "-n", "2", "--seed", "4", "--max-tokens", "30", "--json")
    first = run_punchup(*args, "--store", str(store))
    assert first.returncode == 0, first.stderr
    samples = [json.loads(line) for line in first.stdout.splitlines()]
    assert [s["seed"] for s in sorted(samples, key=lambda s: s["sample"])] == [4, 5]
    assert all(s["text"].strip() and not s["cached"] for s in samples)
    again = run_punchup(*args, env={"PUNCHUP_STORE": str(store)})  # the env var names the same store
    repeats = [json.loads(line) for line in again.stdout.splitlines()]
    assert all(s["cached"] for s in repeats)
    assert sorted(s["text"] for s in repeats) == sorted(s["text"] for s in samples)


def test_generate_from_file_with_fake_model(tmp_path):
    prompt = tmp_path / "prompt.txt"
    prompt.write_text("Open on a quiet diner.", encoding="utf-8")
    result = run_punchup("generate", "--model", "fake/cli", "--file", str(prompt), "-n", "3", "--store", str(tmp_path / "s.db"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("sample ") == 3 and "3 model calls, 0 from the store" in result.stdout


@pytest.mark.parametrize(
    "args, fragments",
    [
        (("generate", "--model", "nosuch/x", "-p", "hi"), ("unknown model provider 'nosuch'",)),
        (("generate", "--model", "local/missing.gguf", "-p", "hi"), ("GGUF file not found", "missing.gguf")),
        (("generate", "--model", "smollm2", "-p", "hi"), ("provider/name",)),
        (("generate", "-p", "hi", "--bogus"), ("No such option", "--bogus")),
        (("generate", "-p", "hi", "-n", "0"), ("-n",)),
        (("generate",), ("exactly one of --prompt",)),
        (("generate", "-p", "a", "--file", "b.txt"), ("exactly one of --prompt",)),
        (("generate", "--file", "does-not-exist.txt"), ("prompt file not found", "does-not-exist.txt")),
        (("nosuchcommand",), ("No such command",)),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, fragments):
    result = run_punchup(*args, "--store", str(tmp_path / "s.db")) if args[0] == "generate" else run_punchup(*args)
    assert_one_line_error(result, *fragments)
    assert not (tmp_path / "s.db").exists()  # a failed command does not even create a store


def test_unreachable_server_is_one_line(tmp_path):
    url = f"http://127.0.0.1:{free_port()}/v1"
    result = run_punchup("generate", "--model", "openai/x", "--base-url", url, "-p", "hi", "--store", str(tmp_path / "s.db"))
    assert_one_line_error(result, "unreachable", url)


def test_unreadable_store_is_one_line_and_left_intact(tmp_path):
    store = tmp_path / "mine.db"
    store.write_text("my novel draft, not a database\n" * 50)
    before = store.read_bytes()
    result = run_punchup("generate", "--model", "fake/x", "-p", "hi", "--store", str(store))
    assert_one_line_error(result, "not a punchup SQLite database", str(store))
    assert store.read_bytes() == before
