"""A source's rights at ingest: a folder's source.json says whether its texts may be republished;
without one (and for URLs and feeds, unless told) they may not. No Prefect: the plain readers."""
from __future__ import annotations

import json

from conftest import SAMPLES
from flows.ingest import SOURCE_FILE, list_inputs, read_file

TEXT = (
    "Harbour crane tender reopened\n\n"
    "The port board of Kessmir reopened the tender for two harbour cranes on Friday, after the only "
    "bidder withdrew, a spokesperson for the board said.\n"
)


def _articles(items):
    sidecars: dict = {}
    return [r.article for item in items for r in read_file(item, sidecars) if r.article]


def test_a_folder_with_source_json_is_redistributable(tmp_path):
    (tmp_path / "crane.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / SOURCE_FILE).write_text(json.dumps(
        {"name": "Kessmir port notices", "redistributable": True, "licence": "CC-BY-4.0"}), encoding="utf-8")
    items, rows = list_inputs([str(tmp_path)])
    assert rows == [] and [i["path"].rsplit("/", 1)[-1] for i in items] == ["crane.txt"]  # source.json is no input
    (article,) = _articles(items)
    assert article["redistributable"] is True and article["licence"] == "CC-BY-4.0"


def test_without_source_json_a_folder_is_not_redistributable(tmp_path):
    (tmp_path / "crane.txt").write_text(TEXT, encoding="utf-8")
    (article,) = _articles(list_inputs([str(tmp_path)])[0])
    assert article["redistributable"] is False and article["licence"] is None


def test_an_unusable_source_json_is_reported_and_means_not_redistributable(tmp_path):
    (tmp_path / "crane.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / SOURCE_FILE).write_text('{"redistributable": "yes"}', encoding="utf-8")
    items, rows = list_inputs([str(tmp_path)])
    (row,) = rows
    assert row["outcome"] == "skipped" and "source.json: ignored" in row["reason"]
    assert "not redistributable" in row["reason"]
    (article,) = _articles(items)
    assert article["redistributable"] is False


def test_a_single_file_takes_the_source_json_beside_it_and_the_samples_are_open():
    items, rows = list_inputs([str(SAMPLES / "01-sarnovia-loan-talks.txt")])
    assert rows == [] and items[0]["redistributable"] is True and items[0]["licence"] == "CC-BY-4.0"
    sample = json.loads((SAMPLES / SOURCE_FILE).read_text(encoding="utf-8"))
    assert sample["redistributable"] is True and sample["licence"] == "CC-BY-4.0"
    (jsonl,) = [i for i in list_inputs([str(SAMPLES)])[0] if i["path"].endswith(".jsonl")]
    assert {a["redistributable"] for a in _articles([jsonl])} == {True}
