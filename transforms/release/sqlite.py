"""The release's SQLite database, ``data/dealwire.sqlite``, as the schema describes it: each table's
columns, SQLite types, primary and foreign keys, indexes and full-text columns, the order to create
the tables in, one Arrow batch's columns as SQLite takes them (with the one INSERT of a table), and
the column descriptions table. ``flows/database.py`` builds the file from these with sqlite-utils
(tables, indexes, full text) and sqlite3 (the rows); ``transforms/schema.py`` stays the single source."""
from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from transforms.release.public import CSV_DATETIME
from transforms.schema import SCHEMA_VERSION, TABLES, Table

SQLITE_PATH = "data/dealwire.sqlite"
SQLITE_MEDIATYPE = "application/vnd.sqlite3"
DESCRIPTIONS_TABLE = "column_descriptions"
# Frictionless types as SQLite stores them: timestamps and dates as ISO 8601 text (as in the CSV),
# booleans as 0/1.
SQLITE_TYPES = {"string": str, "integer": int, "number": float, "boolean": int, "datetime": str, "date": str}


def table_order() -> list[str]:
    """Every table, each after the tables its foreign keys point to (sqlite-utils checks them)."""
    done: list[str] = []

    def visit(name: str, path: tuple[str, ...] = ()) -> None:
        if name in done:
            return
        if name in path:
            raise ValueError(f"foreign keys form a cycle: {' -> '.join((*path, name))}")
        for fk in TABLES[name].foreign_keys:
            if fk.table != name:
                visit(fk.table, (*path, name))
        done.append(name)

    for name in TABLES:
        visit(name)
    return done


def create_arguments(table: Table) -> dict:
    """Keyword arguments of sqlite-utils' ``Table.create`` for a table of the schema."""
    pk = table.primary_key[0] if len(table.primary_key) == 1 else tuple(table.primary_key)
    return {
        "columns": {c.name: SQLITE_TYPES[c.type] for c in table.columns},
        "pk": pk,
        "foreign_keys": [(fk.column, fk.table, fk.parent_column) for fk in table.foreign_keys],
        "not_null": {c.name for c in table.columns if not c.nullable},
        "column_order": table.column_names,
    }


def index_columns(table: Table) -> list[tuple[str, ...]]:
    """The indexes of a table: every foreign-key column, and the columns of a composite primary key
    after its first (the key's own index serves lookups by its first column)."""
    wanted = [(fk.column,) for fk in table.foreign_keys]
    wanted += [(c,) for c in table.primary_key[1:]]
    return list(dict.fromkeys(wanted))


def sqlite_columns(table: Table, batch: pa.RecordBatch | pa.Table) -> dict[str, list]:
    """A batch's columns as Python lists SQLite takes: timestamps as ``YYYY-MM-DDTHH:MM:SSZ`` (UTC),
    dates as ``YYYY-MM-DD``, booleans as 0/1, in the schema's column order."""
    out = {}
    for c in table.columns:
        column = batch.column(c.name)
        if c.type == "datetime":
            seconds = pa.timestamp("s", tz=column.type.tz)  # whole seconds, as the CSV writes them
            column = pc.strftime(column.cast(seconds, safe=False), format=CSV_DATETIME)
        elif c.type == "date":
            column = pc.cast(column, pa.string())
        elif c.type == "boolean":
            column = pc.cast(column, pa.int8())
        out[c.name] = column.to_pylist()
    return out


def insert_statement(table: Table) -> str:
    """The one INSERT of a table's rows, its columns in schema order (the values of ``sqlite_columns``)."""
    names = ", ".join(f'"{c}"' for c in table.column_names)
    return f'INSERT INTO "{table.name}" ({names}) VALUES ({", ".join("?" * len(table.columns))})'


def description_rows() -> list[dict]:
    """The column descriptions table: one row per column of every table, in schema order."""
    return [
        {"table_name": t.name, "column_name": c.name, "position": i, "type": c.type,
         "nullable": int(c.nullable), "allowed_values": ", ".join(c.enum) if c.enum else None,
         "description": c.description, "schema_version": SCHEMA_VERSION}
        for t in TABLES.values() for i, c in enumerate(t.columns, 1)
    ]


DESCRIPTIONS_CREATE = {
    "columns": {"table_name": str, "column_name": str, "position": int, "type": str, "nullable": int,
                "allowed_values": str, "description": str, "schema_version": str},
    "pk": ("table_name", "column_name"),
    "not_null": {"table_name", "column_name", "position", "type", "nullable", "description", "schema_version"},
}
