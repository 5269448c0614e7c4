"""File listings of a release and of the store: names, sizes and digests in; the data files'
entries, SHA256SUMS, the fingerprints of the release code and inputs, and the age of a listed
folder out. The flow lists and hashes the files; these shape what it found."""
from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from transforms.release.sqlite import SQLITE_PATH
from transforms.schema import TABLES

DATA_FORMATS = ("parquet", "csv")


def data_file_paths() -> list[str]:
    """The data files of a release: data/<table>.<format> in table order, then the SQLite database."""
    return [f"data/{name}.{ext}" for name in TABLES for ext in DATA_FORMATS] + [SQLITE_PATH]


def file_entry(size: int, sha256: str) -> dict:
    """A file as datapackage.json lists it."""
    return {"bytes": size, "sha256": sha256}


def sha256sums(files: Iterable[tuple[str, str]]) -> str:
    """SHA256SUMS from (sha256, relative path) pairs, in the order given (``sha256sum -c`` reads it)."""
    return "\n".join(f"{digest}  {path}" for digest, path in files) + "\n"


def code_digest(files: Iterable[tuple[str, bytes]]) -> str:
    """sha256 over (relative path, sha256 digest of the content) pairs, in the order given."""
    digest = hashlib.sha256()
    for path, content_digest in files:
        digest.update(f"{path}\0".encode())
        digest.update(content_digest)
    return digest.hexdigest()


def inputs_digest(parts: Iterable[str], listings: dict[str, list[str]]) -> str:
    """sha256 over the parts a release is built from (one a line), then each listed folder's name
    and its "path size content-hash" lines."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(f"{part}\n".encode())
    for folder, lines in listings.items():
        digest.update(f"[{folder}]\n".encode())
        for line in lines:
            digest.update(f"{line}\n".encode())
    return digest.hexdigest()


def seconds_since_change(entries: Iterable[dict], now: float) -> float:
    """Seconds since the newest modification time among listing entries (fsspec's ``mtime``, or an
    object store's ``LastModified``/``last_modified``); 0 when none says."""
    stamps = []
    for e in entries:
        t = e.get("mtime") or e.get("LastModified") or e.get("last_modified")
        if isinstance(t, datetime):
            t = t.timestamp()
        if isinstance(t, (int, float)):
            stamps.append(float(t))
    return now - max(stamps) if stamps else 0.0
