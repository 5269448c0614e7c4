"""The real ingest flow over the fault-injecting server (tests/faultserver.py, 127.0.0.1).

The first run must finish, retry what is retryable, and record every failure with its reason
in fetch_log; the second run (the failed pages have dropped out of the feed by then) picks up
what failed from the store's retry list, asks for the pages it holds conditionally, and loses
no article the server served.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from faultserver import FLAKY_PATHS, PERMANENT_PATHS, SLOW_PATHS, FaultServer
from flows.config import FetchOptions
from flows.ingest import ingest, pending_retry_items, update_retries
from flows.store import Store
from transforms.ingest.inputs import interleave_hosts

# Small timeouts and backoff: the whole test takes seconds. Three attempts a URL in a run.
FAST = {"fetch": FetchOptions(max_retries=2, backoff=0.01, host_delay=0.0, timeout=(1.0, 1.0), max_bytes=2_000_000,
                              max_seconds=1.5, fetch_workers=4, host_concurrency=4, allow_private=True)}
# Requests that misbehave before a path behaves: flaky and busy recover within the first run;
# reset, stall and truncated only in the second.
FAIL_TIMES = {"/flaky.html": 2, "/busy.html": 1, "/reset.html": 4, "/stall.html": 3, "/truncated.html": 5}
SITEMAP = {"url": None, "kind": "sitemap", "name": "vessmark-sitemap", "publisher": "Vessmark Ledger",
           "include": [r"/news/\d+\.html$"], "exclude": [r"/news/1\.html$"]}


@pytest.fixture
def server():
    srv = FaultServer(fail_times=FAIL_TIMES, stall_seconds=2.0)
    yield srv
    srv.close()


def rows_of(store: Store, run_id: str) -> dict[str, dict]:
    """One run's fetch_log rows by input, read back from the store's file."""
    path = Path(store.root) / "fetch_log" / f"{run_id}.jsonl"
    return {row["input"]: row for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())}


def lost_articles(server: FaultServer, store: Store) -> set[str]:
    """Pages the server served whole (200) that have no article in the store."""
    urls = {article["url"] for article in store.iter_articles()}
    return {path for path in server.served if server.url(path) not in urls}


@pytest.mark.flow
def test_two_runs_over_the_fault_server(prefect_harness, tmp_path, server):
    root = str(tmp_path / "store")
    store = Store(root)
    u = server.url
    feeds = [u("/feed.xml"), u("/malformed.xml"), u("/laughs.xml"), {**SITEMAP, "url": u("/sitemap-index.xml")}]
    server.listed = ["/news/1.html", "/news/2.html", *FLAKY_PATHS, *PERMANENT_PATHS, *SLOW_PATHS]

    first = ingest(store=root, feeds=feeds, run_id="run-1", **FAST)
    rows = rows_of(store, "run-1")

    # Retried within the run, then fetched.
    assert rows[u("/flaky.html")]["outcome"] == "ok" and server.requests["/flaky.html"] == 3
    assert rows[u("/busy.html")]["outcome"] == "ok" and server.requests["/busy.html"] == 2
    # Retryable failures: three attempts each, every one recorded with its reason.
    assert rows[u("/reset.html")]["reason"] == f"{u('/reset.html')}: connection reset after 3 attempts"
    assert rows[u("/stall.html")]["reason"] == f"{u('/stall.html')}: read timed out after 3 attempts"
    assert rows[u("/truncated.html")]["reason"] == (
        f"{u('/truncated.html')}: body cut short (connection broken while reading it) after 3 attempts")
    assert rows[u("/trickle.html")]["reason"] == f"{u('/trickle.html')}: body not received within 1.5 s after 3 attempts"
    for path in ("/reset.html", "/stall.html", "/truncated.html", "/trickle.html"):
        assert rows[u(path)]["outcome"] == "error" and server.requests[path] == 3
    # Permanent failures: one request each, never retried.
    for path in ("/huge.html", "/huge-stream.html", "/gzip-bomb.html"):
        assert rows[u(path)]["reason"] == f"{u(path)}: response larger than 2000000 bytes"
        assert rows[u(path)]["outcome"] == "error" and server.requests[path] == 1
    assert rows[u("/report.pdf")]["outcome"] == "skipped"
    assert rows[u("/report.pdf")]["reason"] == f"{u('/report.pdf')}: not HTML (content-type application/pdf)"
    assert rows[u("/loop-a.html")]["reason"].startswith(f"{u('/loop-a.html')}: redirect loop (")
    assert server.requests["/loop-a.html"] == server.requests["/loop-b.html"] == 1
    # Bad encodings: the page is kept, the problem is named.
    assert rows[u("/bad-charset.html")]["outcome"] == "ok"
    assert "unknown charset 'x-no-such-charset' in Content-Type, ignored" in rows[u("/bad-charset.html")]["reason"]
    assert rows[u("/bad-bytes.html")]["outcome"] == "ok"
    assert "bytes not valid utf-8 (first at offset" in rows[u("/bad-bytes.html")]["reason"]
    # Feeds: malformed XML and an entity-expansion attack are errors that say why.
    assert rows[u("/malformed.xml")]["outcome"] == "error"
    assert rows[u("/malformed.xml")]["reason"].startswith(f"{u('/malformed.xml')}: not a parsable RSS/Atom feed (")
    assert rows[u("/laughs.xml")]["outcome"] == "error"
    assert "declares entities" in rows[u("/laughs.xml")]["reason"]
    # The sitemap index, its sitemap, and its pages after include/exclude (news/2 came first from the feed).
    assert rows[u("/sitemap-index.xml")]["outcome"] == rows[u("/sitemap-news.xml")]["outcome"] == "ok"
    assert rows[u("/sitemap-index.xml")]["source"] == "vessmark-sitemap"
    assert rows[u("/news/3.html")]["source"] == "vessmark-sitemap"
    assert rows[u("/news/2.html")]["source"] == u("/feed.xml")
    assert u("/news/1.html") in rows and server.requests["/news/1.html"] == 1
    # The sitemap's publisher fills pages that name none; pages that name one keep theirs.
    articles = {a["url"]: a for a in store.iter_articles()}
    assert articles[u("/news/3.html")]["publisher"] == "Vessmark Ledger"
    assert articles[u("/news/1.html")]["publisher"] == f"127.0.0.1:{u('/').split(':')[2].strip('/')}"
    assert articles[u("/flaky.html")]["publisher"] == "Vessmark Ledger"
    assert first["failed"] == sum(r["outcome"] == "error" for r in rows.values()) == 10
    assert lost_articles(server, store) == set()
    pending = store.get_retries(u("/feed.xml"))
    assert sorted(pending) == [u("/reset.html"), u("/stall.html"), u("/trickle.html"), u("/truncated.html")]
    assert {info["attempts"] for info in pending.values()} == {1}
    articles_after_first = len(articles)

    # Second run: the failed pages have dropped out of the feed.
    server.listed = ["/news/1.html", "/news/2.html"]
    server.reset_counts()
    second = ingest(store=root, feeds=feeds, run_id="run-2", **FAST)
    rows2 = rows_of(store, "run-2")
    for path in ("/reset.html", "/stall.html", "/truncated.html"):
        assert rows2[u(path)]["outcome"] == "ok", rows2[u(path)]
        assert rows2[u(path)]["source"] == u("/feed.xml")
    for path in ("/huge.html", "/gzip-bomb.html", "/report.pdf", "/loop-a.html", "/flaky.html"):
        assert server.requests[path] == 0  # permanent failures and successes are not retried
    for path in ("/news/1.html", "/news/2.html", "/news/3.html", "/news/4.html"):
        assert rows2[u(path)]["outcome"] == "unchanged" and rows2[u(path)]["http_status"] == 304
        assert server.conditional[path] == server.requests[path] == 1
    # The trickling page failed again: still on the list, now after two runs.
    assert rows2[u("/trickle.html")]["outcome"] == "error" and server.requests["/trickle.html"] == 3
    assert {url: info["attempts"] for url, info in store.get_retries(u("/feed.xml")).items()} == {
        u("/trickle.html"): 2}
    assert second["new"] == 3 and len(list(store.iter_articles())) == articles_after_first + 3
    assert lost_articles(server, store) == set()


@pytest.mark.flow
def test_feed_links_to_private_addresses_are_refused(prefect_harness, tmp_path, server):
    """Without allow_private, links that a feed gives to 127.0.0.1 are refused with a reason;
    the feed itself and URLs given directly are fetched."""
    root = str(tmp_path / "store")
    server.listed = ["/news/1.html", "/news/2.html"]
    options = {"fetch": FAST["fetch"].model_copy(update={"allow_private": False})}
    result = ingest(store=root, feeds=[server.url("/feed.xml")], urls=[server.url("/news/3.html")],
                    run_id="run-p", **options)
    rows = rows_of(Store(root), "run-p")
    assert rows[server.url("/feed.xml")]["outcome"] == "ok"
    assert rows[server.url("/news/3.html")]["outcome"] == "ok"
    for path in ("/news/1.html", "/news/2.html"):
        row = rows[server.url(path)]
        assert row["outcome"] == "skipped"
        assert row["reason"] == (f"{server.url(path)}: refused: 127.0.0.1 is a loopback address (links found in "
                                 "feeds and sitemaps may only lead to public addresses unless private ones are allowed)")
        assert server.requests[path] == 0
    assert (result["new"], result["skipped"]) == (1, 2)


def test_retries_are_bounded(tmp_path):
    """A URL that keeps failing is retried on the source's next runs, then given up, and its
    fetch_log row says so."""
    store = Store(str(tmp_path / "store"))
    source = {"url": "https://wire.example/feed", "name": "wire", "publisher": None}
    item = {"url": "https://wire.example/a", "source": "wire", "title": "A", "published_at": None}
    for run in (1, 2, 3):
        row = {"input": item["url"], "source": "wire", "reason": "https://wire.example/a: HTTP 503",
               "retrieved_at": f"2026-11-0{run}T00:00:00+00:00"}
        retried = pending_retry_items(store, [source], allow_private=False)
        assert [i["url"] for i in retried] == ([] if run == 1 else [item["url"]])
        update_retries(store, [source], [item], [row], {item["url"]}, max_runs=3)
        if run < 3:
            assert store.get_retries("wire")[item["url"]]["attempts"] == run
            assert store.get_retries("wire")[item["url"]]["first_failed"] == "2026-11-01T00:00:00+00:00"
    assert row["reason"].endswith("; given up after failing in 3 runs")
    assert store.get_retries("wire") == {}


def test_fetch_order_interleaves_hosts():
    """Parallel fetch threads start on different hosts rather than queue behind one."""
    items = [{"fetch_url": f"https://{host}.example/{n}"} for host, n in
             [("a", 1), ("a", 2), ("a", 3), ("b", 1), ("c", 1), ("c", 2)]]
    assert [i["fetch_url"] for i in interleave_hosts(items)] == [
        "https://a.example/1", "https://b.example/1", "https://c.example/1",
        "https://a.example/2", "https://c.example/2", "https://a.example/3"]
