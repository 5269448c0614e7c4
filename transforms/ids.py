"""Deterministic IDs: short hashes of natural keys, stable across runs and releases."""
from __future__ import annotations

import hashlib


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    return sha256_bytes(text.encode("utf-8"))


def make_id(*parts: object, length: int = 16) -> str:
    """A hex hash of the parts, joined with an unambiguous separator.

    >>> make_id("quote", "a1", 10, 20) == make_id("quote", "a1", 10, 20)
    True
    """
    key = "\x1f".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:length]


def article_id(url: str | None, text_sha256: str) -> str:
    """From the canonical http(s) URL when there is one, else from the text hash."""
    if url and url.startswith(("http://", "https://")):
        return make_id("article", url)
    return make_id("article-text", text_sha256)


def span_id(kind: str, article_id: str, start: int, end: int, *extra: object) -> str:
    return make_id(kind, article_id, start, end, *extra)
