"""The public form of a table: the text of non-redistributable sources left out, spreadsheet-safe CSV,
and the list of sources with their rights. Tables in, tables out."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from transforms.schema import TABLES

CSV_DATETIME = "%Y-%m-%dT%H:%M:%SZ"
# A CSV cell starting with one of these is read as a formula by spreadsheets: prefixed with "'".
CSV_UNSAFE_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """A string cell that a spreadsheet would run as a formula, neutralised with a leading "'"
    (only in CSV: Parquet keeps the exact value). Anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(CSV_UNSAFE_PREFIXES):
        return "'" + value
    return value


def csv_frame(table: str, data: pa.Table) -> pd.DataFrame:
    """The frame written as CSV: ISO 8601 UTC timestamps, whole integers, dates as YYYY-MM-DD,
    and string cells that start with = + - @ tab or carriage return prefixed with "'"."""
    frame = data.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    for c in TABLES[table].columns:
        if c.type == "datetime":
            frame[c.name] = frame[c.name].map(lambda v: None if pd.isna(v) else v.strftime(CSV_DATETIME))
        elif c.type == "date":
            frame[c.name] = frame[c.name].map(lambda v: None if v is None or pd.isna(v) else v.isoformat())
        elif c.type == "string":
            frame[c.name] = frame[c.name].astype(object).map(csv_safe)
    return frame


def public_table(table: str, data: pa.Table) -> pa.Table:
    """The table as published: articles of sources that are not redistributable lose their text
    (text_sha256, url and every offset stay; evidence rows keep their own short evidence)."""
    withheld = [c.name for c in TABLES[table].columns if c.withheld] if table in TABLES else []
    if not withheld or "redistributable" not in data.column_names:
        return data
    keep = pc.fill_null(data.column("redistributable"), False)
    for name in withheld:
        i = data.schema.get_field_index(name)
        data = data.set_column(i, data.schema.field(name), pc.if_else(keep, data.column(name), pa.scalar("", pa.string())))
    return data


def sources_summary(articles: pd.DataFrame) -> list[dict]:
    """One entry per source of the articles: count, redistributable, licence (sorted by source)."""
    if not len(articles):
        return []
    out = []
    for source, group in articles.groupby("source", sort=True, dropna=False):
        flags = group["redistributable"].fillna(False).astype(bool) if "redistributable" in group else pd.Series([False] * len(group))
        licences = sorted({str(v) for v in group["licence"].dropna()}) if "licence" in group else []
        out.append({
            "source": str(source),
            "articles": int(len(group)),
            "redistributable": bool(flags.all()),
            "articles_without_text": int((~flags).sum()),
            "licence": ", ".join(licences) or None,
        })
    return out



def with_rights(article: dict) -> dict:
    """A stored article with its rights columns: one stored before sources had rights is not
    redistributable unless it says so, and has no licence (the row is completed in place)."""
    article["redistributable"] = bool(article.get("redistributable") or False)
    article.setdefault("licence", None)
    return article
