"""Entries of RSS/Atom feeds (feedparser) and of XML sitemaps. Pure: bytes in, rows out.

Both refuse XML that declares entities (``<!ENTITY`` in a DOCTYPE): no feed or sitemap needs
them, and they are how an "entity expansion" (billion laughs) document blows up a parser.
Sitemaps are read with defusedxml, which also forbids external entities.
"""
from __future__ import annotations

import io
import re
from urllib.parse import urljoin
from xml.etree.ElementTree import ParseError

import feedparser
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_fromstring

from transforms.ingest.articles import normalize_published_at

# An entity declaration in the first part of the document (where a DOCTYPE must be), in
# ASCII-compatible or UTF-16 text.
_ENTITY_DECLARATION = re.compile(rb"<\x00?!\x00?E\x00?N\x00?T\x00?I\x00?T\x00?Y", re.IGNORECASE)
PROLOG_BYTES = 64 * 1024
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def refuse_entity_declarations(data: bytes, url: str) -> None:
    """Raise ValueError when the XML declares entities (a DOCTYPE with <!ENTITY …>)."""
    if _ENTITY_DECLARATION.search(data[:PROLOG_BYTES]):
        raise ValueError(f"{url}: refused, the XML declares entities (<!ENTITY> in its DOCTYPE), "
                         "a possible entity-expansion attack")


# ---- feeds ------------------------------------------------------------------------


def _entry_date(entry) -> str | None:
    """Publication (else update) time in UTC; feedparser gives struct_time in UTC."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = entry.get(key)
        if value:
            return normalize_published_at(value)
    return None


def _absolute_http(link: str | None, base: str) -> str | None:
    if not link or not link.strip():
        return None
    url = urljoin(base, link.strip())
    return url if url.startswith(("http://", "https://")) else None


def _entry_url(entry, feed_url: str) -> str | None:
    link = entry.get("link") or next(
        (li.get("href") for li in entry.get("links", []) if li.get("rel", "alternate") == "alternate"), None
    )
    return _absolute_http(link, feed_url)


def parse_feed(data: bytes, feed_url: str) -> list[dict]:
    """One {url, title, published_at} per entry with an http(s) link, in feed order, each URL
    once. Relative links are resolved against ``feed_url``.

    A feed with a few well-formedness problems still gives the entries feedparser recovers;
    raises ValueError when the bytes are not a feed at all, when they are malformed and give
    no entry with a link, or when they declare XML entities.
    """
    refuse_entity_declarations(data, feed_url)
    # A file object: feedparser never treats it as a URL or a path to open.
    parsed = feedparser.parse(io.BytesIO(data))
    entries: dict[str, dict] = {}
    for entry in parsed.entries:
        url = _entry_url(entry, feed_url)
        if url and url not in entries:
            title = " ".join((entry.get("title") or "").split()) or None
            entries[url] = {"url": url, "title": title, "published_at": _entry_date(entry)}
    if not entries and (parsed.bozo or not parsed.get("version")):
        reason = str(parsed.get("bozo_exception") or "") or "no RSS or Atom root element"
        raise ValueError(f"{feed_url}: not a parsable RSS/Atom feed ({reason})")
    return list(entries.values())


# ---- sitemaps ---------------------------------------------------------------------


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(element, name: str) -> str | None:
    for child in element:
        if _local_name(child.tag) == name:
            return (child.text or "").strip() or None
    return None


def _lastmod(value: str | None) -> str | None:
    try:
        return normalize_published_at(value)
    except (ValueError, TypeError):
        return None


def parse_sitemap(data: bytes, sitemap_url: str) -> dict:
    """A sitemap's entries: ``{"kind": "urlset", "entries": [{url, title, published_at}]}``
    (``published_at`` from ``<lastmod>``, title None) or ``{"kind": "sitemapindex",
    "entries": [{url, published_at}]}`` for an index of sitemaps. Each URL once, in order;
    only http(s) locations. Raises ValueError naming the sitemap when it is not well-formed
    XML, declares entities or DTD tricks, or has another root element.
    """
    refuse_entity_declarations(data, sitemap_url)
    try:
        root = safe_fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise ValueError(f"{sitemap_url}: refused, the XML uses forbidden DTD features ({exc})") from None
    except ParseError as exc:
        raise ValueError(f"{sitemap_url}: not well-formed XML ({exc})") from None
    kind = _local_name(root.tag)
    if kind not in ("urlset", "sitemapindex"):
        raise ValueError(f"{sitemap_url}: not a sitemap (root element <{kind}>, expected <urlset> or <sitemapindex>)")
    item_tag = "url" if kind == "urlset" else "sitemap"
    entries: dict[str, dict] = {}
    for item in root:
        if _local_name(item.tag) != item_tag:
            continue
        url = _absolute_http(_child_text(item, "loc"), sitemap_url)
        if url and url not in entries:
            entry = {"url": url, "published_at": _lastmod(_child_text(item, "lastmod"))}
            entries[url] = {"url": url, "title": None, **entry} if kind == "urlset" else entry
    return {"kind": kind, "entries": list(entries.values())}


# ---- choosing entries ----------------------------------------------------------------


def compile_patterns(patterns, what: str) -> list[re.Pattern]:
    """Regular expressions of a source's include/exclude list; ValueError naming the bad one."""
    if patterns is None:
        return []
    if isinstance(patterns, str):
        patterns = [patterns]
    compiled = []
    for pattern in patterns:
        try:
            compiled.append(re.compile(str(pattern)))
        except re.error as exc:
            raise ValueError(f"{what}: invalid regular expression {pattern!r} ({exc})") from None
    return compiled


def select_entries(entries: list[dict], include=(), exclude=()) -> tuple[list[dict], list[dict]]:
    """(kept, left out): an entry is kept when its URL matches one ``include`` pattern (or
    there are none) and no ``exclude`` pattern (``re.search``)."""
    kept, left_out = [], []
    for entry in entries:
        url = entry["url"]
        wanted = not include or any(p.search(url) for p in include)
        if wanted and not any(p.search(url) for p in exclude):
            kept.append(entry)
        else:
            left_out.append(entry)
    return kept, left_out
