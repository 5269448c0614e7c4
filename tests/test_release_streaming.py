"""The release is built without holding the corpus: the store is resolved article by article into
Parquet row groups (flows.publish.write_store_tables), and large tables are validated in chunks
(flows.validate). Both must give what the all-in-memory way gives. No Prefect, no spaCy."""
from __future__ import annotations

import shutil

import pandas as pd
import pyarrow.parquet as pq

from flows.publish import write_store_tables
from flows.store import Store
from flows.validate import validate_frames
from small_release import rows_v1, tables
from test_resolve import TEXT1, TEXT2, _article, _extraction, _one_event_extraction
from transforms.language.extract import EXTRACTOR_VERSION
from transforms.release.resolve import resolve
from transforms.schema import TABLES
from transforms.release.tables import to_arrow

TEXT3 = "A senior official said Ada Korvel doubted the agreement between Veldonia and Marhaven at all."


def _corpus():
    articles = [
        _article("a1", TEXT1, "2026-01-01T00:00:00+00:00"),
        _article("a2", TEXT2, "2026-02-01T00:00:00+00:00"),
        _article("a3", TEXT1, "2026-01-03T00:00:00+00:00"),      # an exact copy of a1: not counted
        _article("a4", "Talks on a grain accord between Ostrel and Kestria were put off again.",
                 "2026-03-01T00:00:00+00:00"),                   # not extracted yet
        _article("a5", TEXT3, "2026-03-02T00:00:00+00:00"),
    ]
    extractions = {
        "a1": _extraction("a1", TEXT1),
        "a2": _one_event_extraction("a2", TEXT2, [("signed", "2026-01-30", 0), ("agreed", None, 5)],
                                    sector="minerals", resources=("lithium",)),
        "a3": _extraction("a3", TEXT1),
        "a5": _extraction("a5", TEXT3, status="stalled"),
    }
    for article in articles:  # as the store's release reads them (stored before rights: not redistributable)
        article.update(redistributable=False, licence=None)
    return articles, extractions


def _store(tmp_path):
    """The corpus in a store: (store, articles, extractions)."""
    articles, extractions = _corpus()
    store = Store(str(tmp_path / "store"))
    for article in articles:
        store.put_article(article)
        if article["article_id"] in extractions:
            store.put_extraction(EXTRACTOR_VERSION, article["article_id"], article["text_sha256"],
                                 extractions[article["article_id"]])
    return store, articles, extractions


def test_the_streamed_release_tables_equal_the_in_memory_ones(tmp_path):
    store, articles, extractions = _store(tmp_path)
    folder = tmp_path / "full"
    folder.mkdir()
    # one article and one row per row group: every table is written in several parts
    counts = write_store_tables(store, folder, rows_per_group=1, articles_per_group=1)

    expected = resolve(articles, extractions) | {"fetch_log": []}
    assert counts == {name: len(expected[name]) for name in TABLES}
    assert counts["quotes"] == 3 and counts["deals"] == 1 and counts["articles"] == 5
    for name in TABLES:
        written = pq.read_table(folder / f"{name}.parquet")
        assert written.equals(to_arrow(name, expected[name])), name
    assert pq.ParquetFile(folder / "articles.parquet").metadata.num_row_groups == 5
    by_id = {a["article_id"]: a for a in expected["articles"]}
    assert by_id["a3"]["duplicate_of"] == "a1" and by_id["a3"]["extraction_status"] == "extracted"
    assert by_id["a4"]["extraction_status"] == "pending"
    assert expected["deals"][0]["status"] == "stalled"     # the latest event, seen in the last article


def test_a_large_store_is_resolved_by_a_second_process_into_the_same_tables(tmp_path):
    from flows.publish import stage_store

    store, _, _ = _store(tmp_path)
    here = stage_store(store, str(tmp_path / "releases-here"), "2026.01.01")
    there = stage_store(store, str(tmp_path / "releases-there"), "2026.01.01", separate_from=1)
    try:
        assert "stage_process_peak_rss_mib" not in here and there["stage_process_peak_rss_mib"] > 0
        assert here["counts"] == there["counts"]
        for name in TABLES:
            a = pq.read_table(f"{here['work']}/full/{name}.parquet")
            b = pq.read_table(f"{there['work']}/full/{name}.parquet")
            assert a.equals(b), name
    finally:  # the private work folders (full text) are not left behind
        for staged in (here, there):
            shutil.rmtree(staged["work"])


def _frames(rows: dict) -> dict[str, pd.DataFrame]:
    return {name: table.to_pandas() for name, table in tables(rows).items()}


def _without_times(summary: dict) -> dict:
    return {name: {k: v for k, v in t.items() if k != "seconds"} for name, t in summary["tables"].items()}


def test_validation_in_chunks_gives_the_same_verdicts():
    frames = _frames(rows_v1())
    whole = validate_frames(frames)
    chunked = validate_frames(frames, chunk_rows=1)   # every table of two rows or more in chunks of one
    assert whole["success"] and chunked["success"]
    assert _without_times(chunked) == _without_times(whole)


def test_validation_in_chunks_finds_duplicates_across_chunks_and_adds_up_failures():
    rows = rows_v1()
    assert len(rows["quotes"]) == 2
    rows["quotes"][1]["quote_id"] = rows["quotes"][0]["quote_id"]      # the same key in two chunks
    for quote in rows["quotes"]:
        quote["end"] = quote["start"] + 1                              # evidence no longer matches, in both
    chunked = validate_frames(_frames(rows), chunk_rows=1)
    whole = validate_frames(_frames(rows))
    assert not chunked["success"]
    failures = {f["expectation"] + ":" + str(f["kwargs"].get("column")): f for f in chunked["tables"]["quotes"]["failures"]}
    unique = failures["expect_column_values_to_be_unique:quote_id"]
    assert unique["unexpected_count"] == 2
    evidence = failures["expect_column_values_to_be_in_set:_evidence_matches"]
    assert evidence["unexpected_count"] == 2                            # one per chunk, added up
    assert [e["start"] for e in evidence["examples"]] == [q["start"] for q in rows["quotes"]]
    assert sorted(failures) == sorted(f["expectation"] + ":" + str(f["kwargs"].get("column"))
                                      for f in whole["tables"]["quotes"]["failures"])
