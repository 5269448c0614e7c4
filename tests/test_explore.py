"""`dealwire explore` as a user runs it: the real command in a second process serving the demo-sized
release (the sample corpus, published without Prefect) with Datasette on a free loopback port, checked
through its JSON API (row counts equal to the Parquet files, a deal's timeline, full-text search,
metadata) and in a real headless browser (Debian's chromium: the deal page shows the deal's parties).
Also: a release fetched with --base-url from a local http.server, and the errors a user can meet."""
from __future__ import annotations

import html
import json
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
import requests

from flows.cli import main
from transforms.release.explore import MARK_END, MARK_START
from transforms.release.tables import to_arrow
from transforms.schema import TABLES

VERSION = "2026.04.01"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Explorer:
    """`dealwire explore …` in a second process, until stop()."""

    def __init__(self, *args: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "explore", *args, "--port", str(self.port)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"dealwire explore exited {self.proc.returncode}:\n{self.proc.stdout.read()}")
            try:
                if requests.get(f"{self.base}/-/versions.json", timeout=2).ok:
                    return
            except requests.ConnectionError:
                time.sleep(0.3)
        self.stop()
        raise AssertionError("dealwire explore did not answer within 90 s")

    def json(self, path: str, **params):
        response = requests.get(f"{self.base}{path}", params=params, timeout=30)
        assert response.ok, (path, response.status_code, response.text[:500])
        return response.json()

    def stop(self) -> str:
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return out


@pytest.fixture(scope="module")
def demo(sample_tables, tmp_path_factory):
    """The sample corpus's tables published as a release, and `dealwire explore` serving it."""
    from flows.publish import publish_tables

    root = tmp_path_factory.mktemp("explore") / "releases"
    published = publish_tables({name: to_arrow(name, sample_tables[name]) for name in TABLES}, str(root), VERSION)
    release = Path(published["path"])
    explorer = Explorer("--releases", str(root))
    yield {"root": root, "release": release, "explorer": explorer}
    explorer.stop()


def _parquet(release: Path, name: str) -> pd.DataFrame:
    return pq.read_table(release / "data" / f"{name}.parquet").to_pandas()


def test_every_table_has_the_rows_of_its_parquet_file(demo):
    explorer, release = demo["explorer"], demo["release"]
    for name in TABLES:
        page = explorer.json(f"/dealwire/{name}.json", _size=0)
        assert page["filtered_table_rows_count"] == pq.ParquetFile(release / "data" / f"{name}.parquet").metadata.num_rows, name
    assert explorer.json("/dealwire/deals.json", _size=0)["filtered_table_rows_count"] > 0


def test_the_timeline_query_gives_a_sample_deal_s_events_in_date_order_with_evidence(demo):
    explorer, release = demo["explorer"], demo["release"]
    events = _parquet(release, "deal_events")
    deal_id = events["deal_id"].value_counts().idxmax()  # the sample deal with the most events
    expected = events[events["deal_id"] == deal_id]
    timeline = explorer.json("/dealwire/deal_timeline.json", deal_id=deal_id, _shape="array")
    assert len(timeline) == len(expected) >= 2
    assert {e["event_id"] for e in timeline} == set(expected["event_id"])
    by_id = expected.set_index("event_id")
    for event in timeline:
        row = by_id.loc[event["event_id"]]
        assert (event["status"], event["evidence"], event["start"], event["end"]) == (
            row["status"], row["text"], row["start"], row["end"])
    dated = [e["event_date"] for e in timeline if e["event_date"]]
    assert dated == sorted(dated)
    articles = _parquet(release, "articles").set_index("article_id")
    for event in timeline:
        text = articles.loc[event["article_id"], "text"]
        if text:
            evidence = " ".join(text[event["start"]:event["end"]].split())  # the passage folds whitespace
            assert f"{MARK_START}{evidence}{MARK_END}" in event["passage"]
        else:
            assert event["passage"] is None  # a source whose text is not republished


def test_full_text_search_and_metadata(demo):
    explorer, release = demo["explorer"], demo["release"]
    quotes = _parquet(release, "quotes")
    word = max(re.findall(r"[A-Za-z]{7,}", " ".join(quotes["text"])), key=len)
    found = explorer.json("/dealwire/quotes.json", _search=word, _shape="array")
    assert found and all(word.lower() in q["text"].lower() or word.lower() in (q["speaker_text"] or "").lower()
                         for q in found)
    meta = explorer.json("/-/metadata.json")
    assert meta["title"] == f"dealwire {VERSION}" and meta["license"] == "CC-BY-4.0"
    assert meta["databases"]["dealwire"]["tables"]["quotes"]["description"] == TABLES["quotes"].description


def _browser() -> str | None:
    return next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)


def test_a_headless_browser_shows_the_deal_s_parties_on_its_page(demo, tmp_path):
    browser = _browser()
    if not browser:
        pytest.skip("no headless browser: install Debian's chromium (`apt-get install chromium`; .ci/run does) "
                    "to run this test")
    explorer, release = demo["explorer"], demo["release"]
    parties = _parquet(release, "deal_parties").merge(_parquet(release, "actors"), on="actor_id")
    deal_id = parties["deal_id"].value_counts().idxmax()
    names = sorted(set(parties.loc[parties["deal_id"] == deal_id, "name"]))
    deal_name = _parquet(release, "deals").set_index("deal_id").loc[deal_id, "name"]
    dom = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", f"{explorer.base}/dealwire/deals/{deal_id}"],
        capture_output=True, text=True, timeout=120).stdout
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", dom)).split())
    assert deal_name in page
    parties_part = page[page.index("A deal's parties"):page.index("A deal's terms")]
    assert len(names) >= 2 and all(name in parties_part for name in names), (names, parties_part[:500])


def test_a_release_fetched_with_base_url_is_verified_and_served(demo, serve_dir, tmp_path):
    site = serve_dir(demo["root"])
    explorer = Explorer("--base-url", site.base, "--dest", str(tmp_path / "data"))
    try:
        assert explorer.json("/dealwire/deals.json", _size=0)["filtered_table_rows_count"] == len(
            _parquet(demo["release"], "deals"))
    finally:
        out = explorer.stop()
    assert (tmp_path / "data" / VERSION / "data" / "dealwire.sqlite").is_file()
    assert "sha256 verified" in out and f"release {VERSION}" in out


def test_errors_name_the_folder_and_the_reason(demo, tmp_path, capsys):
    assert main(["explore", "--releases", str(tmp_path / "nowhere")]) == 1
    assert "nowhere/index.json: cannot read" in capsys.readouterr().err
    old = tmp_path / "old"
    shutil.copytree(demo["release"], old)
    package = json.loads((old / "datapackage.json").read_text())
    del package["sqlite"]
    (old / "datapackage.json").write_text(json.dumps(package))
    assert main(["explore", "--releases", str(old)]) == 1
    assert "has no SQLite database" in capsys.readouterr().err
    damaged = tmp_path / "damaged"
    shutil.copytree(demo["release"], damaged)
    with open(damaged / "data" / "dealwire.sqlite", "ab") as fh:
        fh.write(b"\0")
    assert main(["explore", "--releases", str(damaged)]) == 1
    assert "sha256 does not match" in capsys.readouterr().err
    assert main(["explore", "--releases", str(demo["root"]), "--version", "2020.01.01"]) == 1
    assert "release 2020.01.01 is not in index.json" in capsys.readouterr().err
