"""`punchup doctor`: is this store sound? Integrity, migrations, orphaned records."""

from __future__ import annotations

from pydantic import BaseModel, Field

from punchup.store.migrations import MIGRATIONS
from punchup.store.store import Store

# (description, SQL counting orphans) — records that point at something that no longer exists.
_ORPHAN_CHECKS: list[tuple[str, str]] = [
    # Calibrations are run items of "calibration:<judge>" with no runs row by design (never "the latest run").
    ("run items of runs that do not exist", "SELECT COUNT(*) FROM run_items WHERE run NOT IN (SELECT name FROM runs) "
     "AND run NOT LIKE 'calibration:%'"),
    ("runs without a finished summary", "SELECT COUNT(*) FROM runs WHERE name NOT IN "
     "(SELECT run FROM run_items WHERE kind = 'summary') AND name NOT LIKE 'calibration:%'"),
    ("failed calls never retried successfully", "SELECT COUNT(DISTINCT key) FROM calls WHERE error IS NOT NULL "
     "AND key NOT IN (SELECT key FROM calls WHERE error IS NULL)"),
]


class DoctorReport(BaseModel):
    location: str
    integrity: str
    applied: list[str]
    missing: list[str]
    unknown: list[str]
    counts: dict[str, int] = Field(default_factory=dict)
    findings: dict[str, int] = Field(default_factory=dict)
    newer: str | None = None  # why this punchup refuses to write: the store is from a newer one

    @property
    def healthy(self) -> bool:
        return self.integrity == "ok" and not self.missing and not self.unknown


def examine(store: Store) -> DoctorReport:
    integrity = "; ".join(str(r[0]) for r in store.query("PRAGMA integrity_check"))
    applied = store.applied_migrations()
    known = [name for name, _ in MIGRATIONS]
    counts = {table: store.count(table) for table in ("calls", "judgments", "runs", "run_items")}
    findings = {label: int(store.query(sql)[0][0]) for label, sql in _ORPHAN_CHECKS}
    return DoctorReport(
        location=store.location,
        integrity=integrity,
        applied=applied,
        missing=[name for name in known if name not in applied],
        unknown=[name for name in applied if name not in known],
        counts=counts,
        findings={label: n for label, n in findings.items() if n},
        newer=store.newer_than_us,
    )
