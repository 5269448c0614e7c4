"""Run artifacts (flows/artifacts.py): the pure builders, and real flow runs under the session's
harness (follow_sources over a local HTTP server, release, pipeline) whose markdown summary and
failures table are read back through the Prefect client."""
from __future__ import annotations

import json
import shutil
import textwrap
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from conftest import SAMPLES, LocalServer
from flows.artifacts import FAILURES_KEY, SUMMARY_KEY, extraction_row_counts, failure_rows, summary_markdown
from flows.config import RunConfig

LOG = [
    {"input": "https://a.example/1", "source": "wire", "outcome": "ok", "reason": None, "http_status": 200},
    {"input": "https://a.example/2", "source": "wire", "outcome": "error", "reason": "https://a.example/2: HTTP 404",
     "http_status": 404},
    {"input": "notes.pdf", "source": "corpus", "outcome": "skipped", "reason": "unsupported file type '.pdf'",
     "http_status": None},
    {"input": "https://b.example/x", "source": "urls", "outcome": "error", "reason": "read timed out | twice",
     "http_status": None},
]


def test_failure_rows_are_the_errors_of_the_log():
    assert failure_rows(LOG) == [
        {"input": "https://a.example/2", "source": "wire", "http_status": 404, "reason": "https://a.example/2: HTTP 404"},
        {"input": "https://b.example/x", "source": "urls", "http_status": None, "reason": "read timed out | twice"},
    ]


def test_extraction_row_counts_sum_each_table():
    assert extraction_row_counts([{"quotes": [1, 2], "actor_mentions": [1]}, {"quotes": [3], "deal_mentions": []}]) == {
        "quotes": 3, "actor_mentions": 1, "deal_mentions": 0}


def test_summary_of_an_ingest_run_without_release():
    result = {"sources": ["wire", "corpus"], "group": "hourly",
              "ingest": {"article_ids": ["a", "b", "c"], "new": 2, "unchanged": 1, "skipped": 1, "failed": 2},
              "extract": {"extracted": 2, "cached": 1}}
    text = summary_markdown("dealwire follow-sources", result, {"quotes": 7}, failure_rows(LOG))
    assert text.startswith("# dealwire follow-sources\n\nSources followed: wire, corpus (schedule group `hourly`)")
    for line in ("| articles read | 3 |", "| new articles | 2 |", "| unchanged (not fetched again) | 1 |",
                 "| skipped | 1 |", "| failed | 2 |", "| articles extracted | 2 |", "| already extracted | 1 |",
                 "No release published by this run.",
                 "## Rows per table in the extractions of the articles this run read (new or not)",
                 "| quotes | 7 |", "## Failures: 2", f"`{FAILURES_KEY}`"):
        assert line in text, line


def test_summary_of_a_release_names_version_and_rows():
    result = {"release": {"version": "2026.11.30", "path": "out/2026.11.30", "counts": {"articles": 4, "deals": 1},
                          "changes": {"added": 5, "removed": 0, "changed": 1}, "previous_version": "2026.11.29"}}
    text = summary_markdown("dealwire release", result)
    assert ("Release **2026.11.30** published at `out/2026.11.30`: 5 rows added, 0 removed, 1 changed since "
            "2026.11.29.") in text
    assert "## Rows per table in release 2026.11.30" in text and "| articles | 4 |" in text and "| deals | 1 |" in text
    assert "Failures" not in text and "No input failed" not in text  # a release fetches nothing


def test_summary_of_a_release_run_with_nothing_new():
    text = summary_markdown("dealwire release", {"unchanged_since": "2026.11.29"})
    assert "Nothing changed since release **2026.11.29**: no new release published." in text
    assert "Rows per table" not in text


# ---- real flow runs ----------------------------------------------------------------------------


def _artifacts(flow_run_id) -> dict[str, object]:
    """{key: artifact} of one flow run, read back from the Prefect API."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        found = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(
            any_=[flow_run_id])))
    return {a.key: a for a in found}


def _rss(urls: list[str]) -> str:
    items = "".join(f"<item><title>Item {n}</title><link>{u}</link></item>" for n, u in enumerate(urls))
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tidewater wire</title>'
            f"<link>http://127.0.0.1/</link><description>Fictional feed for tests</description>{items}</channel></rss>")


@pytest.fixture(scope="module")
def followed(prefect_harness, tmp_path_factory):
    """follow_sources over a folder of two samples, a feed of one sample page (and a filtered-out
    link), and a URL list with a page the server does not have; then a release of the store."""
    from flows.scheduled import follow_sources, release

    tmp = tmp_path_factory.mktemp("artifacts")
    web, corpus = tmp / "web", tmp / "corpus"
    web.mkdir()
    corpus.mkdir()
    for name in ("01-sarnovia-loan-talks.txt", "03-ostrel-gas-offer.txt", "source.json"):
        shutil.copy(SAMPLES / name, corpus / name)
    shutil.copy(SAMPLES / "02-marhaven-minerals-proposal.html", web / "business-02.html")
    server = LocalServer(web)
    (web / "feed.xml").write_text(_rss([server.url("business-02.html"), server.url("sport-9.html")]), encoding="utf-8")
    (tmp / "sources.yaml").write_text(textwrap.dedent(f"""\
        schedules:
          hourly: {{cron: "0 * * * *", timezone: UTC}}
        sources:
          - {{name: corpus, publisher: dealwire samples, kind: folder, path: corpus, schedule: hourly}}
          - name: tidewater
            publisher: Tidewater Wire
            kind: feed
            url: "{server.url('feed.xml')}"
            include: ['/business-']
            schedule: hourly
          - name: ministry
            publisher: Ostrel Ministry of Trade
            kind: urls
            urls: ["{server.url('missing-page.html')}"]
            schedule: {{cron: "@daily"}}
        """), encoding="utf-8")
    store, releases = str(tmp / "store"), str(tmp / "releases")
    try:
        followed_state = follow_sources(str(tmp / "sources.yaml"), config=RunConfig(
            store=store, fetch={"host_delay": 0, "max_retries": 0, "allow_private": True}), return_state=True)
    finally:
        server.close()
    released_state = release(config=RunConfig(store=store, releases=releases), return_state=True)
    again_state = release(config=RunConfig(store=store, releases=releases), return_state=True)
    return {"follow": followed_state, "release": released_state, "again": again_state, "store": store,
            "missing": server.url("missing-page.html")}


@pytest.mark.flow
def test_follow_sources_leaves_a_summary_and_a_failures_table(followed):
    state = followed["follow"]
    result = state.result()
    artifacts = _artifacts(state.state_details.flow_run_id)
    assert set(artifacts) == {SUMMARY_KEY, FAILURES_KEY}
    summary = artifacts[SUMMARY_KEY]
    assert summary.type == "markdown"
    assert result["sources"] == ["corpus", "tidewater", "ministry"]
    ingested = result["ingest"]
    assert len(ingested["article_ids"]) == 3 and ingested["new"] == 3 and ingested["failed"] == 1
    assert f"| articles read | {len(ingested['article_ids'])} |" in summary.data
    assert f"| new articles | {ingested['new']} |" in summary.data
    assert f"| failed | {ingested['failed']} |" in summary.data
    assert f"| articles extracted | {result['extract']['extracted']} |" in summary.data
    assert "No release published by this run." in summary.data and "## Failures: 1" in summary.data
    table = artifacts[FAILURES_KEY]
    assert table.type == "table"
    rows = json.loads(table.data)
    assert [(r["input"], r["source"], r["http_status"]) for r in rows] == [(followed["missing"], "urls", 404)]
    assert followed["missing"] in rows[0]["reason"] and "404" in rows[0]["reason"]


@pytest.mark.flow
def test_the_summary_counts_rows_of_this_runs_extractions(followed):
    from flows.artifacts import read_extractions

    state = followed["follow"]
    counts = extraction_row_counts(read_extractions(followed["store"], state.result()["ingest"]["article_ids"]))
    assert counts["quotes"] > 0
    summary = _artifacts(state.state_details.flow_run_id)[SUMMARY_KEY].data
    for table, n in counts.items():
        assert f"| {table} | {n} |" in summary


@pytest.mark.flow
def test_release_leaves_its_version_and_rows_per_table(followed):
    state = followed["release"]
    published = state.result()["release"]
    artifacts = _artifacts(state.state_details.flow_run_id)
    summary = artifacts[SUMMARY_KEY].data
    assert f"Release **{published['version']}** published" in summary
    data = Path(published["path"]) / "data"
    for table in ("articles", "quotes", "fetch_log"):
        rows = pq.read_table(data / f"{table}.parquet").num_rows  # read back from the published Parquet
        assert f"| {table} | {rows} |" in summary
    assert pq.read_table(data / "articles.parquet").num_rows == 3
    assert json.loads(artifacts[FAILURES_KEY].data) == {"input": [], "source": [], "http_status": [], "reason": []}


@pytest.mark.flow
def test_a_release_with_nothing_new_says_so(followed):
    first = followed["release"].result()["release"]["version"]
    state = followed["again"]
    assert state.result()["unchanged_since"] == first
    summary = _artifacts(state.state_details.flow_run_id)[SUMMARY_KEY].data
    assert f"Nothing changed since release **{first}**: no new release published." in summary


@pytest.mark.flow
def test_the_pipeline_flow_leaves_both_artifacts(prefect_harness, tmp_path):
    from flows.pipeline import pipeline

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(SAMPLES / "07-vessaria-dredging-contract.txt", corpus / "07.txt")
    (corpus / "notes.bin").write_bytes(b"\x00\x01")  # skipped, not failed
    (corpus / "broken.txt").write_bytes(b"\xff\xfe\xfa not utf-8")  # failed
    state = pipeline(sources=[str(corpus)], config=RunConfig(store=tmp_path / "store", publish=False),
                     return_state=True)
    result = state.result()
    artifacts = _artifacts(state.state_details.flow_run_id)
    assert set(artifacts) == {SUMMARY_KEY, FAILURES_KEY}
    summary = artifacts[SUMMARY_KEY].data
    assert summary.startswith("# dealwire pipeline")
    assert f"| skipped | {result['ingest']['skipped']} |" in summary and result["ingest"]["skipped"] == 1
    rows = json.loads(artifacts[FAILURES_KEY].data)
    assert [r["input"] for r in rows] == ["corpus:broken.txt"]
    assert "UTF-8" in rows[0]["reason"] or "utf-8" in rows[0]["reason"]


def test_summary_lists_the_articles_not_extracted():
    problems = [{"article_id": "a1", "url": "file:///corpus/huge.txt", "status": "skipped_too_long",
                 "note": "text is 300,000 characters, over the limit of 200,000 (max_article_chars)"},
                {"article_id": "a2", "url": "https://a.example/3", "status": "failed", "note": "ValueError: bad | text"}]
    result = {"extract": {"extracted": 4, "cached": 0, "problems": problems}}
    text = summary_markdown("dealwire pipeline", result)
    assert "| articles not extracted | 2 |" in text and "## Articles not extracted: 2" in text
    assert ("| file:///corpus/huge.txt | skipped_too_long: text is 300,000 characters, over the limit of 200,000 "
            "(max_article_chars) |") in text
    assert "| https://a.example/3 | failed: ValueError: bad \\| text |" in text
