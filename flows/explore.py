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
import sys
import tempfile
from pathlib import Path

from flows.database import row_counts
from flows.download import SQLITE, DownloadError, Source, download, pick_version, plan, safe_destination
from flows.store import sha256_file
from transforms.release.explore import DATABASE, datasette_metadata

SITE = Path(__file__).resolve().parent / "explore_site"
HOST = "127.0.0.1"
DEFAULT_PORT = 8001


class ExploreError(RuntimeError):
    """A release that cannot be explored; the message names the folder or file and the reason."""


def _database_of(folder: Path, package: dict) -> Path:
    """The release's database file (datapackage.json's ``sqlite`` entry as `dealwire download`
    plans it, refused if it lies outside the folder), checked against its size and sha256."""
    try:
        (want,) = plan(package, None, SQLITE, package.get("version", ""))
        path = safe_destination(folder, want.path, folder)
    except DownloadError as exc:
        raise ExploreError(f"{folder}: {exc}") from None
    if not path.is_file():
        raise ExploreError(f"{path}: not found, though datapackage.json lists it")
    if (want.bytes is not None and path.stat().st_size != want.bytes) or sha256_file(path) != want.sha256:
        raise ExploreError(f"{path}: size or sha256 does not match datapackage.json; the release is damaged")
    return path


def local_release(releases: str | Path, version: str = "latest") -> tuple[Path, dict]:
    """The database and datapackage.json of a release in a local releases folder (one holding
    index.json), or of the release folder itself (one holding datapackage.json, as `dealwire
    download` leaves it)."""
    root, source = Path(releases), Source(str(releases))
    try:
        if (root / "datapackage.json").is_file() and not (root / "index.json").exists():
            package = source.read_json("datapackage.json")
            if version not in ("latest", "", None) and package.get("version") != version:
                raise ExploreError(f"{releases}: holds release {package.get('version', '?')}, not {version}")
            return _database_of(root, package), package
        index = source.read_json("index.json", " (is this the releases folder? `make demo` publishes one in "
                                               "output/releases; or pass --base-url)")
        version = pick_version(index, version)
        package = source.read_json(f"{version}/datapackage.json")
    except DownloadError as exc:
        raise ExploreError(str(exc)) from None
    return _database_of(root / version, package), package


def remote_release(base_url: str, version: str, dest: str | Path) -> tuple[Path, dict]:
    """The database of a published release, downloaded into dest/<version>/ and verified."""
    try:
        result = download(base_url, version=version, fmt=SQLITE, dest=dest)
        package = Source(result["folder"]).read_json("datapackage.json")
    except DownloadError as exc:
        raise ExploreError(str(exc)) from None
    return Path(result["files"][0]["path"]), package


def datasette_args(path: Path, metadata: Path, port: int) -> list[str]:
    """The `datasette serve` arguments: the file immutable, our metadata, templates and plugin."""
    return ["serve", "-i", str(path), "--metadata", str(metadata), "--host", HOST, "--port", str(port),
            "--template-dir", str(SITE / "templates"), "--plugins-dir", str(SITE / "plugins"),
            "--setting", "sql_time_limit_ms", "5000", "--setting", "facet_time_limit_ms", "500"]


def explore(path: Path, package: dict, port: int = DEFAULT_PORT, stream=None) -> int:
    """Serve the database until interrupted (Ctrl-C); 0 then."""
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
