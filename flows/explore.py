"""`dealwire explore`: a release's SQLite database in the browser, served by Datasette on 127.0.0.1.

    dealwire explore [--version latest|VERSION] [--releases DIR | --base-url URL] [--port N]

The database is served where it lies in a local releases folder (``--releases``, default
output/releases), or downloaded first, sha256 verified, from a published one (``--base-url``, into
``--dest``). The metadata (titles, descriptions, licence, sources, canned queries) comes from the
release's datapackage.json and ``transforms/release/explore.py``; deal pages and the
``evidence_passage`` SQL function from the plugin in ``flows/explore_site/``. Read-only: Datasette
opens the file immutable.
"""
from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from pathlib import Path

from flows.download import DownloadError, download, pick_version
from flows.store import sha256_file
from transforms.release.explore import DATABASE, datasette_metadata

SITE = Path(__file__).resolve().parent / "explore_site"
HOST = "127.0.0.1"
DEFAULT_PORT = 8001


class ExploreError(RuntimeError):
    """A release that cannot be explored; the message names the folder or file and the reason."""


def _read_json(path: Path, hint: str = "") -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ExploreError(f"{path}: not found{hint}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ExploreError(f"{path}: not valid JSON ({exc})") from None


def _database_of(folder: Path, package: dict) -> Path:
    """The release's database file, checked against datapackage.json (size and sha256)."""
    entry = package.get("sqlite")
    if not isinstance(entry, dict) or not entry.get("path"):
        raise ExploreError(f"{folder}: release {package.get('version', '?')} has no SQLite database (it was "
                           "published before dealwire.sqlite was added); publish a new release to explore it")
    path = folder / entry["path"]
    if not path.is_file():
        raise ExploreError(f"{path}: not found, though datapackage.json lists it")
    expected = str(entry.get("hash", "")).removeprefix("sha256:")
    if expected and sha256_file(path) != expected:
        raise ExploreError(f"{path}: sha256 does not match datapackage.json; the release is damaged")
    return path


def local_release(releases: str | Path, version: str = "latest") -> tuple[Path, dict]:
    """The database and datapackage.json of a release in a local releases folder (one holding
    index.json), or of the release folder itself (one holding datapackage.json, as `dealwire
    download` leaves it)."""
    root = Path(releases)
    if (root / "datapackage.json").is_file() and not (root / "index.json").exists():
        package = _read_json(root / "datapackage.json")
        if version not in ("latest", "", None) and package.get("version") != version:
            raise ExploreError(f"{root}: holds release {package.get('version', '?')}, not {version}")
        return _database_of(root, package), package
    index = _read_json(root / "index.json", " (is this the releases folder? `make demo` publishes one in "
                                            "output/releases; or pass --base-url)")
    try:
        version = pick_version(index, version)
    except DownloadError as exc:
        raise ExploreError(f"{root}: {exc}") from None
    package = _read_json(root / version / "datapackage.json")
    return _database_of(root / version, package), package


def remote_release(base_url: str, version: str, dest: str | Path) -> tuple[Path, dict]:
    """The database of a published release, downloaded into dest/<version>/ and verified."""
    try:
        result = download(base_url, version=version, fmt="sqlite", dest=dest)
    except DownloadError as exc:
        raise ExploreError(str(exc)) from None
    folder = Path(result["folder"])
    return Path(result["files"][0]["path"]), _read_json(folder / "datapackage.json")


def row_counts(path: Path, tables: list[str]) -> dict[str, int]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def datasette_args(path: Path, metadata: Path, port: int) -> list[str]:
    """The `datasette serve` arguments: the file immutable, our metadata, templates and plugin."""
    return ["serve", "-i", str(path), "--metadata", str(metadata), "--host", HOST, "--port", str(port),
            "--template-dir", str(SITE / "templates"), "--plugins-dir", str(SITE / "plugins"),
            "--setting", "sql_time_limit_ms", "5000", "--setting", "facet_time_limit_ms", "500"]


def explore(path: Path, package: dict, port: int = DEFAULT_PORT, stream=None) -> int:
    """Serve the database until interrupted; Datasette's exit code."""
    from datasette.cli import cli

    stream = stream or sys.stderr
    counts = row_counts(path, ["deals", "quotes", "articles"])
    url = f"http://{HOST}:{port}/{DATABASE}"
    print(f"dealwire explore: release {package.get('version', '?')} ({counts['deals']} deals, {counts['quotes']} "
          f"quotes, {counts['articles']} articles) from {path}\n  {url}  (deals: {url}/deals, canned queries "
          f"on {url}); Ctrl-C stops it", file=stream, flush=True)
    with tempfile.TemporaryDirectory(prefix="dealwire-explore-") as tmp:
        metadata = Path(tmp) / "metadata.json"
        metadata.write_text(json.dumps(datasette_metadata(package), indent=2), encoding="utf-8")
        try:
            cli.main(args=datasette_args(path, metadata, port), prog_name="datasette", standalone_mode=False)
        except KeyboardInterrupt:
            return 0
    return 0
