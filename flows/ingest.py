"""Ingest: folders, URLs, feeds and sitemaps in; raw snapshots, article rows and a fetch log out.

    ingest(store="output/store", sources=["samples/articles"], urls=[...], feeds=[...])
    ingest(store=..., feeds=[{"url": "https://news.example/sitemap.xml", "kind": "sitemap",
                              "name": "news-example", "publisher": "News Example",
                              "include": ["/business/"], "exclude": ["/opinion/"]}])

URLs: fetched in threads (flows/fetch.py keeps per-host limits), identified by their canonical
form (transforms/ingest/urls.py). A URL fetched before is asked for conditionally (ETag /
Last-Modified kept in the store's http_cache); "not modified" is logged ``unchanged`` and the
stored article stands. Links from feeds and sitemaps must lead to public addresses unless
``fetch.allow_private``. A feed or sitemap source's URLs that failed for a reason that may pass are
kept in the store's retry list and fetched again on the source's next runs (``fetch.retry_runs``).

This module fetches, reads and stores; what a read gives is computed by pure transforms:
article and fetch_log rows (transforms/ingest/reads.py), metadata and rights
(transforms/ingest/metadata.py), the URL inputs (transforms/ingest/inputs.py) and the retry
lists (transforms/ingest/retries.py).

Inputs are read in batches (one task run per batch, never per article). Every input gets
one fetch_log row (ok, unchanged, skipped or error, with a reason naming the input); a bad
input is logged as a warning and recorded, and the run goes on.

Folder inputs: ``.html``/``.htm`` pages, ``.txt`` texts (taken exactly as written) and
``.jsonl`` files (one article per line: url, title, published_at, publisher, authors, and
``text`` or ``html``). A folder's ``metadata.json`` gives metadata for its files, keyed by
file name (url, title, published_at, publisher, authors); it is not an article itself.

Rights: a folder given as a source may hold a ``source.json``, ``{"redistributable": true,
"name": "…", "licence": "CC-BY-4.0"}``, saying whether its texts may be republished. Without
one, or for URLs and feeds unless ``fetch.redistributable`` is true, articles are marked not
redistributable: the store keeps their full text, the public release publishes an empty text.
"""
from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import DEFAULT_BATCH_SIZE, FetchOptions, batches
from flows.fetch import Fetcher, FetchError
from flows.store import Store
from transforms.ids import sha256_bytes
from transforms.ingest.feeds import parse_feed, parse_sitemap
from transforms.ingest.inputs import (
    feed_sources, file_label, interleave_hosts, source_items, source_name, url_inputs,
)
from transforms.ingest.metadata import (
    clean_metadata, item_rights, not_redistributable, sidecar_entries, source_rights, unreadable_source_file,
)
from transforms.ingest.reads import (
    Read, article_update, failed, fetched_page_read, html_read, jsonl_reads, log_row, named, summary, text_read,
    utc_now,
)
from transforms.ingest.retries import next_retries, retry_items

SIDECAR = "metadata.json"
SOURCE_FILE = "source.json"  # a folder source's rights: {"redistributable": bool, "name", "licence"}
FILE_KINDS = {".html": "html", ".htm": "html", ".txt": "txt", ".jsonl": "jsonl"}
MAX_CHILD_SITEMAPS = 50  # sitemaps followed from one sitemap index


# ---- small helpers ----------------------------------------------------------------


def new_run_id() -> str:
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"




def fetch_failed(name: str, source: str, exc: FetchError) -> Read:
    return failed(name, source, exc, skipped=exc.skipped, http_status=exc.status, retryable=exc.retryable)


# ---- metadata --------------------------------------------------------------------


def load_sidecar(folder: Path, label: str) -> tuple[dict, str | None]:
    """The folder's metadata.json ({file name: metadata}) and a warning naming it (``label``) if it is unusable."""
    path = folder / SIDECAR
    if not path.is_file():
        return {}, None
    return sidecar_entries(path.read_bytes(), label)


def load_source_rights(folder: Path, label: str) -> tuple[dict, str | None]:
    """A folder source's rights from its source.json, and a warning naming it (``label``) if it is unusable.

    Not redistributable unless the file says ``"redistributable": true``.
    """
    path = folder / SOURCE_FILE
    if not path.is_file():
        return not_redistributable(), None
    try:
        data = path.read_bytes()
    except OSError as exc:
        return not_redistributable(), unreadable_source_file(label, exc.strerror or type(exc).__name__)
    return source_rights(data, label)


# ---- reading files -------------------------------------------------------------------


def read_text_file(path: Path, label: str, source: str, meta: dict, warnings: list[str],
                   rights: dict | None = None) -> Read:
    retrieved_at = utc_now()
    data = path.read_bytes()
    return text_read(label, data, label, source, meta, warnings, retrieved_at, rights)


def read_html_file(path: Path, label: str, source: str, meta: dict, warnings: list[str],
                   rights: dict | None = None) -> Read:
    retrieved_at = utc_now()
    data = path.read_bytes()
    return html_read(label, data, label, source, meta, warnings, retrieved_at, rights)


def read_jsonl_file(path: Path, label: str, source: str, rights: dict | None = None) -> list[Read]:
    """One Read per non-blank line, named '<label>:<line number>'."""
    retrieved_at = utc_now()
    data = path.read_bytes()
    return jsonl_reads(label, data, label, source, retrieved_at, rights)


def read_file(item: dict, sidecars: dict[Path, tuple[dict, str | None]]) -> list[Read]:
    """Reads for one file input (several for a .jsonl); never raises for a bad file. Every name in
    them is the input's label (``list_inputs``), never its path on this machine."""
    path, source = Path(item["path"]), item["source"]
    label = item.get("label") or file_label(source, path.name)
    kind = FILE_KINDS[path.suffix.lower()]
    rights = item_rights(item)
    try:
        if kind == "jsonl":
            return read_jsonl_file(path, label, source, rights)
        if path.parent not in sidecars:
            folder = label.rsplit("/", 1)[0] + "/" if "/" in label else f"{source}:"
            sidecars[path.parent] = load_sidecar(path.parent, folder + SIDECAR)
        entries, sidecar_warning = sidecars[path.parent]
        meta, warnings = clean_metadata(entries.get(path.name, {}), label)
        if sidecar_warning:
            warnings.insert(0, sidecar_warning)
        reader = read_text_file if kind == "txt" else read_html_file
        return [reader(path, label, source, meta, warnings, rights)]
    except OSError as exc:
        return [failed(label, source, f"cannot read ({exc.strerror or type(exc).__name__})")]
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        return [failed(label, source, f"unexpected {type(exc).__name__}: {exc}")]


# ---- reading URLs ---------------------------------------------------------------------


def conditional_validators(store: Store, url: str) -> dict:
    """The ETag / Last-Modified of the URL's last fetch, to ask "changed since?"; none when
    the article it gave is no longer stored (a 304 would then leave us with nothing)."""
    cached = store.get_http_cache(url)
    if not cached or not cached.get("article_id") or store.get_article(cached["article_id"]) is None:
        return {}
    return {"etag": cached.get("etag"), "last_modified": cached.get("last_modified"),
            "article_id": cached["article_id"]}


def fetch_item(fetcher: Fetcher, item: dict, validators: dict):
    """Fetch one URL input (runs in a worker thread): a FetchResult or the FetchError."""
    try:
        return fetcher.fetch(item["fetch_url"], etag=validators.get("etag"),
                             last_modified=validators.get("last_modified"),
                             public_only=bool(item.get("public_only")))
    except FetchError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - a URL requests cannot even parse, say
        return FetchError(item["url"], f"unexpected {type(exc).__name__}: {exc}")


def page_read(item: dict, fetched, validators: dict) -> Read:
    """The Read for a fetched URL: a failure, "unchanged" (304), or the page's article."""
    url, source = item["url"], item["source"]
    if isinstance(fetched, FetchError):
        fetched.url = url
        return fetch_failed(url, source, fetched)
    retrieved_at = fetched.fetched_at.isoformat()
    if fetched.not_modified:
        return Read(url, source, "unchanged", retrieved_at, http_status=304, article_id=validators["article_id"])
    read = fetched_page_read(item, fetched.body, fetched.final_url, fetched.headers.get("content-type"),
                             fetched.status, retrieved_at)
    if read.article is not None:
        read.fetched = fetched
    return read


def fetch_in_parallel(fetcher: Fetcher, items: list[dict], validators: dict[str, dict], workers: int):
    """(item, FetchResult or FetchError) in input order; the fetching runs in ``workers``
    threads (the Fetcher keeps per-host limits), the caller handles results in its thread."""
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="fetch") as pool:
        futures = {id(item): pool.submit(fetch_item, fetcher, item, validators[item["fetch_url"]])
                   for item in interleave_hosts(items)}
        for item in items:
            yield item, futures[id(item)].result()


def remember_validators(store: Store, item: dict, read: Read, row: dict) -> None:
    """After a fetched page was stored: keep its ETag / Last-Modified and content hash, so the
    next run asks "changed since?" instead of downloading it again."""
    fetched = read.fetched
    if fetched is None or not row["article_id"] or row["outcome"] not in ("ok", "unchanged", "skipped"):
        return
    record = {"etag": fetched.etag, "last_modified": fetched.last_modified, "raw_sha256": sha256_bytes(read.raw),
              "article_id": row["article_id"], "fetched_at": read.retrieved_at}
    cached = store.get_http_cache(item["fetch_url"]) or {}
    if {k: cached.get(k) for k in record if k != "fetched_at"} != {k: record[k] for k in record if k != "fetched_at"}:
        store.put_http_cache(item["fetch_url"], record)


# ---- saving ----------------------------------------------------------------------------


def save_read(store: Store, read: Read, seen: dict[str, str]) -> tuple[dict, bool]:
    """Store the article of a Read (if any); its fetch_log row, and whether the article is new.

    An article already stored with the same content is not rewritten ("unchanged"); an
    article that an earlier input of this run already gave is recorded as a duplicate.
    """
    article = read.article
    if article is None and read.article_id is None:
        return log_row(read), False
    article_id = article["article_id"] if article is not None else read.article_id
    first = seen.setdefault(article_id, read.input)
    if first != read.input:
        return log_row(read, "skipped", named(read.input, f"same article as {first}"), article_id), False
    if article is None:  # not modified since the last fetch: the stored article stands
        return log_row(read), False
    store.put_raw(read.raw)
    article, is_new, unchanged = article_update(article, store.get_article(article_id))
    if unchanged:
        outcome = "unchanged" if read.outcome == "ok" else read.outcome
    else:
        store.put_article(article)
        outcome = read.outcome
    return log_row(read, outcome, article_id=article_id), is_new


def batch_result() -> dict:
    return {"rows": [], "article_ids": [], "new": 0, "seen": {}, "retryable": []}


def add_read(result: dict, store: Store, read: Read, seen: dict[str, str], logger) -> dict:
    """Save a Read and add its outcome to the batch result; returns its fetch_log row."""
    row, is_new = save_read(store, read, seen)
    result["rows"].append(row)
    if read.retryable:
        result["retryable"].append(read.input)
    result["new"] += int(is_new)
    if row["article_id"]:
        result["article_ids"].append(row["article_id"])
        result["seen"][row["article_id"]] = seen[row["article_id"]]
    if row["reason"]:
        logger.warning(row["reason"])
    return row


# ---- tasks ----------------------------------------------------------------------------


def source_names(sources: list[str]) -> dict[str, str]:
    """The name each folder or file source (as given) is published under (``list_inputs``)."""
    names = {}
    for source in sources:
        root = Path(source)
        names[str(source)] = source_name((root if root.is_dir() else root.parent).resolve().name)
    return names


def list_inputs(sources: list[str]) -> tuple[list[dict], list[dict]]:
    """File inputs of the sources (folders walked recursively, hidden files left out), and
    fetch_log rows for sources that do not exist, files of unsupported types and an unusable
    source.json. Each input carries its source's rights (the source folder's source.json; for a
    single file, the source.json beside it), its source's name and its label (``name:relative/path``:
    what the tables and messages say, never the path on this machine)."""
    items, rows, known = [], [], set()
    for source in sources:
        root = Path(source)
        folder = root if root.is_dir() else root.parent
        name = source_names([source])[str(source)]
        label = (lambda p: file_label(name, p.relative_to(root).as_posix())) if root.is_dir() else \
            (lambda p: file_label(name, p.name))
        rights, warning = load_source_rights(folder, file_label(name, SOURCE_FILE))
        if warning:
            rows.append(log_row(failed(file_label(name, SOURCE_FILE), name, warning, skipped=True)))
        if root.is_dir():
            paths = sorted(p for p in root.rglob("*") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(root).parts))
        elif root.is_file():
            paths = [root]
        else:
            paths = []
            rows.append(log_row(failed(file_label(name, root.name), name, "no such file or directory")))
        for path in paths:
            if (path.name in (SIDECAR, SOURCE_FILE) and root.is_dir()) or path.resolve() in known:
                continue
            known.add(path.resolve())
            if path.suffix.lower() in FILE_KINDS:
                items.append({"kind": "file", "path": str(path), "label": label(path), "source": name, **rights})
            else:
                reason = f"unsupported file type {path.suffix or '(none)'!r}"
                rows.append(log_row(failed(label(path), name, reason, skipped=True)))
    return items, rows


@task(cache_policy=NO_CACHE)
def list_files(sources: list[str]) -> dict:
    """The file inputs of the sources, with fetch_log rows for what cannot be read."""
    logger = get_run_logger()
    items, rows = list_inputs(sources)
    for row in rows:
        logger.warning(row["reason"])
    return {"items": items, "rows": rows}


@task(cache_policy=NO_CACHE)
def read_files(store_root: str, items: list[dict], seen: dict[str, str]) -> dict:
    """Read a batch of local files into articles."""
    logger = get_run_logger()
    store, seen, result = Store(store_root), dict(seen), batch_result()
    sidecars: dict = {}
    for item in items:
        # Load inputs + Process
        reads = read_file(item, sidecars)
        # Save outputs
        for read in reads:
            add_read(result, store, read, seen, logger)
    return result


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=5)
def fetch_urls(store_root: str, items: list[dict], fetch_options: dict, seen: dict[str, str],
               workers: int = 4) -> dict:
    """Fetch a batch of URLs into articles, in ``workers`` threads (hosts in parallel, each
    host within its limits). A URL fetched before is asked for conditionally. The Fetcher
    retries each URL; a failing URL is recorded, not raised. The task retry is for the store
    (a remote fsspec store may fail)."""
    logger = get_run_logger()
    store, seen, result = Store(store_root), dict(seen), batch_result()
    # Load inputs
    validators = {item["fetch_url"]: conditional_validators(store, item["fetch_url"]) for item in items}
    with Fetcher(**fetch_options) as fetcher:
        for item, fetched in fetch_in_parallel(fetcher, items, validators, workers):
            # Process
            read = page_read(item, fetched, validators[item["fetch_url"]])
            # Save outputs
            row = add_read(result, store, read, seen, logger)
            remember_validators(store, item, read, row)
    return result


# ---- feeds and sitemaps ---------------------------------------------------------------


def fetch_document(fetcher: Fetcher, store: Store, url: str, source: str,
                   public_only: bool) -> tuple[Read, bytes | None]:
    """Fetch a feed or sitemap, conditionally when we hold an earlier copy (a 304 gives that
    copy back from the raw snapshots). Its Read, and its bytes (None when it failed)."""
    cached = store.get_http_cache(url) or {}
    held = cached.get("raw_sha256") and store.has_raw(cached["raw_sha256"])
    try:
        result = fetcher.fetch(url, accept=None, etag=cached.get("etag") if held else None,
                               last_modified=cached.get("last_modified") if held else None,
                               public_only=public_only)
    except FetchError as exc:
        return fetch_failed(url, source, exc), None
    except Exception as exc:  # noqa: BLE001 - one bad feed must not stop the run
        return failed(url, source, f"unexpected {type(exc).__name__}: {exc}"), None
    read = Read(url, source, "ok", result.fetched_at.isoformat(), http_status=result.status)
    if result.not_modified:
        read.outcome = "unchanged"
        return read, store.get_raw(cached["raw_sha256"])
    digest = store.put_raw(result.body)
    if (cached.get("raw_sha256"), cached.get("etag"), cached.get("last_modified")) != (
            digest, result.etag, result.last_modified):
        store.put_http_cache(url, {"etag": result.etag, "last_modified": result.last_modified,
                                   "raw_sha256": digest, "article_id": None, "fetched_at": read.retrieved_at})
    return read, result.body


def sitemap_entries(fetcher: Fetcher, store: Store, source: dict, read: Read, data: bytes,
                    allow_private: bool) -> tuple[list[dict], list[dict]]:
    """The page entries of a sitemap, following one level of sitemap index; fetch_log rows
    for the child sitemaps."""
    parsed = parse_sitemap(data, source["url"])
    if parsed["kind"] == "urlset":
        return parsed["entries"], []
    entries, rows = [], []
    for child in parsed["entries"][:MAX_CHILD_SITEMAPS]:
        child_read, child_data = fetch_document(fetcher, store, child["url"], source["name"],
                                                public_only=not allow_private)
        if child_data is not None:
            try:
                child_parsed = parse_sitemap(child_data, child["url"])
                if child_parsed["kind"] != "urlset":
                    raise ValueError(f"{child['url']}: a sitemap index inside a sitemap index is not followed")
                entries += child_parsed["entries"]
            except ValueError as exc:
                child_read.outcome, child_read.reason = "error", named(child["url"], exc)
        rows.append(log_row(child_read))
    if len(parsed["entries"]) > MAX_CHILD_SITEMAPS:
        read.reason = named(source["url"], f"only the first {MAX_CHILD_SITEMAPS} of "
                                           f"{len(parsed['entries'])} sitemaps followed")
    return entries, rows


@task(cache_policy=NO_CACHE)
def read_feeds(store_root: str, sources: list[dict], fetch_options: dict, allow_private: bool = False) -> dict:
    """Fetch and parse a batch of feeds and sitemaps: their entries as URL inputs, one
    fetch_log row per document. No task retries: the Fetcher retries each document, and
    the only writes are raw snapshots and validators (idempotent)."""
    logger = get_run_logger()
    store, items, rows = Store(store_root), [], []
    with Fetcher(**fetch_options) as fetcher:
        for source in sources:
            # Load inputs (the source URL was given by the user: private addresses allowed)
            read, data = fetch_document(fetcher, store, source["url"], source["name"], public_only=False)
            entries, child_rows = [], []
            # Process
            if data is not None:
                try:
                    if source["kind"] == "sitemap":
                        entries, child_rows = sitemap_entries(fetcher, store, source, read, data, allow_private)
                    else:
                        entries = parse_feed(data, source["url"])
                except ValueError as exc:
                    read.outcome, read.reason = "error", named(source["url"], exc)
                if read.outcome != "error" and not entries:
                    read.reason = named(source["url"], "no entries with a link")
            items.extend(source_items(source, entries, allow_private))
            rows += [log_row(read), *child_rows]
    # Save outputs
    for row in rows:
        if row["reason"]:
            logger.warning(row["reason"])
    return {"items": items, "rows": rows}


# ---- failed URLs, retried on the source's later runs ------------------------------------


def pending_retry_items(store: Store, sources: list[dict], allow_private: bool) -> list[dict]:
    """URL inputs for what earlier runs of these sources failed to fetch for a reason that
    may pass (network, 429, 5xx, cut-short body) and have not fetched since: feed items drop
    out of feeds, so a later run would otherwise never see them again."""
    items = []
    for source in sources:
        items.extend(retry_items(source, store.get_retries(source["name"]), allow_private))
    return items


def update_retries(store: Store, sources: list[dict], items: list[dict], rows: list[dict],
                   retryable: set[str], max_runs: int) -> None:
    """Record, per source, the URLs of this run that failed retryably (with how many runs they
    failed in); drop those that succeeded or failed for good. A URL that failed in
    ``max_runs`` runs is given up, and its fetch_log row says so."""
    row_of = {(row["input"], row["source"]): row for row in rows}
    for source in sources:
        previous = store.get_retries(source["name"])
        pending = next_retries(source["name"], previous, items, row_of, retryable, max_runs)
        if pending != previous:
            store.put_retries(source["name"], pending)


# ---- the flow -----------------------------------------------------------------------------


@flow(name="ingest")
def ingest(
    store: str | Path,
    sources: list[str | Path] | None = None,
    urls: list[str] | None = None,
    feeds: list[str | dict] | None = None,
    fetch: FetchOptions | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    run_id: str | None = None,
) -> dict:
    """Read folders, URLs, feeds and sitemaps into the store; write this run's fetch log.

    ``feeds``: feed URLs, or mappings ``{"url", "kind": "feed"|"sitemap", "name", "publisher",
    "include": [regex…], "exclude": [regex…]}`` (the source's name goes in the ``source``
    column; its publisher fills articles whose page names none). Links found in feeds and
    sitemaps are refused when their host resolves to a loopback, private, link-local,
    multicast, reserved or unspecified address, unless ``fetch.allow_private``; URLs given directly
    are not checked. A URL fetched before is asked for with If-None-Match / If-Modified-Since;
    "not modified" is recorded as ``unchanged``. URLs of a feed or sitemap that failed for a
    reason that may pass are retried on the source's next runs, up to ``fetch.retry_runs`` runs.
    Up to ``fetch.fetch_workers`` threads fetch at once, at most ``fetch.host_concurrency`` per
    host (``fetch``: flows/config.py FetchOptions, defaults when None).

    Articles from URLs and feeds are marked redistributable only when ``fetch.redistributable``
    is true; a folder's own source.json says it for the folder.

    Returns {"run_id", "article_ids" (sorted, every article read this run), "new" (articles
    not in the store before, or whose text changed), "failed", "skipped", "unchanged"
    (counts of fetch_log outcomes)}.
    """
    logger = get_run_logger()
    run_id = run_id or new_run_id()
    root = str(store)
    fetch = fetch or FetchOptions()
    allow_private = fetch.allow_private
    fetch_options = fetch.fetcher_options()
    rows: list[dict] = []
    seen: dict[str, str] = {}  # article_id -> the input that first gave it this run
    retryable: set[str] = set()
    new = done = 0
    try:
        # Load inputs
        listed = list_files([str(s) for s in sources or []])
        rows += listed["rows"]
        feed_list, bad_feed_rows = feed_sources(list(feeds or []))
        rows += bad_feed_rows
        feed_items = []
        for feed_batch in batches(feed_list, batch_size):
            read = read_feeds(root, feed_batch, fetch_options, allow_private)
            rows += read["rows"]
            feed_items += read["items"]
        feed_items += pending_retry_items(Store(root), feed_list, allow_private)
        todo_urls, repeat_rows = url_inputs(list(urls or []), feed_items)
        todo_urls = [{**item, "redistributable": fetch.redistributable, "licence": None} for item in todo_urls]
        rows += repeat_rows
        total = len(listed["items"]) + len(todo_urls)
        logger.info(f"ingest: {total} inputs, run {run_id}")
        # Process
        for batch in batches(listed["items"], batch_size) + batches(todo_urls, batch_size):
            if batch[0]["kind"] == "file":
                result = read_files(root, batch, seen)
            else:
                result = fetch_urls(root, batch, fetch_options, seen, fetch.fetch_workers)
                retryable.update(result["retryable"])
            rows += result["rows"]
            seen.update(result["seen"])
            new += result["new"]
            done += len(batch)
            # The run's fetch log so far, replaced atomically: a run killed later still records
            # what it stored (the next run's rows say "unchanged" for those).
            Store(root).put_fetch_log(run_id, rows)
            logger.info(f"ingest: {done}/{total} inputs")
        update_retries(Store(root), feed_list, todo_urls, rows, retryable, fetch.retry_runs)
    finally:
        # Save outputs
        Store(root).put_fetch_log(run_id, rows)
    result = summary(run_id, rows, set(seen), new)
    logger.info(
        f"ingest: {len(result['article_ids'])} articles ({result['new']} new, {result['unchanged']} unchanged),"
        f" {result['skipped']} skipped, {result['failed']} failed; fetch log {run_id}"
    )
    return result
