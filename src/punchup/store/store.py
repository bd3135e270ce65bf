"""The Store: every model call, judgment and run record, in SQLite (WAL) via SQLAlchemy Core.

It knows records, not packs or judges. A URL (postgresql://...) works too;
a bare path means a SQLite file.
"""

from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from punchup.errors import StoreError
from punchup.hashing import canonical_json
from punchup.store.migrations import MIGRATIONS

DEFAULT_STORE = "punchup.db"
STORE_ENV = "PUNCHUP_STORE"


def now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def default_store_path() -> str:
    return os.environ.get(STORE_ENV) or DEFAULT_STORE


def _url(location: str) -> str:
    return location if "://" in location else f"sqlite:///{Path(location).expanduser()}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Store:
    def __init__(self, location: str | None = None):
        self.location = location or default_store_path()
        url = _url(self.location)
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            path = Path(url.removeprefix("sqlite:///"))
            if path.is_dir():
                raise StoreError(f"store {path} is a folder, not a database file")
            if not path.parent.exists():
                raise StoreError(f"store folder {path.parent} does not exist")
        self._write_lock = threading.RLock()  # guards the shared connection for threads
        self._conn: sa.Connection | None = None
        try:
            self.engine = sa.create_engine(url, connect_args={"check_same_thread": False} if self.is_sqlite else {})
        except (SQLAlchemyError, ModuleNotFoundError, ValueError) as exc:
            raise StoreError(f"cannot open store {self.location}: {exc}") from None
        if self.is_sqlite:
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._guard(self.migrate)

    # -- plumbing -------------------------------------------------------------
    def _guard(self, fn: Any, *args: Any) -> Any:
        """Run a store operation, turning database errors into one user-facing line."""
        try:
            return fn(*args)
        except DBAPIError as exc:
            reason = str(exc.orig).strip() if exc.orig is not None else str(exc)
            if "not a database" in reason or "file is encrypted" in reason:
                reason = "not a punchup SQLite database"
            raise StoreError(f"store {self.location}: {reason}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"store {self.location}: {exc}") from None

    def migrate(self) -> list[str]:
        applied_now: list[str] = []
        with self._write_lock, self.engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            )
            done = {row[0] for row in conn.exec_driver_sql("SELECT name FROM migrations")}
            for name, statements in MIGRATIONS:
                if name in done:
                    continue
                for statement in statements:
                    conn.exec_driver_sql(statement)
                conn.execute(sa.text("INSERT INTO migrations (name, applied_at) VALUES (:n, :t)"), {"n": name, "t": now()})
                applied_now.append(name)
        return applied_now

    def applied_migrations(self) -> list[str]:
        return [r[0] for r in self.query("SELECT name FROM migrations ORDER BY name")]

    def _connection(self) -> sa.Connection:
        # One long-lived autocommit connection: every statement here is a single atomic
        # read or write, and skipping pool checkout/BEGIN/COMMIT per call keeps the store
        # off the critical path of fast inference servers.
        if self._conn is None or self._conn.closed:
            self._conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        return self._conn

    def query(self, sql: str, **params: Any) -> list[sa.Row]:
        def run() -> list[sa.Row]:
            with self._write_lock:
                return list(self._connection().execute(_statement(sql), params))

        return self._guard(run)

    def execute(self, sql: str, **params: Any) -> int:
        def run() -> int:
            with self._write_lock:
                return self._connection().execute(_statement(sql), params).rowcount

        return self._guard(run)

    # -- model calls ----------------------------------------------------------
    def get_call(self, key: str) -> dict[str, Any] | None:
        rows = self.query("SELECT * FROM calls WHERE key = :key AND error IS NULL LIMIT 1", key=key)
        return dict(rows[0]._mapping) if rows else None

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
                prompt_tokens, completion_tokens, latency_s, error, created_at)
                VALUES (:key, :model, :messages, :config, :sample_index, :text, :finish_reason,
                :prompt_tokens, :completion_tokens, :latency_s, :error, :created_at)
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
        return {**rows[0]._mapping, "config": json.loads(rows[0].config)} if rows else None

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
            yield row.item_key, json.loads(row.data)

    def runs(self) -> list[dict[str, Any]]:
        return [dict(r._mapping) for r in self.query("SELECT name, created_at, updated_at FROM runs ORDER BY updated_at DESC")]

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
        self.engine.dispose()


@lru_cache(maxsize=256)
def _statement(sql: str) -> sa.TextClause:
    """Parsed once per distinct SQL string; SQLAlchemy then reuses its compiled form."""
    return sa.text(sql)


def _decode(row: sa.Row) -> dict[str, Any]:
    record = dict(row._mapping)
    if record.get("result"):
        record["result"] = json.loads(record["result"])
    record["ok"] = bool(record["ok"])
    return record
