"""The baseline Great Expectations suite of each table, derived from ``transforms.schema``.

``expectations/<table>.json`` holds each suite as the project keeps it (``dealwire
suites --write`` rewrites them from here). A test checks that every key, enum,
foreign key and evidence check of the schema has its expectation in those files.

Suite parameters, filled in by the validation step:
  ``<table>__<column>``            the parent keys of a foreign key
  ``min_datetime``/``max_datetime`` bounds of a plausible timestamp
  ``min_date``/``max_date``         bounds of a plausible event date
"""
from __future__ import annotations

from transforms.release.checks import DERIVED_COLUMNS
from transforms.schema import TABLES, Table

DATETIME_COLUMNS_BOUNDS = ("min_datetime", "max_datetime")
DATE_COLUMNS_BOUNDS = ("min_date", "max_date")


def _e(type_: str, notes: str, **kwargs) -> dict:
    return {"type": type_, "kwargs": kwargs, "meta": {"notes": notes}}


def suite_for(table: Table | str) -> dict:
    table = TABLES[table] if isinstance(table, str) else table
    columns = table.column_names + (list(DERIVED_COLUMNS) if table.evidence_column else [])
    exps = [
        _e("expect_table_columns_to_match_ordered_list", "The table has exactly the schema's columns, in order.",
           column_list=columns),
        _e("expect_table_row_count_to_be_between", "Row count within the table's bounds.",
           min_value=table.min_rows, max_value=table.max_rows),
    ]
    if len(table.primary_key) == 1:
        exps.append(_e("expect_column_values_to_be_unique", "Primary key is unique.", column=table.primary_key[0]))
    else:
        exps.append(_e("expect_compound_columns_to_be_unique", "Primary key is unique.", column_list=list(table.primary_key)))
    for c in table.columns:
        if not c.nullable:
            exps.append(_e("expect_column_values_to_not_be_null", f"{c.name} is required.", column=c.name))
    for c in table.columns:
        if c.enum:
            exps.append(_e("expect_column_values_to_be_in_set", f"{c.name} takes one of its documented values.",
                           column=c.name, value_set=list(c.enum)))
    for c in table.columns:
        if c.max_chars:
            exps.append(_e("expect_column_value_lengths_to_be_between",
                           f"{c.name} is free text of at most {c.max_chars} characters.",
                           column=c.name, min_value=0, max_value=c.max_chars))
    for fk in table.foreign_keys:
        exps.append(_e("expect_column_values_to_be_in_set",
                       f"Foreign key: every {fk.column} is a {fk.table}.{fk.parent_column}.",
                       column=fk.column, value_set={"$PARAMETER": f"{fk.table}__{fk.parent_column}"}))
    for c in table.columns:
        if c.type == "datetime":
            lo, hi = DATETIME_COLUMNS_BOUNDS
        elif c.type == "date":
            lo, hi = DATE_COLUMNS_BOUNDS
        else:
            continue
        exps.append(_e("expect_column_values_to_be_between", f"{c.name} is a plausible date.",
                       column=c.name, min_value={"$PARAMETER": lo}, max_value={"$PARAMETER": hi}))
    if table.evidence_column:
        exps.append(_e("expect_column_values_to_be_between", "Offsets are not negative.", column="start", min_value=0))
        exps.append(_e("expect_column_pair_values_a_to_be_greater_than_b", "Every span is non-empty.",
                       column_A="end", column_B="start", or_equal=False))
        exps.append(_e("expect_column_values_to_be_in_set", "Offsets lie within the article's text.",
                       column="_offsets_within_text", value_set=[True]))
        exps.append(_e("expect_column_values_to_be_in_set",
                       f"articles.text[start:end] equals {table.evidence_column}.",
                       column="_evidence_matches", value_set=[True]))
    return {"name": table.name, "expectations": exps, "meta": {"table": table.name, "description": table.description}}
