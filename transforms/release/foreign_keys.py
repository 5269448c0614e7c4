"""Foreign keys as derived columns: a suite's expectations and a table's frame in; each foreign key
check on a ``_fk_<column>`` boolean (null, or one of the parent's keys) and that column out.

A suite's ``expect_column_values_to_be_in_set(column=C, value_set={"$PARAMETER": "<parent>__<key>"})``
runs as ``expect_column_values_to_be_in_set(column="_fk_C", value_set=[True])`` on
``_fk_C = C is null or C in the parent's keys`` (Arrow's vectorised ``is_in``; nulls pass, as they
do in Great Expectations' own set check), and the table's column list expectation allows those
derived columns after the schema's.
"""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pyarrow as pa

from transforms.schema import TABLES

FK_PREFIX = "_fk_"


def parent_keys(frames: Mapping[str, pd.DataFrame]) -> dict[str, pa.Array]:
    """{"<parent>__<key>": the parent table's key values (an Arrow array: compact, and hashed in
    C++ by ``null_or_in``)} for every foreign key of the schema."""
    keys = {}
    for table in TABLES.values():
        for fk in table.foreign_keys:
            name = f"{fk.table}__{fk.parent_column}"
            if name not in keys:
                keys[name] = _parent_key_values(frames, fk.table, fk.parent_column)
    return keys


def _parent_key_values(frames: Mapping[str, pd.DataFrame], table: str, column: str) -> pa.Array | pd.Series:
    """The non-null values of a key column; read straight into Arrow when the mapping can."""
    if table not in frames:
        return pa.array([], pa.string())
    read = getattr(frames, "read", None)
    if read is not None:
        return read(table, [column]).column(0).combine_chunks().drop_null()
    values = frames[table][column].dropna()
    try:
        return pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed types: kept as they are (pandas isin)
        return values


def null_or_in(values: pd.Series, keys: pd.Series | pa.Array) -> pd.Series:
    """Per value: True if it is null or one of ``keys``. Arrow's ``is_in`` hashes the keys once in C++
    (pandas' own ``isin`` on Arrow strings turns every key into a Python object first)."""
    import pyarrow.compute as pc

    try:
        column = pa.array(values, from_pandas=True)
        value_set = keys if isinstance(keys, pa.Array) else pa.array(keys, from_pandas=True)
        if column.type != value_set.type:
            value_set = value_set.cast(column.type)
        found = pc.or_kleene(pc.is_null(column), pc.is_in(column, value_set=value_set, skip_nulls=True))
        return pd.Series(found.to_numpy(zero_copy_only=False), index=values.index, dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):  # mixed types: pandas
        return values.isna() | values.isin(keys.to_pylist() if isinstance(keys, pa.Array) else keys)


def _foreign_key_parameter(expectation: dict) -> str | None:
    """The parent-keys parameter of a foreign key expectation, else None."""
    value_set = expectation["kwargs"].get("value_set")
    if expectation["type"] == "expect_column_values_to_be_in_set" and isinstance(value_set, dict):
        return value_set.get("$PARAMETER")
    return None


def foreign_key_expectations(expectations: list[dict], keys: dict[str, pd.Series]
                             ) -> tuple[list[dict], dict[str, tuple[str, str]]]:
    """The expectations with each foreign key check on a derived ``_fk_<column>`` column (and the
    derived columns allowed by the column list), and {derived column: (column, parent keys parameter)}."""
    derived, out = {}, []
    for e in expectations:
        parameter = _foreign_key_parameter(e)
        if parameter is None or parameter not in keys:
            out.append(e)
            continue
        column = e["kwargs"]["column"]
        name = FK_PREFIX + column
        derived[name] = (column, parameter)
        parent = parameter.replace("__", ".", 1)
        out.append({"type": e["type"], "kwargs": {"column": name, "value_set": [True]},
                    "meta": {**(e.get("meta") or {}), "foreign_key": {"column": column, "parent": parent}}})
    if not derived:
        return expectations, {}
    for e in out:
        if e["type"] == "expect_table_columns_to_match_ordered_list":
            e["kwargs"] = {**e["kwargs"], "column_list": [*e["kwargs"]["column_list"], *derived]}
    return out, derived


def with_foreign_key_columns(frame: pd.DataFrame, derived: dict[str, tuple[str, str]],
                             keys: dict[str, pd.Series]) -> pd.DataFrame:
    """A copy of the frame with a ``_fk_<column>`` boolean per foreign key: null or a parent key."""
    if not derived:
        return frame
    frame = frame.copy()
    for name, (column, parameter) in derived.items():
        frame[name] = null_or_in(frame[column], keys[parameter]).astype(bool)
    return frame


def foreign_keys_as_columns(frame: pd.DataFrame, expectations: list[dict],
                            keys: dict[str, pd.Series]) -> tuple[pd.DataFrame, list[dict]]:
    """The frame with a ``_fk_<column>`` boolean per foreign key (null or a parent key), and the
    expectations with each foreign key check on that column and the derived columns allowed."""
    out, derived = foreign_key_expectations(expectations, keys)
    return with_foreign_key_columns(frame, derived, keys), out
