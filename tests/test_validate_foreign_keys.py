"""Foreign keys are validated on every row through derived columns (transforms/release/foreign_keys.py): the same
verdict as the suite's set check, named as the suite names it, at a cost that does not grow with
rows x parent keys. Real Great Expectations on the small hand-written release; no Prefect."""
from __future__ import annotations

import pandas as pd

from flows.validate import load_suite, validate_frames
from transforms.release.foreign_keys import FK_PREFIX, foreign_keys_as_columns, parent_keys
from small_release import rows_v1, tables


def _frames(rows: dict) -> dict[str, pd.DataFrame]:
    return {name: table.to_pandas() for name, table in tables(rows).items()}


def test_a_foreign_key_becomes_a_derived_column_true_for_parent_keys_and_nulls():
    frames = _frames(rows_v1())
    quotes = frames["quotes"].copy()
    quotes.loc[0, "speaker_actor_id"] = "act_nobody"
    frame, expectations = foreign_keys_as_columns(quotes, load_suite("quotes")["expectations"], parent_keys(frames))
    # row 0 names an actor that does not exist; row 1 has no speaker actor (null passes)
    assert frame[FK_PREFIX + "speaker_actor_id"].tolist() == [False, True]
    assert frame[FK_PREFIX + "article_id"].tolist() == [True, True]
    checks = [e for e in expectations if e["kwargs"].get("column", "").startswith(FK_PREFIX)]
    assert {e["kwargs"]["column"] for e in checks} == {FK_PREFIX + c for c in
                                                       ("article_id", "speaker_mention_id", "speaker_actor_id", "deal_id")}
    assert all(e["kwargs"]["value_set"] == [True] for e in checks)
    assert not any(isinstance(e["kwargs"].get("value_set"), dict) for e in expectations)  # no parent-key parameter left
    (columns,) = [e for e in expectations if e["type"] == "expect_table_columns_to_match_ordered_list"]
    assert columns["kwargs"]["column_list"][-4:] == [FK_PREFIX + c for c in
                                                     ("article_id", "speaker_mention_id", "speaker_actor_id", "deal_id")]


def test_a_broken_foreign_key_fails_validation_naming_the_column_and_its_parent():
    rows = rows_v1()
    rows["deal_parties"][0]["actor_id"] = "act_nobody"
    summary = validate_frames(_frames(rows))
    assert not summary["success"]
    (failure,) = summary["tables"]["deal_parties"]["failures"]
    assert failure["kwargs"] == {"column": "actor_id", "value_set": "<keys of actors.actor_id>",
                                 "checked_as": FK_PREFIX + "actor_id"}
    assert failure["unexpected_count"] == 1
    assert failure["examples"][0]["actor_id"] == "act_nobody"
    others = {name: t["success"] for name, t in summary["tables"].items() if name != "deal_parties"}
    assert all(others.values()), others


def test_the_valid_release_passes_every_suite():
    summary = validate_frames(_frames(rows_v1()))
    assert summary["success"], summary
    assert all(t["evaluated"] == t["successful"] for t in summary["tables"].values())
