"""The evidence budget of articles whose text is withheld: text lengths and evidence spans in; which
evidence cells are published whole, cut or left out, and the share of each article they republish.

A source that is not redistributable keeps its text out of the release, but its evidence cells
(quotes, mentions, terms, events) are short pieces of that text. Two rules bound what they republish:

- each cell at most ``EVIDENCE_CELL_CHARS`` characters: a longer one is cut there, its last character
  "…" (a verbatim prefix; offsets still give the whole span in the text kept in the store);
- the cells of one article together at most ``EVIDENCE_SHARE`` of its characters, counted on the
  union of their published spans: while over, the longest cell left is left out (published as
  ``LEFT_OUT``, "…" alone: a cell of a required column is never empty).

``published_shares`` measures the share on the tables as published: the release check and the data
card use it. Redistributable articles are published whole and have no budget.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from transforms.schema import TABLES

EVIDENCE_SHARE = 0.25
EVIDENCE_CELL_CHARS = 200
LEFT_OUT = "…"
EVIDENCE_TABLES = tuple(name for name, table in TABLES.items() if table.evidence_column)


@dataclass
class Budget:
    """Cells (table, primary key) to cut and to leave out, and the article lengths it was made for."""

    lengths: dict[str, int]
    cut: set[tuple[str, str]] = field(default_factory=set)
    dropped: set[tuple[str, str]] = field(default_factory=set)


def union_length(spans: list[tuple[int, int]]) -> int:
    """Characters covered by the union of half-open spans."""
    covered, reach = 0, None
    for start, end in sorted(spans):
        if reach is None or start > reach:
            covered += end - start
            reach = end
        elif end > reach:
            covered += end - reach
            reach = end
    return covered


def _article_cells(article_id: str, spans: dict[str, pd.DataFrame]) -> list[tuple[str, str, int, int]]:
    return [(name, key, int(start), int(end))
            for name, frame in spans.items()
            for key, start, end in frame.loc[frame["article_id"] == article_id, ["key", "start", "end"]].itertuples(index=False)]


def evidence_budget(lengths: dict[str, int], spans: dict[str, pd.DataFrame]) -> Budget:
    """The budget of the withheld articles (``lengths``: article_id → characters of its text), from each
    evidence table's spans (``spans``: table → frame of article_id, key, start, end)."""
    budget = Budget(lengths)
    spans = {name: frame[frame["article_id"].isin(lengths.keys())] for name, frame in spans.items()}
    for article_id, length in lengths.items():
        cells = []
        for name, key, start, end in _article_cells(article_id, spans):
            if end - start > EVIDENCE_CELL_CHARS:
                budget.cut.add((name, key))
                end = start + EVIDENCE_CELL_CHARS
            cells.append((end - start, name, key, start, end))
        limit = EVIDENCE_SHARE * length
        cells.sort(key=lambda c: (-c[0], c[1], c[2]))  # the longest first, then by table and key
        kept = list(cells)
        while kept and union_length([(c[3], c[4]) for c in kept]) > limit:
            longest = kept.pop(0)
            budget.dropped.add((longest[1], longest[2]))
    return budget


def apply_budget(name: str, data: pa.Table, budget: Budget | None) -> pa.Table:
    """The evidence column of an evidence table with the budget's cells cut or emptied."""
    if budget is None or name not in EVIDENCE_TABLES or not (budget.cut or budget.dropped):
        return data
    column = TABLES[name].evidence_column
    (key,) = TABLES[name].primary_key
    keys = data.column(key).to_pylist()
    values = data.column(column).to_pylist()
    out = []
    for k, value in zip(keys, values):
        if (name, k) in budget.dropped:
            value = LEFT_OUT
        elif (name, k) in budget.cut and value is not None and len(value) > EVIDENCE_CELL_CHARS:
            value = value[: EVIDENCE_CELL_CHARS - 1] + "…"
        out.append(value)
    i = data.schema.get_field_index(column)
    return data.set_column(i, data.schema.field(column), pa.array(out, pa.string()))


def published_shares(lengths: dict[str, int], evidence: dict[str, pd.DataFrame]) -> dict[str, float]:
    """Share of each withheld article's characters that its published evidence cells republish (the
    union of [start, start + cell length) over the text's length), from the tables as published
    (``evidence``: table → frame of article_id, start and the evidence column as ``value``)."""
    spans: dict[str, list[tuple[int, int]]] = {a: [] for a in lengths}
    for frame in evidence.values():
        for article_id, start, value in frame[["article_id", "start", "value"]].itertuples(index=False):
            if article_id in spans and value and value != LEFT_OUT:
                spans[article_id].append((int(start), int(start) + len(value)))
    return {a: (union_length(s) / lengths[a] if lengths[a] else 0.0) for a, s in spans.items()}


def withheld_lengths(articles: pa.Table) -> dict[str, int]:
    """article_id → characters of the text, for the articles that are not redistributable."""
    withheld = articles.filter(pc.invert(pc.fill_null(articles.column("redistributable"), False)))
    return dict(zip(withheld.column("article_id").to_pylist(),
                    pc.utf8_length(withheld.column("text")).to_pylist()))
