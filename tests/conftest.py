"""Shared fixtures: a fresh store per test, scripted fake models, one real SmolLM2 and
one real llama.cpp OpenAI-compatible server for the whole run."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Iterator, Mapping

import pytest

from punchup.models.base import Model
from punchup.models.providers.local import LocalModel, smollm2_path
from punchup.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


def _without_punchup_settings(environ: Mapping[str, str]) -> dict[str, str]:
    """The environment minus PUNCHUP_* settings: a developer's PUNCHUP_MODEL or PUNCHUP_STORE must not steer a test
    (a real-model CLI test would silently run on whatever model the shell names)."""
    return {name: value for name, value in environ.items() if not name.startswith("PUNCHUP_")}


@pytest.fixture(scope="session")
def _weights_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One cache folder for the whole run: the batch-friendly copy of SmolLM2's weights is written once."""
    return tmp_path_factory.mktemp("punchup-cache")


@pytest.fixture(autouse=True)
def _no_punchup_settings_from_the_shell(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, _weights_cache: Path) -> None:
    for name in [name for name in os.environ if name.startswith("PUNCHUP_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("PUNCHUP_CACHE", str(_weights_cache))
    # Judges a developer trained with `punchup tune-judge` live in their home folder; no test may see them.
    monkeypatch.setenv("PUNCHUP_JUDGES_DIR", str(tmp_path / "trained-judges"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Markers say what a test really uses: the real model only through the `smollm2` fixture of a `real` test,
    the llama.cpp server only in a `server` test, so `-m "not real"` generates nothing with the model. (A test that
    judges with the default judge, craft/heuristic-lm, still has SmolLM2 read its texts: that judge's meter.)"""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        for fixture, marker in (("smollm2", "real"), ("llama_server", "server")):
            if fixture in fixtures and item.get_closest_marker(marker) is None:
                raise pytest.UsageError(f"{item.nodeid} uses the {fixture} fixture but is not marked @pytest.mark.{marker}")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store(str(tmp_path / "punchup.db"))


@pytest.fixture(scope="session")
def smollm2() -> Model:
    """The real embedded model, loaded once for the whole test run."""
    return LocalModel("smollm2")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on 127.0.0.1:{port} did not start within {timeout}s")


@pytest.fixture(scope="session")
def llama_server() -> Iterator[str]:
    """A real `python -m llama_cpp.server` serving SmolLM2 on 127.0.0.1; yields its /v1 base URL."""
    port = free_port()
    command = [
        sys.executable, "-m", "llama_cpp.server",
        "--model", str(smollm2_path()), "--model_alias", "smollm2",
        "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "1",
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, process)
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def run_punchup(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None, timeout: float = 600) -> subprocess.CompletedProcess:
    """Run the real console script in a subprocess (exit codes and stderr exactly as a user sees them)."""
    cache = {name: os.environ[name] for name in ("PUNCHUP_CACHE",) if name in os.environ}  # the run's own cache
    full_env = {**_without_punchup_settings(os.environ), **cache, "COLUMNS": "200", **(env or {})}
    exe = Path(sys.executable).with_name("punchup")
    # A fresh folder by default, so files a command writes beside itself (reports) never land in the repo.
    cwd = cwd or Path(tempfile.mkdtemp(prefix="punchup-cli-"))
    return subprocess.run([str(exe), *args], capture_output=True, text=True, env=full_env, cwd=cwd, timeout=timeout)


def run_main(argv: list[str]) -> int:
    """Run the punchup CLI in this process (capsys sees its output); returns its exit code."""
    from punchup.cli.main import main

    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0
