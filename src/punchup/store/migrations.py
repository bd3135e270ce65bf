"""Append-only named migrations. Never edit or reorder one that has shipped: add a new one."""

from __future__ import annotations

MIGRATIONS: list[tuple[str, list[str]]] = [
    (
        "001_calls",
        [
            """CREATE TABLE calls (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                key TEXT NOT NULL,
                model TEXT NOT NULL,
                messages TEXT NOT NULL,
                config TEXT NOT NULL,
                sample_index INTEGER NOT NULL DEFAULT 0,
                text TEXT,
                finish_reason TEXT,
                prompt_tokens INTEGER,
                completion_tokens INTEGER,
                latency_s REAL,
                error TEXT,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX ix_calls_key ON calls (key)",
            # One successful record per key: a crash between two writes can never duplicate a result.
            "CREATE UNIQUE INDEX ux_calls_ok_key ON calls (key) WHERE error IS NULL",
        ],
    ),
    (
        "002_judgments",
        [
            """CREATE TABLE judgments (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                key TEXT NOT NULL,
                kind TEXT NOT NULL,
                judge TEXT NOT NULL,
                pack TEXT,
                pack_hash TEXT,
                subject TEXT NOT NULL,
                ok INTEGER NOT NULL,
                result TEXT,
                raw TEXT,
                error TEXT,
                created_at TEXT NOT NULL
            )""",
            "CREATE UNIQUE INDEX ux_judgments_key ON judgments (key)",
            "CREATE INDEX ix_judgments_subject ON judgments (subject)",
        ],
    ),
    (
        "003_runs",
        [
            """CREATE TABLE runs (
                name TEXT PRIMARY KEY,
                config TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            """CREATE TABLE run_items (
                run TEXT NOT NULL,
                kind TEXT NOT NULL,
                item_key TEXT NOT NULL,
                data TEXT NOT NULL,
                PRIMARY KEY (run, kind, item_key)
            )""",
        ],
    ),
]
