"""Rows to typed tables, driven by ``transforms.schema``: one conversion path for every table.

rows (dicts) → ``pyarrow.Table`` with the schema's types and column descriptions → Parquet,
pandas (for validation) and CSV.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pyarrow as pa

from transforms.schema import TABLES, Table

ARROW_TYPES = {
    "string": pa.string(),
    "integer": pa.int64(),
    "number": pa.float64(),
    "boolean": pa.bool_(),
    "datetime": pa.timestamp("us", tz="UTC"),
    "date": pa.date32(),
}


def arrow_schema(table: Table | str) -> pa.Schema:
    table = TABLES[table] if isinstance(table, str) else table
    fields = [
        pa.field(
            c.name,
            ARROW_TYPES[c.type],
            nullable=c.nullable,
            metadata={"description": c.description, **({"enum": json.dumps(list(c.enum))} if c.enum else {})},
        )
        for c in table.columns
    ]
    return pa.schema(fields, metadata={"table": table.name, "description": table.description})


def parse_datetime(value) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def parse_date(value) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


_CONVERT = {"datetime": parse_datetime, "date": parse_date}


def to_arrow(table: Table | str, rows: list[dict]) -> pa.Table:
    """A typed Arrow table with exactly the schema's columns, in order."""
    table = TABLES[table] if isinstance(table, str) else table
    columns = {}
    for c in table.columns:
        convert = _CONVERT.get(c.type)
        values = [r.get(c.name) for r in rows]
        if convert:
            values = [convert(v) for v in values]
        if c.max_chars:
            values = [c.cap(v) for v in values]
        columns[c.name] = values
    return pa.Table.from_pydict(columns, schema=arrow_schema(table))
