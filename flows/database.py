"""The release's SQLite database, data/dealwire.sqlite, built from the release's own Parquet files (so
it holds exactly the public rows): tables, keys, indexes and full text with sqlite-utils, the rows
with sqlite3's executemany, a Parquet batch at a time. Then checked: every table's row count must equal
its Parquet file's. The shape of each table comes from ``transforms/release/sqlite.py``."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pyarrow.parquet as pq
import sqlite_utils

from transforms.release.sqlite import (
    DESCRIPTIONS_CREATE, DESCRIPTIONS_TABLE, create_arguments, description_rows, index_columns,
    insert_statement, sqlite_columns, table_order,
)
from transforms.schema import TABLES

BATCH_ROWS = 20_000  # Parquet rows read and inserted at a time


class DatabaseError(RuntimeError):
    """The SQLite database does not hold what the Parquet files hold; the message says which table."""


def fill_table(db: sqlite_utils.Database, name: str, parquet: Path, batch_rows: int = BATCH_ROWS) -> None:
    """Create one table with its keys and indexes and insert the Parquet file's rows."""
    table = TABLES[name]
    target = db[name]
    target.create(**create_arguments(table))
    insert = insert_statement(table)
    with db.conn:  # one transaction a table
        for batch in pq.ParquetFile(parquet).iter_batches(batch_size=batch_rows):
            db.conn.executemany(insert, zip(*sqlite_columns(table, batch).values()))
    for columns in index_columns(table):
        target.create_index(list(columns), find_unique_name=True)
    if table.full_text:
        target.enable_fts(list(table.full_text), fts_version="FTS5", create_triggers=False)


def row_counts(path: Path, tables: list[str]) -> dict[str, int]:
    """Rows per table of a database, read-only."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def check_counts(path: Path, data_dir: Path) -> dict[str, int]:
    """Rows per table in the database, each equal to its Parquet file's (DatabaseError otherwise)."""
    counts = row_counts(path, list(TABLES))
    for name, got in counts.items():
        expected = pq.ParquetFile(data_dir / f"{name}.parquet").metadata.num_rows
        if got != expected:
            raise DatabaseError(f"{path.name}: table {name} has {got} rows, {name}.parquet has {expected}")
    return counts


def _build(path: Path, data_dir: Path) -> None:
    db = sqlite_utils.Database(path)
    try:
        with db.conn:
            db.execute("PRAGMA journal_mode = OFF")  # a private file, renamed into place once checked
            db.execute("PRAGMA synchronous = OFF")
        for name in table_order():
            fill_table(db, name, data_dir / f"{name}.parquet")
        db[DESCRIPTIONS_TABLE].insert_all(description_rows(), **DESCRIPTIONS_CREATE)
        db.analyze()
    finally:
        db.close()


def write_database(data_dir: Path, file_name: str = "dealwire.sqlite") -> dict[str, int]:
    """data_dir/<file_name> from the Parquet files in data_dir, written under a temporary name and
    renamed once complete and checked; returns the rows per table."""
    final = data_dir / file_name
    partial = data_dir / f".{file_name}.partial"
    partial.unlink(missing_ok=True)
    try:
        _build(partial, data_dir)
        counts = check_counts(partial, data_dir)
    except BaseException:
        partial.unlink(missing_ok=True)  # nothing half-written is left behind
        raise
    os.replace(partial, final)
    return counts
