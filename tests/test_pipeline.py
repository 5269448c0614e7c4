"""End to end: the sample corpus served over a local HTTP server and an RSS feed, the real
pipeline flow under the session's Prefect harness, and the release read back.

The .txt/.jsonl samples are read from a folder with the corpus's source.json (redistributable);
the HTML samples come through the feed, which says nothing: their text is withheld in the release."""
from __future__ import annotations

import hashlib
import json
import shutil
from email.utils import format_datetime
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import SAMPLES, LocalServer
from transforms.release.public import CSV_UNSAFE_PREFIXES, csv_frame
from transforms.schema import TABLES
from flows.config import RunConfig

pytestmark = pytest.mark.flow


def _rss(items: list[tuple[str, str]]) -> str:
    now = format_datetime(datetime(2026, 11, 1, tzinfo=timezone.utc))
    entries = "".join(
        f"<item><title>{title}</title><link>{url}</link><pubDate>{now}</pubDate></item>" for url, title in items
    )
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Sample wire</title>'
            f"<link>http://127.0.0.1/</link><description>Fictional sample feed</description>{entries}</channel></rss>")


@pytest.fixture(scope="module")
def run(prefect_harness, tmp_path_factory):
    """Serve the HTML samples and a feed of them; read the .txt/.jsonl samples from a folder."""
    from flows.pipeline import pipeline

    tmp = tmp_path_factory.mktemp("e2e")
    web, local = tmp / "web", tmp / "local"
    web.mkdir()
    local.mkdir()
    html = sorted(SAMPLES.glob("*.html"))
    for p in html:
        shutil.copy(p, web / p.name)
    for p in SAMPLES.iterdir():
        if p.suffix in (".txt", ".jsonl") or p.name in ("metadata.json", "source.json"):
            shutil.copy(p, local / p.name)
    server = LocalServer(web)
    (web / "feed.xml").write_text(_rss([(server.url(p.name), p.stem) for p in html]), encoding="utf-8")
    try:
        result = pipeline(sources=[str(local)], feeds=[server.url("feed.xml")],
                          config=RunConfig(store=tmp / "store", releases=tmp / "releases", batch_size=8,
                                           fetch={"host_delay": 0, "allow_private": True}))
    finally:
        server.close()
    release = Path(result["release"]["path"])
    return {"result": result, "release": release, "releases": tmp / "releases", "store": tmp / "store",
            "feed": server.url("feed.xml"), "local": local.name, "n_feed": len(html),
            "n_samples": len(html) + len(list(local.glob("*.txt"))) + sum(
                1 for p in local.glob("*.jsonl") for line in p.read_text(encoding="utf-8").splitlines() if line.strip())}


def _tables(release: Path) -> dict[str, pd.DataFrame]:
    return {name: pq.read_table(release / "data" / f"{name}.parquet").to_pandas() for name in TABLES}


def test_every_sample_article_is_in_the_release(run):
    articles = _tables(run["release"])["articles"]
    assert len(articles) == run["n_samples"]
    assert set(articles["extraction_status"]) == {"extracted"}
    log = _tables(run["release"])["fetch_log"]
    assert (log["outcome"] == "ok").sum() == run["n_samples"] + 1  # and the feed itself
    # the feed's pages were fetched over HTTP and keep their canonical URLs
    assert articles["url"].str.startswith("https://").sum() == run["n_samples"]


def test_parquet_and_csv_hold_the_same_tables(run):
    release = run["release"]
    for name in TABLES:
        parquet = pq.read_table(release / "data" / f"{name}.parquet")
        assert parquet.schema.names == TABLES[name].column_names
        descriptions = {f.name: f.metadata[b"description"].decode() for f in parquet.schema}
        assert descriptions == {c.name: c.description for c in TABLES[name].columns}
        expected = csv_frame(name, parquet).astype(object).where(lambda f: f.notna(), "").astype(str)
        from_csv = pd.read_csv(release / "data" / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(from_csv.columns) == TABLES[name].column_names
        pd.testing.assert_frame_equal(from_csv, expected.reset_index(drop=True), check_dtype=False)
        # spreadsheet safety: in CSV a text cell never starts with = + - @ tab or CR; Parquet keeps the value
        raw = parquet.to_pandas()
        for c in TABLES[name].columns:
            if c.type != "string":
                continue
            for exact, cell in zip(raw[c.name], from_csv[c.name]):
                if isinstance(exact, str) and exact.startswith(CSV_UNSAFE_PREFIXES):
                    assert cell == "'" + exact
                else:
                    assert not cell.startswith(CSV_UNSAFE_PREFIXES), (name, c.name, cell)
    assert b"\r\n" in (release / "data" / "articles.csv").read_bytes()


def test_datapackage_is_valid_and_checksums_match(run):
    from frictionless import validate

    release = run["release"]
    package = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in package["resources"]] == list(TABLES)
    report = validate(str(release / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(lines) >= 2 * len(TABLES) + 3
    for line in lines:
        digest, rel = line.split("  ", 1)
        assert hashlib.sha256((release / rel).read_bytes()).hexdigest() == digest, rel
    for resource in package["resources"]:
        data = (release / resource["path"]).read_bytes()
        assert resource["hash"] == "sha256:" + hashlib.sha256(data).hexdigest()
        assert resource["bytes"] == len(data)


def test_foreign_keys_and_evidence_hold(run):
    """Evidence is checked against the store's full text: the release withholds some of it."""
    from flows.store import Store

    t = _tables(run["release"])
    for table in TABLES.values():
        frame = t[table.name]
        for fk in table.foreign_keys:
            values = set(frame[fk.column].dropna())
            assert values <= set(t[fk.table][fk.parent_column]), f"{table.name}.{fk.column}"
    texts = {a["article_id"]: a["text"] for a in Store(str(run["store"])).iter_articles()}
    checked = 0
    for table in TABLES.values():
        if table.evidence_column:
            for row in t[table.name].itertuples():
                full, value = texts[row.article_id][row.start:row.end], getattr(row, table.evidence_column)
                # a withheld article's evidence keeps to its budget: whole, cut ("…" at the end) or left out ("…")
                assert value == full or (value.endswith("\u2026") and full.startswith(value[:-1]))
                checked += value == full
    assert checked > 100


def test_text_of_the_feed_is_withheld_and_the_folder_s_is_published(run):
    """The feed did not say it may be republished: its articles keep url, hash and offsets, not text."""
    from flows.store import Store

    articles = _tables(run["release"])["articles"].set_index("article_id")
    stored = {a["article_id"]: a for a in Store(str(run["store"])).iter_articles()}
    from_feed = articles[articles["source"] == run["feed"]]
    from_folder = articles[articles["source"] == run["local"]]
    assert len(from_feed) == run["n_feed"] and len(from_folder) == run["n_samples"] - run["n_feed"]
    assert (from_feed["text"] == "").all() and not from_feed["redistributable"].any()
    assert from_folder["redistributable"].all() and set(from_folder["licence"]) == {"CC-BY-4.0"}
    for article_id, row in articles.iterrows():
        full = stored[article_id]["text"]  # the store keeps every full text
        assert full and hashlib.sha256(full.encode()).hexdigest() == row["text_sha256"]
        if row["redistributable"]:
            assert row["text"] == full
    quotes = _tables(run["release"])["quotes"]
    assert quotes["article_id"].isin(from_feed.index).sum() > 10  # evidence rows keep their evidence
    csv = pd.read_csv(run["release"] / "data" / "articles.csv", dtype=str, keep_default_na=False)
    assert (csv[csv["source"] == run["feed"]]["text"] == "").all()
    card = (run["release"] / "README.md").read_text(encoding="utf-8")
    assert f"Not redistributable (text withheld): {run['feed']} ({run['n_feed']} articles)" in card


def test_known_quotes_and_deals(run):
    from flows.store import Store

    t = _tables(run["release"])
    # what each quote says, from the store's full text (a withheld article's evidence keeps to its budget)
    texts = {a["article_id"]: a["text"] for a in Store(str(run["store"])).iter_articles()}
    t["quotes"]["text"] = [texts[a][s:e] for a, s, e in zip(t["quotes"]["article_id"], t["quotes"]["start"], t["quotes"]["end"])]
    quotes = t["quotes"].merge(t["actors"][["actor_id", "name", "actor_type"]], left_on="speaker_actor_id",
                               right_on="actor_id", how="left")
    said = {(q.text, q.name) for q in quotes.itertuples()}
    assert ("We are not going to borrow at any price,", "Ruta Vell") in said
    assert ("We have come back to the table because the alternative is worse for both countries,", "Ada Korvel") in said
    # known facts of samples/README.md: pronoun speakers, doubled apostrophes, interrupted quotes
    assert ("We did not come here to write a military treaty,", "Lena Droz") in said                  # she said
    assert ("The pipeline was always a means, not an end,", "Nadia Fenwright") in said               # '' + she said
    assert ("The text is finished and the lawyers have gone home,", "Mikel Arsen") in said           # ''...'' Arsen said
    assert ("The door is not closed,", "Ada Korvel") in said                                          # interrupted, part 1
    assert ("but it is not going to open by itself.", "Ada Korvel") in said                           # part 2
    assert ("We have given more than we planned to give,", "Lena Droz") in said
    assert ("and we have received more than our critics think.", "Lena Droz") in said
    # an anonymous speaker: "the official said"
    anon = quotes[quotes["text"] == "They wanted the money first and the promises later,"]
    assert len(anon) == 1 and anon["actor_type"].iloc[0] == "anonymous"
    # a mixed quote and an indirect one
    mixed = quotes[(quotes["kind"] == "mixed") & quotes["text"].str.contains("short-sighted", regex=False)]
    assert list(mixed["name"]) == ["Petra Venn"]
    indirect = quotes[(quotes["kind"] == "indirect") & quotes["text"].str.startswith(
        "Veldonia was still insisting on written security commitments")]
    assert list(indirect["name"]) == ["Ada Korvel"]
    assert set(quotes["kind"]) >= {"direct", "indirect", "mixed"}
    assert not quotes[quotes["text"].isin(["iron corridor", "Blue Spine"])].shape[0]
    assert len(t["deals"]) >= 3
    assert t["deal_events"]["status"].nunique() >= 3
    assert len(t["actors"][t["actors"]["actor_type"] == "anonymous"]) >= 1


def test_index_and_data_card(run):
    releases, version = run["releases"], run["release"].name
    index = json.loads((releases / "index.json").read_text(encoding="utf-8"))
    assert index["latest"] == version and [r["version"] for r in index["releases"]] == [version]
    assert (releases / "latest").resolve() == run["release"].resolve()
    card = (run["release"] / "README.md").read_text(encoding="utf-8")
    assert f"dealwire release {version}" in card and "| `quotes` |" in card
    summary = json.loads((run["release"] / "validation" / "summary.json").read_text(encoding="utf-8"))
    assert summary["success"] and set(summary["tables"]) == set(TABLES)
    assert (run["release"] / "validation" / "data_docs" / "index.html").exists()
    report = json.loads((run["release"] / "validation.json").read_text(encoding="utf-8"))
    assert report["success"] and report["failures"] == 0 and report["suites"] == len(TABLES)
    changes = json.loads((run["release"] / "changes.json").read_text(encoding="utf-8"))
    assert changes["previous_version"] is None
    assert changes["tables"]["articles"]["added"] == run["n_samples"]
    for chart in ("articles_per_week.svg", "deals_by_status.svg"):
        assert (run["release"] / "charts" / chart).read_text(encoding="utf-8").startswith("<svg")
        assert f"(charts/{chart})" in card


def test_a_failing_expectation_blocks_the_release_and_keeps_the_previous(run):
    """Corrupt one stored extraction: validation stops the release; nothing published is touched."""
    from flows.pipeline import pipeline
    from transforms.release.validation import ValidationFailed

    releases, store = run["releases"], run["store"]
    index_before = (releases / "index.json").read_bytes()
    sums_before = (run["release"] / "SHA256SUMS").read_bytes()
    extraction = next(p for p in sorted((store / "extractions").rglob("*.json"))
                      if json.loads(p.read_text(encoding="utf-8"))["quotes"])
    original = extraction.read_bytes()
    data = json.loads(original)
    data["quotes"][0]["start"] += 1  # the evidence no longer matches the text
    extraction.write_text(json.dumps(data), encoding="utf-8")
    try:
        with pytest.raises(ValidationFailed) as failed:
            pipeline(config=RunConfig(store=store, releases=releases))
    finally:
        extraction.write_bytes(original)
    assert "_evidence_matches" in str(failed.value) and "quotes" in str(failed.value)
    assert (releases / "index.json").read_bytes() == index_before
    assert (run["release"] / "SHA256SUMS").read_bytes() == sums_before
    assert sorted(p.name for p in releases.iterdir()) == sorted(["failed", "index.json", "latest", run["release"].name])
    (kept,) = (releases / "failed").iterdir()  # the failing release's report is kept, not published
    assert f"kept at {kept / 'validation'}" in str(failed.value)
    assert not json.loads((kept / "validation" / "summary.json").read_text(encoding="utf-8"))["success"]


def test_a_rerun_with_nothing_new_extracts_nothing_and_publishes_nothing(run, caplog):
    from flows.pipeline import pipeline

    releases = run["releases"]
    index_before = (releases / "index.json").read_bytes()
    with caplog.at_level("INFO"):
        result = pipeline(config=RunConfig(store=run["store"], releases=releases))
    assert result["extract"]["extracted"] == 0 and result["extract"]["cached"] == run["n_samples"]
    assert "release" not in result and result["unchanged_since"] == run["release"].name
    assert f"nothing changed since release {run['release'].name}" in caplog.text
    assert (releases / "index.json").read_bytes() == index_before
    assert sorted(p.name for p in releases.iterdir() if p.name != "failed") == sorted(
        ["index.json", "latest", run["release"].name])


def test_a_changed_article_publishes_a_second_version(run):
    """One stored article gains a title: the next run publishes YYYY.MM.DD.1 listing that change."""
    from flows.pipeline import pipeline

    store = run["store"]
    path = sorted((store / "articles").rglob("*.json"))[0]
    article = json.loads(path.read_text(encoding="utf-8"))
    article["title"] = (article.get("title") or "") + " (updated)"
    path.write_text(json.dumps(article, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    result = pipeline(config=RunConfig(store=store, releases=run["releases"]))
    assert result["extract"]["extracted"] == 0 and "unchanged_since" not in result
    second = Path(result["release"]["path"])
    assert second.name == run["release"].name + ".1"
    first, again = _tables(run["release"]), _tables(second)
    for name in TABLES:
        if name not in ("fetch_log", "articles"):
            pd.testing.assert_frame_equal(first[name], again[name])
    index = json.loads((run["releases"] / "index.json").read_text(encoding="utf-8"))
    assert index["latest"] == second.name
    changes = json.loads((second / "changes.json").read_text(encoding="utf-8"))
    assert changes["previous_version"] == run["release"].name
    assert changes["tables"]["articles"]["changed"] == 1
    assert changes["totals"] == {"added": 0, "removed": 0, "changed": 1}
