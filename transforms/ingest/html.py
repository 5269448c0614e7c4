"""Main text and metadata of an HTML page, with trafilatura.

Pure: bytes or a string in, a dict out. The text is what every offset in the dataset
later indexes: paragraphs (and headings, list blocks, tables) are separated by a blank
line, lines inside a block by a single newline.
"""
from __future__ import annotations

from urllib.parse import urljoin

import trafilatura
from trafilatura.xml import xmltotxt

from transforms.ingest.articles import join_authors, normalize_published_at, word_count

# <meta> keys that carry the publication time, best first.
PUBLISHED_KEYS = (
    "article:published_time", "og:article:published_time", "datepublished",
    "dc.date.issued", "dcterms.issued", "dc.date", "dcterms.date", "pubdate", "publishdate", "date",
)
# Fewer words than this is a menu, an error page or a stub, not an article's main text.
MIN_WORDS = 15
# Publication dates from trafilatura: only from metadata, never guessed from the text.
DATE_PARAMS = {"original_date": True, "extensive_search": False}


def _meta_map(tree) -> dict[str, str]:
    """First non-empty content of each <meta> name/property/itemprop, keys lowercased."""
    found: dict[str, str] = {}
    for el in tree.iter("meta"):
        content = (el.get("content") or "").strip()
        if not content:
            continue
        for attr in ("property", "name", "itemprop", "http-equiv"):
            key = (el.get(attr) or "").strip().lower()
            if key:
                found.setdefault(key, content)
    return found


def _http_url(value: str | None, base: str | None) -> str | None:
    if not value:
        return None
    absolute = urljoin(base or "", value.strip())
    return absolute if absolute.startswith(("http://", "https://")) else None


def _canonical_url(tree, meta: dict[str, str], url: str | None) -> str | None:
    for el in tree.iter("link"):
        if "canonical" in (el.get("rel") or "").lower().split():
            found = _http_url(el.get("href"), url)
            if found:
                return found
    return _http_url(meta.get("og:url"), url)


def _language(tree, meta: dict[str, str]) -> str | None:
    """Primary subtag of the declared language: <html lang>, Content-Language, og:locale."""
    declared = tree.get("lang") or meta.get("content-language") or meta.get("og:locale") or ""
    code = declared.replace("_", "-").split("-")[0].strip().lower()
    return code if code.isalpha() and 2 <= len(code) <= 3 else None


def _first_date(*candidates) -> str | None:
    for value in candidates:
        try:
            normalized = normalize_published_at(value)
        except ValueError:
            continue
        if normalized:
            return normalized
    return None


def _head_dates(tree, meta: dict[str, str]) -> list[str | None]:
    """Publication time candidates from <meta> and <time pubdate>, best first."""
    times = [el.get("datetime") for el in tree.iter("time") if el.get("pubdate") is not None]
    return [*(meta.get(k) for k in PUBLISHED_KEYS), *times]


def _main_text(document) -> str:
    """Blocks of the extracted body joined by blank lines (trafilatura's text as fallback)."""
    if document.body is not None and len(document.body):
        blocks = (xmltotxt(block, False).strip() for block in document.body)
        text = "\n\n".join(b for b in blocks if b)
        if text:
            return text
    return (document.text or "").strip()


def extract_html(html: bytes | str, url: str | None = None, *, min_words: int = MIN_WORDS) -> dict:
    """Main text and metadata of a page.

    Returns text, title, authors ('; '-joined or None), publisher, published_at (ISO 8601
    UTC or None), language (declared by the page, or None) and canonical_url (the page's
    <link rel=canonical> or og:url as an absolute http(s) URL, or None).
    Raises ValueError when the page cannot be parsed or has no main text (none, or fewer
    than ``min_words`` words).
    """
    where = url or "HTML document"
    tree = trafilatura.load_html(html)
    if tree is None:
        raise ValueError(f"{where}: not parsable as HTML")
    # Metadata from <head> first: trafilatura may change the tree it extracts from.
    meta = _meta_map(tree)
    canonical = _canonical_url(tree, meta, url)
    language = _language(tree, meta)
    head_dates = _head_dates(tree, meta)
    head_title = meta.get("og:title") or _title_element(tree)
    document = trafilatura.bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, include_tables=True,
        favor_precision=False, deduplicate=False, date_extraction_params=dict(DATE_PARAMS),
    )
    text = _main_text(document) if document is not None else ""
    if not text:
        raise ValueError(f"{where}: no main text found")
    if word_count(text) < min_words:
        raise ValueError(f"{where}: no main text found (only {word_count(text)} words)")
    title = document.title or head_title
    return {
        "text": text,
        "title": " ".join(title.split()) if title else None,
        "authors": join_authors((document.author or meta.get("author") or "").split(";")),
        "publisher": meta.get("og:site_name") or document.sitename or None,
        "published_at": _first_date(*head_dates, document.date),
        "language": language,
        "canonical_url": canonical,
    }


def _title_element(tree) -> str | None:
    for el in tree.iter("title"):
        text = el.text_content().strip()
        if text:
            return text
    return None
