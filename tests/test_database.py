"""The release's SQLite database, data/dealwire.sqlite: its shape from the schema (transforms, no
files), the database in the releases the tests publish (keys, indexes, full text, descriptions, row
counts equal to the Parquet files, listed and checksummed), the canned queries of `dealwire explore`
run on it, and `dealwire download --format sqlite`."""
from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
from datetime import date, datetime, timezone

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlite_utils

from flows.cli import main
from flows.database import DatabaseError, check_counts, write_database
from flows.download import DownloadError, download, plan
from transforms.release.explore import (
    MARK_END, MARK_START, canned_queries, datasette_metadata, deal_page_queries, evidence_passage,
)
from transforms.release.sqlite import (
    DESCRIPTIONS_TABLE, create_arguments, description_rows, index_columns, sqlite_columns, table_order,
)
from transforms.release.tables import to_arrow
from transforms.schema import TABLES

# ---- the shape, from the schema ---------------------------------------------------------------------


def test_tables_are_created_after_the_tables_their_keys_point_to():
    order = table_order()
    assert sorted(order) == sorted(TABLES)
    for name in order:
        for fk in TABLES[name].foreign_keys:
            assert order.index(fk.table) < order.index(name), (name, fk.table)


def test_create_arguments_and_indexes_follow_the_schema():
    quotes = create_arguments(TABLES["quotes"])
    assert quotes["pk"] == "quote_id" and quotes["column_order"] == TABLES["quotes"].column_names
    assert ("deal_id", "deals", "deal_id") in quotes["foreign_keys"]
    assert "text" in quotes["not_null"] and "speaker_actor_id" not in quotes["not_null"]
    assert quotes["columns"]["start"] is int and quotes["columns"]["text"] is str
    parties = create_arguments(TABLES["deal_parties"])
    assert parties["pk"] == ("deal_id", "actor_id", "role")
    assert index_columns(TABLES["deal_parties"]) == [("deal_id",), ("actor_id",), ("role",)]
    assert index_columns(TABLES["fetch_log"]) == []


def test_rows_take_iso_timestamps_dates_and_integer_booleans():
    table = TABLES["deals"]
    batch = pa.table({
        "deal_id": ["d1"], "name": ["Orvane–Keld tin offtake"], "deal_type": ["supply"], "sector": ["minerals"],
        "status": [None], "status_date": pa.array([date(2026, 5, 4)], pa.date32()),
        "first_reported_at": pa.array([datetime(2026, 5, 4, 7, 15, 9, 250_000, tzinfo=timezone.utc)],
                                      pa.timestamp("us", tz="UTC")),
        "last_reported_at": pa.array([None], pa.timestamp("us", tz="UTC")), "article_count": [3],
    })
    columns = sqlite_columns(table, batch)
    assert list(columns) == table.column_names
    row = {name: values[0] for name, values in columns.items()}
    assert row == {"deal_id": "d1", "name": "Orvane–Keld tin offtake", "deal_type": "supply", "sector": "minerals",
                   "status": None, "status_date": "2026-05-04", "first_reported_at": "2026-05-04T07:15:09Z",
                   "last_reported_at": None, "article_count": 3}
    flag = to_arrow("articles", [{"redistributable": True, "retrieved_at": "2026-05-04T07:15:00+00:00"}])
    assert sqlite_columns(TABLES["articles"], flag)["redistributable"] == [1]


def test_every_column_has_its_description_row():
    rows = description_rows()
    assert len(rows) == sum(len(t.columns) for t in TABLES.values())
    status = next(r for r in rows if (r["table_name"], r["column_name"]) == ("deals", "status"))
    assert status["nullable"] == 1 and "ratified" in status["allowed_values"]


# ---- the evidence passage and the Datasette metadata ---------------------------------------------------

TEXT = "The harbour board of Keldmar approved the tin offtake with Orvane Metals on Friday after a long night."


def test_a_passage_marks_the_evidence_with_its_context_cut_at_spaces():
    start = TEXT.index("approved")
    passage = evidence_passage(TEXT, start, start + len("approved"), context=20)
    assert passage == f"…board of Keldmar {MARK_START}approved{MARK_END} the tin offtake…"
    whole = evidence_passage(TEXT, 0, 3, context=500)
    assert whole.startswith(f"{MARK_START}The{MARK_END} harbour") and whole.endswith("night.")


def test_no_passage_without_text_or_with_offsets_outside_it():
    assert evidence_passage("", 0, 0) is None  # a source whose text is not republished
    assert evidence_passage(None, 1, 2) is None
    assert evidence_passage(TEXT, 5, len(TEXT) + 1) is None and evidence_passage(TEXT, 9, 4) is None


def test_metadata_comes_from_the_release_s_datapackage(small_releases):
    package = json.loads((small_releases["v2"] / "datapackage.json").read_text())
    meta = datasette_metadata(package)
    assert meta["title"] == "dealwire 2026.03.13" and meta["license"] == "CC-BY-4.0"
    tables = meta["databases"]["dealwire"]["tables"]
    assert set(tables) == set(TABLES)
    assert tables["quotes"]["columns"]["speaker_actor_id"] == TABLES["quotes"].column("speaker_actor_id").description
    assert tables["deals"]["label_column"] == "name" and tables["deals"]["sort_desc"] == "last_reported_at"
    queries = meta["databases"]["dealwire"]["queries"]
    assert {"deal_timeline", "deal_quotes", "quotes_by_speaker", "deals_by_party", "deals_by_status"} <= set(queries)
    assert all(":deal_id" in sql for sql in deal_page_queries().values())
    assert not set(queries) & set(TABLES)  # Datasette would serve the query in place of the table
    assert "1 is not republished" in meta["description"]


# ---- the database in a published release ----------------------------------------------------------------


def _db(release) -> sqlite_utils.Database:
    return sqlite_utils.Database(release / "data" / "dealwire.sqlite")


def test_the_database_holds_every_table_with_its_keys_indexes_and_full_text(small_releases):
    v2 = small_releases["v2"]
    db = _db(v2)
    for name, table in TABLES.items():
        assert db[name].count == pq.ParquetFile(v2 / "data" / f"{name}.parquet").metadata.num_rows, name
        assert list(db[name].columns_dict) == table.column_names, name
        assert db[name].pks == list(table.primary_key), name
        assert {(fk.column, fk.other_table, fk.other_column) for fk in db[name].foreign_keys} == {
            (fk.column, fk.table, fk.parent_column) for fk in table.foreign_keys}, name
        indexed = {tuple(i.columns) for i in db[name].indexes}
        assert set(index_columns(table)) <= indexed, name
    assert db["quotes"].detect_fts() == "quotes_fts" and db["deals"].detect_fts() == "deals_fts"
    found = list(db["quotes"].search("cranes", columns=["quote_id", "speaker_text"]))
    assert found == [{"quote_id": "quo_a_castell", "speaker_text": "Imre Castell"}]
    assert [r["deal_id"] for r in db["deals"].search("buyer", columns=["deal_id"])] == ["deal_buyer"]
    assert db[DESCRIPTIONS_TABLE].count == len(description_rows())
    published = {r["article_id"]: r["published_at"] for r in db["articles"].rows}
    assert published["art0000000000a"] == "2026-03-02T09:30:00Z"  # as the CSV writes it


def test_the_database_keeps_the_public_rows_only(small_releases):
    """An article whose source is not republished has no text in the database either."""
    texts = {r["url"]: r["text"] for r in _db(small_releases["v2"])["articles"].rows}
    assert texts["https://markets.example/astrane-falls"] == ""
    assert texts["https://velmora-wire.example/cobalt-contract"].startswith("Velmora signs cobalt contract")


def test_the_database_is_listed_and_checksummed(small_releases):
    v2 = small_releases["v2"]
    package = json.loads((v2 / "datapackage.json").read_text())
    entry = package["sqlite"]
    digest = hashlib.sha256((v2 / entry["path"]).read_bytes()).hexdigest()
    assert entry["hash"] == f"sha256:{digest}" and entry["bytes"] == (v2 / entry["path"]).stat().st_size
    assert f"{digest}  data/dealwire.sqlite" in (v2 / "SHA256SUMS").read_text().splitlines()
    assert entry["mediatype"] == "application/vnd.sqlite3" and DESCRIPTIONS_TABLE in entry["tables"]


def test_a_count_that_differs_from_the_parquet_file_is_an_error_naming_the_table(small_releases, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(small_releases["v2"] / "data", data)
    quotes = pq.read_table(data / "quotes.parquet")
    pq.write_table(quotes.slice(0, quotes.num_rows - 1), data / "quotes.parquet")
    with pytest.raises(DatabaseError, match=r"table quotes has 2 rows, quotes.parquet has 1"):
        check_counts(data / "dealwire.sqlite", data)


def test_a_missing_parquet_file_leaves_no_database_behind(small_releases, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(small_releases["v2"] / "data", data)
    (data / "dealwire.sqlite").unlink()
    (data / "deal_events.parquet").unlink()
    with pytest.raises(FileNotFoundError, match="deal_events.parquet"):
        write_database(data)
    assert not (data / "dealwire.sqlite").exists() and not list(data.glob(".*partial"))


# ---- the canned queries, run on the database ---------------------------------------------------------------


@pytest.fixture
def conn(small_releases):
    connection = sqlite3.connect(f"file:{small_releases['v2'] / 'data' / 'dealwire.sqlite'}?mode=ro", uri=True)
    connection.row_factory = sqlite3.Row
    connection.create_function("evidence_passage", 3, evidence_passage)
    yield connection
    connection.close()


def _run(conn, name: str, **params) -> list[dict]:
    return [dict(r) for r in conn.execute(canned_queries()[name]["sql"], params)]


def test_a_deal_s_timeline_lists_its_events_in_date_order_with_their_passages(conn):
    timeline = _run(conn, "deal_timeline", deal_id="deal_cobalt")
    assert [(e["event_date"], e["status"], e["actor"]) for e in timeline] == [
        ("2026-03-02", "signed", "Velmora"), ("2026-03-12", "ratified", "Velmora")]
    assert all(f"{MARK_START}{e['evidence']}{MARK_END}" in e["passage"] for e in timeline)


def test_who_said_what_quotes_by_speaker_and_deals_by_party_and_status(conn):
    said = _run(conn, "deal_quotes", deal_id="deal_cobalt")
    assert [(q["speaker"], q["kind"]) for q in said] == [("Imre Castell", "direct"), ("Traders on the Ostmark exchange", "indirect")]
    assert said[1]["passage"] is None  # that article's source is not republished
    assert [q["quote_id"] for q in _run(conn, "quotes_by_speaker", speaker="castell")] == ["quo_a_castell"]
    assert {(d["party"], d["deal"]) for d in _run(conn, "deals_by_party", party="Astrane")} == {
        ("Astrane Mining", "Velmora–Astrane Mining cobalt supply contract")}
    every = _run(conn, "deals_by_status", status="")
    assert [d["deal_id"] for d in _run(conn, "deals_by_status", status="ratified")] == ["deal_cobalt"]
    assert len(every) == 2 and every[1]["parties"] == "Astrane Mining; Velmora"


# ---- dealwire download --format sqlite -----------------------------------------------------------------


def test_download_fetches_the_database_verified(small_releases, tmp_path, capsys):
    root = small_releases["root"]
    assert main(["download", "--base-url", str(root), "--format", "sqlite", "--dest", str(tmp_path)]) == 0
    got = tmp_path / "2026.03.13" / "data" / "dealwire.sqlite"
    assert got.read_bytes() == (small_releases["v2"] / "data" / "dealwire.sqlite").read_bytes()
    out = capsys.readouterr().out
    assert "dealwire explore --releases" in out and "sqlite3" in out
    both = download(str(root), "2026.03.04", tables=["deals", "sqlite"], dest=tmp_path / "both", stream=io.StringIO())
    assert [f["path"].rsplit("/", 1)[1] for f in both["files"]] == ["deals.parquet", "dealwire.sqlite"]


def test_a_release_without_a_database_says_so():
    with pytest.raises(DownloadError, match="no SQLite database.*tables are in Parquet and CSV"):
        plan({"resources": [{"name": "deals"}]}, None, "sqlite", "2025.01.01")
