"""The evidence budget of withheld articles (transforms/release/evidence.py), without Prefect."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa

from transforms.release.evidence import (
    EVIDENCE_CELL_CHARS, EVIDENCE_SHARE, apply_budget, evidence_budget, published_shares, union_length,
    withheld_lengths,
)
from transforms.schema import TABLES


def _spans(rows: list[tuple[str, str, int, int]]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["article_id", "key", "start", "end"])


def test_union_length_counts_overlaps_once():
    assert union_length([]) == 0
    assert union_length([(0, 10), (5, 15), (20, 25), (21, 22)]) == 20


def test_a_long_cell_is_cut_and_the_longest_cells_leave_until_the_share_holds():
    spans = {
        "quotes": _spans([("w", "q1", 0, 300), ("w", "q2", 400, 500), ("w", "q3", 600, 650), ("open", "q9", 0, 900)]),
        "actor_mentions": _spans([("w", "m1", 410, 420), ("w", "m2", 700, 712)]),
    }
    budget = evidence_budget({"w": 1000}, spans)  # only "w" is withheld
    assert budget.cut == {("quotes", "q1")}  # 300 > EVIDENCE_CELL_CHARS characters
    # cut q1 (200) + q2 (100) + q3 (50) + m2 (12) = 362 > 250: the longest (q1) leaves, then 162 hold
    assert budget.dropped == {("quotes", "q1")}
    assert EVIDENCE_CELL_CHARS == 200 and EVIDENCE_SHARE == 0.25
    assert ("quotes", "q9") not in budget.cut | budget.dropped  # a redistributable article has no budget


def test_the_budget_is_applied_to_the_evidence_column_and_measured_on_what_is_published():
    text = "Orvenna and Talsk agreed. " * 40  # 1,040 characters
    quotes = pa.table({
        "quote_id": ["q1", "q2", "q3"], "article_id": ["w", "w", "w"],
        "start": [0, 300, 600], "end": [260, 400, 650],
        "text": [text[0:260], text[300:400], text[600:650]],
    })
    spans = {"quotes": _spans([("w", k, s, e) for k, s, e in zip(["q1", "q2", "q3"], [0, 300, 600], [260, 400, 650])])}
    budget = evidence_budget({"w": len(text)}, spans)
    published = apply_budget("quotes", quotes, budget).column("text").to_pylist()
    assert published[0] == "…" and published[1] == text[300:400] and published[2] == text[600:650]
    frame = pd.DataFrame({"article_id": ["w"] * 3, "start": [0, 300, 600], "value": published})
    (share,) = published_shares({"w": len(text)}, {"quotes": frame}).values()
    assert share == 150 / len(text) <= EVIDENCE_SHARE
    # Before the budget the same cells republish a third of the text.
    raw = pd.DataFrame({"article_id": ["w"] * 3, "start": [0, 300, 600], "value": quotes.column("text").to_pylist()})
    assert published_shares({"w": len(text)}, {"quotes": raw})["w"] == 410 / len(text) > EVIDENCE_SHARE


def test_a_cut_cell_is_a_verbatim_prefix_ending_in_an_ellipsis():
    text = "x" * 150 + "y" * 150
    data = pa.table({"quote_id": ["q"], "article_id": ["w"], "start": [0], "end": [300], "text": [text]})
    budget = evidence_budget({"w": 10_000}, {"quotes": _spans([("w", "q", 0, 300)])})
    (value,) = apply_budget("quotes", data, budget).column("text").to_pylist()
    assert value == text[:EVIDENCE_CELL_CHARS - 1] + "…" and len(value) == EVIDENCE_CELL_CHARS


def test_withheld_lengths_are_those_of_the_articles_not_redistributable():
    articles = pa.table({"article_id": ["a", "b", "c"], "redistributable": [True, False, None],
                         "text": ["open text", "withheld", "also withheld"]})
    assert withheld_lengths(articles) == {"b": 8, "c": 13}
    assert TABLES["quotes"].evidence_column == "text"
