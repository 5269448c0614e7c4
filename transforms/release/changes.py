"""What changed between two releases: rows added, removed and changed per table, by primary key.

Pure: the previous and the new release's public tables (pandas frames) in, the content of
``changes.json`` and the data card's summary out. A row is *changed* when its primary key is in
both releases and any column the two releases share differs; columns that only one of them has
(a schema change) are listed, not compared. Missing values compare equal to each other.
"""
from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

from transforms.schema import TABLES

MAX_KEYS = 1000  # keys listed per table and kind of change; counts are always complete


def _value(v):
    """A comparable, JSON-friendly form of one cell."""
    if v is None or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, (pd.Timestamp, datetime)):
        return pd.Timestamp(v).isoformat()
    if isinstance(v, date):
        return v.isoformat()
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):  # numpy scalars
        try:
            v = v.item()
        except (AttributeError, ValueError):
            pass
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def _rows(frame: pd.DataFrame, key: list[str], columns: list[str]) -> dict:
    """primary key (a value, or a tuple for compound keys) → tuple of the other columns' values."""
    # Lists, not Series.map: a Series would turn the None of a missing value back into NaN (NaN != NaN).
    keys = zip(*([_value(v) for v in frame[c].tolist()] for c in key)) if key else iter(())
    values = zip(*([_value(v) for v in frame[c].tolist()] for c in columns)) if columns else (() for _ in range(len(frame)))
    out = {}
    for k, v in zip(keys, values):
        out[k[0] if len(k) == 1 else k] = tuple(v)
    return out


def _key_json(k):
    return list(k) if isinstance(k, tuple) else k


def _sorted_keys(keys) -> list:
    return sorted(keys, key=lambda k: tuple("" if x is None else str(x) for x in (k if isinstance(k, tuple) else (k,))))


def diff_table(name: str, previous: pd.DataFrame | None, current: pd.DataFrame, max_keys: int = MAX_KEYS) -> dict:
    """Counts and keys of the rows added, removed and changed in one table."""
    key = list(TABLES[name].primary_key) if name in TABLES else []
    if previous is None and key:
        return _first_release_table(key, current, max_keys)
    if previous is None:
        previous = pd.DataFrame(columns=list(current.columns))
        columns_added = columns_removed = []
    else:
        columns_added = [c for c in current.columns if c not in previous.columns]
        columns_removed = [c for c in previous.columns if c not in current.columns]
    shared = [c for c in current.columns if c in previous.columns and c not in key]
    before, after = _rows(previous, key, shared), _rows(current, key, shared)
    added = [k for k in after if k not in before]
    removed = [k for k in before if k not in after]
    changed, by_column = [], {}
    for k in after.keys() & before.keys():
        old, new = before[k], after[k]
        if old != new:
            changed.append(k)
            for column, a, b in zip(shared, old, new):
                if a != b:
                    by_column[column] = by_column.get(column, 0) + 1
    listed = {kind: _sorted_keys(keys) for kind, keys in (("added", added), ("removed", removed), ("changed", changed))}
    return {
        "primary_key": key,
        "rows": len(current),
        "previous_rows": len(previous),
        "added": len(added),
        "removed": len(removed),
        "changed": len(changed),
        "unchanged": len(after) - len(added) - len(changed),
        "changed_columns": dict(sorted(by_column.items())),
        "columns_added": columns_added,
        "columns_removed": columns_removed,
        "keys": {kind: [_key_json(k) for k in keys[:max_keys]] for kind, keys in listed.items()},
        "keys_truncated": any(len(keys) > max_keys for keys in listed.values()),
    }


def _first_release_table(key: list[str], current: pd.DataFrame, max_keys: int) -> dict:
    """``diff_table`` without a previous release: every row is added (its keys sorted as
    ``_sorted_keys`` sorts them; keys are strings, never missing), without a dict of every row."""
    ordered = current[key].astype(object).where(current[key].notna(), "").astype(str).sort_values(by=key, kind="stable")
    first = current.loc[ordered.index[:max_keys], key]
    listed = [row[0] if len(key) == 1 else list(row) for row in
              (tuple(_value(v) for v in values) for values in first.itertuples(index=False, name=None))]
    return {
        "primary_key": key,
        "rows": len(current),
        "previous_rows": 0,
        "added": len(current),
        "removed": 0,
        "changed": 0,
        "unchanged": 0,
        "changed_columns": {},
        "columns_added": [],
        "columns_removed": [],
        "keys": {"added": listed, "removed": [], "changed": []},
        "keys_truncated": len(current) > max_keys,
    }


def diff_release(version: str, current: dict[str, pd.DataFrame], previous: dict[str, pd.DataFrame] | None,
                 previous_version: str | None = None, schema_version: str | None = None,
                 previous_schema_version: str | None = None, max_keys: int = MAX_KEYS) -> dict:
    """The content of changes.json. No previous release: every row is added."""
    previous = previous or {}
    tables = {name: diff_table(name, previous.get(name) if previous_version else None, frame, max_keys)
              for name, frame in current.items()}
    return {
        "version": version,
        "previous_version": previous_version,
        "schema_version": schema_version,
        "previous_schema_version": previous_schema_version,
        "compared_by": "primary key; a changed row has the same key and a different value in a column both releases have",
        "totals": {kind: sum(t[kind] for t in tables.values()) for kind in ("added", "removed", "changed")},
        "tables": tables,
    }


def changes_markdown(changes: dict) -> list[str]:
    """The data card's section on changes since the previous release."""
    prev = changes.get("previous_version")
    if prev:
        lines = [f"## Changes since {prev}", "",
                 f"Compared with release {prev} by primary key (`changes.json` lists the keys). "
                 "A row is changed when a column both releases have holds a different value."]
        if changes.get("previous_schema_version") and changes["previous_schema_version"] != changes.get("schema_version"):
            lines.append(f"The schema went from {changes['previous_schema_version']} to {changes.get('schema_version')}.")
    else:
        total = sum(t["added"] for t in changes["tables"].values())
        return ["## Changes", "", f"This is the first release: all {total} rows are new (`changes.json`).", ""]
    lines += ["", "| table | rows | added | removed | changed |", "| --- | ---: | ---: | ---: | ---: |"]
    for name, t in changes["tables"].items():
        lines.append(f"| `{name}` | {t['rows']} | {t['added']} | {t['removed']} | {t['changed']} |")
    notes = []
    for name, t in changes["tables"].items():
        if t["columns_added"]:
            notes.append(f"- `{name}`: new columns {', '.join(f'`{c}`' for c in t['columns_added'])}.")
        if t["columns_removed"]:
            notes.append(f"- `{name}`: columns no longer published {', '.join(f'`{c}`' for c in t['columns_removed'])}.")
        if t["changed_columns"] and prev:
            top = ", ".join(f"`{c}` {n}" for c, n in sorted(t["changed_columns"].items(), key=lambda x: (-x[1], x[0]))[:5])
            notes.append(f"- `{name}`: changed values by column: {top}.")
    if notes:
        lines += [""] + notes
    lines.append("")
    return lines
