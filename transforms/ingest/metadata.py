"""An input's metadata and rights: metadata.json and source.json contents, feed entries and pages in;
clean metadata, rights and the publisher (or a warning saying what was ignored) out.

Pure functions: the flow reads the files, these take their bytes.
"""
from __future__ import annotations

import codecs
import json
from urllib.parse import urlsplit

from transforms.ingest.articles import normalize_published_at
from transforms.ingest.urls import host_of

METADATA_KEYS = ("url", "title", "published_at", "publisher", "authors")


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


def sidecar_entries(data: bytes, name: str) -> tuple[dict, str | None]:
    """The entries of a folder's metadata.json ({file name: metadata}) from its bytes, and a
    warning naming the file (``name``) if it is unusable."""
    try:
        entries = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return {}, f"{name}: ignored, not valid JSON ({exc})"
    if not isinstance(entries, dict):
        return {}, f"{name}: ignored, not an object keyed by file name"
    return {k: v for k, v in entries.items() if isinstance(v, dict)}, None


def not_redistributable() -> dict:
    """The rights of a source that does not say it may be republished."""
    return {"redistributable": False, "licence": None}


def unreadable_source_file(name: str, exc: BaseException) -> str:
    """The warning for a source.json that cannot be read or parsed."""
    return f"{name}: ignored, not valid JSON ({exc}); the source is taken as not redistributable"


def source_rights(data: bytes, name: str) -> tuple[dict, str | None]:
    """A folder source's rights from its source.json's bytes, and a warning naming the file
    (``name``) if it is unusable. Not redistributable unless it says ``"redistributable": true``."""
    rights = not_redistributable()
    try:
        declared = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        return rights, unreadable_source_file(name, exc)
    if not isinstance(declared, dict) or not isinstance(declared.get("redistributable", False), bool):
        return rights, (f"{name}: ignored, not an object with a true/false \"redistributable\"; "
                        "the source is taken as not redistributable")
    licence = declared.get("licence")
    return {"redistributable": declared.get("redistributable", False),
            "licence": licence if isinstance(licence, str) and licence.strip() else None}, None


def item_rights(item: dict) -> dict:
    """The rights an input carries from its source."""
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
