"""Ingest over the fault-injecting server: what was requested, retried, served, lost.

    .venv/bin/python benchmarks/faults.py [--pages 200] [--workers 4]

Starts tests/faultserver.py on 127.0.0.1 (good pages, 500s, 429 with Retry-After, connection
resets, stalls past the read timeout, cut-short bodies, 50 MB bodies, a gzip bomb, a PDF, bad
charsets, a redirect loop, a malformed feed, an entity-expansion feed, a sitemap index) and runs
the real ingest flow three times on one store:

1. first run: every fault at once;
2. second run: the pages that failed retryably have dropped out of the feed; the run picks them
   up from the store's retry list (the page that is always too slow fails a second time and is
   given up: ``retry_runs`` is 2 here);
3. third run: nothing new; only conditional requests should reach the server.

Requests are counted on the server side. "Lost" is every page the server served whole (HTTP 200)
that has no article in the store: it must be 0.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("PREFECT_HOME", tempfile.mkdtemp(prefix="dealwire-bench-prefect-"))
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")

from faultserver import FLAKY_PATHS, PERMANENT_PATHS, SLOW_PATHS, FaultServer  # noqa: E402

# Misbehaving requests before a path behaves: flaky/busy recover in run 1, the rest in run 2.
FAIL_TIMES = {"/flaky.html": 2, "/busy.html": 1, "/reset.html": 4, "/stall.html": 3, "/truncated.html": 5}
OPTIONS = {"max_retries": 2, "backoff": 0.05, "host_delay": 0.0, "timeout": (1.0, 1.0), "max_bytes": 2_000_000,
           "max_seconds": 1.5, "allow_private": True, "retry_runs": 2}
BATCH_SIZE = 50


def generic_reason(reason: str | None, url: str) -> str:
    """A reason without its URL and port, so that equal failures group together."""
    text = (reason or "").removeprefix(f"{url}: ")
    return re.sub(r"http://127\.0\.0\.1:\d+", "", text)


def run_rows(store_root: str, run_id: str) -> list[dict]:
    path = Path(store_root) / "fetch_log" / f"{run_id}.jsonl"
    if not path.exists():  # a run with no inputs writes no fetch log
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def lost(server: FaultServer, store_root: str) -> list[str]:
    from flows.store import Store

    urls = {a["url"] for a in Store(store_root).iter_articles()}
    return sorted(p for p in server.served if server.url(p) not in urls)


def one_run(server: FaultServer, store_root: str, run_id: str, feeds: list, workers: int) -> dict:
    from flows.config import FetchOptions
    from flows.ingest import ingest
    from flows.store import Store

    server.reset_counts()
    articles_before = len(Store(store_root).article_ids())
    started = time.perf_counter()
    result = ingest(store=store_root, feeds=feeds, run_id=run_id, batch_size=BATCH_SIZE,
                    fetch=FetchOptions(fetch_workers=workers, host_concurrency=workers, **OPTIONS))
    seconds = time.perf_counter() - started
    rows = run_rows(store_root, run_id)
    requests = sum(server.requests.values())
    distinct = len(server.requests)
    robots = server.requests["/robots.txt"]  # read once per Fetcher (one per task), not retries
    return {
        "run": run_id, "seconds": seconds, "result": result, "rows": rows,
        "requests": requests, "retried": requests - distinct - max(0, robots - 1), "robots": robots,
        "conditional": sum(server.conditional.values()),
        "answers": sum((Counter({what: n}) for (_, what), n in server.answers.items()), Counter()),
        "articles_added": len(Store(store_root).article_ids()) - articles_before,
        "lost": lost(server, store_root),
    }


def report(run: dict) -> None:
    r = run["result"]
    outcomes = Counter(row["outcome"] for row in run["rows"])
    print(f"\n== {run['run']}: {run['seconds']:.2f} s wall")
    print(f"requests made (server side): {run['requests']}  ({run['conditional']} conditional, "
          f"{run['robots']} robots.txt), retried: {run['retried']}  (requests beyond one per path)")
    print("answers: " + ", ".join(f"{what} {n}" for what, n in sorted(run["answers"].items(), key=lambda x: -x[1])))
    print(f"fetch_log: {len(run['rows'])} rows: " + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    print(f"articles: {len(r['article_ids'])} read, {r['new']} new, {run['articles_added']} added to the store")
    failed = Counter(generic_reason(row["reason"], row["input"]) for row in run["rows"]
                     if row["outcome"] in ("error", "skipped"))
    if failed:
        print("failed or skipped, by reason:")
        for reason, n in failed.most_common():
            print(f"  {n:4d}  {reason}")
    print(f"articles lost (served whole, not stored): {len(run['lost'])}" + (f" {run['lost']}" if run["lost"] else ""))


def unconditional_paths(server: FaultServer) -> str:
    paths = sorted(p for p in server.requests if server.conditional[p] < server.requests[p])
    return f" ({', '.join(paths)})" if paths else ""


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=200, help="good article pages in the feed (default 200)")
    parser.add_argument("--workers", type=int, default=4, help="fetch threads and per-host concurrency (default 4)")
    args = parser.parse_args(argv)

    server = FaultServer(fail_times=FAIL_TIMES, stall_seconds=2.0, news_pages=args.pages)
    store_root = tempfile.mkdtemp(prefix="dealwire-bench-faults-")
    u = server.url
    feeds = [u("/feed.xml"), u("/malformed.xml"), u("/laughs.xml"),
             {"url": u("/sitemap-index.xml"), "kind": "sitemap", "name": "sitemap", "exclude": [r"/news/"]}]
    print(f"fault server {server.base}: {args.pages} good pages + {len(FLAKY_PATHS)} flaky + "
          f"{len(PERMANENT_PATHS)} permanently bad + {len(SLOW_PATHS)} always too slow, 3 feeds and a sitemap index; "
          f"store {store_root}")
    print(f"fetch: {OPTIONS['max_retries'] + 1} attempts a URL, read timeout {OPTIONS['timeout'][1]} s, "
          f"body within {OPTIONS['max_seconds']} s, max {OPTIONS['max_bytes']} bytes, {args.workers} threads; "
          f"failed pages retried in {OPTIONS['retry_runs']} runs at most")
    try:
        started = time.perf_counter()
        one_run(server, store_root, "run-0-warm-up", [], args.workers)  # starts Prefect's temporary server
        print(f"Prefect start-up and an empty ingest run: {time.perf_counter() - started:.2f} s (not counted below)")
        runs = [one_run(server, store_root, "run-1-faults", feeds, args.workers)]
        server.listed = [f"/news/{n}.html" for n in range(1, args.pages + 1)]  # failed pages left the feed
        runs.append(one_run(server, store_root, "run-2-pickup", feeds, args.workers))
        runs.append(one_run(server, store_root, "run-3-nothing-new", feeds, args.workers))
    finally:
        server.close()
    for run in runs:
        report(run)
    first, _, idle = runs
    served = len(server.served)
    print(f"\nsummary: {served} pages served whole over the runs, {len(idle['lost'])} lost; "
          f"nothing-new run {idle['seconds']:.2f} s vs first run {first['seconds']:.2f} s "
          f"({idle['seconds'] / first['seconds']:.0%}); nothing-new run made {idle['requests']} requests, "
          f"{idle['requests'] - idle['conditional']} unconditional{unconditional_paths(server)}, "
          f"added {idle['articles_added']} articles")
    return 0 if not idle["lost"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
