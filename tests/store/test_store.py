import asyncio
import sqlite3
import threading

import pytest

from punchup.errors import ModelError, StoreError
from punchup.models import CachedModel, CallStats, GenerateConfig, Message, get_model
from punchup.models.fake import script
from punchup.store import Store
from punchup.store.migrations import MIGRATIONS


def test_migrations_are_named_applied_once_and_recorded(tmp_path):
    path = tmp_path / "s.db"
    first = Store(str(path))
    assert first.applied_migrations() == [name for name, _ in MIGRATIONS]
    assert Store(str(path)).migrate() == []  # re-opening applies nothing again
    mode = sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"


def test_new_migrations_are_applied_to_an_older_store_and_only_once(tmp_path, monkeypatch):
    path = tmp_path / "old.db"
    import punchup.store.store as store_module

    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS[:2])
    assert Store(str(path)).applied_migrations() == [name for name, _ in MIGRATIONS[:2]]
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    assert Store(str(path)).migrate() == []  # the constructor already applied the rest
    assert Store(str(path)).applied_migrations() == [name for name, _ in MIGRATIONS]
    assert {"runs", "stories"} <= {r[0] for r in sqlite3.connect(path).execute("SELECT name FROM sqlite_master")}


def test_sqlite_urls_open_the_file_and_other_urls_are_refused(tmp_path):
    Store(f"sqlite:///{tmp_path / 'u.db'}").put_run("r", {"a": 1})
    assert Store(str(tmp_path / "u.db")).get_run("r")["config"] == {"a": 1}
    with pytest.raises(StoreError, match="only SQLite files are supported"):
        Store("postgresql://localhost/punchup")


def test_not_a_database_is_one_clear_error_and_file_untouched(tmp_path):
    path = tmp_path / "notes.db"
    path.write_bytes(b"these are my notes, not a database" * 100)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="not a punchup SQLite database"):
        Store(str(path))
    assert path.read_bytes() == before


def test_missing_folder_and_directory_store(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        Store(str(tmp_path / "nope" / "s.db"))
    with pytest.raises(StoreError, match="is a folder"):
        Store(str(tmp_path))


async def test_cached_model_records_every_call_and_never_repeats(store):
    fake = script("cache-test")
    model = CachedModel(get_model("fake/cache-test"), store)
    messages = [Message(role="user", content="a prompt")]
    first = [await model.generate(messages, GenerateConfig(seed=s), sample_index=s) for s in range(3)]
    assert len(fake.calls) == 3 and store.count("calls") == 3
    again = [await model.generate(messages, GenerateConfig(seed=s), sample_index=s) for s in range(3)]
    assert len(fake.calls) == 3  # zero new model calls
    assert [g.text for g in again] == [g.text for g in first] and all(g.cached for g in again)
    # a timeout is not part of the key, a temperature is
    await model.generate(messages, GenerateConfig(seed=0, timeout_s=5))
    assert len(fake.calls) == 3
    await model.generate(messages, GenerateConfig(seed=0, temperature=0.1))
    assert len(fake.calls) == 4
    row = store.query("SELECT messages, config, text, latency_s, error FROM calls LIMIT 1")[0]
    assert "a prompt" in row["messages"] and '"seed":0' in row["config"] and row["text"] and row["error"] is None


async def test_failed_calls_are_recorded_with_reason_and_retried_next_time(store):
    fake = script("flaky", [ModelError("server said no"), "fine now"])
    model = CachedModel(get_model("fake/flaky"), store, CallStats())
    messages = [Message(role="user", content="x")]
    with pytest.raises(ModelError):
        await model.generate(messages, GenerateConfig())
    assert store.count("calls", "error = 'server said no'") == 1
    generation = await model.generate(messages, GenerateConfig())
    assert generation.text == "fine now" and len(fake.calls) == 2
    assert model.stats.failed == 1 and model.stats.made == 1


async def test_identical_concurrent_calls_are_made_once(store):
    fake = script("slow")
    fake.latency_s = 0.05
    model = CachedModel(get_model("fake/slow"), store)
    messages = [Message(role="user", content="same")]
    results = await asyncio.gather(*(model.generate(messages, GenerateConfig()) for _ in range(5)))
    assert len(fake.calls) == 1 and len({r.text for r in results}) == 1
    assert store.count("calls") == 1


def test_concurrent_writers_from_threads_lose_nothing(store):
    def write(worker: int) -> None:
        for i in range(50):
            store.put_call(f"k{worker}-{i}", "fake/x", [], {}, i, result={"text": "t"})

    threads = [threading.Thread(target=write, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.count("calls") == 400


def test_a_successful_key_is_stored_once(store):
    for _ in range(3):
        store.put_call("same", "fake/x", [], {}, 0, result={"text": "t"})
    assert store.count("calls") == 1
