"""Columns that Great Expectations cannot compute on pandas, derived before validation.

Each is a boolean column that a suite expects to be all True:
- ``_offsets_within_text``: 0 <= start < end <= len(articles.text)
- ``_evidence_matches``: articles.text[start:end] equals the row's evidence column
"""
from __future__ import annotations

import pandas as pd

from transforms.schema import TABLES

DERIVED_COLUMNS = ("_offsets_within_text", "_evidence_matches")


def with_evidence_checks(table: str, frame: pd.DataFrame, texts: dict[str, str]) -> pd.DataFrame:
    """A copy of ``frame`` with the derived check columns of an evidence-bearing table."""
    evidence = TABLES[table].evidence_column
    if evidence is None:
        return frame
    within, matches = [], []
    for article_id, start, end, value in zip(frame["article_id"], frame["start"], frame["end"], frame[evidence]):
        text = texts.get(article_id)
        ok = text is not None and 0 <= int(start) < int(end) <= len(text)
        within.append(ok)
        matches.append(ok and text[int(start):int(end)] == value)
    out = frame.copy()
    out["_offsets_within_text"] = pd.Series(within, index=frame.index, dtype=bool)
    out["_evidence_matches"] = pd.Series(matches, index=frame.index, dtype=bool)
    return out
