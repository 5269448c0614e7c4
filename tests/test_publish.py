"""Publishing to a local folder, without Prefect: the release's files, withheld text, safe CSV,
changes.json, and failures injected through real seams (a table that fails its suites, a damaged
previous release, a taken version, a damaged index.json), each leaving what was published as it was."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from flows.publish import PublishError, publish_tables
from small_release import CLOSED_SOURCE, TEXT_A, TEXT_B, rows_v2, tables
from transforms.release.validation import ValidationFailed
from transforms.schema import SCHEMA_VERSION, TABLES


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def snapshot(root: Path) -> dict[str, str]:
    """Every published file (and where `latest` points), by its path under the releases folder."""
    files = {p.relative_to(root).as_posix(): _sha(p) for p in sorted(root.rglob("*"))
             if p.is_file() and not p.is_symlink() and "failed" not in p.relative_to(root).parts
             and "latest" not in p.relative_to(root).parts}
    files["latest ->"] = os.readlink(root / "latest") if (root / "latest").is_symlink() else None
    return files


def no_leftovers(root: Path, version: str) -> None:
    assert not [p.name for p in root.iterdir() if p.name.startswith(".tmp-")]
    assert not list(Path(tempfile.gettempdir()).glob(f"dealwire-work/dealwire-release-{version}-*"))


@pytest.fixture
def releases(small_releases, tmp_path) -> Path:
    """A copy of the two small releases that a test may break."""
    copy = tmp_path / "releases"
    shutil.copytree(small_releases["root"], copy, symlinks=True)
    return copy


def test_a_release_has_every_file_and_its_checksums(small_releases):
    root, v2 = small_releases["root"], small_releases["v2"]
    names = {p.relative_to(v2).as_posix() for p in v2.rglob("*") if p.is_file()}
    for name in TABLES:
        assert {f"data/{name}.parquet", f"data/{name}.csv"} <= names
    assert {"datapackage.json", "SHA256SUMS", "README.md", "changes.json", "validation.json",
            "validation/summary.json", "validation/data_docs/index.html",
            "charts/articles_per_week.svg", "charts/deals_by_status.svg"} <= names
    sums = dict(reversed(line.split("  ", 1)) for line in (v2 / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == names - {"SHA256SUMS"}
    assert all(_sha(v2 / rel) == digest for rel, digest in sums.items())
    package = json.loads((v2 / "datapackage.json").read_text())
    assert package["schema_version"] == SCHEMA_VERSION == "1.3.0"
    assert {s["title"]: s["redistributable"] for s in package["sources"][1:]} == {
        "corpus/velmora-wire": True, CLOSED_SOURCE: False}
    from frictionless import validate
    report = validate(str(v2 / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    index = json.loads((root / "index.json").read_text())
    assert index["latest"] == "2026.03.13" and [r["version"] for r in index["releases"]] == ["2026.03.04", "2026.03.13"]
    assert index["releases"][1]["changes"] == "2026.03.13/changes.json"
    assert os.readlink(root / "latest") == "2026.03.13"
    validation = json.loads((v2 / "validation.json").read_text())
    summary = json.loads((v2 / "validation" / "summary.json").read_text())
    assert validation["success"] and validation["suites"] == len(TABLES) == len(summary["tables"])
    assert validation["expectations"] == validation["successes"] == sum(t["evaluated"] for t in summary["tables"].values())
    assert validation["failures"] == 0
    card = (v2 / "README.md").read_text()
    assert "(charts/articles_per_week.svg)" in card and "(charts/deals_by_status.svg)" in card


def test_text_of_a_source_not_redistributable_is_withheld_and_evidence_kept(small_releases):
    v1 = small_releases["v1"]
    articles = pq.read_table(v1 / "data" / "articles.parquet").to_pandas().set_index("article_id")
    assert articles.loc["art0000000000a", "text"] == TEXT_A
    closed = articles.loc["art0000000000b"]
    assert closed["text"] == "" and not closed["redistributable"] and closed["text_sha256"] and closed["url"]
    quotes = pq.read_table(v1 / "data" / "quotes.parquet").to_pandas().set_index("quote_id")
    kept = quotes.loc["quo_b_traders"]
    # the offsets still point at the words; the cell keeps to the evidence budget of a withheld article
    # (at most 25% of its 286 characters: this quote, its longest cell, is left out as "…")
    assert TEXT_B[kept["start"]:kept["end"]] == "the cobalt price in the contract looked low"
    assert kept["text"] == "\u2026"
    csv = pd.read_csv(v1 / "data" / "articles.csv", dtype=str, keep_default_na=False).set_index("article_id")
    assert csv.loc["art0000000000b", "text"] == "" and csv.loc["art0000000000b", "redistributable"] == "False"
    body = TEXT_B.split("\n\n")[1][:60]
    for p in v1.rglob("*"):
        if p.is_file() and p.suffix != ".parquet":
            assert body.encode() not in p.read_bytes(), p
    card = (v1 / "README.md").read_text()
    assert f"Not redistributable (text withheld): {CLOSED_SOURCE} (1 articles)" in card


def test_csv_is_safe_in_spreadsheets_and_parquet_is_exact(small_releases):
    v1 = small_releases["v1"]
    parquet = pq.read_table(v1 / "data" / "articles.parquet").to_pandas().set_index("article_id")
    csv = pd.read_csv(v1 / "data" / "articles.csv", dtype=str, keep_default_na=False).set_index("article_id")
    assert parquet.loc["art0000000000b", "title"] == "-5% for Astrane Mining after the Velmora contract"
    assert csv.loc["art0000000000b", "title"] == "'-5% for Astrane Mining after the Velmora contract"
    assert csv.loc["art0000000000a", "title"] == parquet.loc["art0000000000a", "title"]


def test_changes_json_lists_rows_by_primary_key(small_releases):
    first = json.loads((small_releases["v1"] / "changes.json").read_text())
    assert first["previous_version"] is None and first["tables"]["articles"]["added"] == 2
    second = json.loads((small_releases["v2"] / "changes.json").read_text())
    assert second["previous_version"] == "2026.03.04" and second["version"] == "2026.03.13"
    t = second["tables"]
    assert (t["articles"]["added"], t["articles"]["keys"]["added"]) == (1, ["art0000000000c"])
    assert t["deals"]["keys"]["changed"] == ["deal_cobalt"] and t["deals"]["changed_columns"]["status"] == 1
    assert t["deal_attributes"]["keys"]["removed"] == ["att_a_cobalt"]
    assert second["totals"] == {"added": 3, "removed": 1, "changed": 1}
    assert small_releases["results"][1]["changes"] == second["totals"]
    card = (small_releases["v2"] / "README.md").read_text()
    assert "## Changes since 2026.03.04" in card and "| `articles` | 3 | 1 | 0 | 0 |" in card


def test_a_table_failing_its_suites_is_not_published_and_its_report_is_kept(releases):
    before = snapshot(releases)
    rows = rows_v2()
    rows["quotes"][0]["start"] += 1  # the evidence no longer matches the full text
    with pytest.raises(ValidationFailed) as failed:
        publish_tables(tables(rows), str(releases), "2026.04.01")
    assert snapshot(releases) == before
    no_leftovers(releases, "2026.04.01")
    (kept,) = (releases / "failed").iterdir()
    assert kept.name.startswith("2026.04.01-") and kept.name.endswith("Z")
    assert failed.value.report == str(kept / "validation")
    assert f"kept at {kept / 'validation'}" in str(failed.value)
    assert json.loads((kept / "validation.json").read_text())["failures"] >= 1
    assert not json.loads((kept / "validation" / "summary.json").read_text())["tables"]["quotes"]["success"]
    assert (kept / "validation" / "data_docs" / "index.html").exists()


def test_a_damaged_previous_release_stops_publishing_after_the_files_are_built(releases):
    deals = releases / "2026.03.13" / "data" / "deals.parquet"
    deals.write_bytes(deals.read_bytes()[:40])  # the seam: a previous release that cannot be read
    before = snapshot(releases)
    with pytest.raises(PublishError, match="previous release .*2026.03.13"):
        publish_tables(tables(rows_v2()), str(releases), "2026.04.01")
    assert snapshot(releases) == before
    no_leftovers(releases, "2026.04.01")


def test_an_existing_version_is_never_overwritten(releases):
    before = snapshot(releases)
    with pytest.raises(FileExistsError, match="never overwritten"):
        publish_tables(tables(rows_v2()), str(releases), "2026.03.13")
    squatter = releases / "2026.04.01"  # a folder not in index.json, say from another tool
    squatter.mkdir()
    (squatter / "notes.txt").write_text("keep me\n")
    with pytest.raises(FileExistsError, match="never overwritten"):
        publish_tables(tables(rows_v2()), str(releases), "2026.04.01")
    assert (squatter / "notes.txt").read_text() == "keep me\n"
    assert snapshot(releases) == {**before, "2026.04.01/notes.txt": _sha(squatter / "notes.txt")}
    with pytest.raises(ValueError, match="release version"):
        publish_tables(tables(rows_v2()), str(releases), "../2026.04.02")
    no_leftovers(releases, "2026.04.01")


def test_a_damaged_index_is_never_replaced(releases):
    (releases / "index.json").write_text('{"latest": "2026.03.13", "releases": [', encoding="utf-8")
    before = snapshot(releases)
    with pytest.raises(PublishError, match="index.json: cannot be read"):
        publish_tables(tables(rows_v2()), str(releases), "2026.04.01")
    assert snapshot(releases) == before
    no_leftovers(releases, "2026.04.01")


def test_what_a_killed_run_left_is_swept_and_the_next_release_goes_through(releases):
    before = snapshot(releases)
    stale = releases / ".tmp-2026.03.20-deadbeef"  # as a run killed mid-upload leaves it
    (stale / "data").mkdir(parents=True)
    (stale / "data" / "quotes.csv").write_text("half", encoding="utf-8")
    old = time.time() - 3 * 24 * 3600
    for p in (stale / "data" / "quotes.csv", stale / "data", stale):
        os.utime(p, (old, old))
    fresh = releases / ".tmp-2026.03.21-cafecafe"  # another run's upload in progress: left alone
    fresh.mkdir()
    result = publish_tables(tables(rows_v2()), str(releases), "2026.04.01")
    assert not stale.exists() and fresh.exists()
    after = snapshot(releases)
    unchanged = {k: v for k, v in before.items() if k not in ("latest ->", "index.json")}
    assert {k: v for k, v in after.items() if k in unchanged} == unchanged  # earlier releases as they were
    assert after["latest ->"] == "2026.04.01"
    index = json.loads((releases / "index.json").read_text())
    assert index["latest"] == result["version"] and len(index["releases"]) == 3
    assert json.loads((releases / result["version"] / "changes.json").read_text())["totals"] == {
        "added": 0, "removed": 0, "changed": 0}


def test_the_inputs_fingerprint_changes_with_articles_and_extractions_not_with_the_fetch_log(tmp_path):
    """What decides whether a re-run publishes: the content of the store's articles and current
    extractions (and the release code), never the fetch_log every run appends to."""
    from flows.publish import inputs_fingerprint
    from flows.store import Store
    from transforms.language.extract import EXTRACTOR_VERSION

    store = Store(str(tmp_path / "store"))
    article = {"article_id": "a1", "text": TEXT_A, "text_sha256": hashlib.sha256(TEXT_A.encode()).hexdigest()}
    store.put_article(article)
    store.put_extraction(EXTRACTOR_VERSION, "a1", article["text_sha256"], {"quotes": []})
    first = inputs_fingerprint(store, "model-a")
    store.put_fetch_log("run-2", [{"fetch_id": "f2", "outcome": "unchanged"}])
    store.put_article(article)  # rewritten with the same content
    assert inputs_fingerprint(store, "model-a") == first
    assert inputs_fingerprint(store, "model-b") != first
    store.put_extraction(EXTRACTOR_VERSION, "a1", article["text_sha256"], {"quotes": [{"quote_id": "q"}]})
    second = inputs_fingerprint(store, "model-a")
    assert second != first
    store.put_article({**article, "title": "A new headline"})
    assert inputs_fingerprint(store, "model-a") not in (first, second)


def test_large_releases_write_their_data_files_in_a_second_process_with_the_same_bytes(tmp_path):
    """build_public_files writes the Parquet and CSV files in a second process from PARALLEL_ROWS rows
    on: here forced with parallel_rows=0, and compared file by file with the same release built in one."""
    from flows.publish import Target, build_public_files, check_stage, stage_tables

    built = {}
    for mode, parallel_rows in (("one", 10**12), ("two", 0)):
        staged = stage_tables(tables(rows_v2()), str(tmp_path / mode), "2026.03.13")
        validation = check_stage(staged)
        try:
            build_public_files(staged, validation, "model", Target(str(tmp_path / mode)), parallel_rows=parallel_rows)
            data = Path(staged["work"]) / "release" / "data"
            built[mode] = {p.name: _sha(p) for p in sorted(data.iterdir())}
        finally:
            shutil.rmtree(staged["work"], ignore_errors=True)
    assert len(built["one"]) == 2 * len(TABLES) + 1  # and dealwire.sqlite
    assert built["one"] == built["two"]
