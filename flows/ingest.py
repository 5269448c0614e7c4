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

import codecs
import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.config import DEFAULT_BATCH_SIZE, FetchOptions, batches
from flows.fetch import Fetcher, FetchError
from flows.store import Store
from transforms.ingest.articles import (
    EmptyInputError, article_from_text, decode_text_file, first_line, normalize_published_at,
)
from transforms.ingest.feeds import compile_patterns, parse_feed, parse_sitemap, select_entries
from transforms.ingest.html import extract_html
from transforms.ids import make_id, sha256_bytes
from transforms.schema import FETCH_LOG
from transforms.ingest.urls import canonical_url, host_of

URL_LIST_SOURCE = "urls"  # the fetch_log/articles source of URLs given directly
SIDECAR = "metadata.json"
SOURCE_FILE = "source.json"  # a folder source's rights: {"redistributable": bool, "name", "licence"}
FILE_KINDS = {".html": "html", ".htm": "html", ".txt": "txt", ".jsonl": "jsonl"}
METADATA_KEYS = ("url", "title", "published_at", "publisher", "authors")
# Fields later stages own: kept from the stored article when the text has not changed.
DOWNSTREAM_FIELDS = ("extraction_status", "extraction_note", "duplicate_of")
FEED_KINDS = ("feed", "sitemap")
MAX_CHILD_SITEMAPS = 50  # sitemaps followed from one sitemap index


# ---- small helpers ----------------------------------------------------------------


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat()


def new_run_id() -> str:
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def named(name: str, message: object) -> str:
    """A reason that starts with the input it is about."""
    message = str(message)
    return message if message.startswith(name) else f"{name}: {message}"


@dataclass
class Read:
    """What reading one input gave: an article (with its raw bytes) or why not."""

    input: str
    source: str
    outcome: str  # ok, skipped or error
    retrieved_at: str
    reason: str | None = None
    http_status: int | None = None
    article: dict | None = None
    raw: bytes | None = None
    article_id: str | None = None  # the stored article a not-modified (304) answer stands for
    retryable: bool = False  # a failure a later run may fix (network, 429, 5xx, cut-short body)
    fetched: object = None  # the FetchResult of an HTTP input, for its validators


def log_row(read: Read, outcome: str | None = None, reason: str | None = None,
            article_id: str | None = None) -> dict:
    row = {
        "fetch_id": make_id("fetch", read.input, read.retrieved_at),
        "input": read.input,
        "source": read.source,
        "outcome": outcome or read.outcome,
        "reason": reason if reason is not None else read.reason,
        "http_status": read.http_status,
        "retrieved_at": read.retrieved_at,
        "article_id": article_id or read.article_id,
    }
    return {c: row[c] for c in FETCH_LOG.column_names}


def failed(name: str, source: str, exc: BaseException | str, *, skipped: bool = False,
           http_status: int | None = None, retrieved_at: str | None = None, retryable: bool = False) -> Read:
    return Read(name, source, "skipped" if skipped else "error", retrieved_at or utc_now(),
                reason=named(name, exc), http_status=http_status, retryable=retryable)


def fetch_failed(name: str, source: str, exc: FetchError) -> Read:
    return failed(name, source, exc, skipped=exc.skipped, http_status=exc.status, retryable=exc.retryable)


# ---- metadata --------------------------------------------------------------------


def clean_metadata(meta: dict, name: str) -> tuple[dict, list[str]]:
    """The known metadata keys, with published_at normalised; warnings for what was dropped."""
    meta = {k: meta.get(k) for k in METADATA_KEYS if meta.get(k) not in (None, "", [])}
    warnings = []
    if "published_at" in meta:
        try:
            meta["published_at"] = normalize_published_at(meta["published_at"])
        except (ValueError, TypeError) as exc:
            warnings.append(f"{name}: published_at ignored ({exc})")
            meta.pop("published_at")
    return meta, warnings


def load_sidecar(folder: Path) -> tuple[dict, str | None]:
    """The folder's metadata.json ({file name: metadata}) and a warning if it is unusable."""
    path = folder / SIDECAR
    if not path.is_file():
        return {}, None
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, f"{path}: ignored, not valid JSON ({exc})"
    if not isinstance(data, dict):
        return {}, f"{path}: ignored, not an object keyed by file name"
    return {k: v for k, v in data.items() if isinstance(v, dict)}, None


def load_source_rights(folder: Path) -> tuple[dict, str | None]:
    """A folder source's rights from its source.json, and a warning if it is unusable.

    Not redistributable unless the file says ``"redistributable": true``.
    """
    rights = {"redistributable": False, "licence": None}
    path = folder / SOURCE_FILE
    if not path.is_file():
        return rights, None
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return rights, f"{path}: ignored, not valid JSON ({exc}); the source is taken as not redistributable"
    if not isinstance(data, dict) or not isinstance(data.get("redistributable", False), bool):
        return rights, (f"{path}: ignored, not an object with a true/false \"redistributable\"; "
                        "the source is taken as not redistributable")
    licence = data.get("licence")
    return {"redistributable": data.get("redistributable", False),
            "licence": licence if isinstance(licence, str) and licence.strip() else None}, None


def item_rights(item: dict) -> dict:
    return {"redistributable": bool(item.get("redistributable", False)), "licence": item.get("licence")}


def page_publisher(page: dict, url: str) -> str | None:
    """The publisher the page names; None when it is only the URL's host name (trafilatura's
    fallback), so that a source's own publisher can take its place."""
    publisher = page.get("publisher")
    if not publisher or publisher.lower().removeprefix("www.") in (
            urlsplit(url).netloc.lower().removeprefix("www."), host_of(url).removeprefix("www.")):
        return None
    return publisher


def charset_problem(body: bytes, content_type: str | None) -> str | None:
    """What is wrong with the charset a response declares, if anything: an unknown label, or
    bytes that are not valid in it. The page is then decoded by its own detection."""
    label = next((part.split("=", 1)[1].strip().strip('"\'') for part in (content_type or "").split(";")[1:]
                  if part.strip().lower().startswith("charset=")), None)
    if not label:
        return None
    try:
        codecs.lookup(label)
    except LookupError:
        return f"unknown charset {label!r} in Content-Type, ignored"
    try:
        body.decode(label)
    except UnicodeDecodeError as exc:
        return f"bytes not valid {label} (first at offset {exc.start}); decoded leniently"
    return None


def make_article(text: str, meta: dict, *, url: str, source: str, retrieved_at: str, raw: bytes,
                 page: dict | None = None, rights: dict | None = None, source_publisher: str | None = None) -> dict:
    """An article row: explicit metadata first, then what the page itself says, then (for the
    publisher) what the source says. An http(s) URL is kept in its canonical form (the
    article ID hashes it)."""
    page = page or {}
    rights = rights or {}
    return article_from_text(
        text,
        url=canonical_url(url),
        source=source,
        title=meta.get("title") or page.get("title"),
        publisher=meta.get("publisher") or page_publisher(page, url) or source_publisher or page.get("publisher"),
        authors=meta.get("authors") or page.get("authors"),
        published_at=meta.get("published_at") or page.get("published_at"),
        retrieved_at=retrieved_at,
        raw_sha256=sha256_bytes(raw),
        language_hint=page.get("language"),
        redistributable=bool(rights.get("redistributable", False)),
        licence=rights.get("licence"),
    )


def article_read(name: str, source: str, article: dict, raw: bytes, retrieved_at: str,
                 warnings: list[str], http_status: int | None = None) -> Read:
    """A Read for an article: skipped (but kept) when the article will not be extracted."""
    reasons = list(warnings)
    outcome = "ok"
    if article["extraction_status"] != "pending":
        outcome = "skipped"
        reasons.insert(0, named(name, f"{article['extraction_note']} (stored, not extracted)"))
    return Read(name, source, outcome, retrieved_at, reason="; ".join(reasons) or None,
                http_status=http_status, article=article, raw=raw)


# ---- reading files -------------------------------------------------------------------


def read_text_file(path: Path, source: str, meta: dict, warnings: list[str], rights: dict | None = None) -> Read:
    name, retrieved_at = str(path), utc_now()
    data = path.read_bytes()
    try:
        text = decode_text_file(data, name)
    except EmptyInputError as exc:
        return failed(name, source, exc, skipped=True, retrieved_at=retrieved_at)
    except ValueError as exc:
        return failed(name, source, exc, retrieved_at=retrieved_at)
    meta = {"title": first_line(text), **meta}
    url = meta.get("url") or path.resolve().as_uri()
    article = make_article(text, meta, url=url, source=source, retrieved_at=retrieved_at, raw=data, rights=rights)
    return article_read(name, source, article, data, retrieved_at, warnings)


def read_html_file(path: Path, source: str, meta: dict, warnings: list[str], rights: dict | None = None) -> Read:
    name, retrieved_at = str(path), utc_now()
    data = path.read_bytes()
    if not data.strip():
        return failed(name, source, "empty file", skipped=True, retrieved_at=retrieved_at)
    try:
        page = extract_html(data, meta.get("url"))
    except ValueError as exc:
        return failed(name, source, exc, retrieved_at=retrieved_at)
    url = meta.get("url") or page["canonical_url"] or path.resolve().as_uri()
    article = make_article(page["text"], meta, url=url, source=source, retrieved_at=retrieved_at,
                           raw=data, page=page, rights=rights)
    return article_read(name, source, article, data, retrieved_at, warnings)


def read_jsonl_line(line: str, number: int, path: Path, source: str, raw: bytes,
                    retrieved_at: str, rights: dict | None = None) -> Read:
    name = f"{path}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return failed(name, source, f"not valid JSON ({exc})", retrieved_at=retrieved_at)
    if not isinstance(record, dict):
        return failed(name, source, "not a JSON object", retrieved_at=retrieved_at)
    meta, warnings = clean_metadata(record, name)
    url = meta.get("url") or f"{path.resolve().as_uri()}#line={number}"
    page = None
    if isinstance(record.get("text"), str):
        text = record["text"]
    elif isinstance(record.get("html"), str):
        try:
            page = extract_html(record["html"], meta.get("url"))
        except ValueError as exc:
            return failed(name, source, exc, retrieved_at=retrieved_at)
        text = page["text"]
        url = meta.get("url") or page["canonical_url"] or url
    else:
        return failed(name, source, "has neither 'text' nor 'html'", retrieved_at=retrieved_at)
    if not text.strip():
        return failed(name, source, "empty text", skipped=True, retrieved_at=retrieved_at)
    article = make_article(text, meta, url=url, source=source, retrieved_at=retrieved_at, raw=raw, page=page,
                           rights=rights)
    return article_read(name, source, article, raw, retrieved_at, warnings)


def read_jsonl_file(path: Path, source: str, rights: dict | None = None) -> list[Read]:
    """One Read per non-blank line, named '<path>:<line number>'."""
    name, retrieved_at = str(path), utc_now()
    data = path.read_bytes()
    try:
        content = decode_text_file(data, name)
    except EmptyInputError as exc:
        return [failed(name, source, exc, skipped=True, retrieved_at=retrieved_at)]
    except ValueError as exc:
        return [failed(name, source, exc, retrieved_at=retrieved_at)]
    return [
        read_jsonl_line(line, number, path, source, data, retrieved_at, rights)
        for number, line in enumerate(content.splitlines(), start=1)
        if line.strip()
    ]


def read_file(item: dict, sidecars: dict[Path, tuple[dict, str | None]]) -> list[Read]:
    """Reads for one file input (several for a .jsonl); never raises for a bad file."""
    path, source = Path(item["path"]), item["source"]
    kind = FILE_KINDS[path.suffix.lower()]
    rights = item_rights(item)
    try:
        if kind == "jsonl":
            return read_jsonl_file(path, source, rights)
        if path.parent not in sidecars:
            sidecars[path.parent] = load_sidecar(path.parent)
        entries, sidecar_warning = sidecars[path.parent]
        meta, warnings = clean_metadata(entries.get(path.name, {}), str(path))
        if sidecar_warning:
            warnings.insert(0, sidecar_warning)
        reader = read_text_file if kind == "txt" else read_html_file
        return [reader(path, source, meta, warnings, rights)]
    except OSError as exc:
        return [failed(str(path), source, f"cannot read ({exc.strerror or exc})")]
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the run
        return [failed(str(path), source, f"unexpected {type(exc).__name__}: {exc}")]


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
    try:
        page = extract_html(fetched.body, fetched.final_url)
        # The page's own title and date first; the feed entry's when the page has none.
        feed_meta, warnings = clean_metadata({k: item.get(k) for k in ("title", "published_at")}, url)
        meta = {"title": page["title"] or feed_meta.get("title"),
                "published_at": page["published_at"] or feed_meta.get("published_at")}
        if problem := charset_problem(fetched.body, fetched.headers.get("content-type")):
            warnings.append(named(url, problem))
        article = make_article(page["text"], meta, url=page["canonical_url"] or fetched.final_url,
                               source=source, retrieved_at=retrieved_at, raw=fetched.body, page=page,
                               rights=item_rights(item), source_publisher=item.get("publisher"))
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
        return failed(url, source, exc, http_status=fetched.status, retrieved_at=retrieved_at)
    read = article_read(url, source, article, fetched.body, retrieved_at, warnings, http_status=fetched.status)
    read.fetched = fetched
    return read


def read_url(fetcher: Fetcher, item: dict) -> Read:
    """Fetch one page and make its article; never raises for a bad URL."""
    item = {"fetch_url": canonical_url(item["url"]), **item}
    return page_read(item, fetch_item(fetcher, item, {}), {})


def interleave_hosts(items: list[dict]) -> list[dict]:
    """The items reordered round-robin over their hosts, so that parallel workers start on
    different hosts instead of queueing behind one host's rate limit."""
    by_host: dict[str, list[dict]] = {}
    for item in items:
        by_host.setdefault(host_of(item["fetch_url"]), []).append(item)
    queues = list(by_host.values())
    order = []
    for i in range(max((len(q) for q in queues), default=0)):
        order.extend(q[i] for q in queues if i < len(q))
    return order


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


def _same_row(a: dict, b: dict) -> bool:
    return {k: v for k, v in a.items() if k != "retrieved_at"} == {k: v for k, v in b.items() if k != "retrieved_at"}


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
    existing = store.get_article(article_id)
    is_new = existing is None or existing.get("text_sha256") != article["text_sha256"]
    if not is_new:
        article = {**article, **{k: existing.get(k) for k in DOWNSTREAM_FIELDS if k in existing}}
    if existing is not None and _same_row(existing, article):
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


def list_inputs(sources: list[str]) -> tuple[list[dict], list[dict]]:
    """File inputs of the sources (folders walked recursively, hidden files left out), and
    fetch_log rows for sources that do not exist, files of unsupported types and an unusable
    source.json. Each input carries its source's rights (the source folder's source.json; for a
    single file, the source.json beside it)."""
    items, rows, known = [], [], set()
    for source in sources:
        root = Path(source)
        rights, warning = load_source_rights(root if root.is_dir() else root.parent)
        if warning:
            rows.append(log_row(failed(str((root if root.is_dir() else root.parent) / SOURCE_FILE), source,
                                       warning, skipped=True)))
        if root.is_dir():
            paths = sorted(p for p in root.rglob("*") if p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(root).parts))
        elif root.is_file():
            paths = [root]
        else:
            paths = []
            rows.append(log_row(failed(source, source, "no such file or directory")))
        for path in paths:
            if (path.name in (SIDECAR, SOURCE_FILE) and root.is_dir()) or path.resolve() in known:
                continue
            known.add(path.resolve())
            if path.suffix.lower() in FILE_KINDS:
                items.append({"kind": "file", "path": str(path), "source": source, **rights})
            else:
                reason = f"unsupported file type {path.suffix or '(none)'!r}"
                rows.append(log_row(failed(str(path), source, reason, skipped=True)))
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


def feed_source(entry) -> dict:
    """A feed or sitemap source as {url, kind, name, publisher, include, exclude}, from a URL
    string or a mapping with those keys. ValueError naming the entry when it is unusable."""
    if isinstance(entry, str):
        entry = {"url": entry}
    if not isinstance(entry, dict):
        raise ValueError(f"{entry!r}: a feed source must be a URL or a mapping with a 'url'")
    url = entry.get("url")
    if not isinstance(url, str) or not url.strip():
        raise ValueError(f"{entry.get('name') or repr(entry)}: a feed source needs a 'url'")
    url = url.strip()
    kind = entry.get("kind") or "feed"
    if kind not in FEED_KINDS:
        raise ValueError(f"{url}: unknown kind {kind!r} (expected one of {', '.join(FEED_KINDS)})")
    source = {"url": url, "kind": kind, "name": str(entry.get("name") or url),
              "publisher": entry.get("publisher") or None,
              "include": list(entry.get("include") or []), "exclude": list(entry.get("exclude") or [])}
    for key in ("include", "exclude"):
        compile_patterns(source[key], f"{url}: {key}")  # raises on a bad pattern
    return source


def feed_sources(feeds: list) -> tuple[list[dict], list[dict]]:
    """The usable feed sources (each URL once) and fetch_log rows for the unusable ones."""
    sources, rows, known = [], [], set()
    for entry in feeds:
        try:
            source = feed_source(entry)
        except ValueError as exc:
            name = entry.get("url") or entry.get("name") if isinstance(entry, dict) else str(entry)
            rows.append(log_row(failed(str(name), str(name), exc)))
            continue
        if source["url"] not in known:
            known.add(source["url"])
            sources.append(source)
    return sources, rows


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


def source_items(source: dict, entries: list[dict], allow_private: bool) -> list[dict]:
    """URL inputs for a source's entries that pass its include/exclude patterns."""
    include = compile_patterns(source["include"], source["url"])
    exclude = compile_patterns(source["exclude"], source["url"])
    kept, _ = select_entries(entries, include, exclude)
    return [{"kind": "url", "url": e["url"], "source": source["name"], "title": e.get("title"),
             "published_at": e.get("published_at"), "publisher": source["publisher"],
             "public_only": not allow_private} for e in kept]


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
        for url, info in store.get_retries(source["name"]).items():
            items.append({"kind": "url", "url": url, "source": source["name"], "title": info.get("title"),
                          "published_at": info.get("published_at"), "publisher": source["publisher"],
                          "public_only": not allow_private, "retry_attempts": info.get("attempts", 0)})
    return items


def update_retries(store: Store, sources: list[dict], items: list[dict], rows: list[dict],
                   retryable: set[str], max_runs: int) -> None:
    """Record, per source, the URLs of this run that failed retryably (with how many runs they
    failed in); drop those that succeeded or failed for good. A URL that failed in
    ``max_runs`` runs is given up, and its fetch_log row says so."""
    row_of = {(row["input"], row["source"]): row for row in rows}
    for source in sources:
        previous = store.get_retries(source["name"])
        pending = {}
        for item in items:
            row = row_of.get((item["url"], item["source"]))
            if item["source"] != source["name"] or row is None or item["url"] not in retryable:
                continue
            before = previous.get(item["url"], {})
            attempts = before.get("attempts", 0) + 1
            if attempts >= max_runs:
                row["reason"] = f"{row['reason']}; given up after failing in {attempts} runs"
                continue
            pending[item["url"]] = {"attempts": attempts, "reason": row["reason"],
                                    "first_failed": before.get("first_failed", row["retrieved_at"]),
                                    "title": item.get("title"), "published_at": item.get("published_at")}
        if pending != previous:
            store.put_retries(source["name"], pending)


# ---- the flow -----------------------------------------------------------------------------


def url_inputs(urls: list[str], feed_items: list[dict]) -> tuple[list[dict], list[dict]]:
    """URL inputs, each canonical URL once (the first listing wins); skipped rows for
    repeats. URLs given directly are fetched wherever they point; feed links only at public
    addresses unless allowed (``public_only``, set by read_feeds)."""
    items, rows, first = [], [], {}
    direct = [{"kind": "url", "url": u, "source": URL_LIST_SOURCE, "public_only": False} for u in urls]
    for item in direct + feed_items:
        url = item["url"].strip()
        key = canonical_url(url)
        if key in first:
            reason = f"listed more than once (first in {first[key]})"
            rows.append(log_row(failed(url, item["source"], reason, skipped=True)))
            continue
        first[key] = item["source"]
        items.append({**item, "url": url, "fetch_url": key})
    return items, rows


def summary(run_id: str, rows: list[dict], article_ids: set[str], new: int) -> dict:
    count = lambda outcome: sum(r["outcome"] == outcome for r in rows)  # noqa: E731
    return {
        "run_id": run_id,
        "article_ids": sorted(article_ids),
        "new": new,
        "failed": count("error"),
        "skipped": count("skipped"),
        "unchanged": count("unchanged"),
    }


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
