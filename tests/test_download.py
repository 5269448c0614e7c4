"""`dealwire download` against a real http.server on 127.0.0.1 serving releases made by the tests:
latest and given versions, Parquet and CSV, a local folder, an interrupted transfer resumed with
HTTP Range, a corrupted file, and a path that would land outside --dest."""
from __future__ import annotations

import http.server
import json
import os
import shutil
import threading

import pandas as pd
import pytest

from flows.cli import main
from flows.download import DownloadError, download


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files with HTTP Range; cuts the body of each path in `cut` half-way the first time."""

    cut: set = set()
    seen: list = []
    lock = threading.Lock()

    def log_message(self, format, *args):  # noqa: A002 - signature from the base class
        pass

    def do_GET(self):  # noqa: N802 - http.server's name
        path = self.translate_path(self.path)
        with self.lock:
            self.seen.append((self.path, self.headers.get("Range")))
        if not os.path.isfile(path):
            return super().do_GET()
        with open(path, "rb") as fh:
            data = fh.read()
        wanted = self.headers.get("Range")
        start = int(wanted.split("=", 1)[1].split("-", 1)[0]) if wanted else 0
        body = data[start:]
        self.send_response(206 if wanted else 200)
        if wanted:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        with self.lock:
            cut = self.path in self.cut and not wanted
            self.cut.discard(self.path)
        if cut:  # the connection drops half-way: the client sees fewer bytes than Content-Length
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture
def site(small_releases, tmp_path, serve_dir):
    """A copy of the small releases served over HTTP with Range support."""
    root = tmp_path / "site" / "releases"
    shutil.copytree(small_releases["root"], root, symlinks=True)
    handler = type("Handler", (RangeHandler,), {"cut": set(), "seen": [], "lock": threading.Lock()})
    server = serve_dir(tmp_path / "site", handler)
    return {"root": root, "base": server.url("releases"), "handler": handler}


def test_download_latest_tables_over_http(site, tmp_path, capsys):
    dest = tmp_path / "dest"
    code = main(["download", "--base-url", site["base"], "--tables", "quotes, articles", "--dest", str(dest)])
    out, err = capsys.readouterr()
    assert code == 0, err
    folder = dest / "2026.03.13"
    for table in ("quotes", "articles"):
        got = folder / "data" / f"{table}.parquet"
        assert got.read_bytes() == (site["root"] / "2026.03.13" / "data" / f"{table}.parquet").read_bytes()
        assert f"  {got.resolve()}" in out
    assert sorted(p.name for p in (folder / "data").iterdir()) == ["articles.parquet", "quotes.parquet"]
    assert pd.read_parquet(folder / "data" / "articles.parquet")["article_id"].tolist() == [
        "art0000000000a", "art0000000000b", "art0000000000c"]
    assert "pd.read_parquet(" in out and "duckdb -c" in out and str(folder.resolve()) in out
    assert "data/quotes.parquet" in err and "sha256 verified" in err  # progress goes to stderr
    assert json.loads((folder / "datapackage.json").read_text())["version"] == "2026.03.13"
    # a second run finds the files and checks them again instead of fetching them
    assert main(["download", "--base-url", site["base"], "--tables", "quotes", "--dest", str(dest)]) == 0
    assert "already there, sha256 verified" in capsys.readouterr().err


def test_download_a_given_version_as_csv_from_a_local_folder(small_releases, tmp_path):
    result = download(str(small_releases["root"]), version="2026.03.04", tables=["deals"], fmt="csv",
                      dest=tmp_path / "d")
    (f,) = result["files"]
    assert f["outcome"] == "verified" and f["path"].endswith("2026.03.04/data/deals.csv")
    assert open(f["path"], "rb").read() == (small_releases["v1"] / "data" / "deals.csv").read_bytes()


def test_an_interrupted_transfer_is_resumed_with_range(site, tmp_path):
    path = "/releases/2026.03.13/data/articles.parquet"
    size = (site["root"] / "2026.03.13" / "data" / "articles.parquet").stat().st_size
    site["handler"].cut.add(path)
    result = download(site["base"], tables=["articles"], dest=tmp_path / "d", backoff=0.01)
    assert result["files"][0]["outcome"] == "verified"
    asked = [rng for p, rng in site["handler"].seen if p == path]
    assert asked == [None, f"bytes={size // 2}-"]
    assert not list((tmp_path / "d").rglob("*.part"))

    # a .part left by an earlier run is resumed from where it stopped
    final = tmp_path / "e" / "2026.03.13" / "data" / "quotes.parquet"
    final.parent.mkdir(parents=True)
    whole = (site["root"] / "2026.03.13" / "data" / "quotes.parquet").read_bytes()
    final.with_name("quotes.parquet.part").write_bytes(whole[:100])
    download(site["base"], tables=["quotes"], dest=tmp_path / "e")
    assert [rng for p, rng in site["handler"].seen if p.endswith("quotes.parquet")] == ["bytes=100-"]
    assert final.read_bytes() == whole


def test_a_corrupted_file_is_refused_and_deleted(site, tmp_path, capsys):
    quotes = site["root"] / "2026.03.13" / "data" / "quotes.parquet"
    data = bytearray(quotes.read_bytes())
    data[len(data) // 2] ^= 0xFF  # same size, one byte different
    quotes.write_bytes(bytes(data))
    dest = tmp_path / "dest"
    assert main(["download", "--base-url", site["base"], "--tables", "deals,quotes", "--dest", str(dest)]) == 1
    err = capsys.readouterr().err
    assert "data/quotes.parquet: sha256 does not match datapackage.json" in err and "deleted" in err
    data_dir = dest / "2026.03.13" / "data"
    assert sorted(p.name for p in data_dir.iterdir()) == ["deals.parquet"]  # verified before; nothing of quotes


def test_a_path_outside_dest_is_refused(site, tmp_path, capsys):
    package_path = site["root"] / "2026.03.13" / "datapackage.json"
    package = json.loads(package_path.read_text())
    quotes = next(r for r in package["resources"] if r["name"] == "quotes")
    quotes["parquet"]["path"] = "../../escaped.parquet"
    package_path.write_text(json.dumps(package))
    dest = tmp_path / "dest"
    assert main(["download", "--base-url", site["base"], "--tables", "quotes", "--dest", str(dest)]) == 1
    assert "refusing '../../escaped.parquet'" in capsys.readouterr().err
    assert not list(tmp_path.rglob("escaped.parquet*"))
    quotes["parquet"]["path"] = "/etc/escaped.parquet"
    package_path.write_text(json.dumps(package))
    with pytest.raises(DownloadError, match="outside"):
        download(site["base"], tables=["quotes"], dest=dest)


def test_clear_errors_for_unknown_tables_versions_and_places(site, tmp_path):
    with pytest.raises(DownloadError, match="no table nope .*tables: articles"):
        download(site["base"], tables=["nope"], dest=tmp_path)
    with pytest.raises(DownloadError, match="release 2025.01.01 is not in index.json"):
        download(site["base"], version="2025.01.01", dest=tmp_path)
    with pytest.raises(DownloadError, match="release version"):
        download(site["base"], version="../../etc", dest=tmp_path)
    with pytest.raises(DownloadError, match="HTTP 404"):
        download(site["base"] + "/nothing-here", dest=tmp_path)
    with pytest.raises(DownloadError, match="index.json: cannot read"):
        download(str(tmp_path / "no-releases-here"), dest=tmp_path)
