"""Ingest: folders, URLs and feeds in; raw snapshots, article rows and a fetch log out.

    ingest(store="output/store", sources=["samples/articles"], urls=[...], feeds=[...])

Inputs are read in batches (one task run per batch, never per article). Every input gets
one fetch_log row (ok, unchanged, skipped or error, with a reason naming the input); a bad
input is logged as a warning and recorded, and the run goes on.

Folder inputs: ``.html``/``.htm`` pages, ``.txt`` texts (taken exactly as written) and
``.jsonl`` files (one article per line: url, title, published_at, publisher, authors, and
``text`` or ``html``). A folder's ``metadata.json`` gives metadata for its files, keyed by
file name (url, title, published_at, publisher, authors); it is not an article itself.

Rights: a folder given as a source may hold a ``source.json``, ``{"redistributable": true,
"name": "…", "licence": "CC-BY-4.0"}``, saying whether its texts may be republished. Without
one, or for URLs and feeds unless ``redistributable=True`` is given, articles are marked not
redistributable: the store keeps their full text, the public release publishes an empty text.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.fetch import Fetcher, FetchError
from flows.store import Store
from transforms.articles import (
    EmptyInputError, article_from_text, decode_text_file, first_line, normalize_published_at,
)
from transforms.feeds import parse_feed
from transforms.html import extract_html
from transforms.ids import make_id, sha256_bytes
from transforms.schema import FETCH_LOG

URL_LIST_SOURCE = "urls"  # the fetch_log/articles source of URLs given directly
SIDECAR = "metadata.json"
SOURCE_FILE = "source.json"  # a folder source's rights: {"redistributable": bool, "name", "licence"}
FILE_KINDS = {".html": "html", ".htm": "html", ".txt": "txt", ".jsonl": "jsonl"}
METADATA_KEYS = ("url", "title", "published_at", "publisher", "authors")
# Fields later stages own: kept from the stored article when the text has not changed.
DOWNSTREAM_FIELDS = ("extraction_status", "extraction_note", "duplicate_of")


# ---- small helpers ----------------------------------------------------------------


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat()


def new_run_id() -> str:
    return f"{datetime.now(timezone.utc):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:6]}"


def batches(items: list, size: int) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)]


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
        "article_id": article_id,
    }
    return {c: row[c] for c in FETCH_LOG.column_names}


def failed(name: str, source: str, exc: BaseException | str, *, skipped: bool = False,
           http_status: int | None = None, retrieved_at: str | None = None) -> Read:
    return Read(name, source, "skipped" if skipped else "error", retrieved_at or utc_now(),
                reason=named(name, exc), http_status=http_status)


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


def make_article(text: str, meta: dict, *, url: str, source: str, retrieved_at: str, raw: bytes,
                 page: dict | None = None, rights: dict | None = None) -> dict:
    """An article row: explicit metadata first, then what the page itself says."""
    page = page or {}
    rights = rights or {}
    return article_from_text(
        text,
        url=url,
        source=source,
        title=meta.get("title") or page.get("title"),
        publisher=meta.get("publisher") or page.get("publisher"),
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


def read_url(fetcher: Fetcher, item: dict) -> Read:
    """Fetch one page and make its article; never raises for a bad URL."""
    url, source = item["url"], item["source"]
    try:
        result = fetcher.fetch(url)
    except FetchError as exc:
        return failed(url, source, exc, skipped=exc.skipped, http_status=exc.status)
    except Exception as exc:  # noqa: BLE001 - a URL requests cannot even parse, say
        return failed(url, source, f"unexpected {type(exc).__name__}: {exc}")
    retrieved_at = result.fetched_at.isoformat()
    try:
        page = extract_html(result.body, result.final_url)
        # The page's own title and date first; the feed entry's when the page has none.
        feed_meta, warnings = clean_metadata({k: item.get(k) for k in ("title", "published_at")}, url)
        meta = {"title": page["title"] or feed_meta.get("title"),
                "published_at": page["published_at"] or feed_meta.get("published_at")}
        article = make_article(page["text"], meta, url=page["canonical_url"] or result.final_url,
                               source=source, retrieved_at=retrieved_at, raw=result.body, page=page,
                               rights=item_rights(item))
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
        return failed(url, source, exc, http_status=result.status, retrieved_at=retrieved_at)
    return article_read(url, source, article, result.body, retrieved_at, warnings, http_status=result.status)


# ---- saving ----------------------------------------------------------------------------


def _same_row(a: dict, b: dict) -> bool:
    return {k: v for k, v in a.items() if k != "retrieved_at"} == {k: v for k, v in b.items() if k != "retrieved_at"}


def save_read(store: Store, read: Read, seen: dict[str, str]) -> tuple[dict, bool]:
    """Store the article of a Read (if any); its fetch_log row, and whether the article is new.

    An article already stored with the same content is not rewritten ("unchanged"); an
    article that an earlier input of this run already gave is recorded as a duplicate.
    """
    article = read.article
    if article is None:
        return log_row(read), False
    article_id = article["article_id"]
    first = seen.setdefault(article_id, read.input)
    if first != read.input:
        return log_row(read, "skipped", named(read.input, f"same article as {first}"), article_id), False
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
    return {"rows": [], "article_ids": [], "new": 0, "seen": {}}


def add_read(result: dict, store: Store, read: Read, seen: dict[str, str], logger) -> None:
    row, is_new = save_read(store, read, seen)
    result["rows"].append(row)
    result["new"] += int(is_new)
    if row["article_id"]:
        result["article_ids"].append(row["article_id"])
        result["seen"][row["article_id"]] = seen[row["article_id"]]
    if row["reason"]:
        logger.warning(row["reason"])


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
def fetch_urls(store_root: str, items: list[dict], fetch_options: dict, seen: dict[str, str]) -> dict:
    """Fetch a batch of URLs into articles. The Fetcher retries each URL; a failing URL is
    recorded, not raised. The task retry is for the store (a remote fsspec store may fail)."""
    logger = get_run_logger()
    store, seen, result = Store(store_root), dict(seen), batch_result()
    with Fetcher(**fetch_options) as fetcher:
        for item in items:
            # Load inputs + Process
            read = read_url(fetcher, item)
            # Save outputs
            add_read(result, store, read, seen, logger)
    return result


@task(cache_policy=NO_CACHE)
def read_feeds(feeds: list[str], fetch_options: dict) -> dict:
    """Fetch and parse a batch of feeds: their entries as URL inputs, one fetch_log row each.
    No task retries: the Fetcher retries each feed, and nothing is written here."""
    logger = get_run_logger()
    items, rows = [], []
    with Fetcher(**fetch_options) as fetcher:
        for feed_url in feeds:
            # Load inputs
            try:
                result = fetcher.fetch(feed_url, accept=None)
            except FetchError as exc:
                rows.append(log_row(failed(feed_url, feed_url, exc, skipped=exc.skipped, http_status=exc.status)))
                continue
            except Exception as exc:  # noqa: BLE001 - one bad feed must not stop the run
                rows.append(log_row(failed(feed_url, feed_url, f"unexpected {type(exc).__name__}: {exc}")))
                continue
            # Process
            read = Read(feed_url, feed_url, "ok", result.fetched_at.isoformat(), http_status=result.status)
            try:
                entries = parse_feed(result.body, result.final_url)
            except ValueError as exc:
                read.outcome, read.reason = "error", named(feed_url, exc)
                entries = []
            if read.outcome == "ok" and not entries:
                read.reason = named(feed_url, "no entries with a link")
            items.extend({"kind": "url", "source": feed_url, **entry} for entry in entries)
            rows.append(log_row(read))
    # Save outputs
    for row in rows:
        if row["reason"]:
            logger.warning(row["reason"])
    return {"items": items, "rows": rows}


# ---- the flow -----------------------------------------------------------------------------


def url_inputs(urls: list[str], feed_items: list[dict]) -> tuple[list[dict], list[dict]]:
    """URL inputs, each URL once (the first listing wins); skipped rows for repeats."""
    items, rows, first = [], [], {}
    for item in [{"kind": "url", "url": u, "source": URL_LIST_SOURCE} for u in urls] + feed_items:
        url = item["url"].strip()
        if url in first:
            reason = f"listed more than once (first in {first[url]})"
            rows.append(log_row(failed(url, item["source"], reason, skipped=True)))
            continue
        first[url] = item["source"]
        items.append({**item, "url": url})
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
    feeds: list[str] | None = None,
    batch_size: int = 50,
    max_bytes: int = 10_000_000,
    user_agent: str | None = None,
    max_retries: int = 3,
    backoff: float = 1.0,
    run_id: str | None = None,
    host_delay: float = 1.0,
    redistributable: bool = False,
) -> dict:
    """Read folders, URLs and feeds into the store; write this run's fetch log.

    Articles from URLs and feeds are marked redistributable only when ``redistributable``
    is true; a folder's own source.json says it for the folder.

    Returns {"run_id", "article_ids" (sorted, every article read this run), "new" (articles
    not in the store before, or whose text changed), "failed", "skipped", "unchanged"
    (counts of fetch_log outcomes)}.
    """
    logger = get_run_logger()
    run_id = run_id or new_run_id()
    root = str(store)
    batch_size = max(1, int(batch_size))
    fetch_options = {"user_agent": user_agent, "max_retries": max_retries, "backoff": backoff,
                     "max_bytes": max_bytes, "host_delay": host_delay}
    rows: list[dict] = []
    seen: dict[str, str] = {}  # article_id -> the input that first gave it this run
    new = done = 0
    try:
        # Load inputs
        listed = list_files([str(s) for s in sources or []])
        rows += listed["rows"]
        feed_items = []
        for feed_batch in batches(list(dict.fromkeys(feeds or [])), batch_size):
            read = read_feeds(feed_batch, fetch_options)
            rows += read["rows"]
            feed_items += read["items"]
        todo_urls, repeat_rows = url_inputs(list(urls or []), feed_items)
        todo_urls = [{**item, "redistributable": bool(redistributable), "licence": None} for item in todo_urls]
        rows += repeat_rows
        total = len(listed["items"]) + len(todo_urls)
        logger.info(f"ingest: {total} inputs, run {run_id}")
        # Process
        for batch in batches(listed["items"], batch_size) + batches(todo_urls, batch_size):
            if batch[0]["kind"] == "file":
                result = read_files(root, batch, seen)
            else:
                result = fetch_urls(root, batch, fetch_options, seen)
            rows += result["rows"]
            seen.update(result["seen"])
            new += result["new"]
            done += len(batch)
            logger.info(f"ingest: {done}/{total} inputs")
    finally:
        # Save outputs
        Store(root).put_fetch_log(run_id, rows)
    result = summary(run_id, rows, set(seen), new)
    logger.info(
        f"ingest: {len(result['article_ids'])} articles ({result['new']} new, {result['unchanged']} unchanged),"
        f" {result['skipped']} skipped, {result['failed']} failed; fetch log {run_id}"
    )
    return result
