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
    (
        "004_stories",
        [
            # The studio's story trees. Parents, parent hashes and provenance are JSON
            # because only the studio reads them; the Store just keeps the records.
            """CREATE TABLE stories (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                title TEXT NOT NULL,
                pack TEXT NOT NULL,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL
            )""",
            """CREATE TABLE story_nodes (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                story_id INTEGER NOT NULL REFERENCES stories (id),
                label TEXT NOT NULL,
                kind TEXT NOT NULL,
                ordinal INTEGER NOT NULL DEFAULT 0,
                parents TEXT NOT NULL,
                parent_hashes TEXT NOT NULL,
                text TEXT,
                provenance TEXT NOT NULL,
                chosen_alt INTEGER,
                model TEXT,
                locked INTEGER NOT NULL DEFAULT 0,
                revision INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL,
                updated_at TEXT NOT NULL,
                UNIQUE (story_id, label)
            )""",
            """CREATE TABLE story_alternatives (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                node_id INTEGER NOT NULL REFERENCES story_nodes (id),
                number INTEGER NOT NULL,
                call_key TEXT NOT NULL,
                text TEXT NOT NULL,
                model TEXT NOT NULL,
                prompt_hash TEXT NOT NULL,
                seed INTEGER NOT NULL,
                judge TEXT,
                score REAL,
                scores TEXT,
                rationale TEXT,
                created_at TEXT NOT NULL,
                UNIQUE (node_id, call_key),
                UNIQUE (node_id, number)
            )""",
            """CREATE TABLE story_node_versions (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                node_id INTEGER NOT NULL REFERENCES story_nodes (id),
                action TEXT NOT NULL,
                state TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX ix_story_node_versions_node ON story_node_versions (node_id, id)",
        ],
    ),
    (
        # What a sampler did for one call (phrases avoided, candidates and verdicts), as JSON.
        "005_call_traces",
        ["ALTER TABLE calls ADD COLUMN trace TEXT"],
    ),
    (
        # The studio's writers' room: how each alternative was made (model, seed, the writer's notes),
        # and per-story settings (author, structure template, format), both JSON read only by the studio.
        "006_studio_room",
        [
            "ALTER TABLE story_alternatives ADD COLUMN recipe TEXT",
            "ALTER TABLE stories ADD COLUMN settings TEXT NOT NULL DEFAULT '{}'",
        ],
    ),
    (
        # Which punchup applied each migration: a store written by a newer punchup names its version
        # when an older one refuses to write to it.
        "007_migration_versions",
        ["ALTER TABLE migrations ADD COLUMN punchup_version TEXT"],
    ),
    (
        # `punchup tune` runs, keyed by a hash of base file, data file, method, hyperparameters and seed:
        # the same command with the same inputs is served from here. Params and losses are JSON.
        "008_tune_runs",
        [
            """CREATE TABLE tune_runs (
                key TEXT PRIMARY KEY,
                name TEXT NOT NULL,
                base TEXT NOT NULL,
                base_sha256 TEXT NOT NULL,
                data_sha256 TEXT NOT NULL,
                method TEXT NOT NULL,
                params TEXT NOT NULL,
                seed INTEGER NOT NULL,
                rows INTEGER NOT NULL,
                losses TEXT NOT NULL,
                tokens INTEGER NOT NULL,
                train_s REAL NOT NULL,
                wall_s REAL NOT NULL,
                peak_rss_mb REAL,
                adapter_path TEXT NOT NULL,
                adapter_sha256 TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
        ],
    ),
    (
        # Training consent per story, append-only so it is auditable: the latest event is the current state.
        # `punchup export --studio` exports only stories whose latest event has train = 1.
        "009_story_training_consent",
        [
            """CREATE TABLE story_training_consent (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                story_id INTEGER NOT NULL REFERENCES stories (id),
                train INTEGER NOT NULL,
                granted_by TEXT NOT NULL,
                created_at TEXT NOT NULL
            )""",
            "CREATE INDEX ix_story_training_consent_story ON story_training_consent (story_id, id)",
        ],
    ),
]
