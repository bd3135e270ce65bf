"""The Store: every model call, judgment and run record, in one SQLite file (WAL).

It knows records, not packs or judges. Built on the standard library's
sqlite3: the schema and its migrations are SQLite's, and SQLAlchemy cost every
command 0.15 s of start-up and each call a few statement-compilation layers.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from datetime import datetime, timezone
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, TypeVar

from punchup.__about__ import __version__
from punchup.errors import StoreError
from punchup.util.hashing import canonical_json
from punchup.store.migrations import MIGRATIONS

DEFAULT_STORE = "punchup.db"
STORE_ENV = "PUNCHUP_STORE"
T = TypeVar("T")
Row = sqlite3.Row  # columns by name (row["key"]) or position (row[0]); dict(row) for a record


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def default_store_path() -> str:
    return os.environ.get(STORE_ENV) or DEFAULT_STORE


def _file_path(location: str) -> Path:
    if location.startswith("sqlite:///"):
        location = location.removeprefix("sqlite:///")
    elif "://" in location:
        raise StoreError(f"cannot open store {location}: only SQLite files are supported (a path or sqlite:///path)")
    return Path(location).expanduser()


class Store:
    def __init__(self, location: str | None = None):
        self.location = location or default_store_path()
        self.path = _file_path(self.location)
        if self.path.is_dir():
            raise StoreError(f"store {self.path} is a folder, not a database file")
        if not self.path.parent.exists():
            raise StoreError(f"store folder {self.path.parent} does not exist")
        # One long-lived autocommit connection shared by threads under a lock:
        # a single statement is its own atomic write, and skipping BEGIN/COMMIT
        # per call keeps the store off the critical path of fast inference
        # servers; a write of several statements runs in transaction().
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._guard(self.migrate)
        self.newer_than_us = self._guard(self._newer_writer)  # a reason to refuse writes, or None

    # -- plumbing -------------------------------------------------------------
    def _guard(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a store operation, turning database errors into one user-facing line."""
        try:
            return fn(*args)
        except sqlite3.Error as exc:
            reason = str(exc).strip()
            if "not a database" in reason or "file is encrypted" in reason:
                reason = "not a punchup SQLite database"
            raise StoreError(f"store {self.location}: {reason}") from None
        except OverflowError:  # e.g. story 99999999999999999999999: SQLite integers stop at 2**63 - 1
            raise StoreError(f"store {self.location}: a number is too large (at most {2**63 - 1})") from None

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
            conn.row_factory = sqlite3.Row
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
            except sqlite3.Error:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def migrate(self) -> list[str]:
        with self._lock:
            conn = self._connection()
            if not _pending_migrations(conn):
                return []  # the common case takes no write lock, so opening a busy store never waits
            conn.execute("BEGIN IMMEDIATE")  # two processes opening a new store migrate it once
            try:
                conn.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)")
                pending = _pending_migrations(conn)
                for name, statements in pending:
                    for statement in statements:
                        conn.execute(statement)
                    conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)", (name, now()))
                # Which punchup applied each migration, so an older punchup can name the version it cannot write for.
                if VERSION_COLUMN in {row[1] for row in conn.execute("PRAGMA table_info(migrations)")}:
                    conn.executemany(f"UPDATE migrations SET {VERSION_COLUMN} = ? WHERE name = ?",
                                     [(__version__, name) for name, _ in pending])
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return [name for name, _ in pending]

    def applied_migrations(self) -> list[str]:
        return [r[0] for r in self.query("SELECT name FROM migrations ORDER BY name")]

    def _newer_writer(self) -> str | None:
        """Why this punchup must not write here: migrations it does not know, applied by a newer punchup."""
        known = {name for name, _ in MIGRATIONS}
        with self._lock:
            conn = self._connection()
            columns = {row[1] for row in conn.execute("PRAGMA table_info(migrations)")}
            version = VERSION_COLUMN if VERSION_COLUMN in columns else "NULL"
            rows = conn.execute(f"SELECT name, {version} FROM migrations").fetchall()
        unknown = sorted((row[0], row[1]) for row in rows if row[0] not in known)
        if not unknown:
            return None
        versions = sorted({version or "unknown" for _, version in unknown})
        return (f"store {self.location} was written by punchup {', '.join(versions)} (migrations "
                f"{', '.join(name for name, _ in unknown)}), newer than this punchup {__version__}: refusing to "
                "write to it; upgrade punchup or use another --store")

    def _writable(self) -> None:
        if self.newer_than_us:
            raise StoreError(self.newer_than_us)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One logical write of several statements: all of it lands or none (a crash or error rolls it back).

        BEGIN IMMEDIATE takes SQLite's write lock up front, so a busy store fails before the first statement
        instead of between two. The thread lock is held throughout: other threads' statements wait, and
        nested transaction() blocks (a helper called inside another write) join the outer one.
        """
        self._writable()
        with self._lock:
            conn = self._guard(self._connection)
            if conn.in_transaction:
                yield
                return
            self._guard(conn.execute, "BEGIN IMMEDIATE")
            try:
                yield
                self._guard(conn.execute, "COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def query(self, sql: str, **params: Any) -> list[Row]:
        def run() -> list[Row]:
            with self._lock:
                return self._connection().execute(sql, params).fetchall()

        return self._guard(run)

    def execute(self, sql: str, **params: Any) -> int:
        self._writable()

        def run() -> int:
            with self._lock:
                return self._connection().execute(sql, params).rowcount

        return self._guard(run)

    # -- model calls ----------------------------------------------------------
    def get_call(self, key: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM calls WHERE key = :key AND error IS NULL LIMIT 1", key=key)
        return dict(rows[0]) if rows else None

    def put_call(
        self,
        key: str,
        model: str,
        messages: list[dict[str, str]],
        config: dict[str, Any],
        sample_index: int,
        result: dict[str, Any] | None = None,
        error: str | None = None,
    ) -> None:
        result = result or {}
        self.execute(
            """INSERT INTO calls (key, model, messages, config, sample_index, text, finish_reason,
                prompt_tokens, completion_tokens, latency_s, error, trace, created_at)
                VALUES (:key, :model, :messages, :config, :sample_index, :text, :finish_reason,
                :prompt_tokens, :completion_tokens, :latency_s, :error, :trace, :created_at)
                ON CONFLICT DO NOTHING""",
            key=key,
            model=model,
            messages=canonical_json(messages),
            config=canonical_json(config),
            sample_index=sample_index,
            text=result.get("text"),
            finish_reason=result.get("finish_reason"),
            prompt_tokens=result.get("prompt_tokens"),
            completion_tokens=result.get("completion_tokens"),
            latency_s=result.get("latency_s"),
            error=error,
            trace=canonical_json(result["trace"]) if result.get("trace") else None,
            created_at=now(),
        )

    def count(self, table: str, where: str = "1=1", **params: Any) -> int:
        return int(self.query(f"SELECT COUNT(*) FROM {table} WHERE {where}", **params)[0][0])

    # -- judgments --------------------------------------------------------------
    def get_judgment(self, key: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM judgments WHERE key = :key", key=key)
        return _decode(rows[0]) if rows else None

    def put_judgment(self, key: str, **fields: Any) -> None:
        record = {"result": None, "raw": None, "error": None, "pack": None, "pack_hash": None, **fields}
        record["result"] = canonical_json(record["result"]) if record["result"] is not None else None
        record["ok"] = int(bool(record["ok"]))
        self.execute(
            """INSERT INTO judgments (key, kind, judge, pack, pack_hash, subject, ok, result, raw, error, created_at)
                VALUES (:key, :kind, :judge, :pack, :pack_hash, :subject, :ok, :result, :raw, :error, :created_at)
                ON CONFLICT(key) DO UPDATE SET ok = excluded.ok, result = excluded.result, raw = excluded.raw,
                error = excluded.error, created_at = excluded.created_at""",
            key=key,
            created_at=now(),
            **{k: record[k] for k in ("kind", "judge", "pack", "pack_hash", "subject", "ok", "result", "raw", "error")},
        )

    # -- runs -------------------------------------------------------------------
    def get_run(self, name: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM runs WHERE name = :name", name=name)
        return {**dict(rows[0]), "config": json.loads(rows[0]["config"])} if rows else None

    def put_run(self, name: str, config: dict[str, Any]) -> None:
        stamp = now()
        self.execute(
            """INSERT INTO runs (name, config, created_at, updated_at) VALUES (:n, :c, :t, :t)
               ON CONFLICT(name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at""",
            n=name,
            c=canonical_json(config),
            t=stamp,
        )

    def put_run_item(self, run: str, kind: str, item_key: str, data: dict[str, Any]) -> None:
        self.execute(
            """INSERT INTO run_items (run, kind, item_key, data) VALUES (:r, :k, :i, :d)
               ON CONFLICT(run, kind, item_key) DO UPDATE SET data = excluded.data""",
            r=run,
            k=kind,
            i=item_key,
            d=canonical_json(data),
        )

    def run_items(self, run: str, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
        for row in self.query("SELECT item_key, data FROM run_items WHERE run = :r AND kind = :k ORDER BY item_key", r=run, k=kind):
            yield row["item_key"], json.loads(row["data"])

    def runs(self) -> list[dict[str, Any]]:
        return [dict(r) for r in self.query("SELECT name, created_at, updated_at FROM runs ORDER BY updated_at DESC")]

    def close(self) -> None:
        """Checkpoint the WAL into the database file and close, so the .db alone holds everything."""
        with self._lock:
            if self._conn is not None:
                conn, self._conn = self._conn, None
                try:
                    # A reader in another process makes this a partial checkpoint (no error);
                    # SQLite finishes the job when the last connection closes.
                    self._guard(conn.execute, "PRAGMA wal_checkpoint(TRUNCATE)")
                finally:
                    conn.close()


VERSION_COLUMN = "punchup_version"


def _pending_migrations(conn: sqlite3.Connection) -> list[tuple[str, list[str]]]:
    has_table = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'migrations'").fetchone()
    done = {row[0] for row in conn.execute("SELECT name FROM migrations")} if has_table else set()
    return [(name, statements) for name, statements in MIGRATIONS if name not in done]


def _decode(row: Row) -> dict[str, Any]:
    record = dict(row)
    if record.get("result"):
        record["result"] = json.loads(record["result"])
    record["ok"] = bool(record["ok"])
    return record
