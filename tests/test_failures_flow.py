"""No single input stops the pipeline (real flows under the session's harness): a text too long to be
news and a text whose extraction raises are stored, reported and released as not extracted, the
rest of the run is extracted and published, and later runs on the same store succeed; a source with
no article is a clear error and no release; a temporary server left by a killed run is stopped."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conftest import SAMPLES
from flows.config import RunConfig

pytestmark = pytest.mark.flow

TEXTS = sorted(SAMPLES.glob("*.txt"))
GOOD, LATER = [p.name for p in TEXTS[:2]], TEXTS[2]  # two samples for the first run, one for a later run


def _write_inputs(folder: Path) -> None:
    """Two sample articles, one text over the run's limit, and one within it but over spaCy's own
    limit (1,000,000 characters), on which the model raises."""
    folder.mkdir()
    (folder / "source.json").write_text((SAMPLES / "source.json").read_text(encoding="utf-8"), encoding="utf-8")
    for name in GOOD:
        (folder / name).write_text((SAMPLES / name).read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "huge-report.txt").write_text("Orvenna audited the copper ledgers again. " * 26_200, encoding="utf-8")
    (folder / "long-minutes.txt").write_text("Talsk read the treaty minutes aloud. " * 27_600, encoding="utf-8")


def _articles(release: Path) -> pd.DataFrame:
    articles = pd.read_parquet(release / "data" / "articles.parquet")
    return articles.set_index(articles["url"].map(lambda url: Path(url.split(":", 1)[1]).stem))


@pytest.fixture(scope="module")
def runs(prefect_harness, tmp_path_factory):
    from flows.pipeline import pipeline

    tmp = tmp_path_factory.mktemp("failures")
    _write_inputs(tmp / "inputs")
    later = tmp / "later"
    later.mkdir()
    (later / LATER.name).write_text(LATER.read_text(encoding="utf-8"), encoding="utf-8")
    (later / "source.json").write_text((SAMPLES / "source.json").read_text(encoding="utf-8"), encoding="utf-8")
    config = RunConfig(store=tmp / "store", releases=tmp / "releases", max_article_chars=1_050_000,
                       extraction_attempts=2)
    first = pipeline(sources=[str(tmp / "inputs")], config=config)
    second = pipeline(sources=[str(later)], config=config)
    third = pipeline(sources=[], config=config)
    return {"tmp": tmp, "runs": [first, second, third], "store": tmp / "store"}


def test_the_run_goes_on_and_publishes_without_the_two_articles(runs):
    first = runs["runs"][0]
    assert first["extract"]["extracted"] == 2
    problems = {p["url"].split(":", 1)[1]: p for p in first["extract"]["problems"]}
    assert problems["huge-report.txt"]["status"] == "skipped_too_long"
    assert "1,100,400 characters, over the limit of 1,050,000" in problems["huge-report.txt"]["note"]
    assert problems["long-minutes.txt"]["status"] == "failed"
    assert problems["long-minutes.txt"]["note"].startswith("ValueError: [E088]")
    release = Path(first["release"]["path"])
    articles = _articles(release)
    assert articles.loc["huge-report", "extraction_status"] == "skipped_too_long"
    assert articles.loc["long-minutes", "extraction_status"] == "failed"
    assert articles.loc["long-minutes", "extraction_note"].startswith("ValueError: [E088] Text of length 1021200")
    assert (articles.drop(index=["huge-report", "long-minutes"])["extraction_status"] == "extracted").all()
    quotes = pd.read_parquet(release / "data" / "quotes.parquet")
    assert set(quotes["article_id"]) == set(articles.drop(index=["huge-report", "long-minutes"])["article_id"])
    card = (release / "README.md").read_text(encoding="utf-8")
    assert "## Articles not extracted" in card
    assert "huge-report.txt: skipped_too_long: text is 1,100,400 characters" in card
    assert "long-minutes.txt: failed: ValueError: [E088]" in card
    validation = json.loads((release / "validation.json").read_text(encoding="utf-8"))
    assert validation["success"] is True


def test_later_runs_on_the_same_store_succeed_and_retry_a_failure_a_bounded_number_of_times(runs):
    store = runs["store"]
    second, third = runs["runs"][1], runs["runs"][2]
    assert second["extract"]["extracted"] == 1  # the later sample; the failed article tried again, failed again
    assert {p["status"] for p in second["extract"]["problems"]} == {"skipped_too_long", "failed"}
    articles = _articles(Path(second["release"]["path"]))
    assert len(articles) == 5 and articles.loc["long-minutes", "extraction_status"] == "failed"
    records = [json.loads(p.read_text()) for p in (store / "extraction_problems").rglob("*.json")]
    assert sorted((r["status"], r["attempts"]) for r in records) == [("failed", 2), ("skipped_too_long", 0)]
    # Two attempts made: the third run tries nothing, starts no batch, and still lists both articles.
    assert third["extract"]["batches"] == 0 and third["extract"]["extracted"] == 0
    assert sorted(p["status"] for p in third["extract"]["problems"]) == ["failed", "skipped_too_long"]
    assert third.get("unchanged_since") == second["release"]["version"]


def test_a_source_without_an_article_is_a_clear_error_and_no_release(prefect_harness, tmp_path, capsys):
    from flows.cli import main

    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.md").write_text("not an article", encoding="utf-8")
    (empty / "blank.txt").write_text("", encoding="utf-8")
    code = main(["run", "--source", str(empty), "--store", str(tmp_path / "store"),
                 "--output", str(tmp_path / "releases")])
    captured = capsys.readouterr()
    assert code == 2
    assert f"dealwire: error: no articles in {empty} (2 files rejected: see fetch_log)" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert not (tmp_path / "releases").exists()


def _alive(pid: int) -> bool:
    from flows.server import alive

    return alive(pid)


def test_a_server_left_by_a_killed_run_is_stopped_by_the_next(tmp_path):
    from flows.server import orphaned_servers, stop_orphaned_servers

    script = ("import flows, time\n"
              "from prefect.server.api.server import SubprocessASGIServer\n"
              "server = SubprocessASGIServer()\n"
              "server.start()\n"
              "print(server.server_process.pid, flush=True)\n"
              "time.sleep(600)\n")
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect-home")}
    env.pop("PREFECT_API_URL", None)
    owner = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env,
                             cwd=Path(__file__).resolve().parent.parent)
    server = None
    try:
        server = int(owner.stdout.readline())
        assert server not in orphaned_servers()  # its owner runs: not ours to stop
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=10)
        time.sleep(0.5)
        assert _alive(server)  # killed, the owner could not stop its server
        assert server in stop_orphaned_servers()
        deadline = time.monotonic() + 10
        while _alive(server) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(server)
    finally:
        if owner.poll() is None:
            owner.kill()
        if server and _alive(server):
            os.kill(server, signal.SIGKILL)
