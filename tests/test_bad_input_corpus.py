"""Bad input corpus: each case gives one line naming the problem and where, exit code 2,
no traceback, and leaves the store exactly as it was."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path
from typing import Callable

import pytest

from punchup.cli.main import main
from tests.conftest import free_port

GOOD_PACK = (Path(__file__).resolve().parents[1] / "src/punchup/packs/builtin/poetry.yaml").read_text(encoding="utf-8")


def pack_file(tmp: Path, text: str | bytes, name: str = "pack.yaml") -> str:
    path = tmp / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    return str(path)


def text_file(tmp: Path, content: str | bytes, name: str = "in.txt") -> str:
    path = tmp / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return str(path)


def broken_pack(old: str, new: str) -> Callable[[Path], list[str]]:
    assert old in GOOD_PACK, old
    return lambda tmp: ["packs", "show", pack_file(tmp, GOOD_PACK.replace(old, new, 1))]


Case = tuple[str, Callable[[Path], list[str]], tuple[str, ...]]

CASES: list[Case] = [
    # packs
    ("yaml-syntax", lambda t: ["packs", "show", pack_file(t, "name: x\n  bad: [unclosed\n")], ("pack.yaml", "YAML")),
    ("wrong-type", broken_pack("temperature:", "temperature: hot\n  old_temperature:"), ("pack.yaml", "temperature")),
    ("unknown-key", broken_pack("question:", "questoin:"), ("pack.yaml", "questoin")),
    ("missing-anchor", broken_pack("    low:", "    lowish:"), ("pack.yaml", "low")),
    ("duplicate-prompt-id", lambda t: ["packs", "show", pack_file(t, GOOD_PACK + GOOD_PACK[GOOD_PACK.index("  - id:", GOOD_PACK.index("prompts:")):].split("\n  - id:")[0] + "\n")], ("pack.yaml", "duplicate")),
    ("empty-pack", lambda t: ["packs", "show", pack_file(t, "")], ("pack.yaml", "empty")),
    ("binary-pack", lambda t: ["packs", "show", pack_file(t, b"\x00\x01\x02GGUF\x00" * 50)], ("pack.yaml",)),
    ("non-utf8-pack", lambda t: ["packs", "show", pack_file(t, "name: caf\xe9\n".encode("latin-1"))], ("pack.yaml", "UTF-8")),
    ("top-level-list", lambda t: ["packs", "show", pack_file(t, "- name: x\n")], ("pack.yaml",)),
    ("ten-mb-pack", lambda t: ["packs", "show", pack_file(t, GOOD_PACK + "#" * 10_000_000)], ("pack.yaml",)),
    ("unknown-camera-move", lambda t: ["packs", "show", pack_file(t, (Path(__file__).resolve().parents[1] / "src/punchup/packs/builtin/camera.yaml").read_text().replace("dolly zoom]", "dolly spin]", 1))], ("pack.yaml", "dolly spin")),
    ("bad-slug", broken_pack("name: poetry", "name: Poetry Pack!"), ("pack.yaml", "name")),
    ("version-number", broken_pack('version: "1.0"', "version: 1.0"), ("pack.yaml", "version")),
    ("unknown-pack-name", lambda t: ["packs", "show", "ficton"], ("unknown pack 'ficton'",)),
    ("missing-pack-path", lambda t: ["packs", "show", str(t / "nope.yaml")], ("nope.yaml",)),
    ("bench-bad-pack", lambda t: ["bench", "--writers", "fake/a", "--judge", "fake/j", "--packs", pack_file(t, "")], ("pack.yaml", "empty")),
    # models
    ("unknown-provider", lambda t: ["generate", "--model", "gpt/4", "-p", "hi"], ("unknown model provider 'gpt'",)),
    ("no-provider", lambda t: ["generate", "--model", "smollm2", "-p", "hi"], ("provider/name",)),
    ("missing-gguf", lambda t: ["generate", "--model", f"local/{t}/m.gguf", "-p", "hi"], ("GGUF file not found", "m.gguf")),
    ("not-a-gguf-name", lambda t: ["generate", "--model", "local/model.bin", "-p", "hi"], ("neither a known alias",)),
    ("bad-base-url", lambda t: ["generate", "--model", "openai/x", "--base-url", "localhost:8000", "-p", "hi"], ("localhost:8000", "http://")),
    ("server-down", lambda t: ["generate", "--model", "openai/x", "--base-url", f"http://127.0.0.1:{free_port()}/v1", "-p", "hi"], ("unreachable",)),
    ("bad-hf-spec", lambda t: ["generate", "--model", "local/hf:file.gguf", "-p", "hi"], ("hf:OWNER/REPO/FILE.gguf",)),
    ("bench-unknown-judge", lambda t: ["bench", "--writers", "fake/a", "--judge", "nosuch/j"], ("unknown model provider 'nosuch'",)),
    # writers
    ("writer-unknown-option", lambda t: ["bench", "--writers", "fake/a@tmp=1", "--judge", "fake/j"], ("unknown option 'tmp'",)),
    ("writer-option-no-value", lambda t: ["bench", "--writers", "fake/a@temp", "--judge", "fake/j"], ("needs a value",)),
    ("writer-temp-range", lambda t: ["bench", "--writers", "fake/a@temp=7", "--judge", "fake/j"], ("temperature",)),
    ("writer-duplicate", lambda t: ["bench", "--writers", "fake/a,fake/a", "--judge", "fake/j"], ("unique",)),
    ("writer-file-missing", lambda t: ["bench", "--writers", str(t / "w.yaml"), "--judge", "fake/j"], ("w.yaml",)),
    ("writer-file-shape", lambda t: ["bench", "--writers", text_file(t, "- just\n- strings\n", "w.yaml"), "--judge", "fake/j"], ("w.yaml",)),
    # prompt and text files
    ("empty-prompt", lambda t: ["generate", "--model", "fake/x", "--file", text_file(t, "  \n")], ("empty",)),
    ("ten-mb-prompt", lambda t: ["generate", "--model", "fake/x", "--file", text_file(t, "word " * 2_100_000)], ("in.txt", "larger than")),
    ("non-utf8-prompt", lambda t: ["generate", "--model", "fake/x", "--file", text_file(t, b"\xff\xfe\xfa")], ("in.txt", "UTF-8")),
    ("missing-prompt", lambda t: ["generate", "--model", "fake/x", "--file", str(t / "gone.txt")], ("gone.txt",)),
    ("prompt-is-folder", lambda t: ["generate", "--model", "fake/x", "--file", str(t)], ("is a directory",)),
    ("judge-missing-file", lambda t: ["judge", "--pack", "fiction", "--judge", "fake/j", str(t / "gone.txt")], ("gone.txt",)),
    ("judge-binary-file", lambda t: ["judge", "--pack", "fiction", "--judge", "fake/j", text_file(t, b"\x89PNG\r\n\x1a\n\xff\x00")], ("in.txt", "UTF-8")),
    ("judge-pair-one-file", lambda t: ["judge", "--pack", "fiction", "--judge", "fake/j", "--pair", text_file(t, "a story")], ("exactly two",)),
    ("judge-empty-file", lambda t: ["judge", "--pack", "fiction", "--judge", "fake/j", text_file(t, "")], ("in.txt", "empty")),
    ("judge-unknown-prompt", lambda t: ["judge", "--pack", "fiction", "--judge", "fake/j", "--prompt", "nope", text_file(t, "x")], ("nope",)),
    # flags
    ("prompt-and-file", lambda t: ["generate", "--model", "fake/x", "-p", "hi", "--file", text_file(t, "x")], ("exactly one of",)),
    ("json-and-csv", lambda t: ["results", "--json", "--csv"], ("cannot be combined",)),
    ("zero-samples", lambda t: ["generate", "--model", "fake/x", "-p", "hi", "-n", "0"], ("-n",)),
    ("unknown-flag", lambda t: ["generate", "--temperture", "1"], ("--temperture",)),
    ("unknown-command", lambda t: ["benchh"], ("benchh",)),
    ("bench-zero-samples", lambda t: ["bench", "--samples", "0"], ("--samples",)),
    ("bench-bad-preset", lambda t: ["bench", "--preset", "huge"], ("huge",)),
    ("temperature-range", lambda t: ["generate", "--model", "fake/x", "-p", "hi", "-t", "3"], ("--temperature",)),
    ("results-unknown-run", lambda t: ["results", "--run", "never"], ("never",)),
    # user files under the pack loader's limits, and credentials (issue 14)
    ("writer-file-deep", lambda t: ["bench", "--writers", text_file(t, "writers: " + "[" * 5000 + "]" * 5000 + "\n", "w.yaml"), "--judge", "fake/j"], ("w.yaml", "nested")),
    ("writer-file-alias-bomb", lambda t: ["bench", "--writers", text_file(t, "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(8)), "w.yaml"), "--judge", "fake/j"], ("w.yaml", "too many values")),
    ("writer-file-huge", lambda t: ["bench", "--writers", text_file(t, "model: fake/a\n" + "#" * 3_000_000, "w.yaml"), "--judge", "fake/j"], ("w.yaml", "too large")),
    ("writer-file-non-utf8", lambda t: ["bench", "--writers", text_file(t, "model: fake/caf\xe9\n".encode("latin-1"), "w.yaml"), "--judge", "fake/j"], ("w.yaml", "UTF-8")),
    ("calibration-deep-json", lambda t: ["calibrate", "--judge", "fake/j", "--data", text_file(t, '{"text_a": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "d.jsonl")], ("d.jsonl:1", "nested")),
    ("calibration-nested-record", lambda t: ["calibrate", "--judge", "fake/j", "--data", text_file(t, '{"text_a": "a", "text_b": "b", "preferred": "a", "meta": ' + "[" * 500 + "]" * 500 + "}\n", "d.jsonl")], ("d.jsonl:1", "nested")),
    ("calibration-non-utf8", lambda t: ["calibrate", "--judge", "fake/j", "--data", text_file(t, b'{"text_a": "caf\xe9"}\n', "d.jsonl")], ("d.jsonl", "UTF-8")),
    ("key-over-plain-http", lambda t: ["generate", "--model", "openai/x", "--base-url", "http://:k3y-secret@10.9.8.7/v1", "-p", "hi"], ("plain http", "10.9.8.7")),
]


def dump(store: Path) -> list[str]:
    with sqlite3.connect(store) as db:
        return list(db.iterdump())


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    store = folder / "seeded.db"
    main_exit(["generate", "--model", "fake/seed", "-p", "seed the store", "-n", "2", "--store", str(store)])
    main_exit(["bench", "--writers", "fake/a,fake/b", "--judge", "fake/j", "--packs", "poetry", "--run", "seeded",
               "--report", str(folder / "seeded.html"), "--store", str(store)])
    return store


def main_exit(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


def test_corpus_is_large_and_ids_unique():
    assert len(CASES) >= 40 and len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input(case: Case, tmp_path: Path, seeded_store: Path, capsys):
    _, build, fragments = case
    before = dump(seeded_store)
    capsys.readouterr()
    argv = build(tmp_path)
    if argv[0] not in ("benchh", "packs"):  # commands that touch a store get the seeded one
        argv += ["--store", str(seeded_store)]
    code = main_exit(argv)
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert code == 2, captured
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    after = dump(seeded_store)
    if case[0] == "server-down":
        # A failed call is recorded with its reason (every call is); nothing else may change.
        added = [line for line in after if line not in before and "sqlite_sequence" not in line]
        assert len(added) == 1 and "unreachable" in added[0] and "INSERT INTO \"calls\"" in added[0]
        assert all(line in after for line in before if "sqlite_sequence" not in line)
    else:
        assert after == before


@pytest.mark.parametrize("problem", ["not-sqlite", "folder", "missing-folder", "read-only-folder"])
def test_bad_store(problem: str, tmp_path: Path, capsys):
    if problem == "not-sqlite":
        store = tmp_path / "story.db"
        store.write_text("INT. KITCHEN - NIGHT\n" * 100)
        expected = "not a punchup SQLite database"
    elif problem == "folder":
        store, expected = tmp_path, "is a folder"
    elif problem == "missing-folder":
        store, expected = tmp_path / "no" / "s.db", "does not exist"
    else:
        mount = tmp_path / "ro"
        mount.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mount)], check=True)
        store, expected = mount / "s.db", "unable to open"
    try:
        before = store.read_bytes() if store.is_file() else None
        code = main_exit(["generate", "--model", "fake/x", "-p", "hi", "--store", str(store)])
        err = capsys.readouterr().err
        assert code == 2 and len(err.strip().splitlines()) == 1 and expected in err, err
        assert (store.read_bytes() if store.is_file() else None) == before
    finally:
        if problem == "read-only-folder":
            subprocess.run(["umount", str(tmp_path / "ro")], check=True)
