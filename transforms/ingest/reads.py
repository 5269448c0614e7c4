"""What reading one input gives: a document's bytes or text, its URL or file URI and metadata in; a
``Read`` (its article row, or why there is none) and the input's fetch_log row out.

Pure functions: the flow reads files and fetches pages, these take what it read.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from transforms.ids import make_id, sha256_bytes
from transforms.ingest.articles import EmptyInputError, article_from_text, decode_text_file, first_line
from transforms.ingest.html import extract_html
from transforms.ingest.metadata import charset_problem, clean_metadata, item_rights, page_publisher
from transforms.ingest.urls import canonical_url
from transforms.schema import FETCH_LOG

# Fields later stages own: kept from the stored article when the text has not changed.
DOWNSTREAM_FIELDS = ("extraction_status", "extraction_note", "duplicate_of")


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat()


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
    """The input's fetch_log row (``outcome``, ``reason`` and ``article_id`` in place of the Read's)."""
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
    return {c.name: c.cap(row[c.name]) for c in FETCH_LOG.columns}


def failed(name: str, source: str, exc: BaseException | str, *, skipped: bool = False,
           http_status: int | None = None, retrieved_at: str | None = None, retryable: bool = False) -> Read:
    """The Read of an input that gave no article: an error, or skipped."""
    return Read(name, source, "skipped" if skipped else "error", retrieved_at or utc_now(),
                reason=named(name, exc), http_status=http_status, retryable=retryable)


# ---- article rows ----------------------------------------------------------------------


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


# ---- files: .txt, .html, .jsonl ----------------------------------------------------------


def text_read(name: str, data: bytes, file_uri: str, source: str, meta: dict, warnings: list[str],
              retrieved_at: str, rights: dict | None = None) -> Read:
    """The Read of a .txt file's bytes: its text exactly as written, titled as the metadata says, else
    by its first line when the source is redistributable (else untitled: a first line would republish
    part of a withheld text); at ``file_uri`` unless the metadata gives a URL."""
    try:
        text = decode_text_file(data, name)
    except EmptyInputError as exc:
        return failed(name, source, exc, skipped=True, retrieved_at=retrieved_at)
    except ValueError as exc:
        return failed(name, source, exc, retrieved_at=retrieved_at)
    if (rights or {}).get("redistributable"):  # else the first line is a slice of a withheld text
        meta = {"title": first_line(text), **meta}
    url = meta.get("url") or file_uri
    article = make_article(text, meta, url=url, source=source, retrieved_at=retrieved_at, raw=data, rights=rights)
    return article_read(name, source, article, data, retrieved_at, warnings)


def html_read(name: str, data: bytes, file_uri: str, source: str, meta: dict, warnings: list[str],
              retrieved_at: str, rights: dict | None = None) -> Read:
    """The Read of an .html file's bytes: its main text and what the page says of itself."""
    if not data.strip():
        return failed(name, source, "empty file", skipped=True, retrieved_at=retrieved_at)
    try:
        page = extract_html(data, meta.get("url"))
    except ValueError as exc:
        return failed(name, source, exc, retrieved_at=retrieved_at)
    url = meta.get("url") or page["canonical_url"] or file_uri
    article = make_article(page["text"], meta, url=url, source=source, retrieved_at=retrieved_at,
                           raw=data, page=page, rights=rights)
    return article_read(name, source, article, data, retrieved_at, warnings)


def jsonl_line_read(line: str, number: int, name: str, file_uri: str, source: str, raw: bytes,
                    retrieved_at: str, rights: dict | None = None) -> Read:
    """The Read of line ``number`` of the .jsonl file ``name``: an object with ``text`` or ``html``
    and its metadata; named '<name>:<number>'."""
    name = f"{name}:{number}"
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        return failed(name, source, f"not valid JSON ({exc})", retrieved_at=retrieved_at)
    if not isinstance(record, dict):
        return failed(name, source, "not a JSON object", retrieved_at=retrieved_at)
    meta, warnings = clean_metadata(record, name)
    url = meta.get("url") or f"{file_uri}#line={number}"
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


def jsonl_reads(name: str, data: bytes, file_uri: str, source: str, retrieved_at: str,
                rights: dict | None = None) -> list[Read]:
    """One Read per non-blank line of a .jsonl file's bytes, named '<name>:<line number>'."""
    try:
        content = decode_text_file(data, name)
    except EmptyInputError as exc:
        return [failed(name, source, exc, skipped=True, retrieved_at=retrieved_at)]
    except ValueError as exc:
        return [failed(name, source, exc, retrieved_at=retrieved_at)]
    return [
        jsonl_line_read(line, number, name, file_uri, source, data, retrieved_at, rights)
        for number, line in enumerate(content.splitlines(), start=1)
        if line.strip()
    ]


# ---- fetched pages ------------------------------------------------------------------------


def fetched_page_read(item: dict, body: bytes, final_url: str, content_type: str | None,
                      status: int | None, retrieved_at: str) -> Read:
    """The Read of a page fetched for a URL input: its article, the page's own title and date
    first, the feed entry's when the page has none; a failure when the page gives none."""
    url, source = item["url"], item["source"]
    try:
        page = extract_html(body, final_url)
        feed_meta, warnings = clean_metadata({k: item.get(k) for k in ("title", "published_at")}, url)
        meta = {"title": page["title"] or feed_meta.get("title"),
                "published_at": page["published_at"] or feed_meta.get("published_at")}
        if problem := charset_problem(body, content_type):
            warnings.append(named(url, problem))
        article = make_article(page["text"], meta, url=page["canonical_url"] or final_url,
                               source=source, retrieved_at=retrieved_at, raw=body, page=page,
                               rights=item_rights(item), source_publisher=item.get("publisher"))
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the run
        return failed(url, source, exc, http_status=status, retrieved_at=retrieved_at)
    return article_read(url, source, article, body, retrieved_at, warnings, http_status=status)


# ---- storing ------------------------------------------------------------------------------


def _same_row(a: dict, b: dict) -> bool:
    return {k: v for k, v in a.items() if k != "retrieved_at"} == {k: v for k, v in b.items() if k != "retrieved_at"}


def article_update(article: dict, existing: dict | None) -> tuple[dict, bool, bool]:
    """(the article row to store, whether its text is new, whether it equals the stored row
    but for retrieved_at) given the row stored before, if any. A text seen before keeps what
    later stages wrote (``DOWNSTREAM_FIELDS``)."""
    is_new = existing is None or existing.get("text_sha256") != article["text_sha256"]
    if not is_new:
        article = {**article, **{k: existing.get(k) for k in DOWNSTREAM_FIELDS if k in existing}}
    return article, is_new, existing is not None and _same_row(existing, article)


def summary(run_id: str, rows: list[dict], article_ids: set[str], new: int) -> dict:
    """An ingest run's result: the articles it read, the counts of its fetch_log outcomes, and per
    source the inputs that gave an article and those rejected ("sources")."""
    count = lambda outcome: sum(r["outcome"] == outcome for r in rows)  # noqa: E731
    sources: dict[str, dict[str, int]] = {}
    for row in rows:
        figures = sources.setdefault(row["source"], {"articles": 0, "rejected": 0})
        figures["articles" if row["article_id"] else "rejected"] += 1
    return {
        "run_id": run_id,
        "article_ids": sorted(article_ids),
        "new": new,
        "failed": count("error"),
        "skipped": count("skipped"),
        "unchanged": count("unchanged"),
        "sources": sources,
    }


def empty_sources(sources: dict[str, str], result: dict) -> list[str]:
    """What to say of each folder or file source that gave no article in an ingest ``result``
    (``sources``: each source as given → the name its rows carry): "no articles in SOURCE (N files
    rejected: see fetch_log)"."""
    lines = []
    for given, name in sources.items():
        figures = result.get("sources", {}).get(name, {"articles": 0, "rejected": 0})
        if not figures["articles"]:
            n = figures["rejected"]
            lines.append(f"no articles in {given} ({n} file{'' if n == 1 else 's'} rejected: see fetch_log)")
    return lines
