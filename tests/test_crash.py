"""Crash-safe re-runs: the real pipeline (`dealwire run`) in a subprocess, killed with SIGKILL at
several points, then run again; the release it ends with must hold the same tables as the release of
an uninterrupted run: nothing lost, nothing doubled, nothing half-written in the store.

One store goes through five runs, each a re-run of the one killed before it, then a last run to the
end. Kill points, each observed from outside the process:

* fetch: a local http.server holds one article's request open until the process is killed;
* extraction: the first extraction file appears in the store (batches of one article);
* release, validation: the private work folder holds the staged tables (its TMPDIR is the test's);
* release, uploaded: the release is uploaded to ``<releases>/.tmp-<version>-<id>/``, not yet moved;
* release, in place: the release folder has been moved into place and index.json is not yet written.
  No file shows these two moments for long enough to poll, so the subprocess's launcher (in this
  file, not in product code) wraps ``Target.check_sizes`` or ``Target.write_index`` to touch a marker
  file and sleep; it is killed there.

The subprocesses report to the session harness's Prefect API (no server of their own), and read a
small corpus: four .txt samples from a folder and two HTML samples over HTTP.
"""
from __future__ import annotations

import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from conftest import ROOT, SAMPLES, LocalServer
from transforms.schema import TABLES

pytestmark = pytest.mark.flow

TEXT_SAMPLES = ("01-sarnovia-loan-talks.txt", "03-ostrel-gas-offer.txt", "13-sarnovia-ratifies-loan.txt",
                "14-taluna-cancels-gas-deal.txt")
HTML_SAMPLES = ("09-sarnovia-signs-loan.html", "12-taluna-gas-deal-stalls.html")
N_ARTICLES = len(TEXT_SAMPLES) + len(HTML_SAMPLES)
RUN_TIMEOUT = 180  # seconds: a run takes under half a minute; this only stops a hung run hanging the suite

# Columns that say when or by which run something was read, not what was read: the time, and the
# HTTP status (a page read again is a conditional GET: 304 where the first read had 200).
RUN_COLUMNS = {"articles": {"retrieved_at"}, "fetch_log": {"fetch_id", "retrieved_at", "http_status"}}

# The subprocess: `dealwire run ARGS`, optionally paused (then killed) when a named function is called.
LAUNCHER = r"""
import importlib, os, sys, time
pause_at = os.environ.get("CRASH_TEST_PAUSE_AT")
if pause_at:
    module_name, _, qualname = pause_at.partition(":")
    owner_name, _, attribute = qualname.rpartition(".")
    owner = importlib.import_module(module_name)
    for part in filter(None, owner_name.split(".")):
        owner = getattr(owner, part)
    def paused(*args, **kwargs):
        open(os.environ["CRASH_TEST_MARKER"], "w").close()
        time.sleep(600)  # the test kills the process here; if it never does, end without going on
        os._exit(99)
    setattr(owner, attribute, paused)
from flows.cli import main
sys.exit(main(sys.argv[1:]))
"""


# ---- the corpus and the web server ----------------------------------------------------------------


class HoldingHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder; a request for ``hold_path`` waits (up to a minute) while ``holding`` is set."""

    hold_path: str | None = None
    holding = threading.Event()
    arrived = threading.Event()

    def do_GET(self):  # noqa: N802 - the base class's name
        if self.path == self.hold_path and self.holding.is_set():
            self.arrived.set()
            deadline = time.monotonic() + 60
            while self.holding.is_set() and time.monotonic() < deadline:
                time.sleep(0.05)
        super().do_GET()

    def log_message(self, format, *args):  # noqa: A002
        pass


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict:
    """The folder of .txt samples and the HTML samples on a local server (for the whole module)."""
    tmp = tmp_path_factory.mktemp("crash_corpus")
    folder, web = tmp / "articles", tmp / "web"
    folder.mkdir()
    web.mkdir()
    metadata = json.loads((SAMPLES / "metadata.json").read_text(encoding="utf-8"))
    for name in TEXT_SAMPLES:
        shutil.copy(SAMPLES / name, folder / name)
    (folder / "metadata.json").write_text(json.dumps({n: metadata[n] for n in TEXT_SAMPLES}), encoding="utf-8")
    shutil.copy(SAMPLES / "source.json", folder / "source.json")
    for name in HTML_SAMPLES:
        shutil.copy(SAMPLES / name, web / name)
    server = LocalServer(web, HoldingHandler)
    yield {"folder": folder, "server": server, "urls": [server.url(n) for n in HTML_SAMPLES]}
    HoldingHandler.holding.clear()
    server.close()


@pytest.fixture(scope="module")
def api_url(prefect_harness) -> str:
    from prefect.settings import PREFECT_API_URL

    return PREFECT_API_URL.value()


# ---- running and killing the pipeline ---------------------------------------------------------------


STARTED: list[subprocess.Popen] = []  # every run this module started, ended at module teardown


@pytest.fixture(scope="module", autouse=True)
def no_run_outlives_the_module():
    yield
    for process in STARTED:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


class Run:
    """One `dealwire run` subprocess over the corpus, into a store and a releases folder of a place."""

    def __init__(self, place: Path, corpus: dict, api_url: str, batch_size: int = 2, pause_at: str | None = None,
                 extra: list[str] | None = None):
        self.place = place
        self.tmpdir = place / "tmp"          # the release's private work folder is made here
        self.tmpdir.mkdir(parents=True, exist_ok=True)
        self.marker = place / "paused"
        self.marker.unlink(missing_ok=True)
        n = len(list(place.glob("run-*.log")))
        self.log = place / f"run-{n}.log"
        env = {**os.environ, "PREFECT_API_URL": api_url, "TMPDIR": str(self.tmpdir),
               "PREFECT_HOME": str(place / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
               "DO_NOT_TRACK": "1", "CRASH_TEST_MARKER": str(self.marker)}
        env.pop("CRASH_TEST_PAUSE_AT", None)
        if pause_at:
            env["CRASH_TEST_PAUSE_AT"] = pause_at
        args = ["run", "--source", str(corpus["folder"]), *[a for u in corpus["urls"] for a in ("--url", u)],
                "--store", str(self.store), "--output", str(self.releases), "--batch-size", str(batch_size),
                "--host-delay", "0", "--max-retries", "1", *(extra or [])]
        with open(self.log, "wb") as out:
            self.process = subprocess.Popen([sys.executable, "-c", LAUNCHER, *args], cwd=ROOT, env=env,
                                            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        STARTED.append(self.process)

    @property
    def store(self) -> Path:
        return self.place / "store"

    @property
    def releases(self) -> Path:
        return self.place / "releases"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-6000:]

    def wait_for(self, what: str, ready, timeout: float = 120) -> None:
        """Poll until ready() is true; fail if the run ends first or it takes too long."""
        deadline = time.monotonic() + timeout
        while not ready():
            if self.process.poll() is not None:
                pytest.fail(f"the run ended (exit {self.process.returncode}) before {what}:\n{self.output()}")
            if time.monotonic() > deadline:
                self.kill()
                pytest.fail(f"no {what} after {timeout} s:\n{self.output()}")
            time.sleep(0.02)

    def kill(self) -> None:
        """SIGKILL: no finally block, no atexit, no cleanup runs."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)

    def finish(self) -> None:
        try:
            code = self.process.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"the run did not end within {RUN_TIMEOUT} s:\n{self.output()}")
        assert code == 0, f"dealwire run failed (exit {code}):\n{self.output()}"


def complete_run(place: Path, corpus: dict, api_url: str) -> Run:
    run = Run(place, corpus, api_url)
    run.finish()
    return run


# ---- reading what a run left --------------------------------------------------------------------------


def latest_release(releases: Path) -> Path:
    index = json.loads((releases / "index.json").read_text(encoding="utf-8"))
    return releases / index["latest"]


def release_tables(release: Path) -> dict[str, pd.DataFrame]:
    return {name: pq.read_table(release / "data" / f"{name}.parquet").to_pandas() for name in TABLES}


def comparable(name: str, frame: pd.DataFrame) -> pd.DataFrame:
    """A table without the columns that name its run, in primary-key order. The fetch log holds one
    row per input and run (a killed run that got past ingest wrote its own): it is compared as the
    set of distinct (input, source, outcome, reason, article) facts, an input read again being
    "unchanged" where the first run said "ok"."""
    frame = frame.drop(columns=sorted(RUN_COLUMNS.get(name, set()) & set(frame.columns)))
    if name == "fetch_log":
        frame = frame.assign(outcome=frame["outcome"].replace({"unchanged": "ok"})).drop_duplicates()
        key = list(frame.columns)
    else:
        key = list(TABLES[name].primary_key)
    return frame.sort_values(key).reset_index(drop=True)


def assert_same_tables(got: dict[str, pd.DataFrame], want: dict[str, pd.DataFrame]) -> None:
    for name in TABLES:
        a, b = comparable(name, got[name]), comparable(name, want[name])
        if name != "fetch_log":
            assert not a.duplicated(list(TABLES[name].primary_key)).any(), f"{name}: a key twice"
        assert len(a) == len(b), f"{name}: {len(a)} rows, an uninterrupted run has {len(b)}"
        pd.testing.assert_frame_equal(a, b, check_dtype=False, obj=name)


def assert_store_whole(store: Path) -> None:
    """Every file under a real name is complete: raw snapshots match their sha256, JSON parses."""
    for path in store.rglob("*"):
        if not path.is_file() or path.name.startswith(".tmp-"):
            continue
        relative = path.relative_to(store).as_posix()
        if relative.startswith("raw/"):
            assert hashlib.sha256(path.read_bytes()).hexdigest() == path.name, f"{relative}: half-written"
        elif path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                json.loads(line)


def assert_releases_whole(releases: Path) -> None:
    """index.json lists only complete releases (every SHA256SUMS line checks), and ``latest`` is the last."""
    index = json.loads((releases / "index.json").read_text(encoding="utf-8"))
    for entry in index["releases"]:
        folder = releases / entry["version"]
        for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
            digest, name = line.split("  ", 1)
            assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest, f"{folder / name}"
    assert os.readlink(releases / "latest") == index["latest"]


@pytest.fixture(scope="module")
def uninterrupted(corpus, api_url, tmp_path_factory) -> dict[str, pd.DataFrame]:
    run = complete_run(tmp_path_factory.mktemp("uninterrupted"), corpus, api_url)
    tables = release_tables(latest_release(run.releases))
    assert len(tables["articles"]) == N_ARTICLES and len(tables["quotes"]) > 0 and len(tables["deal_events"]) > 0
    return tables


def rerun_and_compare(place: Path, corpus: dict, api_url: str, uninterrupted: dict) -> Run:
    """Run again to the end; its release must equal the uninterrupted run's, the store be whole."""
    assert_store_whole(place / "store")
    run = complete_run(place, corpus, api_url)
    assert_same_tables(release_tables(latest_release(run.releases)), uninterrupted)
    assert_store_whole(run.store)
    assert_releases_whole(run.releases)
    return run


def extraction_files(store: Path) -> list[Path]:
    return [p for p in (store / "extractions").rglob("*.json") if not p.name.startswith(".tmp-")]


# ---- the kill points ------------------------------------------------------------------------------------


def kill_during_fetch(place: Path, corpus: dict, api_url: str) -> dict:
    """The second URL's response is held until the process is killed: the folder's articles and the
    first page are stored, nothing extracted, nothing published. Returns how many articles were
    stored and how many fetch_log rows were written by then."""
    HoldingHandler.hold_path = "/" + HTML_SAMPLES[1]
    HoldingHandler.arrived.clear()
    HoldingHandler.holding.set()
    try:
        run = Run(place, corpus, api_url)
        run.wait_for("the held request", HoldingHandler.arrived.is_set)
        run.kill()
    finally:
        HoldingHandler.holding.clear()
    assert_store_whole(place / "store")
    stored = len([p for p in (place / "store" / "articles").rglob("*.json") if not p.name.startswith(".tmp-")])
    assert 0 < stored < N_ARTICLES
    assert not extraction_files(place / "store") and not (place / "releases" / "index.json").exists()
    logged = sum(len(p.read_text(encoding="utf-8").splitlines()) for p in (place / "store").glob("fetch_log/*.jsonl"))
    return {"stored": stored, "logged": logged}


def kill_during_extraction(place: Path, corpus: dict, api_url: str) -> None:
    """Batches of one article; killed as soon as the first extraction is stored."""
    run = Run(place, corpus, api_url, batch_size=1)
    run.wait_for("an extraction file", lambda: bool(extraction_files(run.store)))
    run.kill()
    assert_store_whole(place / "store")
    assert 1 <= len(extraction_files(place / "store")) < N_ARTICLES  # killed half-way
    assert not (place / "releases" / "index.json").exists()


def kill_during_validation(place: Path, corpus: dict, api_url: str) -> None:
    """Killed once every table is staged in the private work folder (the suites run next): nothing
    is published; the work folder is left in TMPDIR, never in the releases folder."""
    run = Run(place, corpus, api_url)
    staged = lambda: len(list(run.tmpdir.glob("dealwire-work/dealwire-release-*/full/*.parquet"))) == len(TABLES)  # noqa: E731
    run.wait_for("the staged tables", staged)
    run.kill()
    assert_store_whole(place / "store")
    releases = place / "releases"
    published = [p.name for p in releases.iterdir() if not p.name.startswith(".")] if releases.exists() else []
    assert not published and not list(releases.glob(".tmp-*"))


def kill_after_upload(place: Path, corpus: dict, api_url: str) -> str:
    """Killed with the release uploaded beside the target (``<releases>/.tmp-<version>-<id>/``) and
    not yet moved into place: nothing is listed or in place. Returns the .tmp- folder's name."""
    run = Run(place, corpus, api_url, pause_at="flows.publish:Target.check_sizes")
    run.wait_for("the pause after the upload", run.marker.exists)
    run.kill()
    assert_store_whole(place / "store")
    releases = place / "releases"
    uploads = [p.name for p in releases.iterdir() if p.name.startswith(".tmp-") and p.is_dir()]
    assert len(uploads) == 1 and (releases / uploads[0] / "SHA256SUMS").exists()
    assert not (releases / "index.json").exists()
    assert not [p for p in releases.iterdir() if not p.name.startswith(".")]
    return uploads[0]


def kill_before_index_json(place: Path, corpus: dict, api_url: str, *version: str) -> str:
    """Killed with the release folder complete and in place, index.json not yet written: readers (who
    go through index.json) see nothing. Returns the version left in place."""
    run = Run(place, corpus, api_url, pause_at="flows.publish:Target.write_index", extra=list(version))
    run.wait_for("the pause before index.json", run.marker.exists)
    run.kill()
    assert_store_whole(place / "store")
    releases = place / "releases"
    in_place = [p.name for p in releases.iterdir() if not p.name.startswith(".")]
    assert len(in_place) == 1 and not (releases / "index.json").exists()
    assert (releases / in_place[0] / "SHA256SUMS").exists()
    return in_place[0]


KEPT_VERSION = "2026.01.02"  # the version the run killed before index.json was publishing


@pytest.fixture(scope="module")
def crashed(corpus, api_url, tmp_path_factory) -> dict:
    """One store and releases folder through five runs, each a re-run of the one killed before it:
    killed during fetch, during extraction, during validation, after the upload, and before
    index.json. A copy of the state after the last kill is kept for a second kind of re-run."""
    place = tmp_path_factory.mktemp("crashed")
    after_fetch_kill = kill_during_fetch(place, corpus, api_url)
    kill_during_extraction(place, corpus, api_url)
    kill_during_validation(place, corpus, api_url)
    upload = kill_after_upload(place, corpus, api_url)
    assert kill_before_index_json(place, corpus, api_url, "--version", KEPT_VERSION) == KEPT_VERSION
    copy = tmp_path_factory.mktemp("crashed_copy")
    for part in ("store", "releases"):
        shutil.copytree(place / part, copy / part, symlinks=True)
    return {"place": place, "copy": copy, "after_fetch_kill": after_fetch_kill, "upload": upload}


def test_a_rerun_after_every_kill_publishes_the_tables_of_an_uninterrupted_run(crashed, corpus, api_url,
                                                                               uninterrupted):
    rerun = rerun_and_compare(crashed["place"], corpus, api_url, uninterrupted)
    assert len(extraction_files(rerun.store)) == N_ARTICLES  # each article extracted once, none twice
    index = json.loads((rerun.releases / "index.json").read_text(encoding="utf-8"))
    assert [r["version"] for r in index["releases"]] == [index["latest"]]  # only the re-run's release is listed
    assert index["latest"] != KEPT_VERSION  # the killed run's folder is never listed
    # nothing else in the releases folder but the killed upload's .tmp- folder (never listed; swept once
    # a day old); the private work folders stay in TMPDIR
    names = {p.name for p in rerun.releases.iterdir()} - {KEPT_VERSION}
    assert names == {index["latest"], "index.json", "latest", crashed["upload"]}


def test_a_rerun_with_the_same_version_publishes_it_after_a_kill_before_index_json(crashed, corpus, api_url,
                                                                                   uninterrupted):
    run = Run(crashed["copy"], corpus, api_url, extra=["--version", KEPT_VERSION])
    run.finish()
    assert latest_release(run.releases).name == KEPT_VERSION
    assert_same_tables(release_tables(latest_release(run.releases)), uninterrupted)


def test_what_a_run_killed_during_fetch_stored_is_in_the_fetch_log(crashed):
    """The fetch log is replaced after every batch: the batches that finished before the kill are
    logged (the folder's files); an article stored by the batch that was cut short (the first
    page, fetched beside the held one) is logged by the re-run, as "unchanged"."""
    after = crashed["after_fetch_kill"]
    assert after["logged"] >= len(TEXT_SAMPLES), f"{after['stored']} articles stored, {after['logged']} fetch_log rows"
    assert after["stored"] - after["logged"] <= 1  # at most the cut-short batch's finished fetch
