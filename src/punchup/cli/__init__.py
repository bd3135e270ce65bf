"""The `punchup` command line: one module per command or command group; no engine logic lives here."""
