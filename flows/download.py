"""`dealwire download`: a release's tables over HTTP(S) or from a local folder, every file verified.

    dealwire download --base-url https://data.example/dealwire/releases \
        [--version latest|VERSION] [--tables quotes,actors] [--format parquet|csv|sqlite] [--dest DIR]

Reads ``index.json`` (which release is latest) and the release's ``datapackage.json`` (every file's
path, size and sha256) from the base URL, downloads the chosen tables into
``DIR/<version>/data/`` with progress on stderr, resumes an interrupted download (HTTP Range on a
``.part`` file), and checks every file's sha256 against datapackage.json: a file that does not match
is deleted and reported by name. A path in datapackage.json that would land outside DIR is refused.

Plain ``requests``: no Prefect, no store.
"""
from __future__ import annotations

import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, urlparse
from urllib.request import url2pathname

import requests
import urllib3

from flows.store import sha256_file
from transforms.release.versions import check_version, version_key

FORMATS = ("parquet", "csv", "sqlite")
SQLITE = "sqlite"  # as a --tables name or a --format: the release's SQLite database of every table
DEFAULT_DEST = "dealwire-data"
CHUNK = 1 << 16
TIMEOUT = (10, 60)  # connect, read (seconds)


class DownloadError(RuntimeError):
    """A download that cannot be completed or trusted; the message names the file."""


@dataclass(frozen=True)
class Wanted:
    table: str
    path: str  # relative to the release folder, as datapackage.json gives it
    sha256: str
    bytes: int | None
    version: str = ""

    @property
    def remote(self) -> str:
        """The file's path under the base URL."""
        return f"{self.version}/{self.path}" if self.version else self.path


def _user_agent() -> str:
    try:
        from importlib.metadata import version

        v = version("dealwire")
    except Exception:  # noqa: BLE001 - running from a source tree
        v = "dev"
    return f"dealwire-download/{v} (+https://github.com/dealwire/dealwire)"


def _human(n: int | None) -> str:
    if n is None:
        return "? B"
    size = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{n} B"


class Source:
    """Where the releases are: an http(s) base URL, or a local folder (a path or file:// URL)."""

    def __init__(self, base: str, session: requests.Session | None = None):
        self.base = base.rstrip("/")
        scheme = urlparse(self.base).scheme
        self.http = scheme in ("http", "https")
        if not self.http:
            self.root = Path(url2pathname(urlparse(self.base).path)) if scheme == "file" else Path(self.base)
        self.session = session
        if self.http and self.session is None:
            self.session = requests.Session()
            self.session.headers["User-Agent"] = _user_agent()

    def where(self, rel_path: str) -> str:
        if self.http:
            return self.base + "/" + "/".join(quote(p) for p in rel_path.split("/"))
        return str(self.root.joinpath(*rel_path.split("/")))

    def read_bytes(self, rel_path: str) -> bytes:
        where = self.where(rel_path)
        if not self.http:
            try:
                return Path(where).read_bytes()
            except OSError as exc:
                raise DownloadError(f"{where}: cannot read ({exc.strerror or exc})") from None
        try:
            r = self.session.get(where, timeout=TIMEOUT)
        except requests.RequestException as exc:
            raise DownloadError(f"{where}: {type(exc).__name__}: {exc}") from None
        if r.status_code != 200:
            raise DownloadError(f"{where}: HTTP {r.status_code}")
        return r.content

    def read_json(self, rel_path: str, hint: str = "") -> dict:
        data = self.read_bytes(rel_path)
        try:
            value = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise DownloadError(f"{self.where(rel_path)}: not valid JSON ({exc}){hint}") from None
        if not isinstance(value, dict):
            raise DownloadError(f"{self.where(rel_path)}: not a JSON object{hint}")
        return value


# ---- what to fetch ------------------------------------------------------------------------------------


def pick_version(index: dict, version: str) -> str:
    listed = [r.get("version") for r in index.get("releases", []) if isinstance(r, dict)]
    listed = sorted((v for v in listed if isinstance(v, str)), key=lambda v: version_key(v) if _valid(v) else (0,))
    if version in (None, "", "latest"):
        latest = index.get("latest") or (listed[-1] if listed else None)
        if not latest:
            raise DownloadError("index.json lists no release")
        version = latest
    try:
        check_version(version)
    except ValueError as exc:
        raise DownloadError(str(exc)) from None
    if version not in listed:
        raise DownloadError(f"release {version} is not in index.json (available: {', '.join(listed) or 'none'})")
    return version


def _valid(v: str) -> bool:
    try:
        check_version(v)
        return True
    except ValueError:
        return False


def _sqlite_entry(package: dict, version: str) -> dict:
    entry = package.get(SQLITE)
    if not isinstance(entry, dict):
        raise DownloadError(f"release {version or '?'} has no SQLite database in its datapackage.json (releases "
                            "published before dealwire.sqlite was added have none; their tables are in Parquet "
                            "and CSV)")
    return entry


def plan(package: dict, tables: list[str] | None, fmt: str, version: str = "") -> list[Wanted]:
    """The files to fetch, from datapackage.json's resources (and its ``sqlite`` entry: ``--format
    sqlite``, or ``sqlite`` among the tables)."""
    if fmt not in FORMATS:
        raise DownloadError(f"--format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    resources = {r.get("name"): r for r in package.get("resources", []) if isinstance(r, dict)}
    names = [SQLITE] if fmt == SQLITE else tables or list(resources)
    unknown = [t for t in names if t not in resources and t != SQLITE]
    if unknown:
        raise DownloadError(f"no table {', '.join(unknown)} in this release (tables: {', '.join(resources)}, "
                            f"or {SQLITE} for the database of them all)")
    wanted = []
    for name in names:
        r = resources.get(name, {})
        entry = _sqlite_entry(package, version) if name == SQLITE else r if fmt == "csv" else r.get("parquet") or {}
        path, digest = entry.get("path"), str(entry.get("hash") or "")
        if not path or not digest.startswith("sha256:"):
            raise DownloadError(f"datapackage.json gives no {fmt} path with a sha256 for table {name}")
        wanted.append(Wanted(name, path, digest.split(":", 1)[1].lower(), entry.get("bytes"), version))
    return wanted


def safe_destination(folder: Path, rel_path: str, dest: Path) -> Path:
    """folder/rel_path, refused when rel_path is absolute, climbs out, or lands outside dest."""
    pure = PurePosixPath(rel_path)
    if (not rel_path or "\\" in rel_path or pure.is_absolute() or ".." in pure.parts
            or any(":" in part for part in pure.parts)):
        raise DownloadError(f"refusing {rel_path!r} from datapackage.json: it would land outside {dest}")
    target = (folder / Path(*pure.parts)).resolve()
    if not target.is_relative_to(dest.resolve()):
        raise DownloadError(f"refusing {rel_path!r} from datapackage.json: it would land outside {dest}")
    return target


# ---- fetching one file ------------------------------------------------------------------------------------


class Progress:
    """Progress of one file on stderr: updated in place on a terminal, a line at the end otherwise."""

    def __init__(self, name: str, total: int | None, stream=None):
        self.name, self.total, self.stream = name, total, stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last = 0.0

    def update(self, done: int, force: bool = False) -> None:
        now = time.monotonic()
        if not self.tty or (not force and now - self.last < 0.2):
            return
        self.last = now
        pct = f" {100 * done / self.total:5.1f}%" if self.total else ""
        self.stream.write(f"\r  {self.name}  {_human(done)} / {_human(self.total)}{pct}")
        self.stream.flush()

    def say(self, message: str) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(f"  {message}\n")
        self.stream.flush()


def _fetch_http(source: Source, want: Wanted, part: Path, progress: Progress, retries: int, backoff: float) -> None:
    """Download into ``part``, resuming from its size with HTTP Range; retry interrupted transfers."""
    url = source.where(want.remote)
    attempt = 0
    while True:
        offset = part.stat().st_size if part.exists() else 0
        if want.bytes is not None and offset > want.bytes:
            part.unlink()
            offset = 0
        if want.bytes is not None and offset == want.bytes and offset > 0:
            return  # complete already: the checksum decides
        # Bytes as stored (no content coding), so that offsets mean the same on every request.
        headers = {"Accept-Encoding": "identity", **({"Range": f"bytes={offset}-"} if offset else {})}
        if offset:
            progress.say(f"{want.path}: resuming at {_human(offset)}")
        try:
            with source.session.get(url, headers=headers, stream=True, timeout=TIMEOUT) as r:
                if r.status_code == 416 and offset:
                    part.unlink()  # the server has less than we hold: start again
                    continue
                if r.status_code == 206 and offset:
                    start = _range_start(r.headers.get("Content-Range", ""))
                    if start != offset:
                        part.unlink()
                        continue
                    mode = "ab"
                elif r.status_code == 200:
                    offset, mode = 0, "wb"  # the server sends the whole file
                else:
                    raise DownloadError(f"{want.path}: HTTP {r.status_code} from {url}")
                done = offset
                with open(part, mode) as fh:
                    # read1: whatever has arrived, so that a dropped connection keeps every byte received
                    while chunk := r.raw.read1(CHUNK, decode_content=False):
                        fh.write(chunk)
                        done += len(chunk)
                        progress.update(done)
            if want.bytes is None or done >= want.bytes:
                progress.update(done, force=True)
                return
            raise requests.exceptions.ChunkedEncodingError(f"body ended at {done} of {want.bytes} bytes")
        except (requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError,
                requests.exceptions.Timeout, urllib3.exceptions.HTTPError) as exc:
            attempt += 1
            got = part.stat().st_size if part.exists() else 0
            if attempt > retries:
                raise DownloadError(f"{want.path}: transfer interrupted {attempt} times ({exc}); "
                                    f"{_human(got)} kept in {part}, run the command again to resume") from None
            progress.say(f"{want.path}: transfer interrupted at {_human(got)} ({type(exc).__name__}); retrying")
            time.sleep(min(backoff * 2 ** (attempt - 1), 10))


def _range_start(content_range: str) -> int | None:
    # "bytes 100-199/200"
    try:
        return int(content_range.split()[1].split("-")[0])
    except (IndexError, ValueError):
        return None


def _fetch_local(source: Source, want: Wanted, part: Path, progress: Progress) -> None:
    src = Path(source.where(want.remote))
    try:
        with open(src, "rb") as fin, open(part, "wb") as fout:
            done = 0
            for chunk in iter(lambda: fin.read(CHUNK), b""):
                fout.write(chunk)
                done += len(chunk)
                progress.update(done)
    except OSError as exc:
        raise DownloadError(f"{want.path}: cannot read {src} ({exc.strerror or exc})") from None


def fetch_file(source: Source, want: Wanted, final: Path, retries: int = 5, backoff: float = 0.5,
               stream=None) -> str:
    """Bring one file to ``final`` and verify it; returns what happened ("verified", "already there")."""
    progress = Progress(want.path, want.bytes, stream)
    if final.exists():
        if sha256_file(final) == want.sha256:
            progress.say(f"{want.path}: already there, sha256 verified")
            return "already there"
        final.unlink()
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_name(final.name + ".part")
    if source.http:
        _fetch_http(source, want, part, progress, retries, backoff)
    else:
        _fetch_local(source, want, part, progress)
    got = sha256_file(part)
    size = part.stat().st_size
    if got != want.sha256 or (want.bytes is not None and size != want.bytes):
        part.unlink(missing_ok=True)
        raise DownloadError(f"{want.path}: sha256 does not match datapackage.json (expected {want.sha256}, got {got}, "
                            f"{size} bytes) from {source.where(want.remote)}; the file was deleted")
    os.replace(part, final)
    progress.say(f"{want.path}: {_human(size)}, sha256 verified")
    return "verified"


# ---- the whole download --------------------------------------------------------------------------------------


def download(base_url: str, version: str = "latest", tables: list[str] | None = None, fmt: str = "parquet",
             dest: str | Path = DEFAULT_DEST, session: requests.Session | None = None, retries: int = 5,
             backoff: float = 0.5, stream=None) -> dict:
    """Fetch and verify one release's tables into dest/<version>/; returns what was fetched where."""
    stream = stream or sys.stderr
    source = Source(base_url, session)
    dest = Path(dest)
    index = source.read_json("index.json", " — is the base URL the releases folder, the one holding index.json?")
    version = pick_version(index, version)
    package_bytes = source.read_bytes(f"{version}/datapackage.json")
    try:
        package = json.loads(package_bytes.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise DownloadError(f"{source.where(version + '/datapackage.json')}: not valid JSON ({exc})") from None
    wanted = plan(package, tables, fmt, version)
    folder = dest / version
    targets = [(w, safe_destination(folder, w.path, dest)) for w in wanted]  # refuse before fetching anything
    print(f"release {version} (schema {package.get('schema_version', '?')}) from {source.base}: "
          f"{len(wanted)} {fmt} files, {_human(sum(w.bytes or 0 for w in wanted))}", file=stream)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "datapackage.json").write_bytes(package_bytes)
    results = []
    for want, final in targets:
        outcome = fetch_file(source, want, final, retries=retries, backoff=backoff, stream=stream)
        results.append({"table": want.table, "path": str(final), "sha256": want.sha256, "outcome": outcome})
    return {"version": version, "folder": str(folder.resolve()), "format": fmt, "files": results,
            "schema_version": package.get("schema_version")}
