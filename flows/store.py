"""The store: every box of the data flow as files under one root (any fsspec URL).

    <root>/raw/<sha256[:2]>/<sha256>                      immutable raw snapshots
    <root>/articles/<article_id[:2]>/<article_id>.json    one article each
    <root>/fetch_log/<run_id>.jsonl                        outcome of each input, per run
    <root>/http_cache/<key[:2]>/<key>.json                 per canonical URL: ETag, Last-Modified,
                                                          raw sha256 and article of the last fetch
    <root>/retries/<key>.json                              per feed/sitemap source: failed URLs to retry
    <root>/extractions/<version>/<article_id>-<text_sha256[:16]>.json
    <root>/extraction_problems/<version>/<article_id>-<text_sha256[:16]>.json
                                                          an article not extracted: skipped_too_long or
                                                          failed, with its note and attempts

Every write goes to a temporary name beside the target and is then renamed, so a
crash never leaves a half-written file under a real name.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from datetime import date, datetime

import fsspec

from transforms.ids import make_id, sha256_bytes


def _json_default(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot store {type(value).__name__} as JSON")


def dumps(obj, sort_keys: bool = True) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=sort_keys, default=_json_default)


class Store:
    def __init__(self, root: str):
        self.root = str(root).rstrip("/")
        self.fs, self.base = fsspec.core.url_to_fs(self.root)
        self.fs.makedirs(self.base, exist_ok=True)

    def __repr__(self) -> str:
        return f"Store({self.root!r})"

    # ---- low level -------------------------------------------------------
    def path(self, *parts: str) -> str:
        return "/".join([self.base, *parts])

    def _write_atomic(self, path: str, data: bytes) -> None:
        parent = path.rsplit("/", 1)[0]
        self.fs.makedirs(parent, exist_ok=True)
        tmp = f"{parent}/.tmp-{uuid.uuid4().hex}"
        with self.fs.open(tmp, "wb") as fh:
            fh.write(data)
        self.fs.mv(tmp, path)

    def _read(self, path: str) -> bytes:
        with self.fs.open(path, "rb") as fh:
            return fh.read()

    def _json_files(self, folder: str, suffix: str) -> list[str]:
        if not self.fs.exists(folder):
            return []
        return sorted(
            p for p in self.fs.find(folder)
            if p.endswith(suffix) and not p.rsplit("/", 1)[-1].startswith(".tmp-")
        )

    # ---- raw snapshots ----------------------------------------------------
    def put_raw(self, data: bytes) -> str:
        """Keep the bytes under their sha256; an existing snapshot is never rewritten."""
        digest = sha256_bytes(data)
        path = self.path("raw", digest[:2], digest)
        if not self.fs.exists(path):
            self._write_atomic(path, data)
        return digest

    def has_raw(self, digest: str) -> bool:
        return self.fs.exists(self.path("raw", digest[:2], digest))

    def get_raw(self, digest: str) -> bytes:
        return self._read(self.path("raw", digest[:2], digest))

    # ---- articles ---------------------------------------------------------
    def _article_path(self, article_id: str) -> str:
        return self.path("articles", article_id[:2], f"{article_id}.json")

    def put_article(self, article: dict) -> None:
        self._write_atomic(self._article_path(article["article_id"]), dumps(article).encode("utf-8"))

    def get_article(self, article_id: str) -> dict | None:
        return self._json_or_none(self._article_path(article_id))

    def article_ids(self) -> list[str]:
        return [p.rsplit("/", 1)[-1][: -len(".json")] for p in self._json_files(self.path("articles"), ".json")]

    def iter_articles(self, ids: Iterable[str] | None = None) -> Iterator[dict]:
        for article_id in (self.article_ids() if ids is None else ids):
            article = self.get_article(article_id)
            if article is not None:
                yield article

    # ---- fetch log --------------------------------------------------------
    def put_fetch_log(self, run_id: str, rows: list[dict]) -> None:
        if not rows:
            return
        data = "".join(dumps(r) + "\n" for r in rows).encode("utf-8")
        self._write_atomic(self.path("fetch_log", f"{run_id}.jsonl"), data)

    def fetch_log(self) -> list[dict]:
        rows = []
        for path in self._json_files(self.path("fetch_log"), ".jsonl"):
            rows.extend(json.loads(line) for line in self._read(path).decode("utf-8").splitlines() if line)
        return rows

    # ---- conditional GET: what the last successful fetch of a URL gave ----------
    def _http_cache_path(self, url: str) -> str:
        key = make_id("http-cache", url)
        return self.path("http_cache", key[:2], f"{key}.json")

    def get_http_cache(self, url: str) -> dict | None:
        """{url, etag, last_modified, raw_sha256, article_id, fetched_at} of the URL's last
        successful fetch, or None."""
        return self._json_or_none(self._http_cache_path(url))

    def put_http_cache(self, url: str, record: dict) -> None:
        self._write_atomic(self._http_cache_path(url), dumps({**record, "url": url}).encode("utf-8"))

    # ---- failed URLs of a source, to retry on its next runs ---------------------
    def _retries_path(self, source: str) -> str:
        return self.path("retries", f"{make_id('retries', source)}.json")

    def get_retries(self, source: str) -> dict[str, dict]:
        """{url: {"attempts", "reason", "first_failed", "title", "published_at"}} for a source."""
        path = self._retries_path(source)
        if not self.fs.exists(path):
            return {}
        return json.loads(self._read(path))["urls"]

    def put_retries(self, source: str, urls: dict[str, dict]) -> None:
        self._write_atomic(self._retries_path(source), dumps({"source": source, "urls": urls}).encode("utf-8"))

    # ---- extractions ------------------------------------------------------
    def _extraction_path(self, version: str, article_id: str, text_sha256: str) -> str:
        return self.path("extractions", version, article_id[:2], f"{article_id}-{text_sha256[:16]}.json")

    def has_extraction(self, version: str, article_id: str, text_sha256: str) -> bool:
        return self.fs.exists(self._extraction_path(version, article_id, text_sha256))

    def extraction_keys(self, version: str) -> set[tuple[str, str]]:
        """(article_id, text_sha256[:16]) of every extraction of a version: one listing, no reads."""
        keys = set()
        for path in self._json_files(self.path("extractions", version), ".json"):
            article_id, _, short = path.rsplit("/", 1)[-1][: -len(".json")].rpartition("-")
            keys.add((article_id, short))
        return keys

    def put_extraction(self, version: str, article_id: str, text_sha256: str, tables: dict) -> None:
        path = self._extraction_path(version, article_id, text_sha256)
        self._write_atomic(path, dumps(tables).encode("utf-8"))

    def get_extraction(self, version: str, article_id: str, text_sha256: str) -> dict | None:
        return self._json_or_none(self._extraction_path(version, article_id, text_sha256))

    def _json_or_none(self, path: str) -> dict | None:
        return json.loads(self._read(path)) if self.fs.exists(path) else None

    # ---- articles not extracted: too long, or their extraction raised ----------
    def _problem_path(self, version: str, article_id: str, text_sha256: str) -> str:
        return self.path("extraction_problems", version, article_id[:2], f"{article_id}-{text_sha256[:16]}.json")

    def put_extraction_problem(self, version: str, article_id: str, text_sha256: str, record: dict) -> None:
        """{"status": "skipped_too_long" | "failed", "note", "attempts", "last_tried"} of an article."""
        self._write_atomic(self._problem_path(version, article_id, text_sha256), dumps(record).encode("utf-8"))

    def get_extraction_problem(self, version: str, article_id: str, text_sha256: str) -> dict | None:
        return self._json_or_none(self._problem_path(version, article_id, text_sha256))

    def clear_extraction_problem(self, version: str, article_id: str, text_sha256: str) -> None:
        path = self._problem_path(version, article_id, text_sha256)
        if self.fs.exists(path):
            self.fs.rm(path)

    def extraction_problems(self, version: str) -> dict[tuple[str, str], dict]:
        """(article_id, text_sha256[:16]) → problem record, for every article of a version not extracted."""
        problems = {}
        for path in self._json_files(self.path("extraction_problems", version), ".json"):
            article_id, _, short = path.rsplit("/", 1)[-1][: -len(".json")].rpartition("-")
            problems[(article_id, short)] = json.loads(self._read(path))
        return problems


def sha256_file(path) -> str:
    """SHA-256 of a local file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
