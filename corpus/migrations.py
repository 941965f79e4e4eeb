"""Numbered schema steps, recorded in the database they changed.

One scheme for the three SQLite schemas (catalogue, registry, bot storage). The catalogue
and the registry share one file, so steps are recorded per schema name in a table rather
than in `PRAGMA user_version`, which a file has only one of. A step is never edited once
released: a change to a schema is a new step at the end of its list.

Files made before this scheme have no `_migrations` table; their steps are replayed, so
every step must be safe on a file that already has what it makes (`CREATE … IF NOT
EXISTS`, `add_column`).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Sequence

Step = str | Callable[[sqlite3.Connection], None]

_TABLE = """CREATE TABLE IF NOT EXISTS _migrations (
    schema TEXT NOT NULL,
    step INTEGER NOT NULL,
    applied_at REAL NOT NULL,
    PRIMARY KEY (schema, step)
)"""


def applied(db: sqlite3.Connection, schema: str) -> int:
    """How many of the schema's steps this file has; 0 for a file older than the scheme."""
    exists = db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_migrations'").fetchone()
    if not exists:
        return 0
    row = db.execute("SELECT MAX(step) FROM _migrations WHERE schema = ?", (schema,)).fetchone()
    return int(row[0] or 0)


def migrate(db: sqlite3.Connection, schema: str, steps: Sequence[Step]) -> int:
    """Apply the steps the file lacks, in order, in one transaction; return how many ran.

    Two processes may open an old file at once: the count is read again under the write
    lock, so each step runs once. A file from a newer release (more steps than we know) is
    left alone: its extra steps only added what this release does not read."""
    if applied(db, schema) >= len(steps):
        return 0
    in_transaction = db.in_transaction
    if not in_transaction:
        db.execute("BEGIN IMMEDIATE")
    try:
        db.execute(_TABLE)
        done = applied(db, schema)
        for number, step in enumerate(steps[done:], start=done + 1):
            if callable(step):
                step(db)
            else:
                for statement in step.split(";"):
                    if statement.strip():
                        db.execute(statement)
            db.execute("INSERT INTO _migrations (schema, step, applied_at) VALUES (?, ?, ?)",
                       (schema, number, time.time()))
        if not in_transaction:
            db.execute("COMMIT")
    except BaseException:
        if not in_transaction:
            db.execute("ROLLBACK")
        raise
    return len(steps) - done


def add_column(table: str, column: str, declaration: str) -> Step:
    """A step that adds a column unless the file already has it (files from before the
    scheme may have gained it the old way)."""

    def step(db: sqlite3.Connection) -> None:
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in have:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {declaration}")

    step.__name__ = f"add_{table}_{column}"
    return step


def rename_column(table: str, old: str, new: str) -> Step:
    """A step that renames a column unless the file already has the new name."""

    def step(db: sqlite3.Connection) -> None:
        have = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if old in have and new not in have:
            db.execute(f"ALTER TABLE {table} RENAME COLUMN {old} TO {new}")

    step.__name__ = f"rename_{table}_{old}"
    return step
