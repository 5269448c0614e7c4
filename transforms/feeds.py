"""Entries of an RSS or Atom feed, with feedparser. Pure: bytes in, rows out."""
from __future__ import annotations

import io
from urllib.parse import urljoin

import feedparser

from transforms.articles import normalize_published_at


def _entry_date(entry) -> str | None:
    """Publication (else update) time in UTC; feedparser gives struct_time in UTC."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return normalize_published_at(value)
    return None


def _entry_url(entry, feed_url: str) -> str | None:
    link = entry.get("link") or next(
        (li.get("href") for li in entry.get("links", []) if li.get("rel", "alternate") == "alternate"), None
    )
    if not link:
        return None
    url = urljoin(feed_url, link.strip())
    return url if url.startswith(("http://", "https://")) else None


def parse_feed(data: bytes, feed_url: str) -> list[dict]:
    """One {url, title, published_at} per entry with an http(s) link, in feed order, each URL
    once. Relative links are resolved against ``feed_url``.

    A feed with a few well-formedness problems still gives its entries; raises ValueError
    when the bytes are not a feed at all.
    """
    # A file object: feedparser never treats it as a URL or a path to open.
    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.entries and (parsed.bozo or not parsed.get("version")):
        reason = str(parsed.get("bozo_exception") or "") or "no RSS or Atom root element"
        raise ValueError(f"{feed_url}: not a parsable RSS/Atom feed ({reason})")
    entries: dict[str, dict] = {}
    for entry in parsed.entries:
        url = _entry_url(entry, feed_url)
        if url and url not in entries:
            title = " ".join((entry.get("title") or "").split()) or None
            entries[url] = {"url": url, "title": title, "published_at": _entry_date(entry)}
    return list(entries.values())
