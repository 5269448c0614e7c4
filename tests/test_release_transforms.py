"""The pure parts of a release: changes by primary key, spreadsheet-safe CSV, withheld text, charts,
validation.json, the data card, index.json and file listings. No files, no Prefect."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timezone

import pandas as pd
import pytest

from small_release import CLOSED_SOURCE, TEXT_B, rows_v1, rows_v2, tables
from transforms.release import card, public
from transforms.release.changes import changes_markdown, diff_release, diff_table
from transforms.release.charts import articles_per_week, bar_chart_svg, deals_by_status, release_charts
from transforms.schema import EXTRACTION_STATUSES, SCHEMA_VERSION, TABLES
from transforms.release.tables import to_arrow


def _frames(rows):
    return {name: public.public_table(name, t).to_pandas() for name, t in tables(rows).items()}


def test_first_release_adds_everything():
    changes = diff_release("2026.03.04", _frames(rows_v1()), None)
    assert changes["previous_version"] is None
    assert changes["tables"]["articles"] | {"keys": None} == changes["tables"]["articles"] | {
        "added": 2, "removed": 0, "changed": 0, "keys": None}
    assert changes["totals"]["added"] == sum(len(r) for r in rows_v1().values())
    assert "first release" in "\n".join(changes_markdown(changes))


def test_changes_by_primary_key():
    changes = diff_release("2026.03.13", _frames(rows_v2()), _frames(rows_v1()), "2026.03.04", "1.1.0", "1.1.0")
    t = changes["tables"]
    assert (t["articles"]["added"], t["articles"]["removed"], t["articles"]["changed"]) == (1, 0, 0)
    assert t["articles"]["keys"]["added"] == ["art0000000000c"]
    assert (t["deals"]["added"], t["deals"]["changed"], t["deals"]["unchanged"]) == (0, 1, 1)
    assert t["deals"]["keys"]["changed"] == ["deal_cobalt"]
    assert t["deals"]["changed_columns"] == {"article_count": 1, "last_reported_at": 1, "status": 1, "status_date": 1}
    assert t["deal_attributes"]["removed"] == 1 and t["deal_attributes"]["keys"]["removed"] == ["att_a_cobalt"]
    assert t["deal_events"]["added"] == 1
    # missing values on both sides are equal (a float column with NaN, a nullable string)
    assert t["fetch_log"] | {"keys": None} == t["fetch_log"] | {"added": 1, "changed": 0, "removed": 0, "keys": None}
    assert changes["totals"] == {"added": 3, "removed": 1, "changed": 1}
    card = "\n".join(changes_markdown(changes))
    assert "## Changes since 2026.03.04" in card and "| `deals` | 2 | 0 | 0 | 1 |" in card


def test_compound_keys_and_schema_changes():
    old = pd.DataFrame({"deal_id": ["d1", "d1"], "actor_id": ["a1", "a2"], "role": ["party", "party"],
                        "article_count": [1, 1]})
    new = pd.DataFrame({"deal_id": ["d1", "d1"], "actor_id": ["a1", "a3"], "role": ["party", "party"],
                        "article_count": [2, 1], "extra": ["x", "y"]})
    d = diff_table("deal_parties", old, new)
    assert d["keys"] == {"added": [["d1", "a3", "party"]], "removed": [["d1", "a2", "party"]],
                         "changed": [["d1", "a1", "party"]]}
    assert d["columns_added"] == ["extra"] and d["changed_columns"] == {"article_count": 1}
    capped = diff_table("deal_parties", None, new, max_keys=1)
    assert capped["added"] == 2 and len(capped["keys"]["added"]) == 1 and capped["keys_truncated"]


def test_csv_cells_that_spreadsheets_would_run_are_neutralised():
    for raw in ("=SUM(A1:A9)", "+44 20", "-5% for Astrane", "@mention", "\tindent", "\rreturn"):
        assert public.csv_safe(raw) == "'" + raw
    for fine in ("Velmora", "", "5-4 vote", "'quoted", None, 12, -3):
        assert public.csv_safe(fine) == fine
    articles = tables(rows_v1())["articles"]
    frame = public.csv_frame("articles", articles)
    assert frame.loc[1, "title"] == "'-5% for Astrane Mining after the Velmora contract"
    assert frame.loc[1, "text"].startswith("'-5% for Astrane")  # CSV only: the Parquet value is untouched
    assert articles.column("title").to_pylist()[1] == "-5% for Astrane Mining after the Velmora contract"
    events = public.csv_frame("deal_events", to_arrow("deal_events", [{**rows_v1()["deal_events"][0], "start": -1}]))
    assert events.loc[0, "start"] == -1  # numbers are never prefixed


def test_text_of_sources_not_redistributable_is_withheld():
    full = tables(rows_v1())["articles"]
    released = public.public_table("articles", full)
    assert released.schema == full.schema  # descriptions kept
    rows = {r["article_id"]: r for r in released.to_pylist()}
    closed = rows["art0000000000b"]
    assert closed["text"] == "" and closed["text_sha256"] == full.to_pylist()[1]["text_sha256"]
    assert closed["url"] and rows["art0000000000a"]["text"].startswith("Velmora signs")
    quotes = tables(rows_v1())["quotes"]
    assert public.public_table("quotes", quotes) is quotes  # evidence rows keep their own short evidence
    sources = public.sources_summary(released.to_pandas())
    assert [(s["source"], s["redistributable"], s["articles_without_text"], s["licence"]) for s in sources] == [
        ("corpus/velmora-wire", True, 0, "CC-BY-4.0"), (CLOSED_SOURCE, False, 1, None)]


def test_charts_are_svg_with_every_week_and_status():
    frames = _frames(rows_v2())
    weeks = articles_per_week(frames["articles"])
    assert weeks == [("2026-03-02", 2), ("2026-03-09", 1)]
    assert deals_by_status(frames["deals"]) == [("ratified", 1), ("unknown", 1)]
    for name, (alt, svg) in release_charts(frames["articles"], frames["deals"]).items():
        root = ET.fromstring(svg)
        assert root.tag.endswith("svg") and name.endswith(".svg") and alt
        assert len([e for e in root.iter() if e.tag.endswith("rect")]) >= 3
    empty = bar_chart_svg("Nothing & more", [], "x", "y")
    assert "no data" in empty and "&amp;" in ET.tostring(ET.fromstring(empty), encoding="unicode")


def test_validation_report_sums_up_the_suites():
    summary = {"success": False, "validated_at": "2026-03-04T08:00:00+00:00", "tables": {
        "articles": {"success": True, "rows": 2, "evaluated": 15, "successful": 15, "failures": []},
        "quotes": {"success": False, "rows": 2, "evaluated": 20, "successful": 19, "failures": [
            {"expectation": "expect_column_values_to_be_in_set", "kwargs": {"column": "_evidence_matches"},
             "unexpected_count": 1, "examples": [{"quote_id": "q"}]}]},
    }}
    report = card.validation_report(summary, "2026.03.04")
    assert (report["suites"], report["expectations"], report["successes"], report["failures"]) == (2, 35, 34, 1)
    assert report["tables"]["quotes"]["failed"][0]["column"] == "_evidence_matches"
    assert report["success"] is False


def test_data_card_has_charts_changes_rights_csv_note_and_citation():
    frames = _frames(rows_v2())
    changes = diff_release("2026.03.13", frames, _frames(rows_v1()), "2026.03.04", SCHEMA_VERSION, SCHEMA_VERSION)
    readme = card.data_card("2026.03.13", {n: len(f) for n, f in frames.items()}, frames["articles"],
                           {"tables": {}}, {"version": "x", "model": "m"}, datetime(2026, 3, 13, tzinfo=timezone.utc),
                           changes=changes, charts={"charts/articles_per_week.svg": "Articles per week"})
    assert "![Articles per week](charts/articles_per_week.svg)" in readme
    assert "## Changes since 2026.03.04" in readme
    assert "## Sources and rights" in readme and f"| {CLOSED_SOURCE} | 1 | no | not stated |" in readme
    assert f"Not redistributable (text withheld): {CLOSED_SOURCE} (1 articles)" in readme
    assert "prefixed with a single quote" in readme
    assert "@misc{dealwire_2026_03_13," in readme and "Cite as: dealwire contributors (2026)." in readme
    assert f"- Schema version: {SCHEMA_VERSION}" in readme
    assert TEXT_B[:40] not in readme


def test_schema_version_and_new_columns():
    assert SCHEMA_VERSION == "1.3.0"
    # 1.3.0: an enum gained values (a minor version), appended after the older ones
    assert EXTRACTION_STATUSES[-3:] == ("skipped_too_long", "failed", "pending")
    assert TABLES["articles"].column("extraction_status").enum == EXTRACTION_STATUSES
    assert TABLES["articles"].column_names[-2:] == ["redistributable", "licence"]
    assert not TABLES["articles"].column("redistributable").nullable


# ---- index.json and file listings (transforms/release/index.py, listing.py) ----------------------

from transforms.release.index import (  # noqa: E402
    failed_folder, index_with, latest_entry, listed_versions, parse_index, previous_version, publication,
    release_entry,
)
from transforms.release.listing import (  # noqa: E402
    code_digest, data_file_paths, inputs_digest, seconds_since_change, sha256sums,
)


def test_index_versions_latest_and_previous():
    index = parse_index(b'{"latest": "2026.03.04.1", "releases": [{"version": "2026.03.04.1"}, '
                        b'{"version": "2026.03.04"}, {"version": "draft"}, "junk", {"version": "2026.02.28"}]}')
    assert listed_versions(index) == ["2026.02.28", "2026.03.04", "2026.03.04.1"]
    assert latest_entry(index) == {"version": "2026.03.04.1"}
    assert previous_version(index, "2026.03.04.1") == "2026.03.04"
    assert previous_version(index, "2026.02.28") is None
    for bad in (b"[]", b'{"releases": {}}', b"{"):
        with pytest.raises(ValueError):
            parse_index(bad)
    with pytest.raises(UnicodeDecodeError):
        parse_index(b"\xff")


def test_a_new_release_entry_takes_its_place_in_version_order():
    created = datetime(2026, 3, 5, 9, 0, tzinfo=timezone.utc)
    entry = release_entry("2026.03.05", created, {"articles": 2}, inputs="abc")
    assert entry == {"version": "2026.03.05", "created": "2026-03-05T09:00:00+00:00", "path": "2026.03.05/",
                     "datapackage": "2026.03.05/datapackage.json", "changes": "2026.03.05/changes.json",
                     "schema_version": SCHEMA_VERSION, "counts": {"articles": 2}, "inputs": "abc"}
    assert "inputs" not in release_entry("2026.03.05", created, {})
    index = index_with({"releases": [{"version": "2026.03.06"}, {"version": "2026.03.05", "old": True}, 7]}, entry)
    assert index == {"latest": "2026.03.06", "releases": [entry, {"version": "2026.03.06"}]}
    assert failed_folder("2026.03.05", created) == "failed/2026.03.05-20260305T090000Z"
    staged = {"version": "2026.03.05", "counts": {"articles": 2}, "stage_process_peak_rss_mib": 512.0}
    built = {"changes": {"totals": {"added": 2}, "previous_version": None}, "seconds": {"read": 0.1}}
    assert publication(staged, built, "/r/2026.03.05")["second_processes_peak_rss_mib"] == {"stage": 512.0}


def test_file_listings():
    assert data_file_paths()[:2] == ["data/articles.parquet", "data/articles.csv"]
    assert len(data_file_paths()) == 2 * len(TABLES) + 1 and data_file_paths()[-1] == "data/dealwire.sqlite"
    assert sha256sums([("ab" * 32, "README.md"), ("cd" * 32, "data/x.csv")]) == (
        f"{'ab' * 32}  README.md\n{'cd' * 32}  data/x.csv\n")
    assert code_digest([("a.py", b"1")]) != code_digest([("b.py", b"1")])
    assert inputs_digest(["1.2.0"], {"articles": ["/a 3 x"]}) != inputs_digest(["1.2.0"], {"articles": []})
    now = datetime(2026, 3, 5, tzinfo=timezone.utc).timestamp()
    assert seconds_since_change([{"mtime": now - 50}, {"LastModified": datetime.fromtimestamp(now - 10, timezone.utc)}],
                                now) == 10.0
    assert seconds_since_change([{"name": "x"}], now) == 0.0
